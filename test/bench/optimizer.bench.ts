/**
 * The optimizer: one round over 2,000 Services × 4 candidate colors × 3 site pairs each, on a synthetic
 * fabric of 200 sites (the `scale` scenario's size) with a 5-minute window of samples per tunnel. Measured
 * separately: windowing the tunnel samples into readings and indexing them, evaluating every Service's
 * candidates, and deciding (planRound with its move budget), which is what runs per reconcile round.
 */
import { TunnelPathIndex } from '../../src/correlate/tunnel-path-index.ts';
import type { SitePair } from '../../src/correlate/site-pair.ts';
import type { Color } from '../../src/domain/color.ts';
import { tunnelName } from '../../src/domain/tunnel.ts';
import type { TunnelKey } from '../../src/domain/tunnel.ts';
import type { TunnelSample } from '../../src/domain/tunnel-sample.ts';
import type { TunnelReading, TunnelStatsSource } from '../../src/domain/tunnel-stats-source.ts';
import { evaluateServices } from '../../src/optimizer/evaluate-services.ts';
import type { EvaluationTarget } from '../../src/optimizer/evaluate-services.ts';
import type { ServiceEvaluation } from '../../src/optimizer/evaluate-service.ts';
import type { OptimizerParams } from '../../src/optimizer/optimizer-params.ts';
import { planRound } from '../../src/optimizer/plan-round.ts';
import type { RoundService } from '../../src/optimizer/plan-round.ts';
import { windowedReadings } from '../../src/optimizer/windowed-readings.ts';
import type { BenchResult } from './bench-result.ts';
import { throughput, timed } from './bench-result.ts';

const SITES = 200;
const SERVICES = 2000;
const PAIRS_PER_SERVICE = 3;
const COLORS: readonly Color[] = ['mpls', 'biz-internet', 'public-internet', 'lte'];
const SAMPLES_PER_TUNNEL = 10;
const NOW = Date.UTC(2026, 0, 1);
const WINDOW_MS = 5 * 60_000;
const BOUNDS = { maxLatencySeconds: 0.08, maxJitterSeconds: 0.015, maxLossRatio: 0.01 };

const PARAMS: OptimizerParams = {
  windowMs: WINDOW_MS,
  statistic: 'p95',
  failuresBeforeMove: 3,
  holdTimeMs: 10 * 60_000,
  returnMargin: 0.1,
  maxMovesPerRound: 50,
  maxMovesPerColor: undefined,
  minSamples: 1,
};

export async function run(): Promise<BenchResult[]> {
  const random = lcg(7);
  const targets: EvaluationTarget[] = [];
  const pairs = new Map<string, SitePair>();
  for (let i = 0; i < SERVICES; i++) {
    const servicePairs: SitePair[] = [];
    const to = 1 + Math.floor(random() * SITES);
    while (servicePairs.length < PAIRS_PER_SERVICE) {
      const from = 1 + Math.floor(random() * SITES);
      if (from === to || servicePairs.some((pair) => pair.from === from)) continue;
      servicePairs.push({ from, to });
      pairs.set(`${from}-${to}`, { from, to });
    }
    const rotation = i % COLORS.length;
    targets.push({ service: `ns${i % 20}/svc${i}`, bounds: BOUNDS, candidates: [...COLORS.slice(rotation), ...COLORS.slice(0, rotation)], fallbackPairs: servicePairs });
  }
  const source = syntheticSource([...pairs.values()], random);
  const tunnels = source.readings().length;
  const size = `${SERVICES.toLocaleString('en-US')} Services × ${COLORS.length} colors × ${PAIRS_PER_SERVICE} pairs; ${tunnels.toLocaleString('en-US')} tunnels × ${SAMPLES_PER_TUNNEL} samples`;
  const window = { nowMs: NOW, windowMs: WINDOW_MS, statistic: PARAMS.statistic };

  const indexed = await timed(() => new TunnelPathIndex(windowedReadings(source, window)));
  const index = indexed.value;
  const traffic = { sitePairs: () => [] };
  const evaluated = await timed(() => evaluateServices({ targets, traffic, index }));
  const evaluations = evaluated.value;

  let services: RoundService[] = roundServices(targets, evaluations, undefined);
  const first = await timed(() => planRound(services, NOW, PARAMS));
  services = roundServices(targets, evaluations, first.value.decisions);
  const steady = throughput(() => planRound(services, NOW + 60_000, PARAMS).decisions.length);
  const full = throughput(() => {
    const fresh = evaluateServices({ targets, traffic, index: new TunnelPathIndex(windowedReadings(source, window)) });
    return planRound(roundServices(targets, fresh, first.value.decisions), NOW + 60_000, PARAMS).decisions.length;
  }, 2000);
  const roundMs = (full.ms / full.operations) * SERVICES;

  const fallback = first.value.decisions.filter((decision) => decision.assignment?.mode === 'fallback').length;
  process.stdout.write(
    `optimizer: ${Math.round(steady.perSecond).toLocaleString('en-US')} decisions/s; one full round (window + index + evaluate + decide) ${roundMs.toFixed(1)} ms (${size})\n`,
  );
  return [
    { name: 'full round: window + index + evaluate + decide', value: roundMs, unit: 'ms', detail: size },
    { name: 'decide (planRound), steady state', value: steady.perSecond, unit: 'decisions/s', detail: `${SERVICES} Services per round, budget ${PARAMS.maxMovesPerRound}` },
    { name: 'first round (initial assignments)', value: first.ms, unit: 'ms', detail: `${fallback} in fallback, ${first.value.moves} budgeted moves` },
    { name: 'window + index tunnel samples', value: indexed.ms, unit: 'ms', detail: `${tunnels.toLocaleString('en-US')} tunnels, ${PARAMS.statistic} over ${WINDOW_MS / 60_000} min` },
    { name: 'evaluate candidates', value: evaluated.ms, unit: 'ms', detail: `${(SERVICES * COLORS.length).toLocaleString('en-US')} Service × color paths` },
  ];
}

function roundServices(targets: readonly EvaluationTarget[], evaluations: readonly ServiceEvaluation[], previous: RoundPlanDecisions | undefined): RoundService[] {
  return targets.map((target, i) => {
    const [namespace = '', name = ''] = target.service.split('/');
    return {
      service: { namespace, name },
      intent: { mode: 'auto', slo: { bounds: BOUNDS, objective: 0.99, windowSeconds: 30 * 86_400 }, candidates: target.candidates, fallback: 'best-effort' },
      allowed: undefined,
      state: previous?.[i]?.state,
      evaluation: evaluations[i],
    };
  });
}

type RoundPlanDecisions = ReturnType<typeof planRound>['decisions'];

/** One tunnel per pair and color, each with a window of samples; about one in six colors per pair is degraded. */
function syntheticSource(pairs: readonly SitePair[], random: () => number): Pick<TunnelStatsSource, 'readings' | 'history'> {
  const samples = new Map<string, TunnelSample[]>();
  const readings: TunnelReading[] = [];
  for (const pair of pairs) {
    for (const color of COLORS) {
      const key: TunnelKey = { local: { systemIp: systemIp(pair.from), color }, remote: { systemIp: systemIp(pair.to), color } };
      const name = tunnelName(key);
      const degraded = random() < 1 / 6;
      const list: TunnelSample[] = [];
      for (let n = SAMPLES_PER_TUNNEL - 1; n >= 0; n--) {
        list.push({
          time: NOW - n * (WINDOW_MS / SAMPLES_PER_TUNNEL),
          latencySeconds: (degraded ? 0.07 : 0.02) + random() * 0.03,
          jitterSeconds: 0.002 + random() * 0.005,
          lossRatio: degraded ? random() * 0.02 : random() * 0.002,
          state: 'up',
        });
      }
      samples.set(name, list);
      readings.push({
        tunnel: { key, name, localSiteId: pair.from, remoteSiteId: pair.to, localHostName: undefined, remoteHostName: undefined },
        state: 'up',
        latest: list.at(-1),
        lastSeen: NOW,
        stale: false,
      });
    }
  }
  return {
    readings: () => readings,
    history: (key, sinceMs) => (samples.get(tunnelName(key)) ?? []).filter((sample) => sinceMs === undefined || sample.time >= sinceMs),
  };
}

function systemIp(site: number): string {
  return `10.${Math.floor(site / 250)}.${site % 250}.1`;
}

/** A small deterministic generator, so every run measures the same fabric. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 4_294_967_296;
  };
}
