import { describe, expect, it } from 'vitest';
import type { Color } from '../domain/color.ts';
import type { SloBounds } from '../domain/slo.ts';
import type { TunnelReading } from '../domain/tunnel-stats-source.ts';
import { AggregationStore } from './aggregation-store.ts';
import { createCorrelationScratch } from './correlated-flow.ts';
import { candidatePaths, servicePath } from './service-path.ts';
import type { ServicePathRequest } from './service-path.ts';
import { servicePathPairs, servicePaths, sloBoundsOf } from './service-paths.ts';
import { crossSitePairs } from './site-pair.ts';
import { goldenJson } from './testdata/golden-json.ts';
import { T0_MS } from './testdata/test-flow.ts';
import { TunnelPathIndex } from './tunnel-path-index.ts';

interface ReadingFields {
  readonly latency?: number;
  readonly jitter?: number;
  readonly loss?: number;
  readonly state?: 'up' | 'down' | undefined;
  readonly stale?: boolean;
  readonly noSample?: boolean;
  /** The edge number at the local site, for dual-edge sites. */
  readonly edge?: number;
  readonly remoteColor?: Color;
}

function reading(from: number, to: number, color: Color, fields: ReadingFields = {}): TunnelReading {
  const local = { systemIp: `10.0.${from / 100}.${fields.edge ?? 1}`, color };
  const remote = { systemIp: `10.0.${to / 100}.1`, color: fields.remoteColor ?? color };
  const state = 'state' in fields ? fields.state : 'up';
  return {
    tunnel: { key: { local, remote }, name: `${local.systemIp}:${color}-${remote.systemIp}:${remote.color}`, localSiteId: from, remoteSiteId: to, localHostName: undefined, remoteHostName: undefined },
    state,
    latest: fields.noSample === true ? undefined : { time: T0_MS, latencySeconds: fields.latency ?? 0.02, jitterSeconds: fields.jitter ?? 0.002, lossRatio: fields.loss ?? 0, state: state ?? 'up' },
    lastSeen: T0_MS,
    stale: fields.stale ?? false,
  };
}

const BOUNDS: SloBounds = { maxLatencySeconds: 0.05, maxJitterSeconds: 0.01, maxLossRatio: 0.01 };
const PAIRS = [
  { from: 100, to: 200 },
  { from: 300, to: 200 },
];

function request(fields: Partial<ServicePathRequest> = {}): ServicePathRequest {
  return { service: 'shop/catalog', color: 'mpls', pairs: PAIRS, pairSource: 'traffic', bounds: BOUNDS, ...fields };
}

describe('servicePath', () => {
  it('takes the worst over every pair on the color and meets the bounds: SLI 1', () => {
    const index = new TunnelPathIndex([reading(100, 200, 'mpls', { latency: 0.02 }), reading(300, 200, 'mpls', { latency: 0.045, loss: 0.002, jitter: 0.004 }), reading(100, 200, 'lte', { latency: 0.2 })]);
    const path = servicePath(request(), index);
    expect(path).toMatchObject({ compliant: 1, verdict: 'meets', worst: { latencySeconds: 0.045, jitterSeconds: 0.004, lossRatio: 0.002 } });
    expect(path.pairs.map((pair) => pair.status)).toEqual(['up', 'up']);
  });

  it('fails when one pair breaks a bound: SLI 0', () => {
    const index = new TunnelPathIndex([reading(100, 200, 'mpls'), reading(300, 200, 'mpls', { loss: 0.03 })]);
    expect(servicePath(request(), index)).toMatchObject({ compliant: 0, verdict: 'violates', worst: { lossRatio: 0.03 } });
  });

  it('counts a down tunnel as total loss', () => {
    const index = new TunnelPathIndex([reading(100, 200, 'mpls', { state: 'down' }), reading(300, 200, 'mpls')]);
    const path = servicePath(request(), index);
    expect(path).toMatchObject({ compliant: 0, verdict: 'violates', worst: { lossRatio: 1 } });
    expect(path.pairs[0]).toMatchObject({ status: 'down', tunnels: 1, unknownTunnels: 0 });
  });

  it('never counts stale or missing telemetry as healthy', () => {
    const stale = servicePath(request(), new TunnelPathIndex([reading(100, 200, 'mpls'), reading(300, 200, 'mpls', { stale: true })]));
    expect(stale).toMatchObject({ compliant: undefined, verdict: 'unknown-telemetry', worst: undefined });
    expect(stale.pairs.map((pair) => pair.status)).toEqual(['up', 'stale']);
    const missing = servicePath(request(), new TunnelPathIndex([reading(100, 200, 'mpls')]));
    expect(missing).toMatchObject({ compliant: undefined, verdict: 'unknown-telemetry', worst: undefined });
    expect(missing.pairs.map((pair) => pair.status)).toEqual(['up', 'missing']);
    const noData = servicePath(request(), new TunnelPathIndex([reading(100, 200, 'mpls', { state: undefined }), reading(300, 200, 'mpls', { noSample: true })]));
    expect(noData.pairs.map((pair) => pair.status)).toEqual(['missing', 'missing']);
    expect(noData.compliant).toBeUndefined();
  });

  it('reports a known violation even when another pair is unknown', () => {
    const index = new TunnelPathIndex([reading(100, 200, 'mpls', { state: 'down' }), reading(300, 200, 'mpls', { stale: true })]);
    expect(servicePath(request(), index)).toMatchObject({ compliant: 0, verdict: 'violates', worst: { lossRatio: 1 } });
  });

  it('takes the worst tunnel of a dual-edge pair, and a stale one makes the pair unknown', () => {
    const both = new TunnelPathIndex([reading(100, 200, 'mpls', { edge: 1, latency: 0.01 }), reading(100, 200, 'mpls', { edge: 2, latency: 0.04 })]);
    expect(servicePath(request({ pairs: [{ from: 100, to: 200 }] }), both)).toMatchObject({ compliant: 1, worst: { latencySeconds: 0.04 } });
    const oneStale = new TunnelPathIndex([reading(100, 200, 'mpls', { edge: 1 }), reading(100, 200, 'mpls', { edge: 2, stale: true })]);
    const path = servicePath(request({ pairs: [{ from: 100, to: 200 }] }), oneStale);
    expect(path.pairs[0]).toMatchObject({ status: 'stale', tunnels: 2, unknownTunnels: 1 });
    expect(path.compliant).toBeUndefined();
  });

  it('ignores cross-color tunnels and tunnels without sites', () => {
    const cross = reading(100, 200, 'mpls', { remoteColor: 'lte', latency: 0.001 });
    const unplaced = reading(300, 200, 'mpls');
    const index = new TunnelPathIndex([cross, { ...unplaced, tunnel: { ...unplaced.tunnel, localSiteId: undefined } }]);
    expect(index.readings('mpls', 100, 200)).toEqual([]);
    expect(servicePath(request(), index).pairs.map((pair) => pair.status)).toEqual(['missing', 'missing']);
  });

  it('has no SLI without pairs, without a color, or without an SLO (still measuring the path)', () => {
    const index = new TunnelPathIndex([reading(100, 200, 'mpls'), reading(300, 200, 'mpls')]);
    expect(servicePath(request({ pairs: [], pairSource: 'none' }), index)).toMatchObject({ compliant: undefined, verdict: 'no-pairs', worst: undefined });
    expect(servicePath(request({ color: undefined }), index)).toMatchObject({ compliant: undefined, verdict: 'no-color', pairs: [] });
    expect(servicePath(request({ bounds: undefined }), index)).toMatchObject({ compliant: undefined, verdict: 'no-slo', worst: { latencySeconds: 0.02 } });
  });

  it('judges every candidate color in order, for the optimizer', () => {
    const index = new TunnelPathIndex([
      reading(100, 200, 'mpls', { latency: 0.03 }),
      reading(300, 200, 'mpls', { latency: 0.03 }),
      reading(100, 200, 'biz-internet', { latency: 0.08 }),
      reading(300, 200, 'biz-internet', { latency: 0.02 }),
    ]);
    const { color: _color, ...rest } = request();
    const paths = candidatePaths(rest, ['biz-internet', 'mpls', 'lte'], index);
    expect(paths.map((path) => [path.color, path.compliant, path.verdict])).toEqual([
      ['biz-internet', 0, 'violates'],
      ['mpls', 1, 'meets'],
      ['lte', undefined, 'unknown-telemetry'],
    ]);
  });
});

describe('servicePaths', () => {
  const index = new TunnelPathIndex([
    reading(100, 200, 'mpls', { latency: 0.03 }),
    reading(100, 300, 'mpls', { latency: 0.035 }),
    reading(100, 200, 'biz-internet', { latency: 0.06, jitter: 0.012 }),
    reading(100, 300, 'biz-internet', { stale: true }),
    reading(200, 300, 'lte', { state: 'down' }),
  ]);

  function storeWithTraffic(): AggregationStore {
    const store = new AggregationStore();
    const flow = { ...createCorrelationScratch(), clientSiteId: 100, colorSource: 'assignment' as const };
    store.recordCorrelated({ ...flow, service: 'shop/catalog', serverSiteId: 200, color: 'mpls' }, T0_MS);
    store.recordCorrelated({ ...flow, service: 'shop/catalog', serverSiteId: 300, color: 'mpls' }, T0_MS + 60_000);
    store.recordCorrelated({ ...flow, service: 'shop/cart', serverSiteId: 100, colorSource: 'intra-site' }, T0_MS);
    store.recordCorrelated({ ...flow, service: 'shop/search', serverSiteId: 200, color: 'biz-internet' }, T0_MS);
    return store;
  }

  it('joins each Service’s traffic pairs with its current color: golden', async () => {
    const colors: Record<string, Color> = { 'shop/catalog': 'mpls', 'shop/search': 'biz-internet', 'shop/cart': 'mpls', 'video/stream': 'lte', 'shop/ledger': 'mpls' };
    const paths = servicePaths({
      targets: [
        { service: 'shop/catalog', bounds: BOUNDS },
        { service: 'shop/search', bounds: { maxLatencySeconds: 0.1 } },
        { service: 'shop/cart', bounds: BOUNDS },
        { service: 'video/stream', bounds: BOUNDS, fallbackPairs: crossSitePairs([200], [300, 200]) },
        { service: 'shop/ledger', bounds: undefined, fallbackPairs: [{ from: 100, to: 300 }] },
        { service: 'shop/unassigned', bounds: BOUNDS },
      ],
      traffic: storeWithTraffic(),
      index,
      colorOf: (service) => colors[service],
    });
    expect(paths.map((path) => [path.service, path.color, path.pairSource, path.compliant, path.verdict])).toEqual([
      ['shop/catalog', 'mpls', 'traffic', 1, 'meets'],
      ['shop/search', 'biz-internet', 'traffic', 1, 'meets'],
      ['shop/cart', 'mpls', 'none', undefined, 'no-pairs'],
      ['video/stream', 'lte', 'fallback', 0, 'violates'],
      ['shop/ledger', 'mpls', 'fallback', undefined, 'no-slo'],
      ['shop/unassigned', undefined, 'none', undefined, 'no-color'],
    ]);
    await expect(goldenJson(paths)).toMatchFileSnapshot('./testdata/service-paths.golden.json');
  });

  it('prefers observed pairs to the fallback, and can keep only recent ones', () => {
    const store = storeWithTraffic();
    expect(servicePathPairs(store, 'shop/catalog', [{ from: 400, to: 200 }])).toEqual({
      pairs: [
        { from: 100, to: 200 },
        { from: 100, to: 300 },
      ],
      source: 'traffic',
    });
    expect(servicePathPairs(store, 'shop/catalog', undefined, T0_MS + 30_000)).toEqual({ pairs: [{ from: 100, to: 300 }], source: 'traffic' });
    expect(servicePathPairs(store, 'shop/cart', [{ from: 400, to: 200 }])).toEqual({ pairs: [{ from: 400, to: 200 }], source: 'fallback' });
    expect(servicePathPairs(store, 'shop/cart', [])).toEqual({ pairs: [], source: 'none' });
  });

  it('derives the bounds from the Service intent and the expected pairs from client and endpoint sites', () => {
    const slo = { bounds: BOUNDS, objective: 0.99, windowSeconds: 86_400 };
    expect(sloBoundsOf({ mode: 'auto', slo, candidates: undefined, fallback: 'hold' })).toBe(BOUNDS);
    expect(sloBoundsOf({ mode: 'pinned', color: 'mpls', source: 'isthmus.io/tunnel', slo })).toBe(BOUNDS);
    expect(sloBoundsOf({ mode: 'pinned', color: 'mpls', source: 'isthmus.io/tunnel', slo: undefined })).toBeUndefined();
    expect(sloBoundsOf({ mode: 'unmanaged' })).toBeUndefined();
    expect(crossSitePairs([300, 100, 100], [200, 100])).toEqual([
      { from: 100, to: 200 },
      { from: 300, to: 100 },
      { from: 300, to: 200 },
    ]);
  });
});
