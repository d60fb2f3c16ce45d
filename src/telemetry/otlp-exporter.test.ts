import { describe, expect, it } from 'vitest';
import { otlpMetricsUrl } from './otlp-exporter.ts';

describe('otlpMetricsUrl', () => {
  it.each([
    ['http://collector:4318', 'http', 'http://collector:4318/v1/metrics'],
    ['http://collector:4318/', 'http', 'http://collector:4318/v1/metrics'],
    ['https://otlp.example.com/otlp', 'http', 'https://otlp.example.com/otlp/v1/metrics'],
    ['http://collector:4318/v1/metrics', 'http', 'http://collector:4318/v1/metrics'],
    ['http://collector:4317', 'grpc', 'http://collector:4317'],
  ] as const)('%s over %s → %s', (endpoint, protocol, url) => {
    expect(otlpMetricsUrl(endpoint, protocol)).toBe(url);
  });
});
