import type { FlowEndpoint } from '../../src/domain/flow.ts';
import type { JsonObject } from '../../src/hubble/hubble-codec.ts';
import { hubbleEnum } from '../../src/hubble/hubble-enum.ts';
import { formatRfc3339Nanos } from '../../src/hubble/rfc3339.ts';
import type { SimNode, SimPod } from '../world/cluster.ts';
import { hashString } from '../world/hash.ts';
import type { SimFlow } from '../world/sim-flow.ts';

const DROP_REASONS = hubbleEnum('flow.DropReason');

/** Monitor event types (`pkg/monitor/api/types.go`). */
const EVENT_DROP = 1;
const EVENT_TRACE = 4;
const EVENT_ACCESS_LOG = 129;
/** Trace sub-types are the observation points' datapath numbers: TO_ENDPOINT is 0 there, TO_NETWORK 11. */
const TRACE_SUBTYPE = { TO_ENDPOINT: 0, TO_NETWORK: 11 } as const;
/** Identity 2 is `world`: what an address outside the ipcache (an untranslated ClusterIP) resolves to. */
const WORLD_IDENTITY = 2;

export interface SimFlowJsonContext {
  /** Hubble's version, for `emitter`. */
  readonly version: string;
  /** The observing node, by name (node labels, endpoint IDs of its local pods). */
  readonly node: (name: string) => SimNode | undefined;
}

/**
 * A world flow record → `flow.Flow` in Hubble's JSON form, with the fields a Cilium 1.19 agent fills for
 * such an event:
 * - L3/L4 (a connection's first packet): Ethernet, IP, TCP with SYN (or UDP/SCTP ports), both endpoints
 *   (the observing node's own pods with their endpoint `ID`), `event_type` trace with the observation
 *   point (`TO_ENDPOINT` to a pod on the same node, `TO_NETWORK` across nodes, native routing over the
 *   WAN), `trace_reason` NEW, `is_reply` false, `Summary` "TCP Flags: SYN";
 * - drops: `event_type` drop with the reason as sub-type, `drop_reason` and `drop_reason_desc`, no
 *   observation point;
 * - L7 (the client's proxy): `l7.http` with `latency_ns` on responses, `event_type` 129, `is_reply`, and
 *   Hubble's L7 summaries (`HTTP/1.1 200 15ms (GET http://…)`).
 * `source_service`/`destination_service` are set only where Hubble resolves them: an address that is a
 * Service frontend (the ClusterIP of a Service without endpoints), as hubble.md §9 explains.
 */
export function simFlowJson(flow: SimFlow, context: SimFlowJsonContext): JsonObject {
  const observer = context.node(flow.nodeName);
  const l7 = flow.type === 'L7' && flow.http !== undefined;
  const dropped = flow.verdict === 'DROPPED';
  const sameNode = flow.backend?.node.name === flow.client.node.name;
  const point = dropped || l7 ? undefined : sameNode ? 'TO_ENDPOINT' : 'TO_NETWORK';
  const dropNumber = dropped ? (DROP_REASONS.numbers.get(flow.dropReason) ?? 0) : 0;
  const json: Record<string, unknown> = {
    time: formatRfc3339Nanos(flow.timeNs),
    uuid: flow.uuid,
    emitter: { name: 'Hubble', version: context.version },
    verdict: flow.verdict,
    ...(dropNumber === 0 ? {} : { drop_reason: dropNumber }),
    ...(l7 ? {} : { ethernet: { source: mac(flow.source.ip), destination: mac(flow.destination.ip) } }),
    IP: { source: flow.source.ip, destination: flow.destination.ip, ipVersion: flow.source.ip.includes(':') ? 'IPv6' : 'IPv4' },
    l4: layer4(flow, l7),
    source: endpoint(flow.source, flow, observer),
    destination: endpoint(flow.destination, flow, observer),
    Type: flow.type,
    node_name: flow.nodeName,
    ...(observer === undefined ? {} : { node_labels: Object.entries(observer.labels).map(([key, value]) => `${key}=${value}`) }),
    ...(l7 ? { l7: layer7(flow) } : {}),
    event_type: dropped ? { type: EVENT_DROP, sub_type: dropNumber } : l7 ? { type: EVENT_ACCESS_LOG } : { type: EVENT_TRACE, sub_type: point === undefined ? 0 : TRACE_SUBTYPE[point] },
    ...(flow.source.serviceName === '' ? {} : { source_service: { name: flow.source.serviceName, namespace: flow.source.serviceNamespace } }),
    ...(flow.destination.serviceName === '' ? {} : { destination_service: { name: flow.destination.serviceName, namespace: flow.destination.serviceNamespace } }),
    traffic_direction: flow.trafficDirection,
    ...(point === undefined ? {} : { trace_observation_point: point, trace_reason: 'NEW' }),
    ...(dropped ? { drop_reason_desc: flow.dropReason } : {}),
    ...(flow.isReply === undefined ? {} : { is_reply: flow.isReply }),
    ...(point === 'TO_NETWORK' ? { interface: { index: 2, name: 'eth0' } } : {}),
    Summary: summary(flow, l7),
  };
  return json as JsonObject;
}

function layer4(flow: SimFlow, l7: boolean): Record<string, unknown> {
  const ports = { source_port: flow.source.port, destination_port: flow.destination.port };
  switch (flow.protocol) {
    case 'TCP':
      // The L3/L4 record is a connection's first packet; proxy (L7) records carry no flags.
      return { TCP: l7 ? ports : { ...ports, flags: { SYN: true } } };
    case 'UDP':
      return { UDP: ports };
    case 'SCTP':
      return { SCTP: ports };
    default:
      return {};
  }
}

function layer7(flow: SimFlow): Record<string, unknown> {
  const http = flow.http;
  const response = http?.type === 'RESPONSE';
  return {
    type: http?.type ?? 'UNKNOWN_L7_TYPE',
    ...(response && flow.l7LatencySeconds !== undefined ? { latency_ns: String(Math.round(flow.l7LatencySeconds * 1e9)) } : {}),
    http: {
      ...(response ? { code: http.code } : {}),
      method: http?.method ?? '',
      url: http?.url ?? '',
      protocol: http?.protocol ?? 'HTTP/1.1',
      headers: [{ key: ':scheme', value: 'http' }],
    },
  };
}

function endpoint(side: FlowEndpoint, flow: SimFlow, observer: SimNode | undefined): Record<string, unknown> {
  if (side.podName === '') {
    // Not a pod: an address Cilium knows no identity for.
    return { identity: WORLD_IDENTITY, labels: ['reserved:world'] };
  }
  const pod = podOf(side, flow);
  const local = pod !== undefined && pod.node.name === observer?.name;
  return {
    ...(local ? { ID: endpointId(pod) } : {}),
    identity: side.identity,
    cluster_name: 'default',
    namespace: side.namespace,
    labels: side.labels,
    pod_name: side.podName,
    ...(pod === undefined ? {} : { workloads: [{ name: pod.workload.name, kind: pod.workload.kind }] }),
  };
}

function podOf(side: FlowEndpoint, flow: SimFlow): SimPod | undefined {
  if (side.podName === flow.client.name) return flow.client;
  if (side.podName === flow.backend?.name) return flow.backend;
  return undefined;
}

/** Cilium numbers endpoints per node from 1 up to 4095; a hash of the pod keeps it stable. */
function endpointId(pod: SimPod): number {
  return 1 + (hashString(pod.uid) % 4095);
}

/** A locally administered MAC derived from the IPv4 address, as readable as it is deterministic. */
function mac(ip: string): string {
  const octets = ip.split('.').map((part) => Number(part));
  if (octets.length !== 4) return '0a:58:00:00:00:00';
  return ['0a', '58', ...octets.map((octet) => octet.toString(16).padStart(2, '0'))].join(':');
}

/** Hubble's summaries: TCP flags for packets, protocol + method + URL (+ code and latency) for HTTP. */
function summary(flow: SimFlow, l7: boolean): string {
  const http = flow.http;
  if (l7 && http !== undefined) {
    if (http.type === 'REQUEST') return `${http.protocol} ${http.method} ${http.url}`;
    const ms = Math.round((flow.l7LatencySeconds ?? 0) * 1000);
    return `${http.protocol} ${http.code} ${ms}ms (${http.method} ${http.url})`;
  }
  return flow.protocol === 'TCP' ? 'TCP Flags: SYN' : flow.protocol;
}
