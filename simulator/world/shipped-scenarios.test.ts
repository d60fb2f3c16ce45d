import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { countTunnels } from './count-tunnels.ts';
import { loadScenario } from './load-scenario.ts';
import type { Scenario } from './scenario.ts';
import { createWorld } from './world.ts';

const directory = fileURLToPath(new URL('../scenarios/', import.meta.url));

async function load(name: string): Promise<Scenario> {
  const result = await loadScenario(`${directory}${name}.yaml`);
  if (!result.ok) throw new Error(result.problems.map((problem) => problem.message).join('\n'));
  expect(result.warnings).toEqual([]);
  return result.scenario;
}

describe('shipped scenarios', () => {
  it('two-sites: two nodes behind two sites, a best-effort and a business Service', async () => {
    const scenario = await load('two-sites');
    const world = createWorld(scenario);
    expect(world.fabric.sites.map((site) => site.id)).toEqual([100, 200]);
    expect(new Set(world.fabric.tlocs.map((tloc) => tloc.color))).toEqual(new Set(['public-internet', 'biz-internet']));
    expect(world.fabric.tunnels).toHaveLength(8);
    expect(world.cluster.nodes.map((node) => node.labels['isthmus.io/site-id'])).toEqual(['100', '200']);
    const [catalog, payments] = world.cluster.services;
    expect(catalog?.annotations).toEqual({});
    expect(payments?.annotations['isthmus.io/max-latency']).toBe('50ms');
  });

  it('brownout: 4 sites × 3 colors, 8+ Services with SLOs, recurring brownouts and a blackout', async () => {
    const scenario = await load('brownout');
    expect(scenario.sites).toHaveLength(4);
    expect(scenario.sites.every((site) => site.tlocs.length === 3)).toBe(true);
    expect(scenario.services.filter((service) => Object.keys(service.annotations).some((key) => key.startsWith('isthmus.io/max-'))).length).toBeGreaterThanOrEqual(8);
    expect(scenario.incidents.filter((incident) => incident.kind === 'brownout' && incident.everyMs !== undefined).length).toBeGreaterThanOrEqual(1);
    expect(scenario.incidents.filter((incident) => incident.kind === 'blackout')).toHaveLength(1);
    const world = createWorld(scenario);
    expect(world.fabric.tunnels).toHaveLength(countTunnels(scenario));
    const t0 = world.startMs;
    expect(world.tunnelStates(t0 + 32 * 60_000).filter((state) => state === 'down')).toHaveLength(8);
  });

  it('scale: ≥ 200 sites × 4 colors, ≥ 2,000 Services, 159,200 tunnels in bounded memory and time', async () => {
    const started = performance.now();
    const scenario = await load('scale');
    expect(scenario.sites).toHaveLength(200);
    expect(scenario.sites.every((site) => site.tlocs.length === 4)).toBe(true);
    expect(scenario.services.length).toBeGreaterThanOrEqual(2000);
    const heapBefore = process.memoryUsage().heapUsed;
    const world = createWorld(scenario);
    // Cross-color off: 4 colors × 200 × 199 directional same-color tunnels (see scale.yaml).
    expect(world.fabric.tunnels).toHaveLength(4 * 200 * 199);
    expect(countTunnels(scenario)).toBe(159_200);
    const heapGrowthMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
    expect(heapGrowthMb).toBeLessThan(250);
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(world.cluster.pods.length).toBeGreaterThan(2000);
    expect(new Set(world.cluster.pods.map((pod) => pod.ip)).size).toBe(world.cluster.pods.length);
  });

  it('reports an unreadable file as a problem', async () => {
    const result = await loadScenario(`${directory}missing.yaml`);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]?.message).toBe(`cannot read scenario ${directory}missing.yaml: no such file`);
  });
});
