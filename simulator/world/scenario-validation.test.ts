import { describe, expect, it } from 'vitest';
import { parseScenario } from './parse-scenario.ts';
import type { ScenarioResult } from './parse-scenario.ts';
import { formatScenarioProblem } from './scenario-problem.ts';

/** A valid two-site base that each case breaks in one place. */
const BASE = `
name: t
sites:
  - { id: 100, colors: [public-internet, biz-internet], edges: [{ systemIp: 10.0.0.1 }] }
  - { id: 200, colors: [public-internet, biz-internet], edges: [{ systemIp: 10.0.0.2 }] }
cluster:
  nodes:
    - { name: n1, site: 100, podCidr: 10.244.1.0/24 }
    - { name: n2, site: 200, podCidr: 10.244.2.0/24 }
  services:
    - { name: api, namespace: shop, replicas: 1, nodes: [n2] }
  workloads:
    - { name: web, namespace: shop, nodes: [n1] }
  traffic:
    - { from: shop/web, to: shop/api, rate: 1 }
`;

function messages(result: ScenarioResult): string[] {
  return result.ok ? result.warnings.map((problem) => problem.message) : result.problems.map((problem) => problem.message);
}

describe('parseScenario', () => {
  it('accepts the base scenario', () => {
    const result = parseScenario(BASE, 'base.yaml');
    expect(messages(result)).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it('names the path, the expected values and what was found', () => {
    const result = parseScenario(
      `
name: t
sites:
  - { id: 100, colors: [public-internet] }
  - { id: 200, colors: [biz-internet] }
  - { id: 0, colors: [purple, 5, { color: mpls, restrict: yes }], edges: [{ systemIp: 127.0.0.1 }] }
`,
      'bad.yaml',
    );
    expect(result.ok).toBe(false);
    expect(messages(result)).toEqual([
      'sites[2].id: expected a number ≥ 1, got 0',
      'sites[2].colors[0]: expected one of public-internet, biz-internet, 3g, lte, blue, green, red, bronze, silver, gold, custom1, custom2, custom3, mpls, metro-ethernet, private1, private2, private3, private4, private5, private6, default, got "purple"',
      'sites[2].colors[1]: expected one of public-internet, biz-internet, 3g, lte, blue, green, red, bronze, silver, gold, custom1, custom2, custom3, mpls, metro-ethernet, private1, private2, private3, private4, private5, private6, default or a mapping, got 5',
      'sites[2].colors[2].restrict: expected true or false, got "yes"',
      'sites[2].edges[0].systemIp: expected a system IP (dotted IPv4 outside 0/8, 127/8 and 224/3), such as "10.0.0.1", got "127.0.0.1"',
    ]);
  });

  it('reports line and column, in file order', () => {
    const result = parseScenario('name: t\nsites:\n  - id: 100\n    colour: [lte]\n    colors: [lte]\n', 'typo.yaml');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((problem) => formatScenarioProblem(problem, 'typo.yaml'))).toEqual([
      'typo.yaml:4:5: error: sites[0].colour: unknown key; did you mean "colors"?',
    ]);
  });

  it('explains missing keys, wrong types, bad units and unknown discriminators', () => {
    const result = parseScenario(
      `
sites: { id: 100 }
cluster:
  nodes: [{ name: Node_1, site: 100 }]
incidents:
  - { kind: brownbout, target: { color: lte }, at: 1m, duration: 2m }
  - { kind: blackout, target: {}, at: 5, duration: 2m, ramp: 1m }
  - { kind: brownout, target: { color: lte }, at: 1m, duration: 2m, loss: 150% }
events:
  - { at: 1m }
`,
      'bad.yaml',
    );
    expect(messages(result)).toEqual([
      'name: expected a Kubernetes name (lower-case letters, digits and "-", at most 63 characters), got nothing',
      'sites: expected a list, got a mapping',
      'cluster.nodes[0].name: expected a node name (lower-case letters, digits, "-" and "."), got "Node_1"',
      'incidents[0].kind: expected one of brownout, blackout, flapping, got "brownbout" (did you mean "brownout"?)',
      'incidents[1].target: expected at least one of tunnel, color, site or sites',
      'incidents[1].at: expected a duration such as "30s", "5m" or "1h30m", got 5',
      'incidents[1].ramp: unknown key; expected one of kind, name, target, at, duration, every, count',
      'incidents[2].loss: expected a ratio between 0 and 1 or a percentage such as "1%", got "150%"',
      'events[0]: expected exactly one of scale or annotate',
    ]);
  });

  it('lists the allowed keys of a per-color mapping', () => {
    expect(messages(parseScenario('name: t\ncolors: { purple: { latency: 5ms }, lte: { latncy: 5ms } }\n', 'colors.yaml'))).toEqual([
      'colors.purple: unknown key; expected one of public-internet, biz-internet, 3g, lte, blue, green, red, bronze, silver, gold, custom1, custom2, custom3, mpls, metro-ethernet, private1, private2, private3, private4, private5, private6, default',
      'colors.lte.latncy: unknown key; did you mean "latency"?',
    ]);
  });

  it('checks SLO values with the annotation parser', () => {
    const result = parseScenario(
      BASE.replace('{ name: api, namespace: shop, replicas: 1, nodes: [n2] }', '{ name: api, namespace: shop, replicas: 1, nodes: [n2], slo: { latency: 50MS, loss: "0.5" } }'),
      'slo.yaml',
    );
    expect(messages(result)).toEqual([
      'cluster.services[0].slo.latency: expected a duration such as "50ms", got "50MS" (unknown unit "MS": units are case-sensitive; did you mean "ms"?)',
      'cluster.services[0].slo.loss: expected a percentage such as "1%", got "0.5" (unit missing; expected % after the number, e.g. 1%)',
    ]);
  });

  it('finds duplicates and unknown references across entries', () => {
    const result = parseScenario(
      `
name: t
sites:
  - { id: 100, colors: [public-internet, biz-internet], edges: [{ systemIp: 10.0.0.1 }] }
  - { id: 100, colors: [lte, lte], edges: [{ systemIp: 10.0.0.1 }] }
  - { id: 300, colors: [{ color: mpls, restrict: true }, biz-internet] }
cluster:
  nodes:
    - { name: n1, site: 100, podCidr: 10.244.0.0/23 }
    - { name: n2, site: 900, podCidr: 10.244.1.0/24 }
  services:
    - { name: api, replicas: 1, nodes: [n9] }
    - { name: payments, namespace: shop, clusterIp: 10.96.0.50 }
    - { name: other, namespace: shop, clusterIp: 10.96.0.50 }
  traffic:
    - { from: api, to: shop/paymnts, rate: 1 }
    - { from: zz, to: api, rate: 1, port: 81 }
events:
  - { at: 1m, scale: nope, replicas: 2 }
  - { at: 2m, annotate: shop/nope, annotations: { a: b } }
`,
      'refs.yaml',
    );
    expect(result.ok).toBe(false);
    expect(messages(result)).toEqual([
      'sites[1].id: duplicate site id 100 (first at sites[0])',
      'sites[1].colors[1]: color lte is listed twice for site 100',
      // In file order: the generated host name has no place of its own, so it points at the edge entry.
      'sites[1].edges[0].hostName: duplicate host name edge-site100-1 (first at sites[0].edges[0])',
      'sites[1].edges[0].systemIp: duplicate system IP 10.0.0.1 (first at sites[0].edges[0])',
      'cluster.nodes[1].site: unknown site 900 (known: 100, 300)',
      'cluster.nodes[1].podCidr: 10.244.1.0/24 overlaps 10.244.0.0/23 of cluster.nodes[0]',
      'cluster.services[0].nodes[0]: unknown node n9; did you mean n1?',
      'cluster.services[1].selector: no workload in namespace shop matches the selector of Service shop/payments; its traffic is dropped',
      'cluster.services[2].selector: no workload in namespace shop matches the selector of Service shop/other; its traffic is dropped',
      'cluster.services[2].clusterIp: duplicate cluster IP 10.96.0.50 (first at cluster.services[1])',
      'cluster.traffic[0].to: unknown Service shop/paymnts; did you mean shop/payments?',
      'cluster.traffic[1].from: unknown workload default/zz (known: default/api)',
      'cluster.traffic[1].port: Service default/api has no port 81 (ports: 80)',
      'events[0].scale: unknown workload default/nope (known: default/api)',
      'events[1].annotate: unknown Service shop/nope (known: default/api, shop/payments, shop/other)',
    ]);
    if (!result.ok) expect(result.problems.filter((problem) => problem.severity === 'warning').map((problem) => problem.code)).toEqual(['NoBackends', 'NoBackends']);
  });

  it('checks incident targets against the fabric', () => {
    const incidents = `
incidents:
  - { kind: blackout, target: { site: 400 }, at: 1m, duration: 2m }
  - { kind: blackout, target: { color: gold }, at: 1m, duration: 2m }
  - { kind: blackout, target: { site: 200, color: lte }, at: 1m, duration: 2m }
  - { kind: blackout, target: { tunnel: "10.0.0.1:public-internet-10.0.0.2:mpls" }, at: 1m, duration: 2m }
  - { kind: blackout, target: { tunnel: "10.0.0.1:biz-internet-10.0.0.9:biz-internet" }, at: 1m, duration: 2m }
  - { kind: blackout, target: { tunnel: bogus }, at: 1m, duration: 2m }
  - { kind: flapping, target: { sites: [100, 100] }, at: 1m, duration: 2m, period: 10s }
  - { kind: flapping, target: { sites: [100, 200] }, at: 1m, duration: 2m, period: 10s, downFor: 20s }
  - { kind: brownout, target: { color: biz-internet }, at: 1m, duration: 2m, ramp: 90s, latency: 10ms }
  - { kind: brownout, target: { color: biz-internet }, at: 1m, duration: 2m }
  - { kind: blackout, target: { color: biz-internet }, at: 1m, duration: 2m, every: 1m }
`;
    const withLte = BASE.replace('colors: [public-internet, biz-internet], edges: [{ systemIp: 10.0.0.1 }]', 'colors: [public-internet, biz-internet, lte], edges: [{ systemIp: 10.0.0.1 }]');
    expect(messages(parseScenario(withLte + incidents, 'incidents.yaml'))).toEqual([
      'incidents[0].target.site: unknown site 400 (known: 100, 200)',
      'incidents[1].target.color: no site has color gold',
      'incidents[2].target.color: site 200 has no lte TLOC (it has public-internet, biz-internet)',
      'incidents[3].target.tunnel: no tunnel 10.0.0.1:public-internet-10.0.0.2:mpls in the fabric: 10.0.0.2 has no mpls TLOC',
      'incidents[4].target.tunnel: no tunnel 10.0.0.1:biz-internet-10.0.0.9:biz-internet in the fabric: no edge has system IP 10.0.0.9',
      'incidents[5].target.tunnel: expected a tunnel name "<system-ip>:<color>-<system-ip>:<color>" such as "10.0.0.1:mpls-10.0.0.2:mpls", got "bogus"',
      'incidents[6].target.sites: expected two different sites, got 100 twice',
      'incidents[7].downFor: expected less than the period (10000 ms), got 20000 ms',
      'incidents[8].ramp: expected at most half the duration (60000 ms), got 90000 ms',
      'incidents[9]: a brownout needs at least one of latency, jitter or loss (what it adds at full intensity)',
      'incidents[10].every: expected a period ≥ the duration (120000 ms) so that occurrences do not overlap, got 60000 ms',
    ]);
  });

  it('warns about colors a namespace or Service asks for that no site has', () => {
    const result = parseScenario(
      `${BASE}    - { from: shop/web, to: shop/api, rate: 1 }
  namespaces:
    - { name: shop, allowedTunnels: [mpls, biz-internet] }
`.replace('{ name: api, namespace: shop, replicas: 1, nodes: [n2] }', '{ name: api, namespace: shop, replicas: 1, nodes: [n2], tunnel: lte }'),
      'colors.yaml',
    );
    expect(result.ok).toBe(true);
    expect(messages(result)).toEqual([
      'cluster.services[0].annotations["isthmus.io/tunnel"]: Service shop/api asks for lte but no site has it',
      'cluster.namespaces[0].allowedTunnels: mpls is allowed for namespace shop but no site has it',
    ]);
  });

  it('refuses a hub-and-spoke fabric without hubs and pods beyond a CIDR', () => {
    const result = parseScenario(
      BASE.replace('name: t', 'name: t\nfabric: { topology: hub-and-spoke }').replace('{ name: web, namespace: shop, nodes: [n1] }', '{ name: web, namespace: shop, nodes: [n1], replicas: 300 }'),
      'hub.yaml',
    );
    expect(messages(result)).toEqual([
      'fabric.topology: hub-and-spoke needs at least one site with hub: true',
      'cluster.nodes[0].podCidr: 10.244.1.0/24 has room for 253 pods but node n1 runs 300 over the scenario',
    ]);
  });

  it('reports YAML syntax errors with their position and never throws', () => {
    const result = parseScenario('name: t\nsites: [\n', 'broken.yaml');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems[0]?.code).toBe('YamlSyntax');
    expect(result.problems[0]?.line).toBeGreaterThan(0);
    expect(parseScenario('', 'empty.yaml').ok).toBe(false);
    expect(parseScenario('- just\n- a list\n', 'list.yaml').ok).toBe(false);
    expect(messages(parseScenario('- just\n- a list\n', 'list.yaml'))).toEqual(['expected a mapping, got a list']);
  });
});
