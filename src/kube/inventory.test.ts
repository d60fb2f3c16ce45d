import { describe, expect, it } from 'vitest';
import type { ClusterNode } from '../domain/cluster-node.ts';
import type { EdgeDevice } from '../domain/edge-device.ts';
import type { Endpoint } from '../domain/endpoint.ts';
import type { EndpointSlice } from '../domain/endpoint-slice.ts';
import type { Service } from '../domain/service.ts';
import { Inventory } from './inventory.ts';

function node(name: string, options: { site?: string; ips?: readonly string[]; labels?: Record<string, string> } = {}): ClusterNode {
  return {
    name,
    siteId: undefined,
    internalIps: options.ips ?? [],
    podCidrs: [],
    labels: { ...(options.site === undefined ? {} : { 'isthmus.io/site-id': options.site }), ...options.labels },
  };
}

function endpoint(ip: string, nodeName: string | undefined, podName: string | undefined = `pod-${ip}`, ready = true, namespace = 'shop'): Endpoint {
  return { ip, nodeName, podName, ready, namespace };
}

function slice(name: string, serviceName: string | undefined, endpoints: readonly Endpoint[], options: { namespace?: string; port?: number; addressType?: EndpointSlice['addressType'] } = {}): EndpointSlice {
  return {
    namespace: options.namespace ?? 'shop',
    name,
    serviceName,
    addressType: options.addressType ?? 'IPv4',
    ports: [{ name: 'http', port: options.port ?? 8080, protocol: 'TCP' }],
    endpoints,
  };
}

function service(name: string, clusterIps: readonly string[], loadBalancerIps: readonly string[] = [], namespace = 'shop'): Service {
  return { namespace, name, clusterIps, loadBalancerIps, ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }], annotations: {} };
}

function device(systemIp: string, siteId: number, personality: EdgeDevice['personality'] = 'vedge'): EdgeDevice {
  return { systemIp, siteId, hostName: `edge-${systemIp}`, personality, reachable: true, colors: ['mpls'] };
}

function sites(inventory: Inventory, key: string): Record<string, string[]> {
  const endpoints = inventory.readyEndpoints(key);
  const result: Record<string, string[]> = {};
  for (const [siteId, atSite] of endpoints.bySite) result[String(siteId)] = atSite.map((entry) => entry.ip);
  if (endpoints.unplaced.length > 0) result.unplaced = endpoints.unplaced.map((entry) => entry.ip);
  return result;
}

describe('Inventory: pods and Services', () => {
  it('maps pod IPs to pod, namespace, node, site and the Services they back', () => {
    const inventory = new Inventory();
    inventory.upsertNode(node('n1', { site: '100' }));
    expect(inventory.upsertEndpointSlice(slice('cart-a', 'cart', [endpoint('10.244.1.2', 'n1', 'cart-1')]))).toEqual(['shop/cart']);
    inventory.upsertEndpointSlice(slice('all-a', 'all', [endpoint('10.244.1.2', 'n1', 'cart-1', false)]));
    expect(inventory.pod('10.244.1.2')).toEqual({
      ip: '10.244.1.2',
      podName: 'cart-1',
      namespace: 'shop',
      nodeName: 'n1',
      siteId: 100,
      services: ['shop/all', 'shop/cart'],
      ready: true,
    });
    expect(inventory.siteOfIp('10.244.1.2')).toBe(100);
    expect(inventory.pod('10.244.9.9')).toBeUndefined();
  });

  it('returns the same stored object on every lookup (no allocation on the flow path)', () => {
    const inventory = new Inventory();
    inventory.upsertEndpointSlice(slice('cart-a', 'cart', [endpoint('10.244.1.2', 'n1')]));
    inventory.upsertService(service('cart', ['10.96.0.10']));
    expect(inventory.pod('10.244.1.2')).toBe(inventory.pod('10.244.1.2'));
    expect(inventory.readyEndpoints('shop/cart')).toBe(inventory.readyEndpoints('shop/cart'));
    expect(inventory.servicesAt('10.96.0.10')).toBe(inventory.servicesAt('10.96.0.10'));
    expect(Object.isFrozen(inventory.pod('10.244.1.2'))).toBe(true);
  });

  it('groups ready endpoints by site, with their ports, leaving out not-ready ones', () => {
    const inventory = new Inventory();
    inventory.upsertNode(node('n1', { site: '100' }));
    inventory.upsertNode(node('n2', { site: '200' }));
    inventory.upsertEndpointSlice(
      slice('cart-a', 'cart', [endpoint('10.244.1.2', 'n1'), endpoint('10.244.2.2', 'n2'), endpoint('10.244.2.3', 'n2', 'x', false), endpoint('10.244.3.3', 'n3'), endpoint('10.244.4.4', undefined)]),
    );
    inventory.upsertEndpointSlice(slice('cart-b', 'cart', [endpoint('10.244.1.7', 'n1')]));
    expect(sites(inventory, 'shop/cart')).toEqual({ '100': ['10.244.1.2', '10.244.1.7'], '200': ['10.244.2.2'], unplaced: ['10.244.3.3', '10.244.4.4'] });
    const endpoints = inventory.readyEndpoints('shop/cart');
    expect(endpoints.count).toBe(5);
    expect(endpoints.bySite.get(100)?.[0]).toEqual({ ip: '10.244.1.2', podName: 'pod-10.244.1.2', nodeName: 'n1', siteId: 100, ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] });
    expect(inventory.readyEndpoints('shop/none').count).toBe(0);
  });

  it('removing an endpoint removes its IP mapping, and only that one', () => {
    const inventory = new Inventory();
    inventory.upsertEndpointSlice(slice('cart-a', 'cart', [endpoint('10.244.1.2', 'n1'), endpoint('10.244.1.3', 'n1')]));
    const kept = inventory.pod('10.244.1.3');
    expect(inventory.upsertEndpointSlice(slice('cart-a', 'cart', [endpoint('10.244.1.3', 'n1')]))).toEqual(['shop/cart']);
    expect(inventory.pod('10.244.1.2')).toBeUndefined();
    expect(inventory.pod('10.244.1.3')).toEqual(kept);
    expect(inventory.deleteEndpointSlice('shop/cart-a')).toEqual(['shop/cart']);
    expect(inventory.pod('10.244.1.3')).toBeUndefined();
    expect(inventory.readyEndpoints('shop/cart').count).toBe(0);
    expect(inventory.size.pods).toBe(0);
    expect(inventory.deleteEndpointSlice('shop/cart-a')).toEqual([]);
  });

  it('keeps an address that another slice still lists', () => {
    const inventory = new Inventory();
    inventory.upsertEndpointSlice(slice('cart-a', 'cart', [endpoint('10.244.1.2', 'n1')]));
    inventory.upsertEndpointSlice(slice('all-a', 'all', [endpoint('10.244.1.2', 'n1')]));
    inventory.deleteEndpointSlice('shop/cart-a');
    expect(inventory.pod('10.244.1.2')?.services).toEqual(['shop/all']);
  });

  it('updating one slice leaves the entries of other slices untouched', () => {
    const inventory = new Inventory();
    inventory.upsertEndpointSlice(slice('cart-a', 'cart', [endpoint('10.244.1.2', 'n1')]));
    inventory.upsertEndpointSlice(slice('ledger-a', 'ledger', [endpoint('10.244.5.5', 'n1')]));
    const otherPod = inventory.pod('10.244.5.5');
    const otherEndpoints = inventory.readyEndpoints('shop/ledger');
    expect(inventory.upsertEndpointSlice(slice('cart-a', 'cart', [endpoint('10.244.1.9', 'n1')]))).toEqual(['shop/cart']);
    expect(inventory.pod('10.244.5.5')).toBe(otherPod);
    expect(inventory.readyEndpoints('shop/ledger')).toBe(otherEndpoints);
  });

  it('moving a pod between nodes updates its site', () => {
    const inventory = new Inventory();
    inventory.upsertNode(node('n1', { site: '100' }));
    inventory.upsertNode(node('n2', { site: '200' }));
    inventory.upsertEndpointSlice(slice('cart-a', 'cart', [endpoint('10.244.1.2', 'n1')]));
    expect(inventory.siteOfIp('10.244.1.2')).toBe(100);
    inventory.upsertEndpointSlice(slice('cart-a', 'cart', [endpoint('10.244.1.2', 'n2')]));
    expect(inventory.pod('10.244.1.2')?.nodeName).toBe('n2');
    expect(inventory.siteOfIp('10.244.1.2')).toBe(200);
    expect(sites(inventory, 'shop/cart')).toEqual({ '200': ['10.244.1.2'] });
    // The pod no longer moves with n1.
    inventory.upsertNode(node('n1', { site: '300' }));
    expect(inventory.siteOfIp('10.244.1.2')).toBe(200);
  });

  it('relabelling a node re-sites its endpoints and reports the Services affected', () => {
    const inventory = new Inventory();
    inventory.upsertNode(node('n1', { site: '100' }));
    inventory.upsertEndpointSlice(slice('cart-a', 'cart', [endpoint('10.244.1.2', 'n1')]));
    inventory.upsertEndpointSlice(slice('ledger-a', 'ledger', [endpoint('10.244.1.3', 'n1')]));
    inventory.upsertEndpointSlice(slice('other-a', 'other', [endpoint('10.244.2.2', 'n2')]));
    expect(inventory.upsertNode(node('n1', { site: '100', labels: { zone: 'a' } }))).toEqual([]);
    expect(inventory.upsertNode(node('n1', { site: '150' }))).toEqual(['shop/cart', 'shop/ledger']);
    expect(inventory.siteOfIp('10.244.1.2')).toBe(150);
    expect(sites(inventory, 'shop/cart')).toEqual({ '150': ['10.244.1.2'] });
    expect(inventory.deleteNode('n1')).toEqual(['shop/cart', 'shop/ledger']);
    expect(inventory.siteOfIp('10.244.1.2')).toBeUndefined();
    expect(sites(inventory, 'shop/cart')).toEqual({ unplaced: ['10.244.1.2'] });
  });

  it('places endpoints whose node arrives after their slice', () => {
    const inventory = new Inventory();
    inventory.upsertEndpointSlice(slice('cart-a', 'cart', [endpoint('10.244.1.2', 'late')]));
    expect(inventory.siteOfIp('10.244.1.2')).toBeUndefined();
    expect(inventory.upsertNode(node('late', { site: '7' }))).toEqual(['shop/cart']);
    expect(inventory.siteOfIp('10.244.1.2')).toBe(7);
  });

  it('ignores FQDN slices and slices that belong to no Service (for Services)', () => {
    const inventory = new Inventory();
    inventory.upsertEndpointSlice(slice('ext', 'ext', [endpoint('db.example.com', undefined)], { addressType: 'FQDN' }));
    expect(inventory.pod('db.example.com')).toBeUndefined();
    expect(inventory.upsertEndpointSlice(slice('custom', undefined, [endpoint('10.244.1.2', 'n1')]))).toEqual([]);
    expect(inventory.pod('10.244.1.2')?.services).toEqual([]);
  });

  it('maps ClusterIPs and load-balancer IPs to their Service, following updates and deletes', () => {
    const inventory = new Inventory();
    expect(inventory.upsertService(service('cart', ['10.96.0.10', 'fd00::10'], ['203.0.113.7']))).toEqual(['shop/cart']);
    expect(inventory.serviceAt('10.96.0.10')).toBe('shop/cart');
    expect(inventory.serviceAt('fd00::10')).toBe('shop/cart');
    expect(inventory.serviceAt('203.0.113.7')).toBe('shop/cart');
    inventory.upsertService(service('web', ['10.96.0.11'], ['203.0.113.7']));
    expect(inventory.servicesAt('203.0.113.7')).toEqual(['shop/cart', 'shop/web']);
    inventory.upsertService(service('cart', ['10.96.0.12']));
    expect(inventory.serviceAt('10.96.0.10')).toBeUndefined();
    expect(inventory.serviceAt('10.96.0.12')).toBe('shop/cart');
    expect(inventory.servicesAt('203.0.113.7')).toEqual(['shop/web']);
    expect(inventory.deleteService('shop/web')).toEqual(['shop/web']);
    expect(inventory.serviceAt('203.0.113.7')).toBeUndefined();
    expect(inventory.service('shop/cart')?.clusterIps).toEqual(['10.96.0.12']);
    expect(inventory.deleteService('shop/web')).toEqual([]);
    expect(inventory.serviceKeys()).toEqual(['shop/cart']);
  });
});

describe('Inventory: address reuse and dual stack', () => {
  it('gives an address reused by a new pod to the new pod only, once the old one is gone', () => {
    const inventory = new Inventory();
    inventory.upsertNode(node('n1', { site: '100' }));
    inventory.upsertNode(node('n2', { site: '200' }));
    inventory.upsertEndpointSlice(slice('cart-a', 'cart', [endpoint('10.244.1.7', 'n1', 'cart-old')]));
    expect(inventory.upsertEndpointSlice(slice('cart-a', 'cart', []))).toEqual(['shop/cart']);
    expect(inventory.pod('10.244.1.7')).toBeUndefined();
    // The CNI hands the freed address to a pod of another Service, in another namespace, on another node.
    expect(inventory.upsertEndpointSlice(slice('ledger-a', 'ledger', [endpoint('10.244.1.7', 'n2', 'ledger-new', true, 'billing')], { namespace: 'billing' }))).toEqual(['billing/ledger']);
    expect(inventory.pod('10.244.1.7')).toEqual({ ip: '10.244.1.7', podName: 'ledger-new', namespace: 'billing', nodeName: 'n2', siteId: 200, services: ['billing/ledger'], ready: true });
    expect(inventory.readyEndpoints('shop/cart').count).toBe(0);
    // Moving n1 no longer moves the address: it follows its new pod's node.
    expect(inventory.upsertNode(node('n1', { site: '300' }))).toEqual([]);
    expect(inventory.siteOfIp('10.244.1.7')).toBe(200);
  });

  it('keeps the new pod when the old slice is deleted after the new one arrived (events out of order)', () => {
    const inventory = new Inventory();
    inventory.upsertNode(node('n1', { site: '100' }));
    inventory.upsertNode(node('n2', { site: '200' }));
    inventory.upsertEndpointSlice(slice('cart-a', 'cart', [endpoint('10.244.1.7', 'n1', 'cart-old', false)]));
    inventory.upsertEndpointSlice(slice('ledger-a', 'ledger', [endpoint('10.244.1.7', 'n2', 'ledger-new')]));
    // While both list it, the ready listing wins.
    expect(inventory.pod('10.244.1.7')).toMatchObject({ podName: 'ledger-new', siteId: 200, services: ['shop/cart', 'shop/ledger'] });
    inventory.deleteEndpointSlice('shop/cart-a');
    expect(inventory.pod('10.244.1.7')).toMatchObject({ podName: 'ledger-new', nodeName: 'n2', siteId: 200, services: ['shop/ledger'] });
  });

  it('serves dual-stack Services: both ClusterIPs, and endpoints from the IPv4 and the IPv6 slice', () => {
    const inventory = new Inventory();
    inventory.upsertNode(node('n1', { site: '100', ips: ['10.0.0.1', 'fd00:10::1'] }));
    inventory.upsertNode(node('n2', { site: '200', ips: ['10.0.0.2', 'fd00:10::2'] }));
    inventory.upsertService(service('cart', ['10.96.0.10', 'fd00:96::10']));
    inventory.upsertEndpointSlice(slice('cart-v4', 'cart', [endpoint('10.244.1.2', 'n1', 'cart-1'), endpoint('10.244.2.2', 'n2', 'cart-2')]));
    inventory.upsertEndpointSlice(slice('cart-v6', 'cart', [endpoint('fd00:244:1::2', 'n1', 'cart-1'), endpoint('fd00:244:2::2', 'n2', 'cart-2')], { addressType: 'IPv6' }));
    expect(inventory.serviceAt('10.96.0.10')).toBe('shop/cart');
    expect(inventory.serviceAt('fd00:96::10')).toBe('shop/cart');
    expect(inventory.pod('fd00:244:2::2')).toMatchObject({ podName: 'cart-2', nodeName: 'n2', siteId: 200, services: ['shop/cart'] });
    expect(inventory.siteOfIp('fd00:244:1::2')).toBe(100);
    expect(inventory.siteOfIp('fd00:10::2')).toBe(200);
    expect(sites(inventory, 'shop/cart')).toEqual({ '100': ['10.244.1.2', 'fd00:244:1::2'], '200': ['10.244.2.2', 'fd00:244:2::2'] });
    // One family going away leaves the other.
    inventory.deleteEndpointSlice('shop/cart-v6');
    expect(inventory.pod('fd00:244:1::2')).toBeUndefined();
    expect(inventory.readyEndpoints('shop/cart').count).toBe(2);
  });
});

describe('Inventory: nodes and sites', () => {
  it('reports a node without a site instead of guessing one, and its endpoints as unplaced', () => {
    const inventory = new Inventory({ siteRanges: [{ cidr: '10.1.0.0/16', siteId: 1 }] });
    inventory.upsertNode(node('placed', { site: '100' }));
    // No label, an address in no range; its name and its neighbours say nothing either.
    inventory.upsertNode(node('stray', { ips: ['10.2.0.9'], labels: { 'topology.kubernetes.io/zone': 'site-100' } }));
    inventory.upsertNode(node('blank'));
    inventory.upsertEndpointSlice(slice('cart-a', 'cart', [endpoint('10.244.1.2', 'placed'), endpoint('10.244.9.2', 'stray')]));
    expect(inventory.siteOfNode('stray')).toBeUndefined();
    expect(inventory.node('stray')?.placement).toEqual({ siteId: undefined, source: 'none', problem: undefined });
    expect(inventory.unplacedNodes().map((info) => info.name)).toEqual(['blank', 'stray']);
    expect(inventory.siteOfIp('10.244.9.2')).toBeUndefined();
    expect(inventory.siteOfIp('10.2.0.9')).toBeUndefined();
    expect(sites(inventory, 'shop/cart')).toEqual({ '100': ['10.244.1.2'], unplaced: ['10.244.9.2'] });
    // Placing it later moves its endpoints out of "unplaced".
    expect(inventory.upsertNode(node('stray', { ips: ['10.1.0.9'] }))).toEqual(['shop/cart']);
    expect(inventory.unplacedNodes().map((info) => info.name)).toEqual(['blank']);
    expect(sites(inventory, 'shop/cart')).toEqual({ '1': ['10.244.9.2'], '100': ['10.244.1.2'] });
  });


  it('places nodes by label, else by the longest CIDR prefix; the label wins', () => {
    const inventory = new Inventory({
      siteRanges: [
        { cidr: '10.0.0.0/8', siteId: 1 },
        { cidr: '10.20.0.0/16', siteId: 20 },
        { cidr: 'fd00:20::/32', siteId: 21 },
      ],
    });
    inventory.upsertNode(node('wide', { ips: ['10.9.0.1'] }));
    inventory.upsertNode(node('narrow', { ips: ['10.20.3.4'] }));
    inventory.upsertNode(node('v6', { ips: ['fd00:20::5'] }));
    inventory.upsertNode(node('labelled', { ips: ['10.20.3.5'], site: '500' }));
    inventory.upsertNode(node('outside', { ips: ['192.168.1.1'] }));
    expect(inventory.siteOfNode('wide')).toBe(1);
    expect(inventory.siteOfNode('narrow')).toBe(20);
    expect(inventory.siteOfNode('v6')).toBe(21);
    expect(inventory.node('labelled')?.placement).toEqual({ siteId: 500, source: 'label', problem: undefined });
    expect(inventory.node('outside')?.placement.source).toBe('none');
    expect(inventory.siteOfNode('outside')).toBeUndefined();
    expect(inventory.nodeOfIp('10.20.3.4')?.name).toBe('narrow');
    expect(inventory.siteOfIp('10.20.3.4')).toBe(20);
  });

  it('reports an invalid site label and falls back to the ranges', () => {
    const inventory = new Inventory({ siteLabel: 'example.com/site', siteRanges: [{ cidr: '10.0.0.0/8', siteId: 9 }] });
    inventory.upsertNode(node('a', { ips: ['10.1.1.1'], labels: { 'example.com/site': 'site-100' } }));
    inventory.upsertNode(node('b', { labels: { 'example.com/site': '0' } }));
    inventory.upsertNode(node('c', { labels: { 'example.com/site': '4294967295' } }));
    inventory.upsertNode(node('d', { labels: { 'isthmus.io/site-id': '5' } }));
    expect(inventory.node('a')?.placement).toMatchObject({ siteId: 9, source: 'cidr', problem: expect.stringContaining('site-100') as unknown });
    expect(inventory.node('b')?.placement).toMatchObject({ siteId: undefined, source: 'none', problem: expect.stringContaining('"0"') as unknown });
    expect(inventory.siteOfNode('c')).toBe(4_294_967_295);
    expect(inventory.siteOfNode('d')).toBeUndefined();
  });

  it('drops a node address mapping when the node changes address', () => {
    const inventory = new Inventory();
    inventory.upsertNode(node('a', { ips: ['10.0.0.1'], site: '1' }));
    inventory.upsertNode(node('a', { ips: ['10.0.0.2'], site: '1' }));
    expect(inventory.nodeOfIp('10.0.0.1')).toBeUndefined();
    expect(inventory.siteOfIp('10.0.0.2')).toBe(1);
    inventory.deleteNode('a');
    expect(inventory.nodeOfIp('10.0.0.2')).toBeUndefined();
    expect(inventory.deleteNode('a')).toEqual([]);
  });

  it('maps sites to their edge devices, leaving out controllers', () => {
    const inventory = new Inventory();
    inventory.setEdgeDevices([device('1.1.1.2', 100), device('1.1.1.1', 100), device('2.2.2.2', 200), device('9.9.9.9', 100, 'vsmart')]);
    expect(inventory.devicesAt(100).map((entry) => entry.systemIp)).toEqual(['1.1.1.1', '1.1.1.2']);
    expect(inventory.devicesAt(200)).toHaveLength(1);
    expect(inventory.devicesAt(300)).toEqual([]);
    inventory.setEdgeDevices([]);
    expect(inventory.devicesAt(100)).toEqual([]);
  });
});
