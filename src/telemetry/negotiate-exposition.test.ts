import { describe, expect, it } from 'vitest';
import { negotiateExposition } from './negotiate-exposition.ts';

describe('negotiateExposition', () => {
  it.each([
    [undefined, 'text'],
    ['', 'text'],
    ['*/*', 'text'],
    ['text/plain', 'text'],
    ['text/plain;version=0.0.4', 'text'],
    ['application/json', 'text'],
    ['application/openmetrics-text', 'openmetrics'],
    ['application/openmetrics-text; version=1.0.0; charset=utf-8', 'openmetrics'],
    // Prometheus 2.42's scrape header.
    ['application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1', 'openmetrics'],
    // Prometheus with OpenMetrics disabled (scrape_protocols without it).
    ['text/plain;version=0.0.4;q=0.5,*/*;q=0.1', 'text'],
    ['application/openmetrics-text;version=0.0.1', 'text'],
    ['application/openmetrics-text;q=0', 'text'],
    ['text/plain;q=0.9, application/openmetrics-text;q=1', 'openmetrics'],
    ['application/openmetrics-text;q=0.5, text/plain;q=0.9', 'text'],
    ['application/openmetrics-text, text/plain', 'openmetrics'],
  ] as const)('%j → %s', (accept, format) => {
    expect(negotiateExposition(accept)).toBe(format);
  });
});
