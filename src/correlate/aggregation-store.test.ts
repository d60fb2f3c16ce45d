import { describe, expect, it } from 'vitest';
import type { FlowSeriesView } from './aggregation-reader.ts';
import { AggregationStore } from './aggregation-store.ts';
import { correlateFlow } from './correlate-flow.ts';
import type { CorrelatedFlow } from './correlated-flow.ts';
import { createCorrelationScratch } from './correlated-flow.ts';
import { FlowPipeline } from './flow-pipeline.ts';
import { cumulativeCounts, LatencyHistogram } from './latency-histogram.ts';
import { correlationFixture } from './testdata/correlation-fixture.ts';
import { goldenJson } from './testdata/golden-json.ts';
import { T0_MS, testFlow } from './testdata/test-flow.ts';
import type { TestFlowFields } from './testdata/test-flow.ts';

function correlated(fields: Partial<CorrelatedFlow>): CorrelatedFlow {
  return { ...createCorrelationScratch(), service: 'shop/catalog', clientSiteId: 100, serverSiteId: 200, color: 'mpls', colorSource: 'assignment', verdict: 'FORWARDED', type: 'L3_L4', ...fields };
}

const FRONTEND = { ip: '10.244.1.5', port: 40_000 };
const CATALOG_B = { ip: '10.244.2.10', port: 8080 };
const CATALOG_C = { ip: '10.244.3.10', port: 8080 };

/** A minute of mixed traffic through the fixture, every kind of series the store keeps. */
const traffic: readonly TestFlowFields[] = [
  { src: FRONTEND, dst: CATALOG_B, nodeName: 'node-paris', direction: 'EGRESS' },
  { src: FRONTEND, dst: CATALOG_B, nodeName: 'node-paris', direction: 'EGRESS', type: 'L7' },
  { src: CATALOG_B, dst: FRONTEND, nodeName: 'node-paris', direction: 'EGRESS', isReply: true, type: 'L7', latencySeconds: 0.004 },
  { src: CATALOG_B, dst: FRONTEND, nodeName: 'node-paris', direction: 'EGRESS', isReply: true, type: 'L7', latencySeconds: 0.03 },
  { src: CATALOG_B, dst: FRONTEND, nodeName: 'node-paris', direction: 'EGRESS', isReply: true, type: 'L7', latencySeconds: 0.3 },
  { src: CATALOG_C, dst: FRONTEND, nodeName: 'node-paris', direction: 'EGRESS', isReply: true, type: 'L7', latencySeconds: 12 },
  { src: FRONTEND, dst: CATALOG_C, nodeName: 'node-london', direction: 'INGRESS', isReply: undefined, verdict: 'DROPPED', dropReason: 'POLICY_DENIED' },
  { src: FRONTEND, dst: CATALOG_C, nodeName: 'node-london', direction: 'INGRESS', isReply: undefined, verdict: 'DROPPED', dropReason: 'POLICY_DENIED' },
  { src: FRONTEND, dst: CATALOG_C, nodeName: 'node-london', direction: 'INGRESS', isReply: undefined, verdict: 'DROPPED', dropReason: '' },
  { src: FRONTEND, dst: { ip: '10.244.1.20', port: 8080 }, nodeName: 'node-paris', direction: 'EGRESS' },
  { src: FRONTEND, dst: { ip: '10.96.0.20', port: 80, serviceName: 'checkout', serviceNamespace: 'shop' }, nodeName: 'node-paris', direction: 'EGRESS', verdict: 'DROPPED', dropReason: 'SERVICE_BACKEND_NOT_FOUND' },
  { src: FRONTEND, dst: { ...CATALOG_B, serviceName: 'cart', serviceNamespace: 'shop' }, nodeName: 'node-paris', direction: 'EGRESS' },
  { src: FRONTEND, dst: { ip: '8.8.8.8', port: 53 }, nodeName: 'node-paris', direction: 'EGRESS' },
  { src: FRONTEND, dst: { ip: '10.244.9.10', port: 8080 }, nodeName: 'node-paris', direction: 'EGRESS' },
  { src: FRONTEND, dst: { ip: '10.96.0.10', port: 80 }, nodeName: 'node-paris', type: 'SOCK', verdict: 'TRANSLATED' },
];

function fill(store: AggregationStore): void {
  const { view } = correlationFixture();
  traffic.forEach((fields, i) => {
    store.record(correlateFlow(testFlow({ ...fields, timeMs: T0_MS + i * 1000 }), view, { defaultColor: 'biz-internet' }), T0_MS + i * 1000);
  });
}

describe('AggregationStore', () => {
  it('keeps series per (Service, site pair, color, verdict), drops by reason, latency, totals, unresolved: golden', async () => {
    const store = new AggregationStore();
    fill(store);
    await expect(goldenJson(store.snapshot())).toMatchFileSnapshot('./testdata/aggregation-store.golden.json');
  });

  it('counts every record in the totals and unresolved flows by reason', () => {
    const store = new AggregationStore();
    fill(store);
    expect(store.totals()).toEqual({ flows: 15, correlated: 12, unresolved: 3, conflicts: 1 });
    expect(store.unresolvedCounts()).toEqual({
      'not-a-flow': 1,
      'unknown-destination-ip': 1,
      'no-service': 0,
      'unknown-source-ip': 0,
      'unknown-node': 0,
      'node-without-site': 1,
    });
  });

  it('labels series with the Prometheus label names, intra-site `none` and unknown backends `unknown`', () => {
    const store = new AggregationStore();
    fill(store);
    const labels: FlowSeriesView['labels'][] = [];
    store.forEachSeries((series) => labels.push(series.labels));
    expect(labels).toContainEqual({ namespace: 'shop', service: 'catalog', src_site: '100', dst_site: '200', color: 'mpls', verdict: 'FORWARDED' });
    expect(labels).toContainEqual({ namespace: 'shop', service: 'catalog', src_site: '100', dst_site: '300', color: 'mpls', verdict: 'DROPPED' });
    expect(labels).toContainEqual({ namespace: 'shop', service: 'cart', src_site: '100', dst_site: '100', color: 'none', verdict: 'FORWARDED' });
    expect(labels).toContainEqual({ namespace: 'shop', service: 'checkout', src_site: '100', dst_site: 'unknown', color: 'unknown', verdict: 'DROPPED' });
  });

  it('counts drops per reason, `DROP_REASON_UNKNOWN` when Hubble gave none', () => {
    const store = new AggregationStore();
    fill(store);
    const dropped = store.snapshot().series.find((series) => series.labels.service === 'catalog' && series.verdict === 'DROPPED');
    expect(dropped?.flows).toBe(3);
    expect(dropped?.drops).toEqual({ DROP_REASON_UNKNOWN: 1, POLICY_DENIED: 2 });
  });

  it('fills a fixed-bucket L7 latency histogram, with the overflow in the last bucket', () => {
    const store = new AggregationStore({ latencyBucketsSeconds: [0.005, 0.05, 0.5] });
    fill(store);
    const toBerlin = store.snapshot().series.find((series) => series.labels.dst_site === '200' && series.labels.verdict === 'FORWARDED');
    expect(toBerlin?.latency).toMatchObject({ boundsSeconds: [0.005, 0.05, 0.5], bucketCounts: [1, 1, 1, 0], count: 3 });
    expect(toBerlin?.latency?.sumSeconds).toBeCloseTo(0.334, 9);
    const toLondon = store.snapshot().series.find((series) => series.labels.dst_site === '300' && series.labels.verdict === 'FORWARDED');
    expect(toLondon?.latency?.bucketCounts).toEqual([0, 0, 0, 1]);
    const histogram = new LatencyHistogram([0.005, 0.05, 0.5]);
    for (const value of [0.001, 0.005, 0.04, 0.6, Number.NaN, -1]) histogram.observe(value);
    expect(Array.from(histogram.bucketCounts)).toEqual([2, 1, 0, 1]);
    expect(cumulativeCounts(histogram)).toEqual([2, 3, 3, 4]);
  });

  it('reports the site pairs a Service crossed, without intra-site or unknown ones, optionally only recent', () => {
    const store = new AggregationStore();
    fill(store);
    expect(store.sitePairs('shop/catalog')).toEqual([
      { from: 100, to: 200 },
      { from: 100, to: 300 },
    ]);
    // 100 → 300 was last crossed at +8 s, 100 → 200 at +11 s.
    expect(store.sitePairs('shop/catalog', T0_MS + 9000)).toEqual([{ from: 100, to: 200 }]);
    expect(store.sitePairs('shop/catalog', T0_MS + 12_000)).toEqual([]);
    expect(store.sitePairs('shop/cart')).toEqual([]);
    expect(store.sitePairs('shop/checkout')).toEqual([]);
    expect(store.sitePairs('shop/absent')).toEqual([]);
  });

  it('computes flows per second per Service over a sliding window of whole seconds', () => {
    const store = new AggregationStore({ rateWindowSeconds: 10 });
    for (let second = 0; second < 30; second++) {
      for (let n = 0; n < 4; n++) store.recordCorrelated(correlated({}), T0_MS + second * 1000 + n * 200);
    }
    expect(store.flowsPerSecond('shop/catalog', T0_MS + 30_000)).toBe(4);
    // The second in progress is not read; seconds past the window are forgotten.
    expect(store.flowsPerSecond('shop/catalog', T0_MS + 29_500)).toBe(4);
    expect(store.flowsPerSecond('shop/catalog', T0_MS + 35_000)).toBe(2);
    expect(store.flowsPerSecond('shop/catalog', T0_MS + 60_000)).toBe(0);
    // A late flow for a second still in the window counts; one older than its slot does not.
    store.recordCorrelated(correlated({}), T0_MS + 25_100);
    store.recordCorrelated(correlated({}), T0_MS + 5_100);
    expect(store.serviceSummary('shop/catalog', T0_MS + 30_000)).toEqual({
      service: 'shop/catalog',
      namespace: 'shop',
      name: 'catalog',
      flows: 122,
      conflicts: 0,
      flowsPerSecond: 4.1,
      lastSeenMs: T0_MS + 29_600,
    });
    expect(store.flowsPerSecond('shop/absent', T0_MS)).toBe(0);
  });

  it('removes the series of Services that are gone and reports their labels once', () => {
    const store = new AggregationStore();
    fill(store);
    const before = store.generation;
    expect(store.serviceKeys()).toEqual(['shop/cart', 'shop/catalog', 'shop/checkout']);
    expect(store.retainServices((key) => key !== 'shop/catalog')).toEqual(['shop/catalog']);
    expect(store.generation).toBeGreaterThan(before);
    expect(store.serviceKeys()).toEqual(['shop/cart', 'shop/checkout']);
    const removed = store.takeRemovedSeries();
    expect(removed.map((labels) => `${labels.service} ${labels.src_site}>${labels.dst_site} ${labels.color} ${labels.verdict}`).sort()).toEqual([
      'catalog 100>200 mpls FORWARDED',
      'catalog 100>300 mpls DROPPED',
      'catalog 100>300 mpls FORWARDED',
    ]);
    expect(store.takeRemovedSeries()).toEqual([]);
    expect(store.removeService('shop/catalog')).toBe(false);
    // Totals are the stream's and stay monotonic.
    expect(store.totals().flows).toBe(15);
    // A Service that comes back starts again from zero.
    store.recordCorrelated(correlated({}), T0_MS);
    expect(store.snapshot().series.filter((series) => series.labels.service === 'catalog').map((series) => series.flows)).toEqual([1]);
  });

  it('bumps the generation only when series appear or go', () => {
    const store = new AggregationStore();
    store.recordCorrelated(correlated({}), T0_MS);
    const generation = store.generation;
    store.recordCorrelated(correlated({}), T0_MS + 1);
    store.recordUnresolved('no-service');
    expect(store.generation).toBe(generation);
    store.recordCorrelated(correlated({ verdict: 'DROPPED' }), T0_MS + 2);
    expect(store.generation).toBe(generation + 1);
  });

  it('snapshots are copies: later flows do not change them', () => {
    const store = new AggregationStore();
    store.recordCorrelated(correlated({ l7LatencySeconds: 0.01 }), T0_MS);
    const snapshot = store.snapshot();
    store.recordCorrelated(correlated({ l7LatencySeconds: 0.01 }), T0_MS);
    expect(snapshot.series[0]?.flows).toBe(1);
    expect(snapshot.series[0]?.latency?.count).toBe(1);
    expect(store.snapshot().series[0]?.flows).toBe(2);
  });

  it('rejects bad options at construction', () => {
    expect(() => new AggregationStore({ latencyBucketsSeconds: [0.1, 0.05] })).toThrow(RangeError);
    expect(() => new AggregationStore({ rateWindowSeconds: 0 })).toThrow(RangeError);
  });

  it('FlowPipeline counts exactly what correlateFlow + record count', () => {
    const { view } = correlationFixture();
    const viaPipeline = new AggregationStore();
    const pipeline = new FlowPipeline(view, viaPipeline, { defaultColor: 'biz-internet' });
    const direct = new AggregationStore();
    traffic.forEach((fields, i) => {
      const flow = testFlow({ ...fields, timeMs: T0_MS + i * 1000 });
      pipeline.push(flow);
      direct.record(correlateFlow(flow, view, { defaultColor: 'biz-internet' }), T0_MS + i * 1000);
    });
    expect(viaPipeline.snapshot()).toEqual(direct.snapshot());
  });
});
