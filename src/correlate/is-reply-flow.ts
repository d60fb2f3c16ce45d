import type { Flow, FlowEndpoint } from '../domain/flow.ts';
import type { InventoryLookups, NodeView, PodView } from './correlation-view.ts';
import { servesService } from './serves-service.ts';

/** Linux's default ephemeral range starts here (net.ipv4.ip_local_port_range); NodePorts end below it. */
const FIRST_EPHEMERAL_PORT = 32_768;

/**
 * Whether the record travels server → client. Hubble's `is_reply` when it says (it is absent for drops
 * and some trace points); otherwise, in order of confidence:
 *  1. the traffic direction, when the index places exactly one end at the observing node: Hubble's
 *     direction is the connection's as seen from the local endpoint (EGRESS: it is the client), so a
 *     local source on INGRESS, or a local destination on EGRESS, is a reply;
 *  2. which end is a Service's (a frontend, or a backend on a port its Service serves);
 *  3. ports: an ephemeral source port talking to a non-ephemeral one is a request, and the reverse a
 *     reply;
 *  4. otherwise a request, as Hubble itself assumes for drops.
 */
export function isReplyFlow(flow: Flow, sourcePod: PodView | undefined, destinationPod: PodView | undefined, observer: NodeView | undefined, view: InventoryLookups): boolean {
  if (flow.isReply !== undefined) return flow.isReply;
  if (flow.trafficDirection !== 'TRAFFIC_DIRECTION_UNKNOWN' && observer !== undefined) {
    const sourceLocal = isAt(flow.source, sourcePod, observer, view);
    const destinationLocal = isAt(flow.destination, destinationPod, observer, view);
    if (sourceLocal !== destinationLocal) return sourceLocal === (flow.trafficDirection === 'INGRESS');
  }
  const sourceServes = servesService(flow.source, sourcePod, view);
  if (sourceServes !== servesService(flow.destination, destinationPod, view)) return sourceServes;
  const sourceEphemeral = flow.source.port >= FIRST_EPHEMERAL_PORT;
  if (sourceEphemeral !== flow.destination.port >= FIRST_EPHEMERAL_PORT) return !sourceEphemeral;
  return false;
}

function isAt(end: FlowEndpoint, pod: PodView | undefined, node: NodeView, view: InventoryLookups): boolean {
  if (pod?.nodeName !== undefined) return pod.nodeName === node.name;
  return view.nodeOfIp(end.ip)?.name === node.name;
}
