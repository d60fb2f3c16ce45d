/**
 * optimizerRound judges only the tunnels its Services cross, windows each of them on first lookup and
 * builds fallback pairs only for Services without traffic. These tests hold it to the plain round —
 * every tunnel windowed up front, every Service's fallback pairs built, evaluateServices and planRound
 * as documented — on random worlds: the decisions must be the same, round after round.
 */
import { describe, expect, it } from 'vitest';
import { sloBoundsOf } from '../correlate/service-paths.ts';
import { crossSitePairs } from '../correlate/site-pair.ts';
import type { SitePair } from '../correlate/site-pair.ts';
import { TunnelPathIndex } from '../correlate/tunnel-path-index.ts';
import type { Color } from '../domain/color.ts';
import { parseServiceKey } from '../domain/service.ts';
import type { ServiceKey } from '../domain/service.ts';
import type { ServiceIntent } from '../domain/slo.ts';
import type { TunnelSample } from '../domain/tunnel-sample.ts';
import type { Decision } from '../optimizer/decide.ts';
import { evaluateServices } from '../optimizer/evaluate-services.ts';
import type { OptimizerParams } from '../optimizer/optimizer-params.ts';
import { planRound } from '../optimizer/plan-round.ts';
import type { ServiceState } from '../optimizer/service-state.ts';
import { fakeTunnelSource } from '../optimizer/testdata/fake-tunnel-source.ts';
import type { FakeTunnel } from '../optimizer/testdata/fake-tunnel-source.ts';
import { MINUTE, PARAMS, T0 } from '../optimizer/testdata/optimizer-fixture.ts';
import { SeededRandom } from '../../simulator/world/seeded-random.ts';
import { windowedReadings } from '../optimizer/windowed-readings.ts';
import { optimizerRound } from './optimizer-round.ts';
import type { OptimizerRoundInput, OptimizerRoundService } from './optimizer-round.ts';
import type { TunnelStatsSource } from '../domain/tunnel-stats-source.ts';

const COLORS: readonly Color[] = ['mpls', 'biz-internet', 'public-internet', 'lte'];
const SITES = [100, 200, 300, 400, 500];
const WORLDS = 200;

/** The round's input, with a source that also answers history() (what the plain round windows). */
type PlainRoundInput = OptimizerRoundInput & { readonly tunnels: Pick<TunnelStatsSource, 'readings' | 'history' | 'windowMeasure'> };

/** The round as documented, with nothing skipped or deferred: every tunnel windowed from its history(). */
function plainRound(input: PlainRoundInput): readonly Decision[] {
  const { params, now } = input;
  const steerable = input.services.filter((entry) => entry.intent.mode !== 'unmanaged');
  const index = new TunnelPathIndex(windowedReadings(input.tunnels, { nowMs: now, windowMs: params.windowMs, statistic: params.statistic, minSamples: params.minSamples }));
  const evaluations = evaluateServices({
    targets: steerable.map((entry) => {
      const { intent } = entry;
      const candidates = intent.mode === 'pinned' ? [intent.color] : intent.mode === 'auto' ? (intent.candidates ?? entry.allowed ?? input.fabricColors) : [];
      const endpointSites = entry.endpoints.flatMap((endpoint) => (endpoint.siteId === undefined ? [] : [endpoint.siteId]));
      return { service: entry.key, bounds: sloBoundsOf(intent), candidates, fallbackPairs: crossSitePairs(input.clusterSites, endpointSites) };
    }),
    traffic: input.traffic,
    index,
    ...(input.sinceMs === undefined ? {} : { sinceMs: input.sinceMs }),
  });
  return planRound(
    steerable.map((entry, position) => ({
      service: parseServiceKey(entry.key) ?? { namespace: '', name: entry.key },
      intent: entry.intent,
      allowed: entry.allowed,
      state: input.states.get(entry.key),
      evaluation: evaluations[position],
    })),
    now,
    params,
  ).decisions;
}

function randomSamples(random: SeededRandom, now: number): TunnelSample[] {
  const times = new Set<number>();
  const count = random.pick([0, 1, 3, 10, 19, 20, 25, 45]);
  while (times.size < count) times.add(now - random.int(-2, 180) * 10_000);
  const degraded = random.chance(0.3);
  return [...times]
    .sort((a, b) => a - b)
    .map((time) => ({
      time,
      latencySeconds: (degraded ? 0.04 : 0.01) + random.between(0, 0.03),
      jitterSeconds: random.between(0, degraded ? 0.02 : 0.005),
      lossRatio: random.chance(0.5) ? 0 : random.between(0, degraded ? 0.03 : 0.005),
      state: random.chance(0.05) ? 'down' : 'up',
    }));
}

function randomTunnels(random: SeededRandom, now: number): FakeTunnel[] {
  const tunnels: FakeTunnel[] = [];
  for (const from of SITES) {
    for (const to of SITES) {
      if (from === to) continue;
      for (const color of COLORS) {
        if (random.chance(0.2)) continue;
        const samples = randomSamples(random, now);
        const roll = random.next();
        if (roll < 0.05) tunnels.push({ from, to, color, samples, state: undefined });
        else if (roll < 0.1) tunnels.push({ from, to, color, samples, state: 'down' });
        else tunnels.push({ from, to, color, samples, stale: random.chance(0.05) });
      }
    }
  }
  return tunnels;
}

function randomIntent(random: SeededRandom): ServiceIntent {
  const slo = { bounds: { maxLatencySeconds: random.pick([0.03, 0.05, 0.08]), ...(random.chance(0.7) ? { maxJitterSeconds: 0.01 } : {}), ...(random.chance(0.7) ? { maxLossRatio: random.pick([0, 0.01]) } : {}) }, objective: 0.99, windowSeconds: 86_400 };
  const roll = random.next();
  if (roll < 0.1) return { mode: 'unmanaged' };
  if (roll < 0.25) return { mode: 'pinned', color: random.pick(COLORS), source: 'isthmus.io/tunnel', slo: random.chance(0.5) ? slo : undefined };
  return { mode: 'auto', slo, candidates: random.chance(0.3) ? undefined : random.shuffle(COLORS).slice(0, random.int(1, 4)), fallback: random.pick(['best-effort', 'hold'] as const) };
}

function randomServices(random: SeededRandom): { services: OptimizerRoundService[]; pairs: Map<ServiceKey, { readonly pairs: readonly SitePair[]; readonly at: number }> } {
  const services: OptimizerRoundService[] = [];
  const pairs = new Map<ServiceKey, { readonly pairs: readonly SitePair[]; readonly at: number }>();
  for (let n = 0; n < 25; n++) {
    const key = `ns${n % 3}/svc${n}`;
    const endpointSites = random.subset(SITES, 0.3);
    const endpoints = [...endpointSites, ...(random.chance(0.1) ? [undefined] : [])].map((siteId, i) => ({ ip: `10.244.${n}.${i + 1}`, podName: undefined, nodeName: undefined, siteId, ports: [] }));
    services.push({ key, service: undefined, intent: randomIntent(random), allowed: random.chance(0.3) ? random.subset(COLORS, 0.6) : undefined, endpoints });
    if (random.chance(0.6)) {
      const observed = random.subset(SITES, 0.3).flatMap((from) => random.subset(SITES, 0.3).filter((to) => to !== from).map((to) => ({ from, to })));
      pairs.set(key, { pairs: observed, at: T0 - random.int(0, 20) * MINUTE });
    }
  }
  return { services, pairs };
}

function randomParams(random: SeededRandom): OptimizerParams {
  return {
    ...PARAMS,
    windowMs: random.pick([MINUTE, 5 * MINUTE]),
    statistic: random.pick(['mean', 'p95', 'max'] as const),
    minSamples: random.int(1, 3),
    failuresBeforeMove: random.int(1, 3),
    holdTimeMs: random.int(0, 3) * MINUTE,
    maxMovesPerRound: random.int(0, 5),
    maxMovesPerColor: random.chance(0.5) ? random.int(0, 2) : undefined,
  };
}

describe('optimizerRound, against the plain round', () => {
  it(`decides as the plain round does on ${WORLDS} random worlds over three chained rounds`, () => {
    for (let seed = 1; seed <= WORLDS; seed++) {
      const random = new SeededRandom(seed);
      const { services, pairs } = randomServices(random);
      const tunnels = fakeTunnelSource(randomTunnels(random, T0));
      const params = randomParams(random);
      const sinceMs = random.chance(0.5) ? T0 - 10 * MINUTE : undefined;
      const traffic = {
        sitePairs: (key: ServiceKey, since?: number): readonly SitePair[] => {
          const seen = pairs.get(key);
          return seen === undefined || (since !== undefined && seen.at < since) ? [] : seen.pairs;
        },
      };
      let states: ReadonlyMap<ServiceKey, ServiceState> = new Map();
      for (let round = 0; round < 3; round++) {
        const input: PlainRoundInput = {
          services,
          traffic,
          tunnels,
          states,
          now: T0 + round * 20_000,
          params,
          fabricColors: COLORS,
          clusterSites: random.subset(SITES, 0.5),
          clusterName: 'test',
          ...(sinceMs === undefined ? {} : { sinceMs }),
        };
        const result = optimizerRound(input);
        const steerable = services.filter((entry) => entry.intent.mode !== 'unmanaged');
        expect(
          steerable.map((entry) => result.decisions.get(entry.key)),
          `seed ${seed}, round ${round}`,
        ).toEqual(plainRound(input));
        states = result.states;
      }
    }
  });
});
