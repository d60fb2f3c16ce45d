import { VERDICTS } from '../domain/flow.ts';
import type { Flow, FlowEndpoint, FlowType, L4Protocol, TrafficDirection, Verdict } from '../domain/flow.ts';
import { enumName, hubbleEnum } from './hubble-enum.ts';
import type { HubbleEnum } from './hubble-enum.ts';
import { HUBBLE_ERROR_CODES, HubbleError } from './hubble-error.ts';
import type { HubbleEvent, LostEventSource, NodeState } from './hubble-event.ts';
import { parseRfc3339Nanos } from './rfc3339.ts';

const DROP_REASONS = hubbleEnum('flow.DropReason');
const VERDICT_ENUM = hubbleEnum('flow.Verdict');
const FLOW_TYPES = hubbleEnum('flow.FlowType');
const DIRECTIONS = hubbleEnum('flow.TrafficDirection');
const LOST_EVENT_SOURCES = hubbleEnum('flow.LostEventSource');
const NODE_STATES = hubbleEnum('relay.NodeState');
const FLOW_TYPE_NAMES: readonly FlowType[] = ['UNKNOWN_TYPE', 'L3_L4', 'L7', 'SOCK'];
const DIRECTION_NAMES: readonly TrafficDirection[] = ['TRAFFIC_DIRECTION_UNKNOWN', 'INGRESS', 'EGRESS'];
const L4_MEMBERS: readonly (readonly [string, L4Protocol])[] = [
  ['TCP', 'TCP'],
  ['UDP', 'UDP'],
  ['ICMPv4', 'ICMPv4'],
  ['ICMPv6', 'ICMPv6'],
  ['SCTP', 'SCTP'],
  ['VRRP', 'unknown'],
  ['IGMP', 'unknown'],
];
const PAYLOAD_KEYS = ['flow', 'node_status', 'lost_events', 'agent_event', 'debug_event'] as const;
/** Keys only a Flow has: a line with one of them at the top is a bare flow (legacy `hubble observe` JSON). */
const BARE_FLOW_KEYS = ['verdict', 'IP', 'l4', 'source', 'destination', 'Type', 'uuid', 'l7', 'event_type'] as const;

type Fields = Readonly<Record<string, unknown>>;

/**
 * A parsed line of Hubble JSON → HubbleEvent, the same shape FlowEventDecoder makes from bytes. Accepts
 * what Hubble writes: exporter lines (`observer.ExportEvent`), `hubble observe -o json` lines
 * (`GetFlowsResponse`) and the legacy bare Flow objects (`HUBBLE_COMPAT=legacy-json-output`). Keys it
 * does not read are ignored (newer Hubble versions add fields); a key it reads with the wrong type, an
 * invalid timestamp or two payloads in one line are a HubbleError.
 *
 * It reads only the JSON keys behind the domain Flow, so it is the cheap path for flow-log files.
 */
export function hubbleEventFromJson(value: unknown): HubbleEvent {
  const line = fields(value, '');
  const nodeName = optionalString(line, 'node_name', '');
  const timeNs = optionalTime(line, 'time', '');
  let payload: (typeof PAYLOAD_KEYS)[number] | undefined;
  for (const key of PAYLOAD_KEYS) {
    if (line[key] === undefined || line[key] === null) continue;
    if (payload !== undefined) throw jsonError(`both ${payload} and ${key} in one line`);
    payload = key;
  }
  switch (payload) {
    case 'flow':
      return { kind: 'flow', nodeName, timeNs, flow: flowFromJson(fields(line.flow, 'flow'), 'flow.', timeNs) };
    case 'lost_events':
      return lostEventsFromJson(fields(line.lost_events, 'lost_events'), nodeName, timeNs);
    case 'node_status':
      return nodeStatusFromJson(fields(line.node_status, 'node_status'), nodeName, timeNs);
    case 'agent_event':
    case 'debug_event':
      fields(line[payload], payload);
      return { kind: payload, nodeName, timeNs };
    case undefined:
      if (BARE_FLOW_KEYS.some((key) => line[key] !== undefined)) {
        const flow = flowFromJson(line, '', undefined);
        return { kind: 'flow', nodeName: flow.nodeName, timeNs: flow.timeNs, flow };
      }
      return { kind: 'unknown', nodeName, timeNs };
  }
}

function flowFromJson(flow: Fields, path: string, envelopeTimeNs: bigint | undefined): Flow {
  const source = endpointSide(flow, path, 'source', 'source_service');
  const destination = endpointSide(flow, path, 'destination', 'destination_service');
  const ip = optionalFields(flow, 'IP', path);
  const l4 = layer4(flow, path);
  const l7 = optionalFields(flow, 'l7', path);
  const isReply = optionalBoolean(flow, 'is_reply', path);
  const latencyNs = l7 === undefined ? 0 : optionalUint64(l7, 'latency_ns', `${path}l7.`);
  return {
    timeNs: optionalTime(flow, 'time', path) ?? envelopeTimeNs ?? 0n,
    uuid: optionalString(flow, 'uuid', path),
    nodeName: optionalString(flow, 'node_name', path),
    type: known(enumValue(flow, 'Type', path, FLOW_TYPES, ''), FLOW_TYPE_NAMES, 'UNKNOWN_TYPE'),
    verdict: verdictOf(flow, path),
    dropReason: dropReasonOf(flow, path),
    protocol: l4.protocol,
    source: {
      ...source,
      ip: ip === undefined ? '' : optionalString(ip, 'source', `${path}IP.`),
      port: l4.sourcePort,
    },
    destination: {
      ...destination,
      ip: ip === undefined ? '' : optionalString(ip, 'destination', `${path}IP.`),
      port: l4.destinationPort,
    },
    trafficDirection: known(enumValue(flow, 'traffic_direction', path, DIRECTIONS, ''), DIRECTION_NAMES, 'TRAFFIC_DIRECTION_UNKNOWN'),
    // The deprecated `reply` can only be trusted when true: false may just mean "not set".
    isReply: isReply ?? (optionalBoolean(flow, 'reply', path) === true ? true : undefined),
    l7LatencySeconds: latencyNs > 0 ? latencyNs / 1e9 : undefined,
  };
}

function endpointSide(flow: Fields, path: string, key: string, serviceKey: string): Omit<FlowEndpoint, 'ip' | 'port'> {
  const endpoint = optionalFields(flow, key, path);
  const service = optionalFields(flow, serviceKey, path);
  const at = `${path}${key}.`;
  const serviceAt = `${path}${serviceKey}.`;
  return {
    namespace: endpoint === undefined ? '' : optionalString(endpoint, 'namespace', at),
    podName: endpoint === undefined ? '' : optionalString(endpoint, 'pod_name', at),
    identity: endpoint === undefined ? 0 : optionalUint32(endpoint, 'identity', at),
    labels: endpoint === undefined ? [] : optionalStrings(endpoint, 'labels', at),
    serviceName: service === undefined ? '' : optionalString(service, 'name', serviceAt),
    serviceNamespace: service === undefined ? '' : optionalString(service, 'namespace', serviceAt),
  };
}

interface Layer4Summary {
  readonly protocol: L4Protocol;
  readonly sourcePort: number;
  readonly destinationPort: number;
}

function layer4(flow: Fields, path: string): Layer4Summary {
  const l4 = optionalFields(flow, 'l4', path);
  if (l4 === undefined) return { protocol: 'unknown', sourcePort: 0, destinationPort: 0 };
  let found: Layer4Summary | undefined;
  for (const [key, protocol] of L4_MEMBERS) {
    const member = optionalFields(l4, key, `${path}l4.`);
    if (member === undefined) continue;
    if (found !== undefined) throw jsonError(`${path}l4 has more than one protocol`);
    const at = `${path}l4.${key}.`;
    const ports = protocol === 'TCP' || protocol === 'UDP' || protocol === 'SCTP';
    found = {
      protocol,
      sourcePort: ports ? optionalUint32(member, 'source_port', at) : 0,
      destinationPort: ports ? optionalUint32(member, 'destination_port', at) : 0,
    };
  }
  return found ?? { protocol: 'unknown', sourcePort: 0, destinationPort: 0 };
}

function verdictOf(flow: Fields, path: string): Verdict {
  return known(enumValue(flow, 'verdict', path, VERDICT_ENUM, ''), VERDICTS, 'VERDICT_UNKNOWN');
}

/**
 * Narrows an enum name to the values a domain union has. The bytes path maps numbers it cannot name to
 * the same fallback, so both paths agree.
 */
function known<T extends string>(name: string, names: readonly T[], fallback: T): T {
  return names.find((candidate) => candidate === name) ?? fallback;
}

/** drop_reason_desc by name (or number), else the deprecated numeric drop_reason, else empty. */
function dropReasonOf(flow: Fields, path: string): string {
  const desc = enumValue(flow, 'drop_reason_desc', path, DROP_REASONS, '');
  if (desc !== '' && desc !== 'DROP_REASON_UNKNOWN') return desc;
  const legacy = optionalUint32(flow, 'drop_reason', path);
  return legacy === 0 ? '' : enumName(DROP_REASONS, legacy);
}

function lostEventsFromJson(lost: Fields, nodeName: string, timeNs: bigint | undefined): HubbleEvent {
  const at = 'lost_events.';
  const cpu = lost.cpu;
  return {
    kind: 'lost_events',
    nodeName,
    timeNs,
    source: knownOrNumber(enumValue(lost, 'source', at, LOST_EVENT_SOURCES, ''), LOST_EVENT_SOURCES, 'UNKNOWN_LOST_EVENT_SOURCE') as LostEventSource,
    numEventsLost: optionalUint64(lost, 'num_events_lost', at),
    cpu: cpu === undefined || cpu === null ? undefined : integer(cpu, `${at}cpu`),
    firstNs: optionalTime(lost, 'first', at),
    lastNs: optionalTime(lost, 'last', at),
  };
}

function nodeStatusFromJson(status: Fields, nodeName: string, timeNs: bigint | undefined): HubbleEvent {
  const at = 'node_status.';
  return {
    kind: 'node_status',
    nodeName,
    timeNs,
    state: knownOrNumber(enumValue(status, 'state_change', at, NODE_STATES, ''), NODE_STATES, 'UNKNOWN_NODE_STATE') as NodeState,
    nodeNames: optionalStrings(status, 'node_names', at),
    message: optionalString(status, 'message', at),
  };
}

/** A name the schema knows, a number it does not name (kept, in decimal), or else the fallback. */
function knownOrNumber(name: string, hubble: HubbleEnum, fallback: string): string {
  return hubble.numbers.has(name) || /^-?\d+$/.test(name) ? name : fallback;
}

// --- typed reads with protobuf JSON's latitude (numbers may come as strings, null means absent) -----

function fields(value: unknown, path: string): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw jsonError(`${path === '' ? 'the line' : path} is not an object`);
  }
  return value as Fields;
}

function optionalFields(parent: Fields, key: string, path: string): Fields | undefined {
  const value = parent[key];
  return value === undefined || value === null ? undefined : fields(value, `${path}${key}`);
}

function optionalString(parent: Fields, key: string, path: string): string {
  const value = parent[key];
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw jsonError(`${path}${key} is not a string`);
  return value;
}

function optionalStrings(parent: Fields, key: string, path: string): readonly string[] {
  const value = parent[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw jsonError(`${path}${key} is not a list of strings`);
  }
  return value;
}

function optionalBoolean(parent: Fields, key: string, path: string): boolean | undefined {
  const value = parent[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw jsonError(`${path}${key} is not a boolean`);
  return value;
}

function optionalUint32(parent: Fields, key: string, path: string): number {
  const value = parent[key];
  if (value === undefined || value === null) return 0;
  const number = integer(value, `${path}${key}`);
  if (number < 0 || number > 0xffffffff) throw jsonError(`${path}${key} is not a uint32`);
  return number;
}

/** uint64 as protobuf JSON writes it (a decimal string), or a number; as a float, like the hot path. */
function optionalUint64(parent: Fields, key: string, path: string): number {
  const value = parent[key];
  if (value === undefined || value === null) return 0;
  const number = integer(value, `${path}${key}`);
  if (number < 0) throw jsonError(`${path}${key} is not a uint64`);
  return number;
}

function integer(value: unknown, at: string): number {
  const number = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number)) throw jsonError(`${at} is not an integer`);
  return number;
}

function optionalTime(parent: Fields, key: string, path: string): bigint | undefined {
  const value = parent[key];
  if (value === undefined || value === null) return undefined;
  const ns = typeof value === 'string' ? parseRfc3339Nanos(value) : undefined;
  if (ns === undefined) throw jsonError(`${path}${key} is not an RFC 3339 timestamp`);
  return ns;
}

/** An enum by name or number; a number the schema does not name comes back in decimal. */
function enumValue(parent: Fields, key: string, path: string, hubble: HubbleEnum, absent: string): string {
  const value = parent[key];
  if (value === undefined || value === null) return absent;
  if (typeof value === 'string') return value;
  return enumName(hubble, integer(value, `${path}${key}`));
}

function jsonError(message: string): HubbleError {
  return new HubbleError(HUBBLE_ERROR_CODES.json, message);
}
