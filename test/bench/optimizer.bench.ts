/**
 * The optimizer at scale: one reconcile round as the bridge runs it (`optimizerRound`, the leader's
 * round in src/controller/bridge.ts) for 10,000 Services on a fabric of 200 sites × 4 colors
 * (159,200 tunnels held by the real vManage collector, 20 samples each, 10 in the 5-minute window).
 * A round reads every tunnel's reading and indexes them by color and site pair, reads the window of
 * samples of every tunnel a Service's path crosses and takes its window statistic (p95), evaluates every
 * steerable Service's candidate colors on its observed site pairs, decides all Services together
 * (planRound, with the move budget) and derives assignments, moves, states and the desired SD-WAN
 * policy. Rounds are chained as in the bridge (each starts from the previous round's states); the
 * figure is the median over the measured rounds. Also measured, to show where a round's time goes:
 * the tunnel source's reads alone, the round with them taken out, and windowing every tunnel. Scaling
 * rows vary Services and sites.
 */
import { TunnelPathIndex } from '../../src/correlate/tunnel-path-index.ts';
import { optimizerRound } from '../../src/controller/optimizer-round.ts';
import type { OptimizerRound, OptimizerRoundInput } from '../../src/controller/optimizer-round.ts';
import type { ServiceKey } from '../../src/domain/service.ts';
import type { TunnelKey } from '../../src/domain/tunnel.ts';
import type { WindowMeasure, WindowOptions } from '../../src/domain/window-statistic.ts';
import type { TunnelReading } from '../../src/domain/tunnel-stats-source.ts';
import { evaluateServices } from '../../src/optimizer/evaluate-services.ts';
import type { OptimizerParams } from '../../src/optimizer/optimizer-params.ts';
import { windowedReadings } from '../../src/optimizer/windowed-readings.ts';
import type { BenchOptions, BenchResult } from './bench-result.ts';
import { benchFabric, benchServices, FABRIC_COLORS, NOW, SAMPLES_PER_WINDOW, WINDOW_MS } from './optimizer/bench-fabric.ts';
import type { BenchFabric, BenchServices } from './optimizer/bench-fabric.ts';

const TARGET_SERVICES = 10_000;
const TARGET_SITES = 200;
const TARGET_MS = 100;

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

interface Scale {
  readonly services: number;
  readonly sites: number;
}

interface RoundTimes {
  readonly firstMs: number;
  readonly medianMs: number;
  /** CPU time of the process (user), median: less sensitive than wall time to other work on the machine. */
  readonly medianCpuMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly rounds: number;
  readonly last: OptimizerRound;
}

export async function run(options: BenchOptions): Promise<BenchResult[]> {
  const main: Scale = options.quick ? { services: 2000, sites: 50 } : { services: TARGET_SERVICES, sites: TARGET_SITES };
  const serviceSteps = options.quick ? [1000, 2000] : [1000, 2000, 5000, 10_000];
  const siteSteps = options.quick ? [25, 50] : [50, 100, 200];
  const rounds = options.quick ? 5 : 9;

  const results: BenchResult[] = [];
  const fabrics = new Map<number, BenchFabric>();
  const fabricOf = async (sites: number): Promise<BenchFabric> => {
    const known = fabrics.get(sites);
    if (known !== undefined) return known;
    const built = await benchFabric(sites, 7);
    fabrics.set(sites, built);
    return built;
  };

  const fabric = await fabricOf(main.sites);
  const services = benchServices(main.services, main.sites, 11);
  const steady = await measureRounds(fabric, services, rounds, 'steady');
  const times = await measureRounds(fabric, services, rounds, 'post-poll');
  const atTarget = main.services === TARGET_SERVICES && main.sites === TARGET_SITES;
  const summary = describeRound(times.last);
  results.push({
    name: 'round: window + index + evaluate + decide + policy (median)',
    value: times.medianMs,
    unit: 'ms',
    detail: `${sizeOf(main, fabric)}; ${services.paths.toLocaleString('en-US')} Service × pair × color paths; min ${times.minMs.toFixed(1)}, max ${times.maxMs.toFixed(1)} ms over ${times.rounds} rounds; ${summary}`,
    ...(atTarget ? { target: { atMost: TARGET_MS } } : {}),
  });
  results.push({ name: 'round, CPU time (median)', value: times.medianCpuMs, unit: 'ms', detail: 'user CPU of the process during a round (GC included)' });
  results.push({
    name: 'steady-state round: no new sample since the last round (median)',
    value: steady.medianMs,
    unit: 'ms',
    detail: `every window as the round before (rounds run every 10 s, polls every 60 s); CPU ${steady.medianCpuMs.toFixed(1)} ms; ${describeRound(steady.last)}`,
  });
  results.push({ name: 'first round (no states: initial assignments)', value: steady.firstMs, unit: 'ms', detail: sizeOf(main, fabric) });
  const crossed = crossedTunnels(fabric, services);
  const since = NOW - WINDOW_MS;
  const window = { nowMs: NOW, windowMs: WINDOW_MS, statistic: PARAMS.statistic, minSamples: PARAMS.minSamples };
  // Alternating windows, so that no read is answered from the window a ring remembers.
  const other = { ...window, nowMs: NOW - 60_000 };
  let alternate = false;
  const reads = medianOf(5, () => {
    alternate = !alternate;
    fabric.collector.readings();
    for (const reading of crossed) fabric.collector.windowMeasure(reading.tunnel.key, alternate ? other : window);
  });
  results.push({
    name: "of which the tunnel source's reads (readings + windowMeasure)",
    value: reads,
    unit: 'ms',
    detail: `vManage collector: readings() of ${fabric.tunnels.toLocaleString('en-US')} tunnels, windowMeasure() of the ${crossed.length.toLocaleString('en-US')} the Services cross`,
  });
  const history = medianOf(5, () => {
    for (const reading of crossed) fabric.collector.history(reading.tunnel.key, since);
  });
  results.push({
    name: 'history() of the same tunnels, for comparison',
    value: history,
    unit: 'ms',
    detail: `sample objects of the ${crossed.length.toLocaleString('en-US')} windows: what rounds read before windowMeasure`,
  });
  const preRead = await measureRounds(fabric, services, rounds, 'steady', preReadSource(fabric, window));
  results.push({
    name: "round with the source's reads taken out (median)",
    value: preRead.medianMs,
    unit: 'ms',
    detail: `readings() and windowMeasure() answered from a map read before the round: the optimizer's own share; CPU ${preRead.medianCpuMs.toFixed(1)} ms`,
  });
  const windowing = medianOf(3, () => windowedReadings(fabric.collector, { nowMs: NOW, windowMs: WINDOW_MS, statistic: PARAMS.statistic, minSamples: PARAMS.minSamples }).length);
  results.push({ name: 'windowing every tunnel, for comparison', value: windowing, unit: 'ms', detail: `windowedReadings: ${fabric.tunnels.toLocaleString('en-US')} tunnels × ${SAMPLES_PER_WINDOW} samples in the window` });
  process.stderr.write(`  optimizer: ${times.medianMs.toFixed(1)} ms per round (${sizeOf(main, fabric)})\n`);

  const scalingRounds = options.quick ? 3 : 5;
  for (const count of serviceSteps) {
    if (count === main.services) continue;
    const scaled = benchServices(count, main.sites, 11);
    const scaledTimes = await measureRounds(fabric, scaled, scalingRounds, 'post-poll');
    results.push(scalingRow({ services: count, sites: main.sites }, fabric, scaledTimes));
  }
  for (const sites of siteSteps) {
    if (sites === main.sites) continue;
    const smaller = await fabricOf(sites);
    const scaled = benchServices(main.services, sites, 11);
    const scaledTimes = await measureRounds(smaller, scaled, scalingRounds, 'post-poll');
    results.push(scalingRow({ services: main.services, sites }, smaller, scaledTimes));
    fabrics.delete(sites);
  }
  return results;
}

/**
 * A first round from no states, then `rounds` rounds each starting from the previous one's states:
 * `steady`, all at the same time, so no tunnel has a new sample (what rounds between polls see), or
 * `post-poll`, each after a poll that brought a new sample for every tunnel (the worst case).
 */
async function measureRounds(
  fabric: BenchFabric,
  world: BenchServices,
  rounds: number,
  kind: 'steady' | 'post-poll',
  tunnels: OptimizerRoundInput['tunnels'] = fabric.collector,
): Promise<RoundTimes> {
  let now = kind === 'steady' ? NOW : await fabric.poll();
  const input = (states: OptimizerRoundInput['states']): OptimizerRoundInput => ({
    services: world.services,
    traffic: world.traffic,
    tunnels,
    states,
    now,
    params: PARAMS,
    fabricColors: FABRIC_COLORS,
    clusterSites: world.clusterSites,
    clusterName: 'bench',
  });
  let started = performance.now();
  let round = optimizerRound(input(new Map<ServiceKey, never>()));
  const firstMs = performance.now() - started;
  const samples: number[] = [];
  const cpu: number[] = [];
  for (let n = 0; n < rounds; n++) {
    if (kind === 'post-poll') now = await fabric.poll();
    started = performance.now();
    const usage = process.cpuUsage();
    round = optimizerRound(input(round.states));
    cpu.push(process.cpuUsage(usage).user / 1000);
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  return {
    firstMs,
    medianMs: samples[Math.floor(samples.length / 2)] ?? Number.NaN,
    medianCpuMs: cpu[Math.floor(cpu.length / 2)] ?? Number.NaN,
    minMs: samples[0] ?? Number.NaN,
    maxMs: samples.at(-1) ?? Number.NaN,
    rounds,
    last: round,
  };
}

/**
 * The collector's readings and windows read once, up front: what a round costs without the source's
 * own work (its per-call name lookups and sample objects). Same data, so the same decisions.
 */
function preReadSource(fabric: BenchFabric, window: WindowOptions): OptimizerRoundInput['tunnels'] {
  const readings = fabric.collector.readings();
  const measures = new Map<TunnelKey, WindowMeasure | undefined>(readings.map((reading) => [reading.tunnel.key, fabric.collector.windowMeasure(reading.tunnel.key, window)]));
  return {
    readings: () => readings,
    windowMeasure: (key, asked) => {
      if (asked.nowMs !== window.nowMs || asked.windowMs !== window.windowMs || asked.statistic !== window.statistic) throw new Error('the pre-read source holds one window only');
      return measures.get(key);
    },
  };
}

/** The tunnels a round judges: those on some Service's site pairs in one of its candidate colors. */
function crossedTunnels(fabric: BenchFabric, world: BenchServices): TunnelReading[] {
  const crossed: TunnelReading[] = [];
  const probe = new TunnelPathIndex(fabric.collector.readings(), (reading) => {
    crossed.push(reading);
    return reading;
  });
  const targets = world.services.flatMap((entry) => {
    const { intent } = entry;
    if (intent.mode === 'unmanaged') return [];
    return [{ service: entry.key, bounds: intent.slo?.bounds, candidates: intent.mode === 'pinned' ? [intent.color] : (intent.candidates ?? FABRIC_COLORS) }];
  });
  evaluateServices({ targets, traffic: world.traffic, index: probe });
  return crossed;
}

function scalingRow(scale: Scale, fabric: BenchFabric, times: RoundTimes): BenchResult {
  return {
    name: `round at ${scale.services.toLocaleString('en-US')} Services × ${scale.sites} sites (median)`,
    value: times.medianMs,
    unit: 'ms',
    detail: `${fabric.tunnels.toLocaleString('en-US')} tunnels; CPU ${times.medianCpuMs.toFixed(1)} ms; min ${times.minMs.toFixed(1)}, max ${times.maxMs.toFixed(1)} ms over ${times.rounds} rounds`,
  };
}

function sizeOf(scale: Scale, fabric: BenchFabric): string {
  return `${scale.services.toLocaleString('en-US')} Services × ${scale.sites} sites × ${FABRIC_COLORS.length} colors, ${fabric.tunnels.toLocaleString('en-US')} tunnels`;
}

/** What the last measured round decided, so that a faster round visibly decides the same. */
function describeRound(round: OptimizerRound): string {
  const fallback = round.assignments.filter((assignment) => assignment.mode === 'fallback').length;
  return `${round.assignments.length.toLocaleString('en-US')} assigned, ${fallback} in fallback, ${round.moves.length} moved, ${round.deferred} deferred`;
}

function medianOf(times: number, action: () => unknown): number {
  const samples: number[] = [];
  for (let n = 0; n < times; n++) {
    const started = performance.now();
    action();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] ?? Number.NaN;
}
