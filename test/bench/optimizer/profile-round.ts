/**
 * One size of the optimizer benchmark, for CPU profiles and before/after comparisons:
 *   node --cpu-prof --cpu-prof-dir=DIR test/bench/optimizer/profile-round.ts [services] [sites] [rounds] [post-poll]
 * Prints each round's time and a digest of its decisions (identical digests: identical decisions).
 * Rounds are a second apart with no new samples (the digest's setting); with `post-poll`, each round
 * follows a poll that brings a new sample for every tunnel, the worst case for a round.
 */
import { createHash } from 'node:crypto';
import { optimizerRound } from '../../../src/controller/optimizer-round.ts';
import type { OptimizerRound, OptimizerRoundInput } from '../../../src/controller/optimizer-round.ts';
import type { ServiceKey } from '../../../src/domain/service.ts';
import { benchFabric, benchServices, FABRIC_COLORS, NOW, WINDOW_MS } from './bench-fabric.ts';

const [services = 10_000, sites = 200, rounds = 10] = process.argv.slice(2, 5).map(Number);
const afterPolls = process.argv[5] === 'post-poll';
const fabric = await benchFabric(sites, 7);
const world = benchServices(services, sites, 11);
const input = (states: OptimizerRoundInput['states'], now: number): OptimizerRoundInput => ({
  services: world.services,
  traffic: world.traffic,
  tunnels: fabric.collector,
  states,
  now,
  params: { windowMs: WINDOW_MS, statistic: 'p95', failuresBeforeMove: 3, holdTimeMs: 10 * 60_000, returnMargin: 0.1, maxMovesPerRound: 50, maxMovesPerColor: undefined, minSamples: 1 },
  fabricColors: FABRIC_COLORS,
  clusterSites: world.clusterSites,
  clusterName: 'bench',
});
let round: OptimizerRound | undefined;
const digest = createHash('sha256');
for (let n = 0; n <= rounds; n++) {
  const now = afterPolls ? await fabric.poll() : NOW + n * 1000;
  const started = performance.now();
  const cpu = process.cpuUsage();
  round = optimizerRound(input(round?.states ?? new Map<ServiceKey, never>(), now));
  const ms = performance.now() - started;
  const cpuMs = process.cpuUsage(cpu).user / 1000;
  digest.update(JSON.stringify({ decisions: [...round.decisions], desired: round.desired, moves: round.moves, deferred: round.deferred }));
  process.stdout.write(`round ${n}: ${ms.toFixed(1)} ms wall, ${cpuMs.toFixed(1)} ms CPU, ${round.moves.length} moves\n`);
}
process.stdout.write(`decisions digest ${digest.digest('hex').slice(0, 16)}\n`);
