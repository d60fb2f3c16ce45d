import type { FlowSourceNode, FlowSourceServerStatus } from '../domain/flow-source.ts';
import { decodeHubble } from './hubble-codec.ts';
import type { JsonObject, JsonValue } from './hubble-codec.ts';

/** ServerStatusResponse bytes → what the health object shows (nodes come from GetNodes separately). */
export function parseServerStatus(bytes: Uint8Array, at: number): Omit<FlowSourceServerStatus, 'nodes'> {
  const json = decodeHubble('observer.ServerStatusResponse', bytes);
  return {
    at,
    version: text(json.version),
    numFlows: count(json.num_flows),
    maxFlows: count(json.max_flows),
    seenFlows: count(json.seen_flows),
    uptimeNs: BigInt(text(json.uptime_ns) || '0'),
    flowsRate: typeof json.flows_rate === 'number' ? json.flows_rate : 0,
    // Wrappers: absent from a single node's answer, a number (possibly 0) from Relay's.
    nodesConnected: typeof json.num_connected_nodes === 'number' ? json.num_connected_nodes : undefined,
    nodesUnavailable: typeof json.num_unavailable_nodes === 'number' ? json.num_unavailable_nodes : undefined,
    unavailableNodes: strings(json.unavailable_nodes),
  };
}

/** GetNodesResponse bytes → nodes, in the order Relay lists them. */
export function parseGetNodes(bytes: Uint8Array): FlowSourceNode[] {
  const json = decodeHubble('observer.GetNodesResponse', bytes);
  const nodes = Array.isArray(json.nodes) ? (json.nodes as readonly JsonValue[]) : [];
  return nodes.filter(isObject).map((node) => ({
    name: text(node.name),
    state: text(node.state) || 'UNKNOWN_NODE_STATE',
    version: text(node.version),
    address: text(node.address),
    numFlows: count(node.num_flows),
    maxFlows: count(node.max_flows),
    seenFlows: count(node.seen_flows),
  }));
}

function isObject(value: JsonValue): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: JsonValue | undefined): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

/** uint64 counters arrive as decimal strings; they stay far below 2^53. */
function count(value: JsonValue | undefined): number {
  const number = Number(text(value) || '0');
  return Number.isFinite(number) ? number : 0;
}

function strings(value: JsonValue | undefined): string[] {
  return Array.isArray(value) ? (value as readonly JsonValue[]).filter((item): item is string => typeof item === 'string') : [];
}
