import type { JsonObject, JsonValue } from '../hubble/hubble-codec.ts';
import { parseRfc3339Nanos } from '../hubble/rfc3339.ts';

/** A flow as Hubble's compact and table printers show it, each part already text. */
export interface FlowDescription {
  /** `Jan  1 00:00:00.000`, UTC (Go's StampMilli). */
  readonly timestamp: string;
  readonly node: string;
  /** `shop/frontend-7d9f:43210`, or the IP when the address is no pod or Service. */
  readonly sourceHost: string;
  /** `(ID:12345)`, or `(world)`, `(host)`… for Cilium's reserved identities. */
  readonly sourceIdentity: string;
  /** `->`, `<-` for a reply (with the two ends swapped, so the client stays on the left), `<>` when unknown. */
  readonly arrow: '->' | '<-' | '<>';
  readonly destinationHost: string;
  readonly destinationIdentity: string;
  /** `to-endpoint`, `http-request`, `Policy denied`…: what kind of event this is. */
  readonly type: string;
  readonly verdict: string;
  /** `TCP Flags: SYN`, `HTTP/1.1 GET http://…`; empty when there is nothing to say. */
  readonly summary: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Cilium's reserved identities (`pkg/identity/numericidentity.go`), as Hubble names them. */
const RESERVED_IDENTITIES: Readonly<Record<number, string>> = {
  1: 'host',
  2: 'world',
  3: 'unmanaged',
  4: 'health',
  5: 'init',
  6: 'remote-node',
  7: 'kube-apiserver',
  8: 'ingress',
  9: 'world-ipv4',
  10: 'world-ipv6',
};

/** Cilium's own words for the drops seen most (`pkg/monitor/api/drop.go`); others are spelled out from the enum. */
const DROP_TEXT: Readonly<Record<string, string>> = {
  POLICY_DENIED: 'Policy denied',
  POLICY_DENY: 'Policy denied by denylist',
  SERVICE_BACKEND_NOT_FOUND: 'Service backend not found',
  INVALID_SOURCE_IP: 'Invalid source ip',
  STALE_OR_UNROUTABLE_IP: 'Stale or unroutable IP',
  CT_MAP_INSERTION_FAILED: 'CT: Map insertion failed',
  UNKNOWN_CONNECTION_TRACKING_STATE: 'Unknown connection tracking state',
  AUTH_REQUIRED: 'Authentication required',
};

const TCP_FLAGS = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR', 'NS'];

/** Hubble's JSON form of one Flow (a GetFlowsResponse's `flow`) → the parts its printers show. */
export function describeFlow(flow: JsonObject): FlowDescription {
  const ip = object(flow.IP);
  const l4 = object(flow.l4);
  const ports = object(l4.TCP ?? l4.UDP ?? l4.SCTP);
  const source = endpoint(object(flow.source), object(flow.source_service), text(ip.source), ports.source_port);
  const destination = endpoint(object(flow.destination), object(flow.destination_service), text(ip.destination), ports.destination_port);
  const reply = flow.is_reply;
  const [from, to] = reply === true ? [destination, source] : [source, destination];
  return {
    timestamp: stampMilli(text(flow.time)),
    node: text(flow.node_name),
    sourceHost: from.host,
    sourceIdentity: from.identity,
    arrow: reply === true ? '<-' : reply === false ? '->' : '<>',
    destinationHost: to.host,
    destinationIdentity: to.identity,
    type: eventType(flow),
    verdict: text(flow.verdict) || 'VERDICT_UNKNOWN',
    summary: summary(flow, l4),
  };
}

/** RFC 3339 → `Jan _2 15:04:05.000` in UTC, as Hubble's compact output prints times. */
export function stampMilli(rfc3339: string): string {
  const ns = parseRfc3339Nanos(rfc3339);
  if (ns === undefined) return rfc3339 || '-';
  const date = new Date(Number(ns / 1_000_000n));
  const two = (n: number): string => String(n).padStart(2, '0');
  const day = String(date.getUTCDate()).padStart(2, ' ');
  return `${MONTHS[date.getUTCMonth()] ?? '???'} ${day} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}.${String(date.getUTCMilliseconds()).padStart(3, '0')}`;
}

function endpoint(side: JsonObject, service: JsonObject, ip: string, port: JsonValue | undefined): { host: string; identity: string } {
  const namespace = text(side.namespace);
  const pod = text(side.pod_name);
  const serviceName = text(service.name);
  let host = ip;
  if (pod !== '') host = namespace === '' ? pod : `${namespace}/${pod}`;
  else if (serviceName !== '') {
    const serviceNamespace = text(service.namespace) || namespace;
    host = serviceNamespace === '' ? serviceName : `${serviceNamespace}/${serviceName}`;
  }
  if (host === '') host = '?';
  const portNumber = typeof port === 'number' ? port : 0;
  if (portNumber > 0) host = host.includes(':') && !host.includes('/') ? `[${host}]:${portNumber}` : `${host}:${portNumber}`;
  const id = typeof side.identity === 'number' ? side.identity : 0;
  const reserved = RESERVED_IDENTITIES[id];
  return { host, identity: reserved === undefined ? `(ID:${id})` : `(${reserved})` };
}

/**
 * What Hubble's printer calls the flow type: `http-request`/`dns-response`… for L7 records, the
 * observation point (`to-endpoint`) for traces, the drop reason in words for drops.
 */
function eventType(flow: JsonObject): string {
  const l7 = object(flow.l7);
  if (flow.l7 !== undefined) {
    const protocol = l7.http !== undefined ? 'http' : l7.dns !== undefined ? 'dns' : l7.kafka !== undefined ? 'kafka' : 'l7';
    return `${protocol}-${text(l7.type).toLowerCase() || 'unknown'}`;
  }
  const eventTypeNumber = object(flow.event_type).type;
  const point = text(flow.trace_observation_point);
  if (eventTypeNumber === 1 || text(flow.verdict) === 'DROPPED') return dropText(text(flow.drop_reason_desc));
  if (eventTypeNumber === 5) return 'policy-verdict';
  if (point !== '' && point !== 'UNKNOWN_POINT') return point.toLowerCase().replaceAll('_', '-');
  if (eventTypeNumber === 4) return 'trace';
  if (flow.Type === 'SOCK') return 'trace-sock';
  return 'UNKNOWN';
}

function dropText(reason: string): string {
  if (reason === '') return 'drop';
  const known = DROP_TEXT[reason];
  if (known !== undefined) return known;
  const words = reason.toLowerCase().replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function summary(flow: JsonObject, l4: JsonObject): string {
  const given = text(flow.Summary);
  if (given !== '') return given;
  const flags = object(object(l4.TCP).flags);
  const set = TCP_FLAGS.filter((flag) => flags[flag] === true);
  return set.length === 0 ? '' : `TCP Flags: ${set.join(', ')}`;
}

function object(value: JsonValue | undefined): JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : {};
}

function text(value: JsonValue | undefined): string {
  return typeof value === 'string' ? value : '';
}
