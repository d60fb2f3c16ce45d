/**
 * The flow path: correlate (flow → Service, site pair, color) and aggregate (series counters, drops,
 * L7 histogram, rate window), in flows per second, on the inventory the `scale` scenario's Kubernetes
 * objects give (2,000 Services, 4,000 pods, 200 sites) and on `brownout`'s. The flows are generated
 * before timing, so only the bridge's work is measured; every Service has an assignment.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../../simulator/world/load-scenario.ts';
import type { SimFlow } from '../../simulator/world/sim-flow.ts';
import { createWorld } from '../../simulator/world/world.ts';
import { AggregationStore } from '../../src/correlate/aggregation-store.ts';
import { correlateFlow, correlateFlowInto } from '../../src/correlate/correlate-flow.ts';
import { createCorrelationScratch } from '../../src/correlate/correlated-flow.ts';
import { createCorrelationView } from '../../src/correlate/create-correlation-view.ts';
import { FlowPipeline } from '../../src/correlate/flow-pipeline.ts';
import { KeyInterner } from '../../src/correlate/key-interner.ts';
import { worldInventory } from '../../src/correlate/testdata/world-inventory.ts';
import type { Assignment } from '../../src/domain/assignment.ts';
import type { Color } from '../../src/domain/color.ts';
import { serviceKey } from '../../src/domain/service.ts';
import type { BenchResult } from './bench-result.ts';
import { throughput } from './bench-result.ts';

const COLORS: readonly Color[] = ['mpls', 'biz-internet', 'public-internet', 'lte'];

export async function run(): Promise<BenchResult[]> {
  return [...(await scenario('scale', 20_000)), ...(await scenario('brownout', 60_000))];
}

async function scenario(name: string, windowMs: number): Promise<BenchResult[]> {
  const loaded = await loadScenario(fileURLToPath(new URL(`../../simulator/scenarios/${name}.yaml`, import.meta.url)));
  if (!loaded.ok) throw new Error(loaded.problems.map((problem) => problem.message).join('\n'));
  const world = createWorld(loaded.scenario);
  const fromMs = world.startMs + 60_000;
  const inventory = worldInventory(world, fromMs);
  const assignments = new Map<string, Assignment>();
  world.cluster.services.forEach((service, i) => {
    assignments.set(serviceKey(service), { service: { namespace: service.namespace, name: service.name }, color: COLORS[i % COLORS.length] ?? 'mpls', mode: 'auto', since: 0 });
  });
  const view = createCorrelationView(inventory, assignments);
  const flows: SimFlow[] = [...world.flowsBetween(fromMs, fromMs + windowMs)];
  world.close();
  const size = `${inventory.size.services} Services, ${inventory.size.pods} pods, ${inventory.size.nodes} nodes; ${flows.length.toLocaleString('en-US')} flows`;

  const options = { defaultColor: 'biz-internet' as const, keys: new KeyInterner() };
  const scratch = createCorrelationScratch();
  const correlateOnly = throughput(() => {
    for (const flow of flows) correlateFlowInto(flow, view, scratch, options);
    return flows.length;
  });

  const allocating = throughput(() => {
    for (const flow of flows) correlateFlow(flow, view, options);
    return flows.length;
  });

  const store = new AggregationStore();
  const pipeline = new FlowPipeline(view, store, { defaultColor: 'biz-internet' });
  for (const flow of flows) pipeline.push(flow); // series, Services and pairs exist from here on
  const gc = countMinorGcs();
  const full = throughput(() => {
    for (const flow of flows) pipeline.push(flow);
    return flows.length;
  });
  const minorGcs = await gc.stop();
  let series = 0;
  store.forEachSeries(() => series++);
  const totals = store.totals();

  return [
    { name: `${name}: correlate + aggregate (FlowPipeline)`, value: full.perSecond, unit: 'flows/s', detail: `${size}; ${series} series` },
    { name: `${name}: correlate only (scratch)`, value: correlateOnly.perSecond, unit: 'flows/s', detail: 'correlateFlowInto' },
    { name: `${name}: correlate, allocating result`, value: allocating.perSecond, unit: 'flows/s', detail: 'correlateFlow' },
    {
      name: `${name}: minor GCs in steady state`,
      value: (minorGcs / full.operations) * 1e6,
      unit: 'per M flows',
      detail: `${minorGcs} over ${full.operations.toLocaleString('en-US')} flows (0 = no per-flow allocation)`,
    },
    { name: `${name}: unresolved share`, value: (totals.unresolved / totals.flows) * 100, unit: '%', detail: `${totals.unresolved.toLocaleString('en-US')} of ${totals.flows.toLocaleString('en-US')}` },
  ];
}

/** Counts scavenges (young-generation collections): a steady flow path that allocates nothing causes none. */
function countMinorGcs(): { stop(): Promise<number> } {
  let count = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      // GC entries carry { kind, flags } in `detail` (not in every version's PerformanceEntry typings).
      const { detail } = entry as { detail?: { kind?: number } };
      // perf_hooks.constants.NODE_PERFORMANCE_GC_MINOR
      if (detail?.kind === 1) count++;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    // GC entries are delivered asynchronously: let them arrive before disconnecting.
    stop: async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      observer.disconnect();
      return count;
    },
  };
}
