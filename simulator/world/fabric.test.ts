import { describe, expect, it } from 'vitest';
import { parseTunnelName, tunnelName } from '../../src/domain/tunnel.ts';
import { countTunnels } from './count-tunnels.ts';
import { Fabric } from './fabric.ts';
import { parseScenario } from './parse-scenario.ts';
import { scenarioFixture } from './scenario-fixture.ts';

function fabric(yaml: string): Fabric {
  return new Fabric(scenarioFixture(`name: f\n${yaml}`));
}

const THREE_SITES = `
sites:
  - { id: 100, colors: [{ color: mpls, restrict: true }, biz-internet, lte], edges: 2 }
  - { id: 200, colors: [{ color: mpls, restrict: true }, biz-internet], hub: true }
  - { id: 300, colors: [biz-internet, lte] }
`;

describe('Fabric', () => {
  it('builds same-color tunnels always and cross-color ones only between unrestricted ends', () => {
    const f = fabric(THREE_SITES);
    const names = new Set(f.tunnels.map((tunnel) => tunnel.name));
    expect(names.has('1.1.1.1:mpls-1.1.2.1:mpls')).toBe(true);
    expect(names.has('1.1.1.1:biz-internet-1.1.3.1:lte')).toBe(true);
    expect(names.has('1.1.1.1:mpls-1.1.2.1:biz-internet')).toBe(false);
    expect(names.has('1.1.1.1:mpls-1.1.3.1:lte')).toBe(false);
    // Edges of one site never tunnel to each other.
    expect(names.has('1.1.1.1:biz-internet-1.1.1.2:biz-internet')).toBe(false);
    // Site 100 (2 edges: mpls*, biz, lte) ↔ 200 (mpls*, biz): per edge pair mpls-mpls, biz-biz, lte-biz
    // = 3; ↔ 300 (biz, lte): biz-biz, biz-lte, lte-biz, lte-lte = 4; 200 ↔ 300: biz-biz, biz-lte = 2.
    expect(f.tunnels).toHaveLength(2 * (2 * 3 + 2 * 4 + 2));
  });

  it('counts as documented with cross-color off and in hub-and-spoke', () => {
    expect(fabric(`fabric: { crossColor: false }\n${THREE_SITES}`).tunnels).toHaveLength(2 * (2 * 2 + 2 * 2 + 1));
    const hub = fabric(`fabric: { topology: hub-and-spoke, crossColor: false }\n${THREE_SITES}`);
    // Spokes 100 and 300 only reach hub 200: 100↔200 mpls+biz per edge (2 edges), 300↔200 biz.
    expect(hub.tunnels).toHaveLength(2 * (2 * 2 + 1));
    expect(hub.tunnelsBetween('1.1.1.1', '1.1.3.1')).toEqual([]);
  });

  it('has both directions of every tunnel, and finds them by name, key and device', () => {
    const f = fabric(THREE_SITES);
    for (const tunnel of f.tunnels) {
      const reverse = f.tunnels[f.tunnelReverse[tunnel.index] ?? -1];
      expect(reverse?.local).toBe(tunnel.remote);
      expect(reverse?.remote).toBe(tunnel.local);
      expect(f.tunnel(tunnel.name)).toBe(tunnel);
      const key = parseTunnelName(tunnel.name);
      expect(key && tunnelName(key)).toBe(tunnel.name);
      expect(key && f.tunnel(key)).toBe(tunnel);
    }
    expect(f.tunnel('1.1.1.1:mpls-1.1.3.1:lte')).toBeUndefined();
    expect(f.tunnel('not a tunnel')).toBeUndefined();
    const from = f.tunnelsFrom('1.1.1.2');
    expect(from.length).toBeGreaterThan(0);
    expect(from.every((tunnel) => tunnel.local.systemIp === '1.1.1.2')).toBe(true);
    expect(f.tunnels.filter((tunnel) => tunnel.local.systemIp === '1.1.1.2')).toEqual(from);
    expect(f.tunnelsBetween('1.1.1.1', '1.1.2.1').map((tunnel) => tunnel.name)).toEqual([
      '1.1.1.1:mpls-1.1.2.1:mpls',
      '1.1.1.1:biz-internet-1.1.2.1:biz-internet',
      '1.1.1.1:lte-1.1.2.1:biz-internet',
    ]);
  });

  it('describes devices as the inventory does', () => {
    const f = fabric(THREE_SITES);
    const device = f.device('1.1.1.2');
    expect(device).toMatchObject({ systemIp: '1.1.1.2', siteId: 100, hostName: 'edge-site100-2', personality: 'vedge', reachable: true, colors: ['mpls', 'biz-internet', 'lte'] });
    expect(device?.tlocs.map((tloc) => [tloc.color, tloc.restrict, tloc.port])).toEqual([
      ['mpls', true, 12346],
      ['biz-internet', false, 12366],
      ['lte', false, 12386],
    ]);
    expect(f.site(100)?.devices).toHaveLength(2);
    expect(f.site(999)).toBeUndefined();
  });
});

describe('countTunnels', () => {
  it.each([
    ['full mesh', ''],
    ['cross-color off', 'fabric: { crossColor: false }\n'],
    ['hub-and-spoke', 'fabric: { topology: hub-and-spoke }\n'],
    ['hub-and-spoke, cross-color off', 'fabric: { topology: hub-and-spoke, crossColor: false }\n'],
  ])('matches the fabric it predicts (%s)', (_name, prefix) => {
    const scenario = scenarioFixture(`name: f\n${prefix}${THREE_SITES}`);
    expect(countTunnels(scenario)).toBe(new Fabric(scenario).tunnels.length);
  });

  it('refuses a fabric too large to build, with a way out', () => {
    const result = parseScenario('name: huge\ngenerate: { sites: 2000, colorsPerSite: 4, nodesPerSite: 0 }\n', 'huge.yaml');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems.map((problem) => problem.message)).toEqual([
        'fabric: this fabric would have 63,968,000 tunnels (at most 3,000,000); set crossColor: false, use topology: hub-and-spoke, or use fewer sites or colors',
      ]);
    }
  });
});
