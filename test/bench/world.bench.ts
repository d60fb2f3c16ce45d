/**
 * The simulated world at the `scale` scenario (200 sites × 4 colors, 159,200 tunnels, 2,000 Services):
 * how long it takes to build, and how fast it produces what the emulators serve.
 */
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../../simulator/world/load-scenario.ts';
import { emptySample } from '../../simulator/world/tunnel-model.ts';
import { createWorld } from '../../simulator/world/world.ts';
import type { BenchResult } from './bench-result.ts';
import { throughput, timed } from './bench-result.ts';

const SCALE = fileURLToPath(new URL('../../simulator/scenarios/scale.yaml', import.meta.url));

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const loaded = await timed(() => loadScenario(SCALE));
  if (!loaded.value.ok) throw new Error(loaded.value.problems.map((problem) => problem.message).join('\n'));
  const scenario = loaded.value.scenario;
  results.push({ name: 'scenario load (parse, expand, check)', value: loaded.ms, unit: 'ms', detail: `${scenario.sites.length} sites, ${scenario.services.length} Services` });

  const heapBefore = process.memoryUsage().heapUsed;
  const built = await timed(() => createWorld(scenario));
  const world = built.value;
  const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
  const tunnels = world.fabric.tunnels.length;
  results.push({ name: 'world construction', value: built.ms, unit: 'ms', detail: `${tunnels.toLocaleString('en-US')} tunnels, ${world.cluster.pods.length} pods` });
  results.push({ name: 'world heap', value: heapMb, unit: 'MB', detail: `${((heapMb * 1e6) / tunnels).toFixed(0)} B per tunnel` });

  // Random access across the whole fabric, a sample at a time, into one reused object.
  const t0 = world.startMs + 3_600_000;
  const out = emptySample();
  let cursor = 0;
  const samples = throughput(() => {
    for (let n = 0; n < 100_000; n++) {
      cursor = (cursor + 7919) % tunnels;
      world.tunnelSampleInto(cursor, t0 + n * 1000, out);
    }
    return 100_000;
  });
  results.push({ name: 'tunnel samples (random access)', value: samples.perSecond, unit: '/s', detail: 'sampleInto, brownout active' });

  const poll = throughput(() => {
    for (let i = 0; i < 200; i++) world.tunnelAverage((i * 797) % tunnels, t0, t0 + 600_000);
    return 200;
  });
  results.push({ name: 'app-route averages (10 min, 1 s samples)', value: poll.perSecond, unit: 'tunnels/s', detail: `${(poll.perSecond * 600).toExponential(2)} samples/s` });

  const states = throughput(() => {
    world.tunnelStates(world.startMs + 32 * 60_000);
    return 1;
  }, 500);
  results.push({ name: 'tunnelStates (all tunnels)', value: 1000 / states.perSecond, unit: 'ms', detail: 'blackout active' });

  const windowMs = 60_000;
  let flowCount = 0;
  const flows = await timed(() => {
    for (const _flow of world.flowsBetween(world.startMs, world.startMs + windowMs)) flowCount++;
    return flowCount;
  });
  results.push({ name: 'flows generated', value: (flowCount / flows.ms) * 1000, unit: '/s', detail: `${flowCount.toLocaleString('en-US')} records in ${windowMs / 1000} s simulated` });
  results.push({ name: 'flow simulation speed', value: windowMs / flows.ms, unit: '× real time', detail: `${Math.round((flowCount / windowMs) * 1000).toLocaleString('en-US')} records per simulated second` });

  const events = await timed(() => world.eventsBetween(world.startMs, world.startMs + 24 * 3_600_000));
  results.push({ name: 'events over 24 h simulated', value: events.ms, unit: 'ms', detail: `${events.value.length} events` });
  return results;
}
