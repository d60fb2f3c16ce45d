import { isIP } from 'node:net';
import type { SimNamespace, SimNode, SimPod, SimService } from '../world/cluster.ts';
import type { World } from '../world/world.ts';
import type { WorldEvent } from '../world/world-event.ts';
import type { KubeObject } from './kube-object.ts';
import type { KubeObjectSink } from './kube-object-sink.ts';
import type { KubeKind } from './kube-resources.ts';

/** The label the EndpointSlice controller puts on the slices it manages. */
const MANAGED_BY = 'endpointslice-controller.k8s.io';

export interface WorldKubeFeed {
  /**
   * Applies the whole cluster as the world has it at `timeMs` (default: the world clock's now). Objects
   * that did not change are no-ops (no watch event); objects this feed wrote before that the world no
   * longer has are deleted.
   */
  sync(timeMs?: number): void;
  /** Stops following the world; the objects stay. */
  close(): void;
}

/**
 * Drives the emulated API server's objects from the simulated world, through the KubeObjectSink seam:
 * Namespaces (with `isthmus.io/allowed-tunnels`), Nodes (site label, InternalIP, pod CIDR), Services
 * (ClusterIP, ports, the scenario's annotations) and one EndpointSlice per Service, listing its ready
 * pods with their node, as the EndpointSlice controller would. The state at the clock's now is applied
 * at once; then the world's events (scale-outs and scale-ins as `endpoints-changed`, annotation edits as
 * `service-changed`) are applied as the clock reaches them, so watches see them when a cluster would.
 * Pods themselves are not served: nothing in Isthmus reads them (the EndpointSlices carry the pod, its
 * address and its node).
 */
export function feedWorldToKube(world: World, sink: KubeObjectSink): WorldKubeFeed {
  const written = new Map<string, { readonly kind: KubeKind; readonly namespace: string | undefined; readonly name: string }>();
  const apply = (object: KubeObject & { readonly kind: KubeKind }): void => {
    sink.apply(object);
    const namespace = object.metadata?.namespace;
    const name = object.metadata?.name ?? '';
    written.set(`${object.kind}/${namespace ?? ''}/${name}`, { kind: object.kind, namespace, name });
  };

  const sync = (timeMs: number = world.clock.now()): void => {
    const objects = clusterObjects(world, timeMs);
    const wanted = new Set(objects.map((object) => `${object.kind}/${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`));
    for (const object of objects) apply(object);
    for (const [key, ref] of written) {
      if (wanted.has(key)) continue;
      sink.delete(ref.kind, ref.namespace, ref.name);
      written.delete(key);
    }
  };

  const onEvent = (event: WorldEvent): void => {
    if (event.type === 'service-changed') apply(serviceObject(event.service));
    else if (event.type === 'endpoints-changed') apply(endpointSliceObject(event.service, world.cluster.servicePodsAt(event.service.index, event.timeMs)));
  };

  sync();
  const unsubscribe = world.subscribe(onEvent);
  return { sync, close: unsubscribe };
}

/** Every object of the cluster at `timeMs`, namespaces and nodes first (as a cluster would have them). */
export function clusterObjects(world: World, timeMs: number): (KubeObject & { readonly kind: KubeKind })[] {
  const cluster = world.cluster;
  const services = cluster.servicesAt(timeMs);
  const declared = new Set(cluster.namespaces.map((namespace) => namespace.name));
  // A Service in an undeclared namespace (`default`) still needs its Namespace to exist.
  const implicit = [...new Set(services.map((service) => service.namespace))].filter((name) => !declared.has(name)).sort();
  return [
    ...cluster.namespaces.map(namespaceObject),
    ...implicit.map((name) => namespaceObject({ name, uid: undefined, labels: {}, annotations: {} })),
    ...cluster.nodes.map(nodeObject),
    ...services.map(serviceObject),
    ...services.map((service) => endpointSliceObject(service, cluster.servicePodsAt(service.index, timeMs))),
  ];
}

function namespaceObject(namespace: Pick<SimNamespace, 'name' | 'labels' | 'annotations'> & { readonly uid: string | undefined }): KubeObject & { readonly kind: 'Namespace' } {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: namespace.name,
      ...(namespace.uid === undefined ? {} : { uid: namespace.uid }),
      labels: { 'kubernetes.io/metadata.name': namespace.name, ...namespace.labels },
      ...(Object.keys(namespace.annotations).length === 0 ? {} : { annotations: { ...namespace.annotations } }),
    },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

function nodeObject(node: SimNode): KubeObject & { readonly kind: 'Node' } {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: node.name, uid: node.uid, labels: { 'kubernetes.io/hostname': node.name, 'kubernetes.io/os': 'linux', ...node.labels } },
    spec: { podCIDR: node.podCidr, podCIDRs: [...node.podCidrs] },
    status: {
      addresses: [...node.internalIps.map((address) => ({ type: 'InternalIP', address })), { type: 'Hostname', address: node.name }],
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }],
    },
  };
}

function serviceObject(service: SimService): KubeObject & { readonly kind: 'Service' } {
  const families = service.clusterIps.map((ip) => (isIP(ip) === 6 ? 'IPv6' : 'IPv4'));
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: service.name,
      namespace: service.namespace,
      uid: service.uid,
      ...(Object.keys(service.annotations).length === 0 ? {} : { annotations: { ...service.annotations } }),
    },
    spec: {
      type: 'ClusterIP',
      clusterIP: service.clusterIps[0] ?? 'None',
      clusterIPs: service.clusterIps.length === 0 ? ['None'] : [...service.clusterIps],
      ipFamilies: families,
      ipFamilyPolicy: families.length > 1 ? 'RequireDualStack' : 'SingleStack',
      ports: service.ports.map((port) => ({ ...(port.name === '' ? {} : { name: port.name }), port: port.port, protocol: port.protocol, targetPort: port.targetPort })),
      selector: { ...service.selector },
      sessionAffinity: 'None',
    },
    status: { loadBalancer: {} },
  };
}

/**
 * The one EndpointSlice of a Service: its pods at the time, all ready (the world has no failing pods),
 * named like the controller's (`<service>-<5 characters>`, here stable per Service so that updates
 * replace it), owned by the Service.
 */
function endpointSliceObject(service: SimService, pods: readonly SimPod[]): KubeObject & { readonly kind: 'EndpointSlice' } {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: endpointSliceName(service),
      namespace: service.namespace,
      labels: { 'endpointslice.kubernetes.io/managed-by': MANAGED_BY, 'kubernetes.io/service-name': service.name },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: service.name, uid: service.uid, controller: true, blockOwnerDeletion: true }],
    },
    addressType: pods.some((pod) => isIP(pod.ip) === 6) ? 'IPv6' : 'IPv4',
    endpoints: pods.map((pod) => ({
      addresses: [pod.ip],
      conditions: { ready: true, serving: true, terminating: false },
      nodeName: pod.node.name,
      targetRef: { kind: 'Pod', namespace: pod.namespace, name: pod.name, uid: pod.uid },
    })),
    // The ports the pods listen on: a numeric targetPort, else (a named one, unknown here) the Service port.
    ports: service.ports.map((port) => ({
      ...(port.name === '' ? {} : { name: port.name }),
      port: typeof port.targetPort === 'number' ? port.targetPort : port.port,
      protocol: port.protocol,
    })),
  };
}

// The safe alphabet Kubernetes uses for generated name suffixes.
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function endpointSliceName(service: Pick<SimService, 'name' | 'uid'>): string {
  let hash = 2166136261;
  for (const char of service.uid) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
  let suffix = '';
  for (let i = 0; i < 5; i++) {
    suffix += ALPHABET[hash % ALPHABET.length] ?? 'x';
    hash = Math.floor(hash / ALPHABET.length);
  }
  return `${service.name}-${suffix}`;
}
