import { describe, expect, it } from 'vitest';
import { parseIpv4Cidr, ipv4ToNumber } from './ipv4.ts';
import { scenarioFixture, TWO_SITE_FIXTURE } from './scenario-fixture.ts';
import { createWorld } from './world.ts';

const MINUTE = 60_000;
const SCRIPTED = `${TWO_SITE_FIXTURE}
events:
  - { at: 10m, scale: shop/api, replicas: 4 }
  - { at: 20m, scale: shop/api, replicas: 1 }
  - { at: 15m, annotate: shop/api, annotations: { isthmus.io/max-latency: 40ms } }
  - { at: 25m, annotate: shop/api, annotations: { isthmus.io/max-latency: null, isthmus.io/tunnel: biz-internet } }
`;

describe('Cluster', () => {
  it('places nodes at sites with the site-id label and Services with their cluster IPs', () => {
    const { cluster } = createWorld(scenarioFixture(TWO_SITE_FIXTURE));
    expect(cluster.nodes.map((node) => [node.name, node.siteId, node.site?.id, node.labels['isthmus.io/site-id'], node.internalIp])).toEqual([
      ['n1', 100, 100, '100', '172.18.0.2'],
      ['n2', 200, 200, '200', '172.18.0.3'],
    ]);
    expect(cluster.services[0]).toMatchObject({ namespace: 'shop', name: 'api', clusterIps: ['10.96.1.1'], ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 80 }] });
    expect(cluster.namespaces.map((namespace) => namespace.name)).toEqual(['shop']);
  });

  it('allocates pod names and IPs deterministically from the node pod CIDR', () => {
    const a = createWorld(scenarioFixture(TWO_SITE_FIXTURE)).cluster;
    const b = createWorld(scenarioFixture(TWO_SITE_FIXTURE), { seed: 99 }).cluster;
    expect(b.pods.map((pod) => [pod.name, pod.ip])).toEqual(a.pods.map((pod) => [pod.name, pod.ip]));
    for (const pod of a.pods) {
      const cidr = parseIpv4Cidr(pod.node.podCidr);
      const ip = ipv4ToNumber(pod.ip) ?? -1;
      expect(cidr && ip >= cidr.first + 2 && ip < cidr.first + cidr.size - 1).toBe(true);
      expect(pod.name).toMatch(new RegExp(`^${pod.workload.name}-[b-z2-9]{10}-[b-z2-9]{5}$`));
    }
    expect(a.pods.filter((pod) => pod.workload.name === 'api').map((pod) => pod.ip)).toEqual(['10.244.2.2', '10.244.2.3']);
    expect(a.endpointsAt(0, 0).map((endpoint) => endpoint.nodeName)).toEqual(['n2', 'n2']);
  });

  it('follows scripted scale events: new pods get new names and addresses, removed ones end', () => {
    const world = createWorld(scenarioFixture(SCRIPTED));
    const { cluster } = world;
    const t0 = world.startMs;
    const api = cluster.serviceIndex({ namespace: 'shop', name: 'api' }) ?? -1;
    expect(cluster.endpointsAt(api, t0 + 9 * MINUTE)).toHaveLength(2);
    expect(cluster.endpointsAt(api, t0 + 10 * MINUTE)).toHaveLength(4);
    expect(cluster.endpointsAt(api, t0 + 20 * MINUTE)).toHaveLength(1);
    const ips = cluster.pods.map((pod) => pod.ip);
    expect(new Set(ips).size).toBe(ips.length);
    const scaledDown = cluster.pods.filter((pod) => pod.toMs === t0 + 20 * MINUTE);
    expect(scaledDown.map((pod) => pod.ordinal).sort()).toEqual([1, 2, 3]);
    expect(cluster.podsAt(t0 + 21 * MINUTE).filter((pod) => pod.workload.name === 'api')).toHaveLength(1);
    expect(cluster.changes.map((change) => [change.kind, (change.timeMs - t0) / MINUTE])).toEqual([
      ['scale', 10],
      ['annotate', 15],
      ['scale', 20],
      ['annotate', 25],
    ]);
  });

  it('versions Service annotations over time (null removes one)', () => {
    const world = createWorld(scenarioFixture(SCRIPTED));
    const t0 = world.startMs;
    expect(world.cluster.serviceAt(0, t0)?.annotations).toEqual({});
    expect(world.cluster.serviceAt(0, t0 + 15 * MINUTE)?.annotations).toEqual({ 'isthmus.io/max-latency': '40ms' });
    expect(world.cluster.servicesAt(t0 + 30 * MINUTE)[0]?.annotations).toEqual({ 'isthmus.io/tunnel': 'biz-internet' });
  });
});
