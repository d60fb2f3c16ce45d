import type { ClusterNode } from '../domain/cluster-node.ts';
import type { EdgeDevice } from '../domain/edge-device.ts';
import type { Endpoint } from '../domain/endpoint.ts';
import type { EndpointPort, EndpointSlice } from '../domain/endpoint-slice.ts';
import { serviceKey } from '../domain/service.ts';
import type { Service, ServiceKey } from '../domain/service.ts';
import type { SiteId } from '../domain/site.ts';
import { createSitePlacer, DEFAULT_SITE_LABEL } from './site-placer.ts';
import type { NodePlacement, SitePlacer, SiteRange } from './site-placer.ts';
import { storeKey } from './store-key.ts';

export interface InventoryOptions {
  /** Node label holding the site-id. Default `isthmus.io/site-id`. */
  readonly siteLabel?: string;
  /** CIDR → site-id for nodes without a usable label (longest prefix wins). Default none. */
  readonly siteRanges?: readonly SiteRange[];
}

/** What the inventory knows about a pod address. */
export interface PodInfo {
  readonly ip: string;
  readonly podName: string | undefined;
  readonly namespace: string;
  readonly nodeName: string | undefined;
  /** The site of the node; undefined when the node is unknown or unplaced. */
  readonly siteId: SiteId | undefined;
  /** Keys of the Services whose EndpointSlices list the address (ready or not), sorted. */
  readonly services: readonly ServiceKey[];
  /** Ready in at least one slice. */
  readonly ready: boolean;
}

export interface NodeInfo {
  readonly name: string;
  readonly siteId: SiteId | undefined;
  readonly placement: NodePlacement;
  readonly internalIps: readonly string[];
}

export interface ReadyEndpoint {
  readonly ip: string;
  readonly podName: string | undefined;
  readonly nodeName: string | undefined;
  readonly siteId: SiteId | undefined;
  /** The ports of the slice listing the endpoint. */
  readonly ports: readonly EndpointPort[];
}

export interface ServiceEndpoints {
  readonly count: number;
  /** Ready endpoints per site, sites in ascending order. */
  readonly bySite: ReadonlyMap<SiteId, readonly ReadyEndpoint[]>;
  /** Ready endpoints whose node is unknown or has no site. */
  readonly unplaced: readonly ReadyEndpoint[];
}

interface SliceEntry {
  readonly serviceKey: ServiceKey | undefined;
  readonly ports: readonly EndpointPort[];
  /** The slice's endpoints by address; the first listing of an address wins. */
  readonly byIp: ReadonlyMap<string, Endpoint>;
}

const NO_KEYS: readonly ServiceKey[] = Object.freeze([]);
const NO_DEVICES: readonly EdgeDevice[] = Object.freeze([]);
const NO_ENDPOINTS: ServiceEndpoints = Object.freeze({ count: 0, bySite: new Map<SiteId, readonly ReadyEndpoint[]>(), unplaced: Object.freeze([]) });

/**
 * The join tables the flow path needs, kept up to date incrementally from Kubernetes objects (already
 * converted to domain types) and the SD-WAN device list:
 *  - pod IP → pod, namespace, node, site and the Services it backs;
 *  - Service frontend (ClusterIP, load-balancer IP) → Service;
 *  - Service → ready endpoints grouped by site;
 *  - node → site (label, else CIDR ranges: see createSitePlacer), node InternalIP → node;
 *  - site → edge devices.
 * Pure: no I/O, no clock. Lookups are single Map reads returning stored, frozen values (no allocation per
 * flow). Each mutation touches only the entries of the object it applies and returns the keys of the
 * Services whose derived data may have changed, for the reconciler's work queue.
 */
export class Inventory {
  readonly #placeNode: SitePlacer;
  readonly #nodes = new Map<string, NodeInfo>();
  readonly #nodeByIp = new Map<string, NodeInfo>();
  readonly #slices = new Map<string, SliceEntry>();
  readonly #slicesByIp = new Map<string, Set<string>>();
  readonly #slicesByService = new Map<ServiceKey, Set<string>>();
  readonly #pods = new Map<string, PodInfo>();
  readonly #podIpsByNode = new Map<string, Set<string>>();
  readonly #endpoints = new Map<ServiceKey, ServiceEndpoints>();
  readonly #services = new Map<ServiceKey, Service>();
  readonly #frontends = new Map<string, readonly ServiceKey[]>();
  #devicesBySite = new Map<SiteId, readonly EdgeDevice[]>();

  constructor(options: InventoryOptions = {}) {
    this.#placeNode = createSitePlacer({ siteLabel: options.siteLabel ?? DEFAULT_SITE_LABEL, siteRanges: options.siteRanges ?? [] });
  }

  // ── lookups (flow path) ────────────────────────────────────────────────────────────────────────

  pod(ip: string): PodInfo | undefined {
    return this.#pods.get(ip);
  }

  /** The site of an address: a pod's node's site, else the site of the node owning the address (host network). */
  siteOfIp(ip: string): SiteId | undefined {
    return this.#pods.get(ip)?.siteId ?? this.#nodeByIp.get(ip)?.siteId;
  }

  /** The node that has this address as an InternalIP. */
  nodeOfIp(ip: string): NodeInfo | undefined {
    return this.#nodeByIp.get(ip);
  }

  /** The Service a frontend address (ClusterIP or load-balancer IP) belongs to; the first by key if shared. */
  serviceAt(ip: string): ServiceKey | undefined {
    return this.#frontends.get(ip)?.[0];
  }

  /** Every Service with this frontend address (load-balancer IPs can be shared across ports), sorted. */
  servicesAt(ip: string): readonly ServiceKey[] {
    return this.#frontends.get(ip) ?? NO_KEYS;
  }

  readyEndpoints(key: ServiceKey): ServiceEndpoints {
    return this.#endpoints.get(key) ?? NO_ENDPOINTS;
  }

  node(name: string): NodeInfo | undefined {
    return this.#nodes.get(name);
  }

  siteOfNode(name: string): SiteId | undefined {
    return this.#nodes.get(name)?.siteId;
  }

  /**
   * Nodes no label or range places at a site, by name: reported (status, metrics) rather than guessed,
   * since their pods' traffic is attributed to no SD-WAN site. Not for the flow path.
   */
  unplacedNodes(): readonly NodeInfo[] {
    return [...this.#nodes.values()].filter((node) => node.siteId === undefined).sort((a, b) => compareText(a.name, b.name));
  }

  /** Edge devices (vEdges and cEdges) at a site. */
  devicesAt(siteId: SiteId): readonly EdgeDevice[] {
    return this.#devicesBySite.get(siteId) ?? NO_DEVICES;
  }

  service(key: ServiceKey): Service | undefined {
    return this.#services.get(key);
  }

  /** Keys of every known Service and of every Service with EndpointSlices, sorted. */
  serviceKeys(): readonly ServiceKey[] {
    return [...new Set([...this.#services.keys(), ...this.#slicesByService.keys()])].sort();
  }

  get size(): { readonly pods: number; readonly services: number; readonly slices: number; readonly nodes: number } {
    return { pods: this.#pods.size, services: this.#services.size, slices: this.#slices.size, nodes: this.#nodes.size };
  }

  // ── mutations ──────────────────────────────────────────────────────────────────────────────────

  upsertService(service: Service): readonly ServiceKey[] {
    const key = serviceKey(service);
    const before = frontendsOf(this.#services.get(key));
    const after = frontendsOf(service);
    for (const ip of before) if (!after.has(ip)) this.#removeFrontend(ip, key);
    for (const ip of after) if (!before.has(ip)) this.#addFrontend(ip, key);
    this.#services.set(key, service);
    return [key];
  }

  deleteService(key: ServiceKey): readonly ServiceKey[] {
    const existing = this.#services.get(key);
    if (existing === undefined) return NO_KEYS;
    for (const ip of frontendsOf(existing)) this.#removeFrontend(ip, key);
    this.#services.delete(key);
    return [key];
  }

  upsertEndpointSlice(slice: EndpointSlice): readonly ServiceKey[] {
    const key = storeKey(slice.namespace, slice.name);
    const entry = toSliceEntry(slice);
    return this.#replaceSlice(key, entry);
  }

  /** `key` is `namespace/name` of the slice. */
  deleteEndpointSlice(key: string): readonly ServiceKey[] {
    return this.#slices.has(key) ? this.#replaceSlice(key, undefined) : NO_KEYS;
  }

  /** Places the node (its `siteId` field is recomputed from labels and addresses) and re-sites its pods. */
  upsertNode(node: ClusterNode): readonly ServiceKey[] {
    const placement = this.#placeNode(node.labels, node.internalIps);
    const info: NodeInfo = Object.freeze({ name: node.name, siteId: placement.siteId, placement, internalIps: Object.freeze([...node.internalIps]) });
    const before = this.#nodes.get(node.name);
    this.#unindexNodeIps(before);
    this.#nodes.set(node.name, info);
    for (const ip of info.internalIps) this.#nodeByIp.set(ip, info);
    return before?.siteId === info.siteId ? NO_KEYS : this.#resiteNode(node.name);
  }

  deleteNode(name: string): readonly ServiceKey[] {
    const before = this.#nodes.get(name);
    if (before === undefined) return NO_KEYS;
    this.#unindexNodeIps(before);
    this.#nodes.delete(name);
    return before.siteId === undefined ? NO_KEYS : this.#resiteNode(name);
  }

  /** Replaces the device list; only edges (personality `vedge`, which cEdges report too) carry tunnels. */
  setEdgeDevices(devices: readonly EdgeDevice[]): void {
    const bySite = new Map<SiteId, EdgeDevice[]>();
    for (const device of devices) {
      if (device.personality !== 'vedge') continue;
      const atSite = bySite.get(device.siteId);
      if (atSite === undefined) bySite.set(device.siteId, [device]);
      else atSite.push(device);
    }
    this.#devicesBySite = new Map([...bySite].map(([siteId, atSite]) => [siteId, Object.freeze(atSite.sort((a, b) => compareText(a.systemIp, b.systemIp)))]));
  }

  // ── internals ──────────────────────────────────────────────────────────────────────────────────

  #replaceSlice(key: string, entry: SliceEntry | undefined): readonly ServiceKey[] {
    const before = this.#slices.get(key);
    if (entry === undefined) this.#slices.delete(key);
    else this.#slices.set(key, entry);

    for (const ip of before?.byIp.keys() ?? []) {
      if (entry?.byIp.has(ip) !== true) removeFromIndex(this.#slicesByIp, ip, key);
    }
    for (const ip of entry?.byIp.keys() ?? []) addToIndex(this.#slicesByIp, ip, key);
    if (before?.serviceKey !== entry?.serviceKey && before?.serviceKey !== undefined) removeFromIndex(this.#slicesByService, before.serviceKey, key);
    if (entry?.serviceKey !== undefined) addToIndex(this.#slicesByService, entry.serviceKey, key);

    for (const ip of new Set([...(before?.byIp.keys() ?? []), ...(entry?.byIp.keys() ?? [])])) this.#rebuildPod(ip);
    const affected = [...new Set([before?.serviceKey, entry?.serviceKey])].filter((service): service is ServiceKey => service !== undefined);
    for (const service of affected) this.#rebuildEndpoints(service);
    return affected;
  }

  /** Re-derives one address's PodInfo from every slice listing it. */
  #rebuildPod(ip: string): void {
    const before = this.#pods.get(ip);
    const sliceKeys = this.#slicesByIp.get(ip);
    let chosen: Endpoint | undefined;
    let ready = false;
    const services = new Set<ServiceKey>();
    for (const sliceKey of sliceKeys ?? []) {
      const entry = this.#slices.get(sliceKey);
      const endpoint = entry?.byIp.get(ip);
      if (entry === undefined || endpoint === undefined) continue;
      if (entry.serviceKey !== undefined) services.add(entry.serviceKey);
      ready ||= endpoint.ready;
      // Prefer the most complete listing: a ready endpoint with a node says the most about the pod.
      if (chosen === undefined || rank(endpoint) > rank(chosen)) chosen = endpoint;
    }
    if (chosen === undefined) {
      this.#pods.delete(ip);
      if (before?.nodeName !== undefined) removeFromIndex(this.#podIpsByNode, before.nodeName, ip);
      return;
    }
    const nodeName = chosen.nodeName;
    const info: PodInfo = Object.freeze({
      ip,
      podName: chosen.podName,
      namespace: chosen.namespace,
      nodeName,
      siteId: nodeName === undefined ? undefined : this.#nodes.get(nodeName)?.siteId,
      services: Object.freeze([...services].sort()),
      ready,
    });
    this.#pods.set(ip, info);
    if (before?.nodeName !== nodeName) {
      if (before?.nodeName !== undefined) removeFromIndex(this.#podIpsByNode, before.nodeName, ip);
      if (nodeName !== undefined) addToIndex(this.#podIpsByNode, nodeName, ip);
    }
  }

  /** Re-derives a Service's ready endpoints by site from its slices. */
  #rebuildEndpoints(service: ServiceKey): void {
    const sliceKeys = this.#slicesByService.get(service);
    if (sliceKeys === undefined || sliceKeys.size === 0) {
      this.#endpoints.delete(service);
      return;
    }
    const seen = new Set<string>();
    const bySite = new Map<SiteId, ReadyEndpoint[]>();
    const unplaced: ReadyEndpoint[] = [];
    for (const sliceKey of [...sliceKeys].sort()) {
      const entry = this.#slices.get(sliceKey);
      if (entry === undefined) continue;
      for (const [ip, endpoint] of entry.byIp) {
        if (!endpoint.ready || seen.has(ip)) continue;
        seen.add(ip);
        const siteId = endpoint.nodeName === undefined ? undefined : this.#nodes.get(endpoint.nodeName)?.siteId;
        const ready: ReadyEndpoint = Object.freeze({ ip, podName: endpoint.podName, nodeName: endpoint.nodeName, siteId, ports: entry.ports });
        if (siteId === undefined) unplaced.push(ready);
        else {
          const atSite = bySite.get(siteId);
          if (atSite === undefined) bySite.set(siteId, [ready]);
          else atSite.push(ready);
        }
      }
    }
    const sorted = new Map([...bySite].sort(([a], [b]) => a - b).map(([siteId, atSite]) => [siteId, Object.freeze(atSite)]));
    this.#endpoints.set(service, Object.freeze({ count: seen.size, bySite: sorted, unplaced: Object.freeze(unplaced) }));
  }

  /** After a node's site changed: its pods move with it, and the Services they back are re-derived. */
  #resiteNode(name: string): readonly ServiceKey[] {
    const affected = new Set<ServiceKey>();
    for (const ip of this.#podIpsByNode.get(name) ?? []) {
      this.#rebuildPod(ip);
      for (const service of this.#pods.get(ip)?.services ?? NO_KEYS) affected.add(service);
    }
    for (const service of affected) this.#rebuildEndpoints(service);
    return [...affected].sort();
  }

  #unindexNodeIps(node: NodeInfo | undefined): void {
    for (const ip of node?.internalIps ?? []) {
      if (this.#nodeByIp.get(ip) === node) this.#nodeByIp.delete(ip);
    }
  }

  #addFrontend(ip: string, key: ServiceKey): void {
    const existing = this.#frontends.get(ip) ?? NO_KEYS;
    if (!existing.includes(key)) this.#frontends.set(ip, Object.freeze([...existing, key].sort()));
  }

  #removeFrontend(ip: string, key: ServiceKey): void {
    const remaining = (this.#frontends.get(ip) ?? NO_KEYS).filter((candidate) => candidate !== key);
    if (remaining.length === 0) this.#frontends.delete(ip);
    else this.#frontends.set(ip, Object.freeze(remaining));
  }
}

function toSliceEntry(slice: EndpointSlice): SliceEntry {
  const byIp = new Map<string, Endpoint>();
  // FQDN slices name hosts, not addresses: nothing a flow could be matched against.
  if (slice.addressType !== 'FQDN') {
    for (const endpoint of slice.endpoints) if (!byIp.has(endpoint.ip)) byIp.set(endpoint.ip, endpoint);
  }
  const service = slice.serviceName === undefined ? undefined : serviceKey({ namespace: slice.namespace, name: slice.serviceName });
  return { serviceKey: service, ports: Object.freeze([...slice.ports]), byIp };
}

function frontendsOf(service: Service | undefined): ReadonlySet<string> {
  return new Set(service === undefined ? [] : [...service.clusterIps, ...service.loadBalancerIps]);
}

function rank(endpoint: Endpoint): number {
  return (endpoint.ready ? 2 : 0) + (endpoint.nodeName === undefined ? 0 : 1);
}

function addToIndex<K, V>(index: Map<K, Set<V>>, key: K, value: V): void {
  const values = index.get(key);
  if (values === undefined) index.set(key, new Set([value]));
  else values.add(value);
}

function removeFromIndex<K, V>(index: Map<K, Set<V>>, key: K, value: V): void {
  const values = index.get(key);
  if (values === undefined) return;
  values.delete(value);
  if (values.size === 0) index.delete(key);
}

function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
