import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../simulator/world/load-scenario.ts';
import type { SimFlow } from '../../simulator/world/sim-flow.ts';
import { createWorld } from '../../simulator/world/world.ts';
import type { World } from '../../simulator/world/world.ts';
import type { Assignment } from '../domain/assignment.ts';
import type { Color } from '../domain/color.ts';
import { serviceKey } from '../domain/service.ts';
import { AggregationStore } from './aggregation-store.ts';
import { correlateFlow } from './correlate-flow.ts';
import { createCorrelationView } from './create-correlation-view.ts';
import { FlowPipeline } from './flow-pipeline.ts';
import type { SitePair } from './site-pair.ts';
import { worldInventory } from './testdata/world-inventory.ts';

const BROWNOUT = fileURLToPath(new URL('../../simulator/scenarios/brownout.yaml', import.meta.url));
/** One simulated minute, before the first incident, so the fabric honours every assigned color. */
const FROM_MS = 60_000;
const TO_MS = 120_000;

/**
 * The simulator knows the truth Hubble does not carry (each flow's Service, both pods' sites, the
 * tunnel taken): correlation over its flows, with the inventory the Kubernetes objects give, must find
 * it for every flow it resolves, and leave unresolved only what the index cannot know.
 */
describe('correlation against the simulated world (brownout)', () => {
  let world: World;
  let flows: SimFlow[];
  const assignments = new Map<string, Assignment>();

  beforeAll(async () => {
    const loaded = await loadScenario(BROWNOUT);
    if (!loaded.ok) throw new Error(loaded.problems.map((problem) => problem.message).join('\n'));
    world = createWorld(loaded.scenario);
    const colors: readonly Color[] = ['mpls', 'biz-internet', 'public-internet'];
    world.cluster.services.forEach((service, i) => {
      const color = colors[i % colors.length] ?? 'mpls';
      assignments.set(serviceKey(service), { service: { namespace: service.namespace, name: service.name }, color, mode: 'auto', since: 0 });
    });
    // The fabric steers each Service onto its assigned color, as the pushed policy would.
    world.setColorSelector((service) => assignments.get(serviceKey(service))?.color);
    flows = [...world.flowsBetween(world.startMs + FROM_MS, world.startMs + TO_MS)];
  });

  it('finds the true Service, client site, backend site and tunnel color of every resolved flow', () => {
    const view = createCorrelationView(worldInventory(world, world.startMs + FROM_MS), assignments);
    const unresolved: string[] = [];
    let resolved = 0;
    for (const flow of flows) {
      const result = correlateFlow(flow, view);
      if (result.outcome === 'unresolved') {
        unresolved.push(`${result.reason} ${flow.verdict} ${flow.trafficDirection}`);
        continue;
      }
      resolved++;
      expect(result.service).toBe(serviceKey(flow.service));
      expect(result.clientSiteId).toBe(flow.sourceSiteId);
      expect(result.serverSiteId).toBe(flow.destinationSiteId);
      expect(result.clientIp).toBe(flow.client.ip);
      expect(result.color).toBe(flow.color);
    }
    expect(flows.length).toBeGreaterThan(10_000);
    expect(resolved).toBeGreaterThan(flows.length * 0.99);
    // Only policy drops seen at the backend from clients that back no Service (so are in no
    // EndpointSlice) stay unresolved: the index cannot place a remote pod it has never seen.
    expect(new Set(unresolved)).toEqual(new Set(['unknown-source-ip DROPPED INGRESS']));
  });

  it('learns from the traffic exactly the site pairs each Service crossed', () => {
    const store = new AggregationStore();
    const pipeline = new FlowPipeline(createCorrelationView(worldInventory(world, world.startMs + FROM_MS), assignments), store);
    const truth = new Map<string, Map<string, SitePair>>();
    for (const flow of flows) {
      pipeline.push(flow);
      const { sourceSiteId: from, destinationSiteId: to } = flow;
      if (from === undefined || to === undefined || from === to || (flow.verdict === 'DROPPED' && flow.trafficDirection === 'INGRESS')) continue;
      const pairs = truth.get(serviceKey(flow.service)) ?? new Map<string, SitePair>();
      pairs.set(`${from}>${to}`, { from, to });
      truth.set(serviceKey(flow.service), pairs);
    }
    for (const [service, pairs] of truth) {
      expect(store.sitePairs(service)).toEqual([...pairs.values()].sort((a, b) => a.from - b.from || a.to - b.to));
    }
    expect(store.totals()).toMatchObject({ flows: flows.length, conflicts: 0 });
    const l7 = flows.filter((flow) => flow.l7LatencySeconds !== undefined).length;
    let observed = 0;
    store.forEachSeries((series) => (observed += series.latency?.count ?? 0));
    expect(observed).toBe(l7);
  });
});
