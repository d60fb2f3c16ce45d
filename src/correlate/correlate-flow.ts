import type { Color } from '../domain/color.ts';
import type { Flow, FlowEndpoint } from '../domain/flow.ts';
import { createCorrelationScratch } from './correlated-flow.ts';
import type { Correlation, CorrelationScratch } from './correlated-flow.ts';
import type { CorrelationView, InventoryLookups, NodeView, PodView } from './correlation-view.ts';
import { isReplyFlow } from './is-reply-flow.ts';
import type { KeyInterner } from './key-interner.ts';
import { resolveService } from './resolve-service.ts';
import type { UnresolvedReason } from './unresolved-reason.ts';

export interface CorrelateOptions {
  /**
   * The color inter-site traffic of a Service without an assignment takes (the fabric's default, from
   * configuration); undefined: not known, the flows are labelled `unknown`.
   */
  readonly defaultColor?: Color | undefined;
  /** Interns the keys built from Hubble's fields; share one per stream so the steady state makes no strings. */
  readonly keys?: KeyInterner | undefined;
}

/** An end the index cannot place and the observing node is not known either. */
type Place = NodeView | 'unknown-node' | undefined;

const NO_OPTIONS: CorrelateOptions = {};

/**
 * Attributes a flow to a client → Service connection and a site pair (client site → server site), and
 * to the color the Service's traffic takes across the WAN. Pure: reads only the flow and the view.
 * Allocates its result; the hot path uses `correlateFlowInto` with a reused scratch.
 */
export function correlateFlow(flow: Flow, view: CorrelationView, options: CorrelateOptions = NO_OPTIONS): Correlation {
  const out = createCorrelationScratch();
  const reason = correlateFlowInto(flow, view, out, options);
  return reason === undefined ? { ...out } : { outcome: 'unresolved', reason, conflict: out.conflict };
}

/**
 * `correlateFlow` into a caller-owned scratch: returns undefined when `out` now holds a correlated flow,
 * else why the flow is unresolved (`out.conflict` is still meaningful then). No allocation when the
 * keys it needs are interned (see CorrelateOptions.keys).
 */
export function correlateFlowInto(flow: Flow, view: CorrelationView, out: CorrelationScratch, options: CorrelateOptions = NO_OPTIONS): UnresolvedReason | undefined {
  out.conflict = false;
  if (!isConnectionRecord(flow)) return 'not-a-flow';
  const sourcePod = view.pod(flow.source.ip);
  const destinationPod = view.pod(flow.destination.ip);
  const observer = observingNode(flow.nodeName, view, options.keys);
  const reply = isReplyFlow(flow, sourcePod, destinationPod, typeof observer === 'object' ? observer : undefined, view);
  const client = reply ? flow.destination : flow.source;
  const server = reply ? flow.source : flow.destination;
  const clientPod = reply ? destinationPod : sourcePod;
  const serverPod = reply ? sourcePod : destinationPod;

  out.reply = reply;
  out.verdict = flow.verdict;
  out.dropReason = flow.dropReason;
  out.type = flow.type;
  out.l7LatencySeconds = flow.l7LatencySeconds;
  describeEnd(out, 'client', client, clientPod);
  describeEnd(out, 'server', server, serverPod);

  if (!resolveService(server, serverPod, view, options.keys, out)) return isKnownAddress(server, serverPod, view) ? 'no-service' : 'unknown-destination-ip';

  // Hubble's direction is the connection's as seen from the endpoint at the observing node: EGRESS
  // there means that endpoint is the client, INGRESS that it is the server. That places an end the
  // index does not know (clients that back no Service are in no EndpointSlice).
  const clientPlace = locate(client, clientPod, flow.trafficDirection === 'EGRESS' ? observer : undefined, view);
  if (clientPlace === undefined) return 'unknown-source-ip';
  if (clientPlace === 'unknown-node') return 'unknown-node';
  if (clientPlace.siteId === undefined) return 'node-without-site';
  out.clientNode = clientPlace.name;
  out.clientSiteId = clientPlace.siteId;

  const serverPlace = locate(server, serverPod, flow.trafficDirection === 'INGRESS' ? observer : undefined, view);
  if (serverPlace === 'unknown-node') return 'unknown-node';
  if (serverPlace === undefined) {
    // A frontend address: the backend it will be translated to, hence its site, is not known.
    out.serverNode = '';
    out.serverSiteId = undefined;
  } else if (serverPlace.siteId === undefined) {
    return 'node-without-site';
  } else {
    out.serverNode = serverPlace.name;
    out.serverSiteId = serverPlace.siteId;
  }
  chooseColor(out, view, options.defaultColor);
  return undefined;
}

/** Packets of a connection between two addresses; socket-translation traces would count connections twice. */
function isConnectionRecord(flow: Flow): boolean {
  return (flow.type === 'L3_L4' || flow.type === 'L7') && flow.source.ip !== '' && flow.destination.ip !== '';
}

/** The node that observed the flow; `unknown-node` when it is named but not in the inventory. */
function observingNode(name: string, view: InventoryLookups, keys: KeyInterner | undefined): Place {
  if (name === '') return undefined;
  const node = view.node(name);
  if (node !== undefined) return node;
  const slash = name.lastIndexOf('/');
  if (slash >= 0) {
    const bare = view.node(keys === undefined ? name.slice(slash + 1) : keys.bareNodeName(name));
    if (bare !== undefined) return bare;
  }
  return 'unknown-node';
}

/** The node an end is on: its pod's, the node owning the address, else the observer when the end is local. */
function locate(end: FlowEndpoint, pod: PodView | undefined, local: Place, view: InventoryLookups): Place {
  if (pod?.nodeName !== undefined) return view.node(pod.nodeName) ?? 'unknown-node';
  const host = view.nodeOfIp(end.ip);
  if (host !== undefined) return host;
  if (local !== undefined) return local;
  return pod === undefined ? undefined : 'unknown-node';
}

function isKnownAddress(end: FlowEndpoint, pod: PodView | undefined, view: InventoryLookups): boolean {
  return pod !== undefined || end.podName !== '' || view.servicesAt(end.ip).length > 0 || view.nodeOfIp(end.ip) !== undefined;
}

/** Identity of an end: the index's pod when it has one, else what Hubble reported. */
function describeEnd(out: CorrelationScratch, side: 'client' | 'server', end: FlowEndpoint, pod: PodView | undefined): void {
  const podName = pod?.podName ?? end.podName;
  const namespace = pod?.namespace ?? end.namespace;
  if (side === 'client') {
    out.clientIp = end.ip;
    out.clientPod = podName;
    out.clientNamespace = namespace;
    out.clientNode = '';
  } else {
    out.serverIp = end.ip;
    out.serverPod = podName;
    out.serverNamespace = namespace;
    out.serverNode = '';
  }
}

/** Intra-site traffic crosses no tunnel; across sites, the Service's assignment, else the fabric default. */
function chooseColor(out: CorrelationScratch, view: CorrelationView, defaultColor: Color | undefined): void {
  if (out.serverSiteId === undefined) {
    out.color = undefined;
    out.colorSource = 'unknown';
  } else if (out.serverSiteId === out.clientSiteId) {
    out.color = undefined;
    out.colorSource = 'intra-site';
  } else {
    const assigned = view.assignedColor(out.service);
    out.color = assigned ?? defaultColor;
    out.colorSource = assigned !== undefined ? 'assignment' : defaultColor !== undefined ? 'default' : 'unknown';
  }
}
