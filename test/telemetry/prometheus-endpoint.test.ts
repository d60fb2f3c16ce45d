import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TelemetryHttpServer } from '../../src/telemetry/http-server.ts';
import { METRIC_CATALOG } from '../../src/telemetry/metric-catalog.ts';
import { createPrometheusRegistry } from '../../src/telemetry/prometheus-registry.ts';
import { SeriesSource } from '../../src/telemetry/series-source.ts';
import { runTool } from '../support/run-tool.ts';
import { sampleTelemetry } from './sample-telemetry.ts';

/** What Prometheus 2.42 sends when it scrapes. */
const PROMETHEUS_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

describe('the Prometheus endpoint', () => {
  const state = sampleTelemetry();
  const source = new SeriesSource(state);
  const server = new TelemetryHttpServer({
    registries: { text: createPrometheusRegistry(source, 'text'), openmetrics: createPrometheusRegistry(source, 'openmetrics') },
  });
  let base = '';

  beforeAll(async () => {
    const { port } = await server.listen('127.0.0.1:0');
    base = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await server.close();
  });

  async function scrape(accept?: string): Promise<{ type: string; body: string }> {
    const response = await fetch(`${base}/metrics`, { headers: accept === undefined ? {} : { accept } });
    expect(response.status).toBe(200);
    return { type: response.headers.get('content-type') ?? '', body: await response.text() };
  }

  it('serves the text format 0.0.4 by default, with every catalog metric and the sample values', async () => {
    const { type, body } = await scrape();
    expect(type).toBe('text/plain; version=0.0.4; charset=utf-8');
    for (const spec of METRIC_CATALOG) expect(body).toContain(`# TYPE ${spec.prometheusName} ${spec.kind}`);
    const lines = body.split('\n');
    expect(lines).toContain(
      'isthmus_tunnel_latency_seconds{local_site="100",local_system_ip="10.10.1.11",local_color="mpls",remote_site="200",remote_system_ip="10.10.1.12",remote_color="mpls"} 0.012',
    );
    expect(lines).toContain(
      'isthmus_tunnel_up{local_site="100",local_system_ip="10.10.1.11",local_color="lte",remote_site="300",remote_system_ip="10.10.1.13",remote_color="lte"} 0',
    );
    // The tunnel known only from BFD: up, with an unknown local site, and no latency.
    expect(lines).toContain(
      'isthmus_tunnel_up{local_site="",local_system_ip="10.10.1.12",local_color="mpls",remote_site="300",remote_system_ip="10.10.1.13",remote_color="mpls"} 1',
    );
    expect(body).not.toContain('isthmus_tunnel_latency_seconds{local_site=""');
    expect(lines).toContain('isthmus_service_flows_total{namespace="shop",service="checkout",src_site="100",dst_site="200",color="mpls",verdict="FORWARDED"} 18234');
    expect(lines).toContain('isthmus_service_flows_total{namespace="catalog",service="search",src_site="100",dst_site="100",color="",verdict="FORWARDED"} 730');
    expect(lines).toContain('isthmus_service_path_loss_ratio{namespace="catalog",service="search",color="biz-internet"} 0.015');
    expect(lines).toContain('isthmus_slo_max_latency_seconds{namespace="shop",service="checkout"} 0.05');
    expect(lines).toContain('isthmus_slo_objective_ratio{namespace="shop",service="checkout"} 0.999');
    expect(lines).toContain('isthmus_slo_compliant{namespace="catalog",service="search"} 0');
    expect(body).not.toContain('isthmus_slo_compliant{namespace="legacy-apps"');
    expect(lines).toContain('isthmus_service_assignment_info{namespace="catalog",service="search",color="biz-internet",mode="fallback"} 1');
    expect(lines).toContain('isthmus_remaps_total{namespace="shop",service="checkout",from="biz-internet",to="mpls",reason="slo-violated"} 2');
    expect(lines).toContain('isthmus_remaps_total{namespace="shop",service="checkout",from="",to="biz-internet",reason="initial"} 1');
    expect(lines).toContain('isthmus_policy_pushes_total{result="success"} 2');
    expect(lines).toContain('isthmus_policy_push_duration_seconds_bucket{le="2.5"} 2');
    expect(lines).toContain('isthmus_policy_push_duration_seconds_bucket{le="+Inf"} 3');
    expect(lines).toContain('isthmus_policy_push_duration_seconds_count 3');
    expect(lines).toContain('isthmus_hubble_flows_total 87978');
    expect(lines).toContain('isthmus_hubble_lost_events_total{source="HUBBLE_RING_BUFFER"} 42');
    expect(lines).toContain('isthmus_hubble_connected 1');
    expect(lines).toContain('isthmus_vmanage_requests_total{endpoint="/dataservice/statistics/approute",code="200"} 3');
    expect(lines).toContain('isthmus_vmanage_poll_duration_seconds_bucket{le="0.5"} 1');
    expect(lines).toContain('isthmus_vmanage_poll_duration_seconds_count 4');
    expect(lines).toContain('isthmus_telemetry_series_dropped_total{metric="isthmus_service_flows_total"} 0');
    expect(body).toContain('# TYPE process_cpu_user_seconds_total counter');
  });

  it('serves OpenMetrics 1.0.0 when the scraper asks for it, as Prometheus does', async () => {
    const { type, body } = await scrape(PROMETHEUS_ACCEPT);
    expect(type).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect(body.endsWith('# EOF\n')).toBe(true);
    // OpenMetrics names the counter family without _total and its samples with it.
    expect(body).toContain('# TYPE isthmus_service_flows counter');
    expect(body).toContain('isthmus_service_flows_total{namespace="shop",service="checkout",src_site="100",dst_site="200",color="mpls",verdict="FORWARDED"} 18234');
    expect(body).toContain('# TYPE isthmus_vmanage_poll_duration_seconds histogram');
    expect(body).toContain('isthmus_tunnel_loss_ratio{');
  });

  it('keeps the text format intact after an OpenMetrics scrape (separate metric objects)', async () => {
    await scrape(PROMETHEUS_ACCEPT);
    const { body } = await scrape('text/plain');
    expect(body).toContain('# TYPE isthmus_service_flows_total counter');
  });

  it('passes promtool check metrics without a lint warning about Isthmus metrics', async () => {
    const { body } = await scrape();
    const result = await runTool('promtool', ['check', 'metrics'], body);
    const output = `${result.stdout}${result.stderr}`;
    expect(output.split('\n').filter((line) => line.includes('isthmus_'))).toEqual([]);
    expect(result.code, output).toBe(0);
  });

  it('reflects the view at each scrape: new counts, and series of vanished Services gone', async () => {
    state.countHubbleFlows(22);
    state.setServicePaths([]);
    const { body } = await scrape();
    expect(body.split('\n')).toContain('isthmus_hubble_flows_total 88000');
    expect(body).not.toContain('isthmus_service_path_latency_seconds{');
  });
});
