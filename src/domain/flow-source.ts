import type { Flow } from './flow.ts';

/** Where and when the source observed an item; the same envelope for every kind. */
interface FlowSourceEnvelope {
  /** Node that observed the item; empty when the source did not say. */
  readonly nodeName: string;
  /** Epoch nanoseconds; undefined when the source did not say. */
  readonly timeNs: bigint | undefined;
}

export interface FlowSourceFlow extends FlowSourceEnvelope {
  readonly kind: 'flow';
  readonly flow: Flow;
}

/**
 * Events were lost before this reader saw them (a ring buffer overwritten, a queue full). A gap in the
 * data to count and report, never an error.
 */
export interface FlowSourceLostEvents extends FlowSourceEnvelope {
  readonly kind: 'lost_events';
  /** Where they were lost, in the source's own words (Hubble: `HUBBLE_RING_BUFFER`, …). */
  readonly source: string;
  readonly numEventsLost: number;
}

/** Nodes behind an aggregating source (Hubble Relay) changed state: no flows from them meanwhile. */
export interface FlowSourceNodeStatus extends FlowSourceEnvelope {
  readonly kind: 'node_status';
  /** `NODE_CONNECTED`, `NODE_UNAVAILABLE`, `NODE_GONE`, `NODE_ERROR`, … */
  readonly state: string;
  readonly nodeNames: readonly string[];
  readonly message: string;
}

/** Items a source passes on without meaning for flows (agent and debug events, unknown payloads). */
export interface FlowSourceOther extends FlowSourceEnvelope {
  readonly kind: 'agent_event' | 'debug_event' | 'unknown';
}

export type FlowSourceEvent = FlowSourceFlow | FlowSourceLostEvents | FlowSourceNodeStatus | FlowSourceOther;

export interface FlowSourceError {
  /** Stable code, e.g. `ISTHMUS_E_HUBBLE_UNAVAILABLE`. */
  readonly code: string;
  readonly message: string;
  /** Epoch ms. */
  readonly at: number;
}

/** One node as the source reports it (Hubble's GetNodes). */
export interface FlowSourceNode {
  readonly name: string;
  readonly state: string;
  readonly version: string;
  readonly address: string;
  readonly numFlows: number;
  readonly maxFlows: number;
  readonly seenFlows: number;
}

/** What the source itself says about its buffers and nodes (Hubble's ServerStatus and GetNodes). */
export interface FlowSourceServerStatus {
  /** Epoch ms of the answer. */
  readonly at: number;
  readonly version: string;
  /** Flows held in the ring buffer(s) now. */
  readonly numFlows: number;
  /** Capacity of the ring buffer(s): how much history the source can hold. */
  readonly maxFlows: number;
  /** Flows observed since the source started. */
  readonly seenFlows: number;
  readonly uptimeNs: bigint;
  /** Approximate flows per second over the last minute; 0 when the source does not say. */
  readonly flowsRate: number;
  /** Relay only: undefined from a single node. */
  readonly nodesConnected: number | undefined;
  readonly nodesUnavailable: number | undefined;
  /** May be incomplete (Hubble says so). */
  readonly unavailableNodes: readonly string[];
  /** From GetNodes; empty when not asked yet or unsupported (a single node). */
  readonly nodes: readonly FlowSourceNode[];
}

/** Whether a flow source is delivering, and what it lost on the way. Read at export time. */
export interface FlowSourceHealth {
  /** A stream is open and the server has answered it. */
  readonly connected: boolean;
  /** Epoch ms when the current stream was established; undefined while disconnected. */
  readonly connectedSince: number | undefined;
  /** The most recent failure; kept after recovery, so that a flapping source shows why. */
  readonly lastError: FlowSourceError | undefined;
  /** Failures since the last successful connection. */
  readonly consecutiveFailures: number;
  /** Streams re-opened after a failure or a server-side end. */
  readonly reconnects: number;
  readonly flows: number;
  /** Flows delivered twice across a reconnect and dropped. */
  readonly duplicatesDropped: number;
  /** Events lost, summed over `num_events_lost`, by where they were lost. */
  readonly lostEvents: Readonly<Record<string, number>>;
  /** Node status items, by state. */
  readonly nodeStatus: Readonly<Record<string, number>>;
  /** Messages that could not be decoded (skipped). */
  readonly decodeErrors: number;
  /** The last ServerStatus/GetNodes answer; undefined until one succeeded. */
  readonly server: FlowSourceServerStatus | undefined;
}

/**
 * The port through which the bridge reads flows: implemented by the Hubble gRPC client (and a flow-log
 * file reader), served in tests by the Hubble emulator over the real protocol. Gaps are data (lost
 * events, node status), never errors; a source that follows a live stream reconnects by itself and
 * only ends when the signal aborts.
 */
export interface FlowSource {
  events(signal?: AbortSignal): AsyncIterable<FlowSourceEvent>;
  health(): FlowSourceHealth;
}
