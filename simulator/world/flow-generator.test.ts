import { describe, expect, it } from 'vitest';
import { scenarioFixture, TWO_SITE_FIXTURE } from './scenario-fixture.ts';
import type { SimFlow } from './sim-flow.ts';
import { createWorld } from './world.ts';
import type { World } from './world.ts';

const SECOND = 1000;

function collect(world: World, fromMs: number, toMs: number, nodeName?: string): SimFlow[] {
  return [...world.flowsBetween(fromMs, toMs, nodeName === undefined ? {} : { nodeName })];
}

/** What identifies a record, without the object graph. */
function digest(flows: readonly SimFlow[]): string[] {
  return flows.map((flow) => `${flow.timeNs}|${flow.uuid}|${flow.type}|${flow.verdict}|${flow.source.podName}|${flow.destination.podName}|${flow.tunnels.map((t) => t.name).join('+')}|${flow.l7LatencySeconds ?? ''}`);
}

describe('flowsBetween', () => {
  it('is deterministic for a seed and differs for another', () => {
    const scenario = scenarioFixture(TWO_SITE_FIXTURE);
    const a = createWorld(scenario);
    const t0 = a.startMs;
    const flows = digest(collect(a, t0, t0 + 20 * SECOND));
    expect(flows.length).toBeGreaterThan(500);
    expect(digest(collect(createWorld(scenario), t0, t0 + 20 * SECOND))).toEqual(flows);
    expect(digest(collect(createWorld(scenario, { seed: 'other' }), t0, t0 + 20 * SECOND))).not.toEqual(flows);
  });

  it('gives the same records for a window whether read whole or in pieces, in any order', () => {
    const world = createWorld(scenarioFixture(TWO_SITE_FIXTURE));
    const t0 = world.startMs + 3_456;
    const whole = digest(collect(world, t0, t0 + 25 * SECOND));
    const cuts = [t0, t0 + 1_234, t0 + 9_999, t0 + 10_000, t0 + 17_500, t0 + 25 * SECOND];
    const pieces = cuts.slice(0, -1).map((from, i) => digest(collect(world, from, cuts[i + 1] ?? from)));
    expect(pieces.reverse().reverse().flat()).toEqual(whole);
    const fresh = createWorld(scenarioFixture(TWO_SITE_FIXTURE));
    expect(digest(collect(fresh, t0 + 17_500, t0 + 25 * SECOND))).toEqual(pieces[4]);
  });

  it('yields records in time order, inside the window, with unique ids', () => {
    const world = createWorld(scenarioFixture(TWO_SITE_FIXTURE));
    const t0 = world.startMs + 500;
    const flows = collect(world, t0, t0 + 30 * SECOND);
    for (let i = 1; i < flows.length; i++) expect((flows[i]?.timeNs ?? 0n) >= (flows[i - 1]?.timeNs ?? 0n)).toBe(true);
    expect(flows.every((flow) => flow.timeMs >= t0 && flow.timeMs < t0 + 30 * SECOND)).toBe(true);
    expect(new Set(flows.map((flow) => flow.uuid)).size).toBe(flows.length);
  });

  it('matches the traffic matrix: rate, drop share and HTTP share', () => {
    const world = createWorld(scenarioFixture(TWO_SITE_FIXTURE));
    const t0 = world.startMs;
    const flows = collect(world, t0, t0 + 120 * SECOND);
    const connections = flows.filter((flow) => flow.type === 'L3_L4');
    // 50 connections/s for 120 s (Poisson): within a few percent.
    expect(connections.length).toBeGreaterThan(5700);
    expect(connections.length).toBeLessThan(6300);
    const dropped = connections.filter((flow) => flow.verdict === 'DROPPED');
    expect(dropped.length / connections.length).toBeGreaterThan(0.08);
    expect(dropped.length / connections.length).toBeLessThan(0.12);
    expect(dropped.every((flow) => flow.dropReason === 'POLICY_DENIED' && flow.trafficDirection === 'INGRESS' && flow.nodeName === 'n2')).toBe(true);
    const responses = flows.filter((flow) => flow.http?.type === 'RESPONSE');
    const requests = flows.filter((flow) => flow.http?.type === 'REQUEST');
    expect(Math.abs(responses.length - requests.length)).toBeLessThan(30);
    // HTTP on 50 % of the 90 % forwarded.
    expect(requests.length / connections.length).toBeGreaterThan(0.4);
    expect(requests.length / connections.length).toBeLessThan(0.5);
  });

  it('describes pods, sites and the tunnel crossed as Hubble would see them', () => {
    const world = createWorld(scenarioFixture(TWO_SITE_FIXTURE));
    const t0 = world.startMs;
    const flows = collect(world, t0, t0 + 10 * SECOND);
    const forward = flows.find((flow) => flow.type === 'L3_L4' && flow.verdict === 'FORWARDED');
    expect(forward).toMatchObject({ nodeName: 'n1', trafficDirection: 'EGRESS', isReply: false, protocol: 'TCP', sourceSiteId: 100, destinationSiteId: 200 });
    expect(forward?.source.namespace).toBe('shop');
    expect(forward?.source.labels).toContain('k8s:app=web');
    expect(forward?.destination.port).toBe(80);
    expect(forward?.destination.ip).toMatch(/^10\.244\.2\./);
    expect(forward?.tunnels).toHaveLength(1);
    expect(forward?.tunnels[0]?.localSiteId).toBe(100);
    const response = flows.find((flow) => flow.http?.type === 'RESPONSE');
    expect(response).toMatchObject({ type: 'L7', isReply: true, nodeName: 'n1' });
    expect(response?.source.podName).toMatch(/^api-/);
    // The Service's 10 ms plus a Paris–Frankfurt round trip of a few tens of ms.
    expect(response?.l7LatencySeconds).toBeGreaterThan(0.02);
    expect(response?.l7LatencySeconds).toBeLessThan(0.3);
    expect(response?.http).toMatchObject({ code: 200, method: 'GET', url: 'http://api.shop.svc.cluster.local/' });
  });

  it('filters by observing node', () => {
    const world = createWorld(scenarioFixture(TWO_SITE_FIXTURE));
    const t0 = world.startMs;
    const all = collect(world, t0, t0 + 10 * SECOND);
    const n2 = collect(world, t0, t0 + 10 * SECOND, 'n2');
    expect(n2.length).toBeGreaterThan(0);
    expect(digest(n2)).toEqual(digest(all.filter((flow) => flow.nodeName === 'n2')));
  });

  it('follows the color selector, falls back when that color is down, and shows brownouts in L7 latency', () => {
    const world = createWorld(
      scenarioFixture(`${TWO_SITE_FIXTURE}
incidents:
  - { kind: brownout, target: { color: public-internet }, at: 1m, duration: 2m, latency: 300ms }
  - { kind: blackout, target: { color: public-internet }, at: 5m, duration: 1m }
`),
    );
    const t0 = world.startMs;
    const colors = (from: number) => new Set(collect(world, from, from + 10 * SECOND).flatMap((flow) => flow.tunnels.map((tunnel) => `${tunnel.local.color}>${tunnel.remote.color}`)));
    expect(colors(t0).size).toBe(4);
    world.setColorSelector(() => 'public-internet');
    expect(colors(t0)).toEqual(new Set(['public-internet>public-internet']));
    const latency = (from: number) => {
      const values = collect(world, from, from + 10 * SECOND).flatMap((flow) => (flow.l7LatencySeconds === undefined ? [] : [flow.l7LatencySeconds]));
      return values.reduce((sum, value) => sum + value, 0) / values.length;
    };
    expect(latency(t0 + 90 * SECOND) - latency(t0)).toBeGreaterThan(0.25);
    // public-internet is down: the fabric falls back to what is up (a few seconds in, so that no response
    // to an earlier request is in the window).
    expect([...colors(t0 + 5 * 60 * SECOND + 3 * SECOND)].some((pair) => pair.includes('public-internet'))).toBe(false);
    world.setColorSelector(undefined);
    expect(colors(t0).size).toBe(4);
  });

  it('drops connections to a Service without endpoints at its ClusterIP', () => {
    const world = createWorld(scenarioFixture(`${TWO_SITE_FIXTURE}\nevents:\n  - { at: 1m, scale: shop/api, replicas: 0 }\n`));
    const t0 = world.startMs;
    const flows = collect(world, t0 + 61 * SECOND, t0 + 65 * SECOND);
    expect(flows.length).toBeGreaterThan(0);
    expect(flows.every((flow) => flow.verdict === 'DROPPED' && flow.dropReason === 'SERVICE_BACKEND_NOT_FOUND' && flow.backend === undefined)).toBe(true);
    expect(flows[0]?.destination).toMatchObject({ ip: '10.96.1.1', serviceName: 'api', serviceNamespace: 'shop' });
  });

  it('crosses a hub between two spokes in hub-and-spoke', () => {
    const world = createWorld(
      scenarioFixture(`
name: hub
fabric: { topology: hub-and-spoke, crossColor: false }
sites:
  - { id: 100, colors: [mpls, lte] }
  - { id: 200, colors: [mpls, lte] }
  - { id: 900, colors: [mpls, lte], hub: true }
cluster:
  nodes: [{ name: a, site: 100 }, { name: b, site: 200 }]
  services: [{ name: api, replicas: 1, nodes: [b] }]
  workloads: [{ name: web, nodes: [a] }]
  traffic: [{ from: web, to: api, rate: 20 }]
`),
    );
    const flows = collect(world, world.startMs, world.startMs + 5 * SECOND);
    expect(flows.length).toBeGreaterThan(50);
    for (const flow of flows) {
      expect(flow.tunnels.map((tunnel) => [tunnel.localSiteId, tunnel.remoteSiteId])).toEqual([
        [100, 900],
        [900, 200],
      ]);
      expect(flow.tunnels[0]?.local.color).toBe(flow.tunnels[1]?.remote.color);
    }
  });
});
