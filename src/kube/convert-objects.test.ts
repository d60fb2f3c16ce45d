import { describe, expect, it } from 'vitest';
import { createSitePlacer } from './site-placer.ts';
import { toClusterNode } from './to-cluster-node.ts';
import { toEndpointSlice } from './to-endpoint-slice.ts';
import { toNamespace } from './to-namespace.ts';
import { toService } from './to-service.ts';

const placeNode = createSitePlacer({ siteLabel: 'isthmus.io/site-id', siteRanges: [{ cidr: '10.0.0.0/8', siteId: 10 }] });

describe('Kubernetes objects → domain types', () => {
  it('converts a dual-stack LoadBalancer Service', () => {
    expect(
      toService({
        metadata: { name: 'web', namespace: 'shop', uid: 'u-1', resourceVersion: '42', annotations: { 'isthmus.io/max-loss': '1%' } },
        spec: {
          clusterIP: '10.96.0.5',
          clusterIPs: ['10.96.0.5', 'fd00::5'],
          ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 'https' }, { port: 53, protocol: 'UDP' }],
        },
        status: { loadBalancer: { ingress: [{ ip: '203.0.113.9' }, { hostname: 'lb.example.com' }] } },
      }),
    ).toEqual({
      namespace: 'shop',
      name: 'web',
      clusterIps: ['10.96.0.5', 'fd00::5'],
      loadBalancerIps: ['203.0.113.9'],
      ports: [
        { name: 'https', port: 443, protocol: 'TCP', targetPort: 'https' },
        { name: '', port: 53, protocol: 'UDP', targetPort: 53 },
      ],
      annotations: { 'isthmus.io/max-loss': '1%' },
      uid: 'u-1',
      resourceVersion: '42',
    });
  });

  it('tolerates missing and malformed fields', () => {
    expect(toService({ metadata: { name: 'bare', namespace: 'x' } })).toEqual({ namespace: 'x', name: 'bare', clusterIps: [], loadBalancerIps: [], ports: [], annotations: {} });
    expect(toService({ metadata: { name: 'headless', namespace: 'x' }, spec: { clusterIP: 'None', ports: [{ name: 'no-port' }, null, 'junk'] } })?.clusterIps).toEqual([]);
    expect(toService({ metadata: { name: 'old', namespace: 'x' }, spec: { clusterIP: '10.96.0.1' } })?.clusterIps).toEqual(['10.96.0.1']);
    expect(toService({ metadata: { name: 'odd', namespace: 'x', annotations: { a: 'b', n: 1 } }, status: { loadBalancer: null } })?.annotations).toEqual({ a: 'b' });
    expect(toService({ metadata: { name: 'no-namespace' } })).toBeUndefined();
    expect(toService(null)).toBeUndefined();
    expect(toService('service')).toBeUndefined();
  });

  it('converts an EndpointSlice, one endpoint per address, ready unless said otherwise', () => {
    const slice = toEndpointSlice({
      metadata: { name: 'web-x1', namespace: 'shop', labels: { 'kubernetes.io/service-name': 'web' } },
      addressType: 'IPv4',
      ports: [{ name: 'https', port: 8443 }, { name: 'all' }],
      endpoints: [
        { addresses: ['10.244.1.5', '10.244.1.6'], nodeName: 'n1', targetRef: { kind: 'Pod', name: 'web-1', namespace: 'shop' } },
        { addresses: ['10.244.2.5'], conditions: { ready: false, terminating: true }, nodeName: 'n2', targetRef: { kind: 'Pod', name: 'web-2' } },
        { addresses: ['10.0.0.9'], targetRef: { kind: 'Node', name: 'n3' } },
        { conditions: { ready: true } },
      ],
    });
    expect(slice).toEqual({
      namespace: 'shop',
      name: 'web-x1',
      serviceName: 'web',
      addressType: 'IPv4',
      ports: [
        { name: 'https', port: 8443, protocol: 'TCP' },
        { name: 'all', port: undefined, protocol: 'TCP' },
      ],
      endpoints: [
        { ip: '10.244.1.5', ready: true, podName: 'web-1', namespace: 'shop', nodeName: 'n1' },
        { ip: '10.244.1.6', ready: true, podName: 'web-1', namespace: 'shop', nodeName: 'n1' },
        { ip: '10.244.2.5', ready: false, podName: 'web-2', namespace: 'shop', nodeName: 'n2' },
        { ip: '10.0.0.9', ready: true, podName: undefined, namespace: 'shop', nodeName: undefined },
      ],
    });
  });

  it('infers the address type of slices that lack it, and keeps slices without a Service', () => {
    expect(toEndpointSlice({ metadata: { name: 'a', namespace: 'x' }, endpoints: [{ addresses: ['fd00::1'] }] })?.addressType).toBe('IPv6');
    expect(toEndpointSlice({ metadata: { name: 'a', namespace: 'x' } })).toEqual({ namespace: 'x', name: 'a', serviceName: undefined, addressType: 'FQDN', ports: [], endpoints: [] });
    expect(toEndpointSlice({ metadata: { name: 'a' } })).toBeUndefined();
  });

  it('converts a Node and places it', () => {
    const node = toClusterNode(
      {
        metadata: { name: 'n1', labels: { 'kubernetes.io/hostname': 'n1' } },
        spec: { podCIDR: '10.244.1.0/24' },
        status: { addresses: [{ type: 'InternalIP', address: '10.1.2.3' }, { type: 'ExternalIP', address: '198.51.100.1' }, { type: 'Hostname', address: 'n1' }] },
      },
      placeNode,
    );
    expect(node).toEqual({ name: 'n1', siteId: 10, internalIps: ['10.1.2.3'], podCidrs: ['10.244.1.0/24'], labels: { 'kubernetes.io/hostname': 'n1' } });
    expect(toClusterNode({ metadata: { name: 'bare' } }, placeNode)).toEqual({ name: 'bare', siteId: undefined, internalIps: [], podCidrs: [], labels: {} });
    expect(toClusterNode({ metadata: { name: 'dual' }, spec: { podCIDR: '10.244.2.0/24', podCIDRs: ['10.244.2.0/24', 'fd00:2::/64'] } }, placeNode)?.podCidrs).toEqual(['10.244.2.0/24', 'fd00:2::/64']);
    expect(toClusterNode({ metadata: {} }, placeNode)).toBeUndefined();
  });

  it('converts a Namespace', () => {
    expect(toNamespace({ metadata: { name: 'shop', annotations: { 'isthmus.io/allowed-tunnels': 'mpls' } } })).toEqual({ name: 'shop', labels: {}, annotations: { 'isthmus.io/allowed-tunnels': 'mpls' } });
    expect(toNamespace({})).toBeUndefined();
  });
});
