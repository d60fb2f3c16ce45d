import { describe, expect, it } from 'vitest';
import type { Correlation } from './correlated-flow.ts';
import { correlateFlow } from './correlate-flow.ts';
import { KeyInterner } from './key-interner.ts';
import { correlationFixture } from './testdata/correlation-fixture.ts';
import { goldenJson } from './testdata/golden-json.ts';
import { testFlow } from './testdata/test-flow.ts';
import type { TestFlowFields } from './testdata/test-flow.ts';

const FRONTEND = { ip: '10.244.1.5', port: 40_000, namespace: 'shop', podName: 'frontend-a' };
const CATALOG_B = { ip: '10.244.2.10', port: 8080, namespace: 'shop', podName: 'catalog-b' };

interface Case {
  readonly name: string;
  readonly flow: TestFlowFields;
  /** The fields the case is about; the whole result is in testdata/correlate-flow.golden.json. */
  readonly expect: Partial<Record<string, unknown>>;
}

const cases: readonly Case[] = [
  {
    name: 'request to a backend pod, no service fields: the index finds the Service, the assignment the color',
    flow: { src: FRONTEND, dst: CATALOG_B, nodeName: 'node-paris', direction: 'EGRESS' },
    expect: { outcome: 'correlated', service: 'shop/catalog', serviceSource: 'backend', clientSiteId: 100, serverSiteId: 200, color: 'mpls', colorSource: 'assignment', reply: false },
  },
  {
    name: 'service field present and agreeing with the index (a ClusterIP): backend site unknown',
    flow: { src: FRONTEND, dst: { ip: '10.96.0.10', port: 80, serviceName: 'catalog', serviceNamespace: 'shop' }, nodeName: 'node-paris', direction: 'EGRESS' },
    expect: { service: 'shop/catalog', serviceSource: 'frontend', conflict: false, serverSiteId: undefined, color: undefined, colorSource: 'unknown' },
  },
  {
    name: 'service field present, address unknown to the index: Hubble names the Service',
    flow: { src: FRONTEND, dst: { ip: '10.96.99.1', port: 80, serviceName: 'orders', serviceNamespace: 'shop' }, nodeName: 'node-paris', direction: 'EGRESS' },
    expect: { service: 'shop/orders', serviceSource: 'hubble', conflict: false, clientSiteId: 100, serverSiteId: undefined },
  },
  {
    name: 'service field conflicting with the index: the index wins, the conflict is flagged',
    flow: { src: FRONTEND, dst: { ...CATALOG_B, serviceName: 'cart', serviceNamespace: 'shop' }, nodeName: 'node-paris', direction: 'EGRESS' },
    expect: { service: 'shop/catalog', serviceSource: 'backend', conflict: true, serverSiteId: 200 },
  },
  {
    name: 'shared load-balancer address, no service field: the port picks the Service',
    flow: { src: FRONTEND, dst: { ip: '203.0.113.10', port: 443 }, nodeName: 'node-paris', direction: 'EGRESS' },
    expect: { service: 'shop/web-https', serviceSource: 'frontend', conflict: false },
  },
  {
    name: 'shared load-balancer address with a service field: Hubble chooses among the index candidates',
    flow: { src: FRONTEND, dst: { ip: '203.0.113.10', port: 80, serviceName: 'web-http', serviceNamespace: 'shop' }, nodeName: 'node-paris', direction: 'EGRESS' },
    expect: { service: 'shop/web-http', serviceSource: 'frontend', conflict: false },
  },
  {
    name: 'pod backing two Services: the target port picks the metrics Service',
    flow: { src: FRONTEND, dst: { ip: '10.244.2.30', port: 9090 }, nodeName: 'node-paris', direction: 'EGRESS' },
    expect: { service: 'shop/api-metrics', serviceSource: 'backend', serverSiteId: 200, color: 'biz-internet', colorSource: 'default' },
  },
  {
    name: 'pod backing two Services: the target port picks the API Service',
    flow: { src: FRONTEND, dst: { ip: '10.244.2.30', port: 8080 }, nodeName: 'node-paris', direction: 'EGRESS' },
    expect: { service: 'shop/api', serviceSource: 'backend' },
  },
  {
    name: 'L7 reply (is_reply): ends swapped onto the client → Service pair, latency kept',
    flow: { src: CATALOG_B, dst: FRONTEND, nodeName: 'node-paris', direction: 'EGRESS', isReply: true, type: 'L7', latencySeconds: 0.031 },
    expect: { service: 'shop/catalog', reply: true, clientIp: '10.244.1.5', serverIp: '10.244.2.10', clientSiteId: 100, serverSiteId: 200, color: 'mpls', l7LatencySeconds: 0.031 },
  },
  {
    name: 'reply without is_reply, told by the direction: a local destination on EGRESS is the client',
    flow: { src: CATALOG_B, dst: FRONTEND, nodeName: 'node-paris', direction: 'EGRESS', isReply: undefined },
    expect: { service: 'shop/catalog', reply: true, clientIp: '10.244.1.5', clientSiteId: 100, serverSiteId: 200 },
  },
  {
    name: 'reply without is_reply or direction, told by the Service port; the client is a host-network address',
    flow: { src: CATALOG_B, dst: { ip: '172.18.0.2', port: 51_000 }, isReply: undefined },
    expect: { service: 'shop/catalog', reply: true, clientIp: '172.18.0.2', clientNode: 'node-paris', clientSiteId: 100, serverSiteId: 200 },
  },
  {
    name: 'intra-site: counted, no tunnel',
    flow: { src: FRONTEND, dst: { ip: '10.244.1.20', port: 8080 }, nodeName: 'node-paris', direction: 'EGRESS' },
    expect: { service: 'shop/cart', clientSiteId: 100, serverSiteId: 100, color: undefined, colorSource: 'intra-site' },
  },
  {
    name: 'client unknown to the index but local to the observing node (EGRESS): placed at that node',
    flow: { src: { ip: '10.244.1.99', port: 40_000, namespace: 'shop', podName: 'web-7d9f' }, dst: CATALOG_B, nodeName: 'node-paris', direction: 'EGRESS' },
    expect: { service: 'shop/catalog', clientPod: 'web-7d9f', clientNode: 'node-paris', clientSiteId: 100 },
  },
  {
    name: 'cluster-prefixed node name (cluster/node) is matched by its node part',
    flow: { src: { ip: '10.244.1.99', port: 40_000 }, dst: CATALOG_B, nodeName: 'kind-east/node-paris', direction: 'EGRESS' },
    expect: { service: 'shop/catalog', clientNode: 'node-paris', clientSiteId: 100 },
  },
  {
    name: 'policy drop at the backend (no is_reply, as Hubble reports drops): drop reason kept',
    flow: { src: FRONTEND, dst: CATALOG_B, nodeName: 'node-berlin', direction: 'INGRESS', isReply: undefined, verdict: 'DROPPED', dropReason: 'POLICY_DENIED' },
    expect: { service: 'shop/catalog', reply: false, verdict: 'DROPPED', dropReason: 'POLICY_DENIED', clientSiteId: 100, serverSiteId: 200 },
  },
  {
    name: 'drop to a Service without endpoints, named by Hubble at the ClusterIP',
    flow: {
      src: FRONTEND,
      dst: { ip: '10.96.0.20', port: 80, namespace: 'shop', serviceName: 'checkout', serviceNamespace: 'shop' },
      nodeName: 'node-paris',
      direction: 'EGRESS',
      verdict: 'DROPPED',
      dropReason: 'SERVICE_BACKEND_NOT_FOUND',
    },
    expect: { service: 'shop/checkout', serviceSource: 'frontend', verdict: 'DROPPED', serverSiteId: undefined },
  },
  {
    name: 'unknown source: a remote client the index does not know, observed at the server',
    flow: { src: { ip: '10.244.1.99', port: 40_000 }, dst: CATALOG_B, nodeName: 'node-berlin', direction: 'INGRESS', isReply: undefined, verdict: 'DROPPED', dropReason: 'POLICY_DENIED' },
    expect: { outcome: 'unresolved', reason: 'unknown-source-ip' },
  },
  {
    name: 'unknown destination: an address outside the cluster',
    flow: { src: FRONTEND, dst: { ip: '8.8.8.8', port: 53 }, nodeName: 'node-paris', direction: 'EGRESS' },
    expect: { outcome: 'unresolved', reason: 'unknown-destination-ip' },
  },
  {
    name: 'no Service: a backend pod on a port none of its Services serves',
    flow: { src: FRONTEND, dst: { ...CATALOG_B, port: 9999 }, nodeName: 'node-paris', direction: 'EGRESS' },
    expect: { outcome: 'unresolved', reason: 'no-service' },
  },
  {
    name: 'backend on a node without a site',
    flow: { src: FRONTEND, dst: { ip: '10.244.9.10', port: 8080 }, nodeName: 'node-paris', direction: 'EGRESS' },
    expect: { outcome: 'unresolved', reason: 'node-without-site' },
  },
  {
    name: 'backend on a node the inventory does not know',
    flow: { src: FRONTEND, dst: { ip: '10.244.8.10', port: 8080 }, nodeName: 'node-paris', direction: 'EGRESS' },
    expect: { outcome: 'unresolved', reason: 'unknown-node' },
  },
  {
    name: 'local client observed at a node the inventory does not know',
    flow: { src: { ip: '10.244.1.99', port: 40_000 }, dst: CATALOG_B, nodeName: 'node-zz', direction: 'EGRESS' },
    expect: { outcome: 'unresolved', reason: 'unknown-node' },
  },
  {
    name: 'socket-translation trace: not a packet of the connection',
    flow: { src: FRONTEND, dst: { ip: '10.96.0.10', port: 80 }, nodeName: 'node-paris', type: 'SOCK', verdict: 'TRANSLATED' },
    expect: { outcome: 'unresolved', reason: 'not-a-flow' },
  },
  {
    name: 'conflict on an unresolvable flow is still reported',
    flow: { src: { ip: '10.244.1.99', port: 40_000 }, dst: { ...CATALOG_B, serviceName: 'cart', serviceNamespace: 'shop' }, nodeName: 'node-berlin', direction: 'INGRESS' },
    expect: { outcome: 'unresolved', reason: 'unknown-source-ip', conflict: true },
  },
];

describe('correlateFlow', () => {
  const { view } = correlationFixture();
  const options = { defaultColor: 'biz-internet' as const };

  it.each(cases)('$name', (testCase) => {
    expect(correlateFlow(testFlow(testCase.flow), view, options)).toMatchObject(testCase.expect);
  });

  it('matches the golden results', async () => {
    const results: Record<string, Correlation> = {};
    for (const testCase of cases) results[testCase.name] = correlateFlow(testFlow(testCase.flow), view, options);
    await expect(goldenJson(results)).toMatchFileSnapshot('./testdata/correlate-flow.golden.json');
  });

  it('labels inter-site traffic of an unassigned Service `unknown` without a fabric default', () => {
    const result = correlateFlow(testFlow({ src: FRONTEND, dst: { ip: '10.244.2.30', port: 8080 }, nodeName: 'node-paris', direction: 'EGRESS' }), view);
    expect(result).toMatchObject({ service: 'shop/api', color: undefined, colorSource: 'unknown' });
  });

  it('follows assignment changes and inventory changes through the view', () => {
    const fixture = correlationFixture();
    const flow = testFlow({ src: FRONTEND, dst: CATALOG_B, nodeName: 'node-paris', direction: 'EGRESS' });
    fixture.assignments.set('shop/catalog', { service: { namespace: 'shop', name: 'catalog' }, color: 'lte', mode: 'fallback', since: 1 });
    expect(correlateFlow(flow, fixture.view)).toMatchObject({ color: 'lte', colorSource: 'assignment' });
    fixture.inventory.deleteEndpointSlice('shop/catalog-abcde');
    expect(correlateFlow(flow, fixture.view)).toMatchObject({ outcome: 'unresolved', reason: 'no-service' });
  });

  it('is the same with or without a key interner, which returns one string per key', () => {
    const keys = new KeyInterner();
    const flow = testFlow({ src: FRONTEND, dst: { ip: '10.96.99.1', port: 80, serviceName: 'orders', serviceNamespace: 'shop' }, nodeName: 'kind/node-paris', direction: 'EGRESS' });
    const first = correlateFlow(flow, view, { keys });
    const second = correlateFlow(flow, view, { keys });
    expect(first).toEqual(correlateFlow(flow, view));
    expect(first.outcome === 'correlated' && second.outcome === 'correlated' && first.service === second.service).toBe(true);
    expect(keys.service('shop', 'orders')).toBe(keys.service('shop', 'orders'));
    expect(keys.bareNodeName('kind/node-paris')).toBe('node-paris');
  });
});
