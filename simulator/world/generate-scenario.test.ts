import { describe, expect, it } from 'vitest';
import { scenarioFixture } from './scenario-fixture.ts';

const GENERATED = `
name: g
seed: 5
generate:
  sites: 30
  colorsPerSite: 3
  colors: [mpls, biz-internet, public-internet, lte]
  restrict: [mpls]
  edgesPerSite: 2
  nodesPerSite: 2
  namespaces: 4
  services: 120
  replicas: [1, 3]
  callsPerService: 2
  rate: [1, 2]
  sloShare: 50%
  pinShare: 10%
`;

describe('generator blocks', () => {
  it('yield the requested counts', () => {
    const scenario = scenarioFixture(GENERATED);
    expect(scenario.sites).toHaveLength(30);
    expect(scenario.sites.every((site) => site.tlocs.length === 3 && site.edges.length === 2)).toBe(true);
    expect(scenario.sites.flatMap((site) => site.tlocs).filter((tloc) => tloc.color === 'mpls').every((tloc) => tloc.restrict)).toBe(true);
    expect(scenario.nodes).toHaveLength(60);
    expect(scenario.namespaces).toHaveLength(4);
    expect(scenario.services).toHaveLength(120);
    expect(scenario.workloads).toHaveLength(120);
    expect(scenario.traffic).toHaveLength(240);
    expect(scenario.traffic.every((entry) => entry.rate >= 1 && entry.rate <= 2)).toBe(true);
    expect(scenario.workloads.every((workload) => workload.replicas >= 1 && workload.replicas <= 3)).toBe(true);
    const withSlo = scenario.services.filter((service) => 'isthmus.io/max-latency' in service.annotations).length;
    const pinned = scenario.services.filter((service) => 'isthmus.io/tunnel' in service.annotations).length;
    expect(withSlo).toBeGreaterThan(40);
    expect(withSlo).toBeLessThan(80);
    expect(pinned).toBeGreaterThan(3);
    expect(pinned).toBeLessThan(25);
  });

  it('allocates realistic, unique identifiers and addresses', () => {
    const scenario = scenarioFixture(GENERATED);
    expect(scenario.sites.slice(0, 3).map((site) => site.id)).toEqual([100, 200, 300]);
    expect(scenario.sites[0]?.edges).toEqual([
      { systemIp: '1.1.1.1', hostName: 'edge-site100-1' },
      { systemIp: '1.1.1.2', hostName: 'edge-site100-2' },
    ]);
    expect(scenario.nodes.slice(0, 2).map((node) => [node.name, node.podCidr, node.labels['isthmus.io/site-id']])).toEqual([
      ['node-site100-1', '10.244.0.0/24', '100'],
      ['node-site100-2', '10.244.1.0/24', '100'],
    ]);
    expect(scenario.services[0]).toMatchObject({ namespace: 'team-01', name: 'svc-0001', clusterIp: '10.96.1.1' });
    const ips = scenario.services.map((service) => service.clusterIp);
    expect(new Set(ips).size).toBe(ips.length);
  });

  it('are deterministic for a seed and differ for another; written entities keep their ids', () => {
    const a = scenarioFixture(GENERATED);
    const b = scenarioFixture(GENERATED);
    const c = scenarioFixture(GENERATED.replace('seed: 5', 'seed: 6'));
    expect(b).toEqual(a);
    expect(c.sites.map((site) => site.location)).not.toEqual(a.sites.map((site) => site.location));
    expect(c.traffic.map((entry) => entry.rate)).not.toEqual(a.traffic.map((entry) => entry.rate));
    const mixed = scenarioFixture(`${GENERATED}sites:\n  - { id: 100, colors: [lte], edges: [{ systemIp: 1.1.1.1 }] }\n`);
    expect(mixed.sites[0]).toMatchObject({ id: 100, edges: [{ systemIp: '1.1.1.1' }] });
    expect(mixed.sites[1]?.id).toBe(200);
    expect(mixed.sites[1]?.edges[0]?.systemIp).toBe('1.1.2.1');
  });
});
