import type { Flow } from '../domain/flow.ts';

/** Where events were lost (`flow.LostEventSource`); a decimal number when the schema does not name it. */
export type LostEventSource =
  | 'UNKNOWN_LOST_EVENT_SOURCE'
  | 'PERF_EVENT_RING_BUFFER'
  | 'OBSERVER_EVENTS_QUEUE'
  | 'HUBBLE_RING_BUFFER'
  | `${number}`;

/** Relay's view of a node (`relay.NodeState`); a decimal number when the schema does not name it. */
export type NodeState = 'UNKNOWN_NODE_STATE' | 'NODE_CONNECTED' | 'NODE_UNAVAILABLE' | 'NODE_GONE' | 'NODE_ERROR' | `${number}`;

/** The envelope of every stream item and flow-log line: where and when Hubble observed it. */
interface HubbleEventEnvelope {
  /** `node_name` of the envelope; empty when absent. */
  readonly nodeName: string;
  /** `time` of the envelope in epoch nanoseconds; undefined when absent. */
  readonly timeNs: bigint | undefined;
}

export interface HubbleFlowEvent extends HubbleEventEnvelope {
  readonly kind: 'flow';
  readonly flow: Flow;
}

/** Events were lost before this reader saw them: a gap to count and report, never an error. */
export interface HubbleLostEvents extends HubbleEventEnvelope {
  readonly kind: 'lost_events';
  readonly source: LostEventSource;
  readonly numEventsLost: number;
  /** Only for PERF_EVENT_RING_BUFFER. */
  readonly cpu: number | undefined;
  readonly firstNs: bigint | undefined;
  readonly lastNs: bigint | undefined;
}

/** Relay only: the nodes in `nodeNames` changed to `state`. */
export interface HubbleNodeStatus extends HubbleEventEnvelope {
  readonly kind: 'node_status';
  readonly state: NodeState;
  readonly nodeNames: readonly string[];
  readonly message: string;
}

/**
 * Items the bridge only counts: agent and debug events (flow-log files only), and an envelope whose
 * payload this schema does not know (a newer Hubble's oneof member) or that has none.
 */
export interface HubbleOtherEvent extends HubbleEventEnvelope {
  readonly kind: 'agent_event' | 'debug_event' | 'unknown';
}

/**
 * One item of a Hubble flow source: a GetFlows stream message or a flow-log line, decoded. Both sources
 * produce this one shape, so what consumes flows never knows which it reads.
 */
export type HubbleEvent = HubbleFlowEvent | HubbleLostEvents | HubbleNodeStatus | HubbleOtherEvent;

export type HubbleEventKind = HubbleEvent['kind'];
