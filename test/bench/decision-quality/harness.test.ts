import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../../simulator/world/parse-scenario.ts';
import { createWorld } from '../../../simulator/world/world.ts';
import type { Color } from '../../../src/domain/color.ts';
import { optimizerParams } from '../../../src/optimizer/optimizer-params.ts';
import { enforcedColorAt } from './isthmus-run.ts';
import { measureScenario } from './measure-scenario.ts';
import {
  attainableSlices,
  compliantSlices,
  lateOraclePlacement,
  oraclePlacement,
  placementRemaps,
  remapsPerIncident,
  staticPlacement,
  violatedDuring,
} from './quality-measures.ts';
import type { ComplianceTable, IncidentSpan, Remap } from './quality-measures.ts';

function table(key: string, columns: Partial<Record<Color, string>>): ComplianceTable {
  const entries = Object.entries(columns) as [Color, string][];
  const slices = entries[0]?.[1].length ?? 0;
  return {
    key,
    candidates: entries.map(([color]) => color),
    compliant: new Map(entries.map(([color, bits]) => [color, Uint8Array.from(bits, (bit) => (bit === '1' ? 1 : 0))])),
    slices,
  };
}

describe('placements on a hand-made table', () => {
  // mpls browns out in slices 2–3, biz-internet in slice 4; nothing complies in slice 6.
  const case1 = table('shop/checkout', { mpls: '1100110', 'biz-internet': '1111010' });

  it('static stays on the first choice and misses what the oracle catches', () => {
    expect(staticPlacement(case1)).toEqual(Array<Color>(7).fill('mpls'));
    expect(compliantSlices(case1, staticPlacement(case1))).toBe(4);
    expect(compliantSlices(case1, oraclePlacement(case1))).toBe(6);
    expect(compliantSlices(case1, staticPlacement(case1))).toBeLessThan(compliantSlices(case1, oraclePlacement(case1)));
  });

  it('the oracle moves only when its color fails, to the most preferred compliant one', () => {
    expect(oraclePlacement(case1)).toEqual(['mpls', 'mpls', 'biz-internet', 'biz-internet', 'mpls', 'mpls', 'mpls']);
  });

  it('a late oracle acts on each slice only once it has ended', () => {
    expect(lateOraclePlacement(case1, 0)).toEqual(oraclePlacement(case1));
    expect(lateOraclePlacement(case1, 1)).toEqual(['mpls', 'mpls', 'mpls', 'biz-internet', 'biz-internet', 'mpls', 'mpls']);
    expect(compliantSlices(case1, lateOraclePlacement(case1, 1))).toBe(4);
  });

  it('the oracle is compliant in every slice where some candidate is', () => {
    // Every 3-slice table over two colors: 64 cases.
    for (let bits = 0; bits < 64; bits++) {
      const column = (shift: number): string => [0, 1, 2].map((slice) => ((bits >> (slice + shift)) & 1 ? '1' : '0')).join('');
      const t = table('ns/s', { mpls: column(0), lte: column(3) });
      expect(compliantSlices(t, oraclePlacement(t))).toBe(attainableSlices(t));
    }
  });

  it('counts remaps as color changes, at the start of the slice they apply to', () => {
    const remaps = placementRemaps('shop/checkout', oraclePlacement(case1), (slice) => 1000 + slice * 10);
    expect(remaps).toEqual([
      { key: 'shop/checkout', timeMs: 1020, from: 'mpls', to: 'biz-internet' },
      { key: 'shop/checkout', timeMs: 1040, from: 'biz-internet', to: 'mpls' },
    ]);
  });
});

describe('remaps per Service per incident', () => {
  const incidents: IncidentSpan[] = [
    { name: 'a', occurrence: 0, startMs: 100, endMs: 200 },
    { name: 'b', occurrence: 0, startMs: 500, endMs: 600 },
  ];
  const remap = (key: string, timeMs: number): Remap => ({ key, timeMs, from: 'mpls', to: 'lte' });

  it('counts remaps within an incident and its tail, per affected Service, and the rest as outside', () => {
    const remaps = [remap('ns/x', 150), remap('ns/x', 210), remap('ns/x', 400), remap('ns/y', 550)];
    const counted = remapsPerIncident(remaps, incidents, ['ns/x', 'ns/y'], () => true, 20);
    // x: 2 in a (one in the tail), 0 in b; y: 0 in a, 1 in b; x's remap at 400 is a return.
    expect(counted).toEqual({ mean: 3 / 4, worst: 2, affected: 4, outside: 1 });
  });

  it('leaves out pairs the incident did not affect', () => {
    const counted = remapsPerIncident([remap('ns/x', 150)], incidents, ['ns/x', 'ns/y'], (key, incident) => key === 'ns/x' && incident.name === 'a', 0);
    expect(counted).toEqual({ mean: 1, worst: 1, affected: 1, outside: 0 });
  });

  it('an incident affects a Service when one of its candidates fails during it', () => {
    const t = table('ns/x', { mpls: '110011', lte: '111111' });
    const affects = violatedDuring([t], (timeMs) => Math.floor(timeMs / 100));
    expect(affects('ns/x', { name: 'a', occurrence: 0, startMs: 200, endMs: 300 })).toBe(true);
    expect(affects('ns/x', { name: 'b', occurrence: 0, startMs: 400, endMs: 600 })).toBe(false);
    expect(affects('ns/other', { name: 'a', occurrence: 0, startMs: 200, endMs: 300 })).toBe(false);
  });
});

describe('the enforced color', () => {
  it('is the latest push in force at the time, none before the first', () => {
    const history = [
      { fromMs: 100, color: 'mpls' as const },
      { fromMs: 300, color: 'lte' as const },
    ];
    expect(enforcedColorAt(history, 50)).toBeUndefined();
    expect(enforcedColorAt(history, 100)).toBe('mpls');
    expect(enforcedColorAt(history, 299)).toBe('mpls');
    expect(enforcedColorAt(history, 300)).toBe('lte');
  });
});

const TINY = `
name: tiny-brownout
seed: 3
fabric: { topology: full-mesh, crossColor: false, samplePeriod: 1s }
sites:
  - { id: 100, colors: [mpls, biz-internet] }
  - { id: 200, colors: [mpls, biz-internet] }
cluster:
  nodes:
    - { name: a, site: 100 }
    - { name: b, site: 200 }
  namespaces: [shop]
  services:
    - { name: api, namespace: shop, replicas: 1, nodes: [b], slo: { latency: 60ms, loss: 1%, tunnels: [mpls, biz-internet] } }
  workloads:
    - { name: web, namespace: shop, replicas: 1, nodes: [a] }
  traffic:
    - { from: shop/web, to: shop/api, rate: 1 }
incidents:
  - { name: mpls-brownout, kind: brownout, target: { color: mpls }, at: 10m, duration: 10m, ramp: 30s, latency: 80ms, loss: 3% }
`;

describe('one brownout on a tiny fabric', () => {
  it('Isthmus moves the Service once, and lands between static and the oracle', async () => {
    const parsed = parseScenario(TINY, 'tiny.yaml');
    if (!parsed.ok) throw new Error(parsed.problems.map((problem) => problem.message).join('\n'));
    const world = createWorld(parsed.scenario);
    const params = optimizerParams({ enabled: true, evaluationWindow: 5 * 60_000, statistic: 'p95', failuresBeforeMove: 3, holdTime: 10 * 60_000, returnMargin: 0.1, dryRun: false });
    const quality = await measureScenario(world, {
      fromMs: world.startMs,
      durationMs: 40 * 60_000,
      sliceMs: 60_000,
      attributionMs: 5 * 60_000,
      model: { params, pollIntervalMs: 60_000, pollDurationMs: 2_000, evaluateIntervalMs: 10_000, minPushIntervalMs: 60_000, activationMs: 30_000, appRouteIntervalMs: 60_000, defaultColor: 'mpls', warmUpMs: 5 * 60_000, pollPhaseMs: 30_000 },
    });
    world.close();
    expect(quality.services).toBe(1);
    expect(quality.incidents).toBe(1);
    expect(quality.oracle).toBe(1);
    expect(quality.static).toBeLessThan(0.8);
    expect(quality.isthmus).toBeGreaterThan(quality.static);
    expect(quality.isthmus).toBeLessThan(quality.oracle);
    // Off mpls during the brownout, back after it once mpls has recovered for the hold time.
    expect(quality.moves.map((move) => `${move.from}→${move.to}`)).toEqual(['mpls→biz-internet', 'biz-internet→mpls']);
    expect(quality.isthmusRemaps).toMatchObject({ mean: 1, worst: 1, affected: 1, outside: 1 });
  });
});
