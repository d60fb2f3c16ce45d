/**
 * The metric sinks unreachable under the running bridge, then back on their ports: InfluxDB and the
 * OpenTelemetry Collector, both down from the start (the OTLP exporter retries each export for seconds
 * before it gives up, so the two outages overlap to keep the run short). The bridge must keep serving
 * /metrics and ingesting, count every failed export in isthmus_telemetry_export_errors_total{exporter},
 * and deliver again once the sink is back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OtlpReceiver } from '../support/otlp-receiver.ts';
import { freePort } from '../support/free-port.ts';
import { startFaultHarness } from './fault-harness.ts';
import type { FaultHarness } from './fault-harness.ts';
import { InfluxStandIn } from './influx-stand-in.ts';
import type { MetricSamples } from './metric-samples.ts';

const EXPORT_ERRORS = 'isthmus_telemetry_export_errors_total';
const FLOWS = 'isthmus_hubble_flows_total';

let harness: FaultHarness;
let influxPort: number;
let otlpPort: number;
const sinks: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  // Nothing listens on either port until a case starts the sink there.
  influxPort = await freePort();
  otlpPort = await freePort();
  harness = await startFaultHarness({ influxUrl: `http://127.0.0.1:${influxPort}`, otlpEndpoint: `http://127.0.0.1:${otlpPort}` });
});

afterAll(async () => {
  await harness.close();
  await Promise.all(sinks.map((sink) => sink.close()));
});

/** /metrics still answers and the bridge still counts flows. */
async function expectStillServing(since: MetricSamples, what: string): Promise<MetricSamples> {
  return harness.waitForMetrics((metrics) => metrics.sum(FLOWS) > since.sum(FLOWS), `flows still counted on /metrics while ${what}`);
}

describe('exporter faults under the running bridge', () => {
  it('counts the failed writes while InfluxDB is unreachable, keeps serving, and writes once it is back', async () => {
    const before = await harness.scrape();
    expect(before.series(EXPORT_ERRORS, { exporter: 'influx' })).toHaveLength(1);
    const failing = await harness.waitForMetrics((metrics) => metrics.sum(EXPORT_ERRORS, { exporter: 'influx' }) >= before.sum(EXPORT_ERRORS, { exporter: 'influx' }) + 2, 'failed InfluxDB writes counted');
    await expectStillServing(failing, 'InfluxDB is down');

    const influx = await InfluxStandIn.listen(influxPort);
    sinks.push(influx);
    await harness.waitFor(() => influx.lines.some((line) => line.startsWith('tunnel')), 'tunnel points written to InfluxDB once it is back');
    // Recovered: a write succeeds with no failure counted in between.
    const back = await harness.scrape();
    const written = influx.lines.length;
    await harness.waitFor(() => influx.lines.length > written, 'a later write');
    expect((await harness.scrape()).sum(EXPORT_ERRORS, { exporter: 'influx' })).toBe(back.sum(EXPORT_ERRORS, { exporter: 'influx' }));
  });

  it('counts the failed exports while the OpenTelemetry Collector is down, keeps serving, and exports once it is back', async () => {
    const before = await harness.scrape();
    expect(before.series(EXPORT_ERRORS, { exporter: 'otlp' })).toHaveLength(1);
    const failing = await harness.waitForMetrics((metrics) => metrics.sum(EXPORT_ERRORS, { exporter: 'otlp' }) > 0, 'failed OTLP exports counted', 15_000);
    await expectStillServing(failing, 'the collector is down');

    const collector = await OtlpReceiver.http(otlpPort);
    sinks.push(collector);
    await harness.waitFor(() => collector.received.some((received) => received.resourceMetrics.length > 0), 'an export to the collector once it is back', 15_000);
    const exported = collector.received.at(-1)?.resourceMetrics.flatMap((entry) => entry.scopes.flatMap((scope) => scope.metrics.map((metric) => metric.name)));
    expect(exported).toContain('isthmus.telemetry.export_errors');
  });
});
