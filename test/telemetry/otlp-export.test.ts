import { afterEach, describe, expect, it } from 'vitest';
import { METRIC_CATALOG } from '../../src/telemetry/metric-catalog.ts';
import { OtlpMetrics } from '../../src/telemetry/otlp-metrics.ts';
import type { ExportOutcome } from '../../src/telemetry/otlp-metrics.ts';
import type { OtlpHttpEncoding, OtlpProtocol } from '../../src/telemetry/otlp-exporter.ts';
import { SeriesSource } from '../../src/telemetry/series-source.ts';
import type { ReceivedMetric, ReceivedResourceMetrics } from '../support/otlp-decode.ts';
import { OtlpReceiver } from '../support/otlp-receiver.ts';
import type { OtlpTransport } from '../support/otlp-receiver.ts';
import { sampleTelemetry } from './sample-telemetry.ts';

const HOUR = 3_600_000;

interface Setup {
  readonly protocol: OtlpProtocol;
  readonly httpEncoding?: OtlpHttpEncoding;
  readonly transport: OtlpTransport;
}

const TRANSPORTS: readonly Setup[] = [
  { protocol: 'grpc', transport: 'grpc' },
  { protocol: 'http', transport: 'http/protobuf' },
  { protocol: 'http', httpEncoding: 'json', transport: 'http/json' },
];

function allMetrics(resourceMetrics: readonly ReceivedResourceMetrics[]): Map<string, ReceivedMetric> {
  const out = new Map<string, ReceivedMetric>();
  for (const entry of resourceMetrics) for (const scope of entry.scopes) for (const metric of scope.metrics) out.set(metric.name, metric);
  return out;
}

function metricNamed(metrics: ReadonlyMap<string, ReceivedMetric>, name: string): ReceivedMetric {
  const found = metrics.get(name);
  if (found === undefined) throw new Error(`no metric ${name} in the export; got ${[...metrics.keys()].join(', ')}`);
  return found;
}

describe.each(TRANSPORTS)('OTLP export over $transport', ({ protocol, httpEncoding, transport }) => {
  let receiver: OtlpReceiver | undefined;
  let otlp: OtlpMetrics | undefined;

  afterEach(async () => {
    await otlp?.shutdown();
    await receiver?.close();
  });

  async function exportOnce(outcomes: ExportOutcome[] = []): Promise<{ metrics: Map<string, ReceivedMetric>; resource: ReceivedResourceMetrics['resource']; headers: Readonly<Record<string, string>> }> {
    receiver = protocol === 'grpc' ? await OtlpReceiver.grpc() : await OtlpReceiver.http();
    otlp = new OtlpMetrics({
      source: new SeriesSource(sampleTelemetry()),
      endpoint: receiver.endpoint,
      protocol,
      httpEncoding,
      // Long enough never to fire on its own: the test exports with forceFlush.
      intervalMs: HOUR,
      timeoutMs: 5_000,
      headers: { 'X-Api-Key': 'test-key-123' },
      clusterName: 'edge-eu-1',
      serviceVersion: '0.1.0-test',
      onExport: (outcome) => outcomes.push(outcome),
    });
    await otlp.forceFlush();
    const received = receiver.latest();
    expect(received.transport).toBe(transport);
    expect(received.resourceMetrics[0]?.scopes.map((scope) => [scope.name, scope.version])).toEqual([['isthmus', '0.1.0-test']]);
    return { metrics: allMetrics(received.resourceMetrics), resource: received.resourceMetrics[0]?.resource ?? {}, headers: received.headers };
  }

  it('sends every catalog metric under its dotted name and unit, with the resource and the headers', async () => {
    const outcomes: ExportOutcome[] = [];
    const { metrics, resource, headers } = await exportOnce(outcomes);
    expect(outcomes).toEqual([{ ok: true, error: undefined }]);
    expect(resource).toMatchObject({ 'service.name': 'isthmus', 'service.version': '0.1.0-test', 'k8s.cluster.name': 'edge-eu-1' });
    expect(resource['telemetry.sdk.language']).toBe('nodejs');
    expect(headers['x-api-key']).toBe('test-key-123');
    for (const spec of METRIC_CATALOG) {
      const metric = metricNamed(metrics, spec.otelName);
      expect({ name: metric.name, unit: metric.unit, description: metric.description }).toEqual({ name: spec.otelName, unit: spec.unit, description: spec.help });
      const expectedType = spec.kind === 'counter' ? 'sum' : spec.kind;
      expect(metric.type, spec.otelName).toBe(expectedType);
      if (spec.kind === 'counter') expect([metric.monotonic, metric.temporality]).toEqual([true, 'AGGREGATION_TEMPORALITY_CUMULATIVE']);
    }
  });

  it('carries the values and attributes of the view', async () => {
    const { metrics } = await exportOnce();
    const latency = metricNamed(metrics, 'isthmus.tunnel.latency');
    expect(latency.points).toHaveLength(8);
    expect(latency.points).toContainEqual(
      expect.objectContaining({
        attributes: { local_site: '100', local_system_ip: '10.10.1.11', local_color: 'mpls', remote_site: '200', remote_system_ip: '10.10.1.12', remote_color: 'mpls' },
        value: 0.012,
        valueType: 'double',
      }),
    );
    const flows = metricNamed(metrics, 'isthmus.service.flows');
    expect(flows.points).toContainEqual(
      expect.objectContaining({
        attributes: { namespace: 'catalog', service: 'search', src_site: '300', dst_site: '100', color: 'biz-internet', verdict: 'FORWARDED' },
        value: 55_102,
        valueType: 'int',
      }),
    );
    const remaps = metricNamed(metrics, 'isthmus.remaps');
    expect(remaps.points).toContainEqual(
      expect.objectContaining({ attributes: { namespace: 'shop', service: 'checkout', from: 'biz-internet', to: 'mpls', reason: 'slo-violated' }, value: 2 }),
    );
    expect(metricNamed(metrics, 'isthmus.slo.compliant').points).toContainEqual(
      expect.objectContaining({ attributes: { namespace: 'catalog', service: 'search' }, value: 0 }),
    );
    expect(metricNamed(metrics, 'isthmus.hubble.connected').points).toEqual([expect.objectContaining({ attributes: {}, value: 1 })]);
    expect(metricNamed(metrics, 'isthmus.hubble.flows').points).toEqual([expect.objectContaining({ value: 87_978 })]);
    const polls = metricNamed(metrics, 'isthmus.vmanage.poll.duration');
    expect(polls.temporality).toBe('AGGREGATION_TEMPORALITY_CUMULATIVE');
    expect(polls.points).toEqual([
      expect.objectContaining({
        count: 4,
        sum: 15,
        explicitBounds: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
        bucketCounts: [0, 0, 0, 1, 1, 1, 0, 0, 1, 0, 0],
      }),
    ]);
    const point = polls.points[0];
    expect(point !== undefined && point.timeUnixNano >= point.startTimeUnixNano).toBe(true);
  });
});

describe('OTLP export over time', () => {
  it('follows the view: series of vanished Services and tunnels disappear, counters go on', async () => {
    const receiver = await OtlpReceiver.http();
    const state = sampleTelemetry();
    const otlp = new OtlpMetrics({
      source: new SeriesSource(state),
      endpoint: receiver.endpoint,
      protocol: 'http',
      intervalMs: HOUR,
      clusterName: 'edge-eu-1',
      serviceVersion: '0.1.0-test',
    });
    try {
      await otlp.forceFlush();
      const before = allMetrics(receiver.latest().resourceMetrics);
      expect(metricNamed(before, 'isthmus.service.path.latency').points).toHaveLength(4);

      state.setServicePaths([...state.servicePaths()].filter((path) => path.service.name !== 'search'));
      state.setTunnels([...state.tunnels()].slice(2));
      state.countHubbleFlows(22);
      await otlp.forceFlush();
      const after = allMetrics(receiver.latest().resourceMetrics);
      const services = metricNamed(after, 'isthmus.service.path.latency').points.map((point) => point.attributes.service);
      expect(services.sort()).toEqual(['checkout', 'erp-gateway', 'payments']);
      expect(metricNamed(after, 'isthmus.tunnel.latency').points).toHaveLength(6);
      expect(metricNamed(after, 'isthmus.hubble.flows').points).toEqual([expect.objectContaining({ value: 88_000 })]);
      const [first, second] = [before, after].map((metrics) => metricNamed(metrics, 'isthmus.hubble.flows').points[0]);
      // One cumulative stream: same start, later end.
      expect(second?.startTimeUnixNano).toBe(first?.startTimeUnixNano);
      expect(second?.timeUnixNano).toBeGreaterThanOrEqual(first?.timeUnixNano ?? Infinity);
    } finally {
      await otlp.shutdown();
      await receiver.close();
    }
  });
});

describe('OTLP export failures', () => {
  it('are reported through onExport, never thrown', async () => {
    // A port nothing listens on: take one from a receiver and close it.
    const closed = await OtlpReceiver.http();
    await closed.close();
    const outcomes: ExportOutcome[] = [];
    const otlp = new OtlpMetrics({
      source: new SeriesSource(sampleTelemetry()),
      endpoint: closed.endpoint,
      protocol: 'http',
      intervalMs: HOUR,
      timeoutMs: 500,
      clusterName: 'edge-eu-1',
      serviceVersion: '0.1.0-test',
      onExport: (outcome) => outcomes.push(outcome),
    });
    await otlp.forceFlush().catch(() => undefined);
    await otlp.shutdown().catch(() => undefined);
    expect(outcomes.length).toBeGreaterThan(0);
    expect(outcomes[0]?.ok).toBe(false);
    expect(outcomes[0]?.error).toBeInstanceOf(Error);
  });
});
