import { describe, expect, it } from 'vitest';
import { createPrometheusRegistry } from './prometheus-registry.ts';
import { SeriesSource } from './series-source.ts';
import { TelemetryState } from './telemetry-state.ts';
import type { ServiceFlowCount } from './telemetry-view.ts';

function flows(services: number, count: number): ServiceFlowCount[] {
  return Array.from({ length: services }, (_, index) => ({
    service: { namespace: 'ns', name: `svc-${index}` },
    srcSite: 1,
    dstSite: 2,
    color: 'mpls',
    verdict: 'FORWARDED',
    count,
  }));
}

describe('SeriesSource', () => {
  it('caps every metric at the series limit, with one overflow series and the dropped count exported', async () => {
    const state = new TelemetryState();
    state.setServiceFlows(flows(25, 10));
    const registry = createPrometheusRegistry(new SeriesSource(state, { seriesLimit: 10 }), 'text', { processMetrics: false });
    const lines = (await registry.metrics()).split('\n');
    expect(lines.filter((line) => line.startsWith('isthmus_service_flows_total{'))).toHaveLength(10);
    expect(lines).toContain(
      'isthmus_service_flows_total{namespace="__overflow__",service="__overflow__",src_site="__overflow__",dst_site="__overflow__",color="__overflow__",verdict="__overflow__"} 160',
    );
    expect(lines).toContain('isthmus_telemetry_series_dropped_total{metric="isthmus_service_flows_total"} 16');
  });

  it('exports the failed attempts of each configured exporter from 0, and the Hubble stream\'s reconnects and undecodable messages', async () => {
    const state = new TelemetryState();
    state.countHubbleReconnects(2);
    state.countHubbleDecodeErrors(3);
    const source = new SeriesSource(state);
    source.registerExporter('otlp');
    source.registerExporter('influx');
    source.countExportError('influx');
    source.countExportError('influx');
    const lines = (await createPrometheusRegistry(source, 'text', { processMetrics: false }).metrics()).split('\n');
    expect(lines).toContain('isthmus_telemetry_export_errors_total{exporter="otlp"} 0');
    expect(lines).toContain('isthmus_telemetry_export_errors_total{exporter="influx"} 2');
    expect(lines).toContain('isthmus_hubble_reconnects_total 2');
    expect(lines).toContain('isthmus_hubble_decode_errors_total 3');
    expect(lines.filter((line) => line.startsWith('isthmus_telemetry_export_errors_total{'))).toHaveLength(2);
  });

  it('leaves out counts that break the counting rules instead of failing the scrape', () => {
    const state = new TelemetryState();
    state.setServiceFlows([...flows(1, Number.NaN), ...flows(1, -3)]);
    expect(new SeriesSource(state).scalar('serviceFlows')).toEqual([]);
  });
});
