/**
 * A Hubble flow reduced to what the bridge uses. The Hubble adapter decodes the wire message into this
 * shape; correlation never sees protobuf. Names follow Hubble's, in camelCase.
 */
export const VERDICTS = [
  'VERDICT_UNKNOWN',
  'FORWARDED',
  'DROPPED',
  'ERROR',
  'AUDIT',
  'REDIRECTED',
  'TRACED',
  'TRANSLATED',
] as const;
export type Verdict = (typeof VERDICTS)[number];

export type TrafficDirection = 'TRAFFIC_DIRECTION_UNKNOWN' | 'INGRESS' | 'EGRESS';

/** Hubble's `Type`: L3_L4 packet events, L7 proxy records, SOCK socket-translation events. */
export type FlowType = 'UNKNOWN_TYPE' | 'L3_L4' | 'L7' | 'SOCK';

export type L4Protocol = 'TCP' | 'UDP' | 'ICMPv4' | 'ICMPv6' | 'SCTP' | 'unknown';

/** One side of a flow as Hubble describes it. Empty strings stand for "not set", as on the wire. */
export interface FlowEndpoint {
  readonly ip: string;
  readonly port: number;
  readonly namespace: string;
  readonly podName: string;
  readonly identity: number;
  readonly labels: readonly string[];
  /**
   * Name and namespace of the Service when Hubble resolved it (`source_service`/`destination_service`);
   * usually empty, see hubble.md §9.
   */
  readonly serviceName: string;
  readonly serviceNamespace: string;
}

export interface Flow {
  /** Epoch nanoseconds, as a bigint: Hubble timestamps carry nanoseconds and flows are ordered by them. */
  readonly timeNs: bigint;
  readonly uuid: string;
  readonly nodeName: string;
  readonly type: FlowType;
  readonly verdict: Verdict;
  /**
   * Hubble's `drop_reason_desc` name, empty unless DROPPED (and then possibly still empty); the number
   * in decimal for a reason newer than the bridge's schema.
   */
  readonly dropReason: string;
  readonly protocol: L4Protocol;
  readonly source: FlowEndpoint;
  readonly destination: FlowEndpoint;
  readonly trafficDirection: TrafficDirection;
  /** `is_reply`: undefined when Hubble could not tell. */
  readonly isReply: boolean | undefined;
  /** For L7 flows with a measured latency, seconds; otherwise undefined. */
  readonly l7LatencySeconds: number | undefined;
}
