/**
 * The stages of one optimizer round at one size, each timed on its own (median of several runs, wall
 * and CPU time of this thread), to see where a round's time goes:
 *   node test/bench/optimizer/round-stages.ts [services] [sites] [runs]
 */
import { TunnelPathIndex } from '../../../src/correlate/tunnel-path-index.ts';
import { optimizerRound } from '../../../src/controller/optimizer-round.ts';
import type { OptimizerRoundInput } from '../../../src/controller/optimizer-round.ts';
import type { ServiceKey } from '../../../src/domain/service.ts';
import type { TunnelReading } from '../../../src/domain/tunnel-stats-source.ts';
import { evaluateServices } from '../../../src/optimizer/evaluate-services.ts';
import type { EvaluationTarget } from '../../../src/optimizer/evaluate-services.ts';
import type { OptimizerParams } from '../../../src/optimizer/optimizer-params.ts';
import { planRound } from '../../../src/optimizer/plan-round.ts';
import { windowedReading } from '../../../src/optimizer/windowed-readings.ts';
import { benchFabric, benchServices, FABRIC_COLORS, NOW, WINDOW_MS } from './bench-fabric.ts';

const [services = 10_000, sites = 200, runs = 7] = process.argv.slice(2).map(Number);
const params: OptimizerParams = { windowMs: WINDOW_MS, statistic: 'p95', failuresBeforeMove: 3, holdTimeMs: 10 * 60_000, returnMargin: 0.1, maxMovesPerRound: 50, maxMovesPerColor: undefined, minSamples: 1 };
const window = { nowMs: NOW, windowMs: WINDOW_MS, statistic: params.statistic, minSamples: params.minSamples };
const fabric = await benchFabric(sites, 7);
const world = benchServices(services, sites, 11);
const { collector } = fabric;

function stage<T>(name: string, action: () => T): T {
  const wall: number[] = [];
  const cpu: number[] = [];
  let value = action();
  for (let n = 0; n < runs; n++) {
    const started = performance.now();
    const usage = process.cpuUsage();
    value = action();
    cpu.push(process.cpuUsage(usage).user / 1000);
    wall.push(performance.now() - started);
  }
  process.stdout.write(`${name.padEnd(44)} wall ${median(wall).toFixed(1).padStart(7)} ms   CPU ${median(cpu).toFixed(1).padStart(7)} ms\n`);
  return value;
}

function median(values: number[]): number {
  values.sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)] ?? Number.NaN;
}

const steerable = world.services.filter((entry) => entry.intent.mode !== 'unmanaged');
const targets: EvaluationTarget[] = steerable.map((entry) => ({
  service: entry.key,
  bounds: entry.intent.mode === 'unmanaged' ? undefined : entry.intent.slo?.bounds,
  candidates: entry.intent.mode === 'pinned' ? [entry.intent.color] : entry.intent.mode === 'auto' ? (entry.intent.candidates ?? FABRIC_COLORS) : [],
}));
const readings = stage('source readings()', () => collector.readings());
stage('index the readings', () => new TunnelPathIndex(readings));
const since = NOW - WINDOW_MS;
const view = (reading: TunnelReading): TunnelReading => windowedReading(reading, collector.history(reading.tunnel.key, since), window);
const crossed = new Set<TunnelReading>();
const probe = new TunnelPathIndex(readings, (reading) => {
  crossed.add(reading);
  return reading;
});
evaluateServices({ targets, traffic: world.traffic, index: probe });
const needed = [...crossed];
process.stdout.write(`tunnels crossed by the Services: ${needed.length.toLocaleString('en-US')} of ${readings.length.toLocaleString('en-US')}\n`);
stage('source history() of the crossed tunnels', () => needed.map((reading) => collector.history(reading.tunnel.key, since)).length);
const histories = needed.map((reading) => collector.history(reading.tunnel.key, since));
stage('window statistic of the crossed tunnels', () => needed.map((reading, n) => windowedReading(reading, histories[n] ?? [], window)).length);
const evaluations = stage('index + windowing + evaluate', () => evaluateServices({ targets, traffic: world.traffic, index: new TunnelPathIndex(readings, view) }));
const warm = new TunnelPathIndex(readings, view);
evaluateServices({ targets, traffic: world.traffic, index: warm });
stage('evaluate on a warm index', () => evaluateServices({ targets, traffic: world.traffic, index: warm }));
const round = steerable.map((entry, n) => ({ service: { namespace: '', name: entry.key }, intent: entry.intent, allowed: entry.allowed, state: undefined, evaluation: evaluations[n] }));
const first = planRound(round, NOW, params);
const steady = round.map((entry, n) => ({ ...entry, state: first.decisions[n]?.state }));
stage('planRound (steady state)', () => planRound(steady, NOW, params));
const input = (states: OptimizerRoundInput['states']): OptimizerRoundInput => ({
  services: world.services,
  traffic: world.traffic,
  tunnels: collector,
  states,
  now: NOW,
  params,
  fabricColors: FABRIC_COLORS,
  clusterSites: world.clusterSites,
  clusterName: 'bench',
});
const states = optimizerRound(input(new Map<ServiceKey, never>())).states;
stage('optimizerRound (the whole round)', () => optimizerRound(input(states)));
