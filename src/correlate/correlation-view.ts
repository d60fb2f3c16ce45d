import type { Color } from '../domain/color.ts';
import type { ServiceKey, ServicePort } from '../domain/service.ts';
import type { SiteId } from '../domain/site.ts';

/** What correlation reads about a pod address (a subset of the inventory's PodInfo). */
export interface PodView {
  readonly podName: string | undefined;
  readonly namespace: string;
  readonly nodeName: string | undefined;
  /** The site of the pod's node; undefined when the node is unknown or unplaced. */
  readonly siteId: SiteId | undefined;
  /** Keys of the Services whose EndpointSlices list the address, sorted. */
  readonly services: readonly ServiceKey[];
}

/** What correlation reads about a node (a subset of the inventory's NodeInfo). */
export interface NodeView {
  readonly name: string;
  readonly siteId: SiteId | undefined;
}

/** What correlation reads about a Service: its ports, to tell apart Services sharing an address. */
export interface ServiceView {
  readonly ports: readonly ServicePort[];
}

/**
 * The inventory lookups correlation needs. `Inventory` (src/kube) satisfies this interface as it is;
 * every method is a single Map read returning a stored value, so nothing here allocates per flow.
 */
export interface InventoryLookups {
  /** A pod address listed by some EndpointSlice. */
  pod(ip: string): PodView | undefined;
  /** The node owning the address as an InternalIP (host-network pods, NodePorts). */
  nodeOfIp(ip: string): NodeView | undefined;
  /** Services with this frontend address (ClusterIP, load-balancer IP), sorted. */
  servicesAt(ip: string): readonly ServiceKey[];
  service(key: ServiceKey): ServiceView | undefined;
  node(name: string): NodeView | undefined;
}

/**
 * The narrow read interface correlation runs against: the inventory's lookups plus the color each
 * Service is currently assigned (by the optimizer or a pin). Build one with `createCorrelationView`.
 */
export interface CorrelationView extends InventoryLookups {
  /** The color the Service is assigned to; undefined when it has no assignment (the fabric default applies). */
  assignedColor(key: ServiceKey): Color | undefined;
}
