import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TelemetryHttpServer } from '../../src/telemetry/http-server.ts';
import type { ExpositionFormat } from '../../src/telemetry/prometheus-registry.ts';
import { createPrometheusRegistry } from '../../src/telemetry/prometheus-registry.ts';
import { SeriesSource } from '../../src/telemetry/series-source.ts';
import { PrometheusWithRules } from '../support/prometheus-with-rules.ts';
import { sampleTelemetry } from './sample-telemetry.ts';

describe('a real Prometheus 2.42 scraping the endpoint', () => {
  const served: ExpositionFormat[] = [];
  const source = new SeriesSource(sampleTelemetry());
  const text = createPrometheusRegistry(source, 'text');
  const openmetrics = createPrometheusRegistry(source, 'openmetrics');
  // Records which format each scrape got.
  const server = new TelemetryHttpServer({
    registries: {
      get text() {
        served.push('text');
        return text;
      },
      get openmetrics() {
        served.push('openmetrics');
        return openmetrics;
      },
    },
  });
  let prometheus: PrometheusWithRules | undefined;

  beforeAll(async () => {
    const { port } = await server.listen('127.0.0.1:0');
    prometheus = await PrometheusWithRules.start({ job: 'isthmus', targets: [{ target: `127.0.0.1:${port}`, labels: {} }], ruleFiles: new Map(), interval: '1s' });
  }, 30_000);

  afterAll(async () => {
    await prometheus?.cleanup();
    await server.close();
  }, 30_000);

  it('negotiates OpenMetrics, parses it without error and stores the series', async () => {
    if (prometheus === undefined) throw new Error('prometheus did not start');
    const [target] = await prometheus.waitForScrape();
    expect(target).toMatchObject({ health: 'up', lastError: '' });
    expect(served[0]).toBe('openmetrics');
    const flows = await prometheus.query('isthmus_service_flows_total{namespace="shop",service="checkout"}');
    expect(flows.map((sample) => Number(sample.value?.[1])).sort((a, b) => a - b)).toEqual([12, 4_021, 18_234]);
    const buckets = await prometheus.query('isthmus_vmanage_poll_duration_seconds_bucket{le="2.5"}');
    expect(buckets.map((sample) => sample.value?.[1])).toEqual(['3']);
    const overflow = await prometheus.query('isthmus_telemetry_series_dropped_total');
    expect(overflow.length).toBeGreaterThan(10);
  }, 30_000);
});
