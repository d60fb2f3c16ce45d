/**
 * Builders of Kubernetes objects in their real JSON shapes, for seeding the emulator from tests (and a
 * starting point for a world that turns its model into objects). Only identity and the fields Isthmus
 * reads are filled in; the store adds uid, resourceVersion and creationTimestamp.
 */
import type { KubeObject } from './kube-object.ts';

export interface ServicePortFixture {
  readonly name?: string;
  readonly port: number;
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
  readonly targetPort?: number | string;
}

export interface ServiceFixture {
  readonly namespace: string;
  readonly name: string;
  /** Default: none (a headless Service). */
  readonly clusterIps?: readonly string[];
  readonly loadBalancerIps?: readonly string[];
  readonly ports?: readonly ServicePortFixture[];
  readonly annotations?: Readonly<Record<string, string>>;
  readonly labels?: Readonly<Record<string, string>>;
  readonly selector?: Readonly<Record<string, string>>;
}

export function serviceObject(fixture: ServiceFixture): KubeObject {
  const clusterIps = fixture.clusterIps ?? [];
  const loadBalancer = (fixture.loadBalancerIps ?? []).length > 0;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: fixture.name,
      namespace: fixture.namespace,
      ...(fixture.labels === undefined ? {} : { labels: { ...fixture.labels } }),
      ...(fixture.annotations === undefined ? {} : { annotations: { ...fixture.annotations } }),
    },
    spec: {
      type: loadBalancer ? 'LoadBalancer' : 'ClusterIP',
      clusterIP: clusterIps[0] ?? 'None',
      clusterIPs: clusterIps.length === 0 ? ['None'] : [...clusterIps],
      ipFamilies: clusterIps.map((ip) => (ip.includes(':') ? 'IPv6' : 'IPv4')),
      ports: (fixture.ports ?? []).map((port) => ({
        ...(port.name === undefined ? {} : { name: port.name }),
        port: port.port,
        protocol: port.protocol ?? 'TCP',
        targetPort: port.targetPort ?? port.port,
      })),
      selector: { ...(fixture.selector ?? { app: fixture.name }) },
      sessionAffinity: 'None',
    },
    status: { loadBalancer: loadBalancer ? { ingress: (fixture.loadBalancerIps ?? []).map((ip) => ({ ip, ipMode: 'VIP' })) } : {} },
  };
}

export interface EndpointFixture {
  readonly ip: string;
  readonly nodeName?: string;
  /** Pod name; default none (an endpoint that is not a pod). */
  readonly podName?: string;
  /** Default true. */
  readonly ready?: boolean;
}

export interface EndpointSliceFixture {
  readonly namespace: string;
  readonly name: string;
  /** The `kubernetes.io/service-name` label; omitted when undefined. */
  readonly serviceName: string | undefined;
  readonly addressType?: 'IPv4' | 'IPv6' | 'FQDN';
  readonly ports?: readonly { readonly name?: string; readonly port: number; readonly protocol?: 'TCP' | 'UDP' | 'SCTP' }[];
  readonly endpoints: readonly EndpointFixture[];
}

export function endpointSliceObject(fixture: EndpointSliceFixture): KubeObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: fixture.name,
      namespace: fixture.namespace,
      labels: {
        'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
        ...(fixture.serviceName === undefined ? {} : { 'kubernetes.io/service-name': fixture.serviceName }),
      },
    },
    addressType: fixture.addressType ?? 'IPv4',
    endpoints: fixture.endpoints.map((endpoint) => {
      const ready = endpoint.ready ?? true;
      return {
        addresses: [endpoint.ip],
        conditions: { ready, serving: ready, terminating: false },
        ...(endpoint.nodeName === undefined ? {} : { nodeName: endpoint.nodeName }),
        ...(endpoint.podName === undefined ? {} : { targetRef: { kind: 'Pod', namespace: fixture.namespace, name: endpoint.podName } }),
      };
    }),
    ports: (fixture.ports ?? []).map((port) => ({ ...(port.name === undefined ? {} : { name: port.name }), port: port.port, protocol: port.protocol ?? 'TCP' })),
  };
}

export interface NodeFixture {
  readonly name: string;
  readonly internalIps?: readonly string[];
  readonly labels?: Readonly<Record<string, string>>;
  readonly podCidrs?: readonly string[];
}

export function nodeObject(fixture: NodeFixture): KubeObject {
  const podCidrs = fixture.podCidrs ?? [];
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: fixture.name, labels: { 'kubernetes.io/hostname': fixture.name, ...fixture.labels } },
    spec: podCidrs.length === 0 ? {} : { podCIDR: podCidrs[0], podCIDRs: [...podCidrs] },
    status: {
      addresses: [...(fixture.internalIps ?? []).map((address) => ({ type: 'InternalIP', address })), { type: 'Hostname', address: fixture.name }],
    },
  };
}

export interface NamespaceFixture {
  readonly name: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

export function namespaceObject(fixture: NamespaceFixture): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: fixture.name,
      labels: { 'kubernetes.io/metadata.name': fixture.name, ...fixture.labels },
      ...(fixture.annotations === undefined ? {} : { annotations: { ...fixture.annotations } }),
    },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}
