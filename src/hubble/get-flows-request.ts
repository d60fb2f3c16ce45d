import type { Message } from 'protobufjs';
import protojson from 'protobufjs/ext/protojson.js';
import type { TrafficDirection, Verdict } from '../domain/flow.ts';
import { decodeHubbleMessage } from './hubble-codec.ts';
import { HUBBLE_ERROR_CODES, HubbleError } from './hubble-error.ts';
import { hubbleSchema } from './hubble-schema.ts';
import { formatRfc3339Nanos } from './rfc3339.ts';

/**
 * `flow.FlowFilter` in Hubble's JSON form — the form of `hubble observe --print-raw-filters` and of the
 * exporter's allow/deny lists, so filters can be copied from Hubble tooling into configuration. Within
 * one filter every populated field must match; within one list, one matching filter is enough.
 */
export interface FlowFilter {
  readonly uuid?: readonly string[];
  /** Exact IPs or CIDRs. */
  readonly source_ip?: readonly string[];
  readonly source_ip_xlated?: readonly string[];
  /** Pod-name prefixes, optionally namespaced: `xwing`, `kube-system/coredns-`, `kube-system/`. */
  readonly source_pod?: readonly string[];
  readonly source_fqdn?: readonly string[];
  /** Kubernetes label-selector syntax. */
  readonly source_label?: readonly string[];
  readonly source_service?: readonly string[];
  readonly source_workload?: readonly WorkloadFilter[];
  readonly source_cluster_name?: readonly string[];
  readonly destination_ip?: readonly string[];
  readonly destination_pod?: readonly string[];
  readonly destination_fqdn?: readonly string[];
  readonly destination_label?: readonly string[];
  readonly destination_service?: readonly string[];
  readonly destination_workload?: readonly WorkloadFilter[];
  readonly destination_cluster_name?: readonly string[];
  readonly traffic_direction?: readonly TrafficDirection[];
  readonly verdict?: readonly Verdict[];
  /** DropReason names; only meaningful with verdict DROPPED. */
  readonly drop_reason_desc?: readonly string[];
  readonly interface?: readonly { readonly index?: number; readonly name?: string }[];
  readonly event_type?: readonly { readonly type?: number; readonly match_sub_type?: boolean; readonly sub_type?: number }[];
  /** Prefixes such as `4+`, `404`. */
  readonly http_status_code?: readonly string[];
  /** L4 or L7 protocol names: `tcp`, `http`… */
  readonly protocol?: readonly string[];
  readonly source_port?: readonly string[];
  readonly destination_port?: readonly string[];
  readonly reply?: readonly boolean[];
  /** RE2 regular expressions. */
  readonly dns_query?: readonly string[];
  readonly source_identity?: readonly number[];
  readonly destination_identity?: readonly number[];
  readonly http_method?: readonly string[];
  readonly http_path?: readonly string[];
  readonly http_url?: readonly string[];
  readonly http_header?: readonly { readonly key?: string; readonly value?: string }[];
  readonly tcp_flags?: readonly Partial<Record<'FIN' | 'SYN' | 'RST' | 'PSH' | 'ACK' | 'URG' | 'ECE' | 'CWR' | 'NS', boolean>>[];
  /** Patterns: `k8s*`, `test-cluster/*.domain.com`, `cluster-name/`. Also how replicas shard one stream. */
  readonly node_name?: readonly string[];
  readonly node_labels?: readonly string[];
  readonly ip_version?: readonly ('IP_NOT_USED' | 'IPv4' | 'IPv6')[];
  readonly trace_id?: readonly string[];
  /** uint64 values, as decimal strings in JSON. */
  readonly ip_trace_id?: readonly string[];
  readonly encrypted?: readonly boolean[];
  readonly experimental?: { readonly cel_expression?: readonly string[] };
}

export interface WorkloadFilter {
  readonly name?: string;
  readonly kind?: string;
}

/** `observer.GetFlowsRequest`, with times as epoch nanoseconds and the field mask as proto paths. */
export interface GetFlowsRequest {
  /** How many flows from the ring buffer (newest, or oldest with `first`); not with since/until. */
  readonly number?: bigint;
  readonly first?: boolean;
  /** Keep streaming new flows: what a long-running ingest asks for. */
  readonly follow?: boolean;
  readonly whitelist?: readonly FlowFilter[];
  readonly blacklist?: readonly FlowFilter[];
  readonly sinceNs?: bigint;
  readonly untilNs?: bigint;
  /** Proto field paths the server keeps in each Flow: `time`, `source.pod_name`, `IP`, `l4`… */
  readonly fieldMask?: readonly string[];
}

/** GetFlowsRequest → bytes, for the gRPC client's request serializer. */
export function encodeGetFlowsRequest(request: GetFlowsRequest): Uint8Array {
  const type = hubbleSchema().type('observer.GetFlowsRequest');
  const json: Record<string, unknown> = {
    number: request.number?.toString(),
    first: request.first,
    follow: request.follow,
    whitelist: request.whitelist,
    blacklist: request.blacklist,
    since: request.sinceNs === undefined ? undefined : formatRfc3339Nanos(request.sinceNs),
    until: request.untilNs === undefined ? undefined : formatRfc3339Nanos(request.untilNs),
  };
  let message: Message;
  try {
    message = protojson.fromJson(type, JSON.parse(JSON.stringify(json)), { ignoreUnknownFields: false });
  } catch (error) {
    throw new HubbleError(HUBBLE_ERROR_CODES.encode, `invalid GetFlowsRequest: ${error instanceof Error ? error.message : String(error)}`, error);
  }
  // Not through JSON: a FieldMask's JSON form is lowerCamelCase, which `IP` or `Type` cannot round-trip.
  if (request.fieldMask !== undefined && request.fieldMask.length > 0) {
    Object.assign(message, { field_mask: { paths: [...request.fieldMask] } });
  }
  return type.encode(message).finish();
}

/** The decoded message's fields as protobuf.js sets them (64-bit values as Long or number). */
interface RawGetFlowsRequest {
  readonly number?: { toString(): string } | number;
  readonly first?: boolean;
  readonly follow?: boolean;
  readonly whitelist?: readonly Message[];
  readonly blacklist?: readonly Message[];
  readonly since?: RawTimestamp | null;
  readonly until?: RawTimestamp | null;
  readonly field_mask?: { readonly paths?: readonly string[] } | null;
}

interface RawTimestamp {
  readonly seconds?: { toString(): string } | number;
  readonly nanos?: number;
}

/** Bytes → GetFlowsRequest, for the emulator's server side. Throws a HubbleError on malformed bytes. */
export function decodeGetFlowsRequest(bytes: Uint8Array): GetFlowsRequest {
  const raw = decodeHubbleMessage('observer.GetFlowsRequest', bytes) as RawGetFlowsRequest;
  const number = BigInt(String(raw.number ?? 0));
  const paths = raw.field_mask?.paths ?? [];
  return {
    ...(number === 0n ? {} : { number }),
    ...(raw.first === true ? { first: true } : {}),
    ...(raw.follow === true ? { follow: true } : {}),
    ...(raw.whitelist?.length ? { whitelist: raw.whitelist.map(filterJson) } : {}),
    ...(raw.blacklist?.length ? { blacklist: raw.blacklist.map(filterJson) } : {}),
    ...(raw.since ? { sinceNs: nanos(raw.since) } : {}),
    ...(raw.until ? { untilNs: nanos(raw.until) } : {}),
    ...(paths.length === 0 ? {} : { fieldMask: [...paths] }),
  };
}

function filterJson(filter: Message): FlowFilter {
  return protojson.toJson(hubbleSchema().type('flow.FlowFilter'), filter) as FlowFilter;
}

function nanos(timestamp: RawTimestamp): bigint {
  return BigInt(String(timestamp.seconds ?? 0)) * 1_000_000_000n + BigInt(timestamp.nanos ?? 0);
}
