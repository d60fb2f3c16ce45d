import { describe, expect, it } from 'vitest';
import { crossSitePairs } from '../correlate/site-pair.ts';
import type { SitePair } from '../correlate/site-pair.ts';
import { TunnelPathIndex } from '../correlate/tunnel-path-index.ts';
import type { TunnelSample } from '../domain/tunnel-sample.ts';
import { evaluateService } from './evaluate-service.ts';
import { evaluateServices } from './evaluate-services.ts';
import { fakeTunnelSource } from './testdata/fake-tunnel-source.ts';
import type { FakeTunnel } from './testdata/fake-tunnel-source.ts';
import { BOUNDS, MINUTE, T0 } from './testdata/optimizer-fixture.ts';
import { windowedReadings } from './windowed-readings.ts';

/** Samples one minute apart ending at T0, latency in ms (jitter 1 ms, no loss unless given). */
function series(latencies: readonly number[], fields: Partial<TunnelSample> = {}): TunnelSample[] {
  return latencies.map((latency, i) => ({ time: T0 - (latencies.length - 1 - i) * MINUTE, latencySeconds: latency / 1000, jitterSeconds: 0.001, lossRatio: 0, state: 'up', ...fields }));
}

const WINDOW = { nowMs: T0, windowMs: 5 * MINUTE, statistic: 'mean' as const };
const PAIRS: SitePair[] = [
  { from: 100, to: 200 },
  { from: 300, to: 200 },
];

function index(tunnels: readonly FakeTunnel[], statistic: 'mean' | 'p95' | 'max' = 'mean'): TunnelPathIndex {
  return new TunnelPathIndex(windowedReadings(fakeTunnelSource(tunnels), { ...WINDOW, statistic }));
}

function evaluate(tunnels: readonly FakeTunnel[], statistic: 'mean' | 'p95' | 'max' = 'mean') {
  return evaluateService({ service: 'shop/checkout', bounds: BOUNDS, candidates: ['mpls', 'lte'], pairs: PAIRS, pairSource: 'traffic' }, index(tunnels, statistic));
}

describe('windowedReadings + evaluateService', () => {
  it('judges each color on the worst pair, over the window, with a normalised margin', () => {
    const evaluation = evaluate([
      { from: 100, to: 200, color: 'mpls', samples: series([20, 20, 30, 30, 40]) },
      { from: 300, to: 200, color: 'mpls', samples: series([40, 40, 40, 40, 40]) },
      { from: 100, to: 200, color: 'lte', samples: series([60, 60, 60, 60, 60]) },
      { from: 300, to: 200, color: 'lte', samples: series([30, 30, 30, 30, 30]) },
    ]);
    const [mpls, lte] = evaluation.candidates;
    expect(mpls).toMatchObject({ color: 'mpls', compliant: true, verdict: 'meets', limitingBound: 'latency' });
    expect(mpls?.margin).toBeCloseTo(0.2);
    expect(mpls?.measured?.latencySeconds).toBeCloseTo(0.04);
    expect(mpls?.pairs?.map((pair) => pair.margin)).toEqual([expect.closeTo(0.44) as number, expect.closeTo(0.2) as number]);
    expect(lte).toMatchObject({ color: 'lte', compliant: false, verdict: 'violates' });
    expect(lte?.margin).toBeCloseTo(-0.2);
  });

  it('is stricter with p95 or max than with the mean, on the same samples', () => {
    const tunnels: FakeTunnel[] = [
      { from: 100, to: 200, color: 'mpls', samples: series([30, 30, 30, 30, 70]) },
      { from: 300, to: 200, color: 'mpls', samples: series([10, 10, 10, 10, 10]) },
    ];
    expect(evaluate(tunnels, 'mean').candidates[0]?.compliant).toBe(true);
    expect(evaluate(tunnels, 'max').candidates[0]?.compliant).toBe(false);
    expect(evaluate(tunnels, 'p95').candidates[0]?.margin).toBeCloseTo(-0.4);
  });

  it('counts down samples as loss 1, and a currently down tunnel as down', () => {
    const downSamples = evaluate([
      { from: 100, to: 200, color: 'mpls', samples: series([20, 20, 0, 20, 20]).map((s, i) => (i === 2 ? { ...s, state: 'down' as const } : s)) },
      { from: 300, to: 200, color: 'mpls', samples: series([20]) },
    ]).candidates[0];
    expect(downSamples).toMatchObject({ compliant: false, limitingBound: 'loss' });
    expect(downSamples?.measured?.lossRatio).toBeCloseTo(0.2);
    const downNow = evaluate([
      { from: 100, to: 200, color: 'mpls', samples: [], state: 'down' },
      { from: 300, to: 200, color: 'mpls', samples: series([20]) },
    ]).candidates[0];
    expect(downNow).toMatchObject({ compliant: false, measured: { lossRatio: 1 } });
    expect(downNow?.pairs?.[0]?.status).toBe('down');
  });

  it('treats stale, missing and too-old telemetry as unknown, never healthy', () => {
    const good = series([10, 10, 10]);
    const stale = evaluate([
      { from: 100, to: 200, color: 'mpls', samples: good, stale: true },
      { from: 300, to: 200, color: 'mpls', samples: good },
    ]).candidates[0];
    expect(stale).toMatchObject({ compliant: undefined, margin: undefined, verdict: 'unknown-telemetry' });
    const old = evaluate([
      { from: 100, to: 200, color: 'mpls', samples: good.map((s) => ({ ...s, time: s.time - 60 * MINUTE })) },
      { from: 300, to: 200, color: 'mpls', samples: good },
    ]).candidates[0];
    expect(old?.compliant).toBeUndefined();
    expect(old?.pairs?.map((pair) => pair.status)).toEqual(['stale', 'up']);
    const missing = evaluate([{ from: 100, to: 200, color: 'mpls', samples: good }]).candidates[0];
    expect(missing?.compliant).toBeUndefined();
    expect(missing?.pairs?.[1]?.status).toBe('missing');
  });

  it('still reports a known violation when another pair is unknown', () => {
    const candidate = evaluate([
      { from: 100, to: 200, color: 'mpls', samples: series([90]) },
      { from: 300, to: 200, color: 'mpls', samples: series([10]), stale: true },
    ]).candidates[0];
    expect(candidate).toMatchObject({ compliant: false, verdict: 'violates' });
    expect(candidate?.margin).toBeCloseTo(-0.8);
  });
});

describe('evaluateServices', () => {
  const tunnels: FakeTunnel[] = [
    { from: 100, to: 200, color: 'mpls', samples: series([10]) },
    { from: 100, to: 300, color: 'mpls', samples: series([90]) },
  ];

  it('takes the site pairs from traffic when there is some', () => {
    const traffic = { sitePairs: (key: string) => (key === 'shop/checkout' ? [{ from: 100, to: 200 }] : []) };
    const [evaluation] = evaluateServices({
      targets: [{ service: 'shop/checkout', bounds: BOUNDS, candidates: ['mpls'], fallbackPairs: crossSitePairs([100], [200, 300]) }],
      traffic,
      index: index(tunnels),
    });
    expect(evaluation).toMatchObject({ pairSource: 'traffic', pairs: [{ from: 100, to: 200 }], candidates: [{ color: 'mpls', compliant: true }] });
  });

  it('before any traffic, judges every client-site × endpoint-site pair', () => {
    const [evaluation] = evaluateServices({
      targets: [{ service: 'shop/checkout', bounds: BOUNDS, candidates: ['mpls'], fallbackPairs: crossSitePairs([100], [100, 200, 300]) }],
      traffic: { sitePairs: () => [] },
      index: index(tunnels),
    });
    expect(evaluation?.pairSource).toBe('fallback');
    expect(evaluation?.pairs).toEqual([
      { from: 100, to: 200 },
      { from: 100, to: 300 },
    ]);
    expect(evaluation?.candidates[0]).toMatchObject({ compliant: false, verdict: 'violates' });
  });

  it('without pairs, says there is nothing to judge', () => {
    const [evaluation] = evaluateServices({ targets: [{ service: 'shop/checkout', bounds: BOUNDS, candidates: ['mpls'] }], traffic: { sitePairs: () => [] }, index: index(tunnels) });
    expect(evaluation).toMatchObject({ pairSource: 'none', candidates: [{ color: 'mpls', compliant: undefined, verdict: 'no-pairs' }] });
  });
});
