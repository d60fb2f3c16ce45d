import type { HubbleObserver } from './hubble-observer.ts';

export interface DisconnectOptions {
  /** Also refuse this many following calls (any RPC) with UNAVAILABLE: a Relay that stays down a while. */
  readonly refuseCalls?: number;
  /** The status details the clients see. */
  readonly details?: string;
}

/**
 * Fault knobs of the Hubble emulator, settable at runtime from tests and scenarios: what a Hubble Relay
 * does to its clients when it restarts, stalls, floods or loses a node.
 */
export class HubbleFaults {
  readonly #observer: HubbleObserver;
  readonly #disconnectStreams: (details: string) => number;
  #refuse = 0;
  #malformedFrames = 0;
  #oversizeNext = 0;
  /** Flows that went out oversized once and go out oversized again on every resend (by uuid). */
  readonly #oversized = new Set<string>();
  #stalledUntilMs = Number.NEGATIVE_INFINITY;

  constructor(observer: HubbleObserver, disconnectStreams: (details: string) => number) {
    this.#observer = observer;
    this.#disconnectStreams = disconnectStreams;
  }

  /** Ends every open GetFlows stream with UNAVAILABLE; returns how many were open. */
  disconnect(options: DisconnectOptions = {}): number {
    this.#refuse = Math.max(0, options.refuseCalls ?? 0);
    return this.#disconnectStreams(options.details ?? 'the Hubble emulator dropped the stream (fault injected)');
  }

  /** Streams send nothing for `ms` of simulated time while the rings keep filling (slow readers then lose events). */
  stall(ms: number): void {
    this.#stalledUntilMs = this.#observer.clock.now() + Math.max(0, ms);
  }

  /** `count` extra flows at once on a node (default: the first); see HubbleObserver.burst. */
  burst(count: number, nodeName?: string): { readonly accepted: number; readonly lost: number } {
    return this.#observer.burst(count, nodeName);
  }

  /** The next `count` flows (over all streams) each follow a frame that does not decode. */
  sendMalformedFrames(count: number): void {
    this.#malformedFrames = Math.max(0, count);
  }

  /**
   * The next `count` flows (over all streams) go out as messages larger than a gRPC client's default
   * receive limit (4 MiB), and so does every later send of the same flows: what a client resuming from
   * just before them receives again.
   */
  sendOversizedFlows(count: number): void {
    this.#oversizeNext = Math.max(0, count);
  }

  /** Relay loses or regains a node. */
  setNodeAvailable(nodeName: string, available: boolean): void {
    this.#observer.setNodeAvailable(nodeName, available);
  }

  /** Clears the refusals, the stall and pending malformed frames; nodes stay as they are. */
  reset(): void {
    this.#refuse = 0;
    this.#malformedFrames = 0;
    this.#oversizeNext = 0;
    this.#oversized.clear();
    this.#stalledUntilMs = Number.NEGATIVE_INFINITY;
  }

  /** Simulated time until which streams are stalled. */
  stalledUntilMs(): number {
    return this.#stalledUntilMs;
  }

  /** Whether the next flow is to follow a malformed frame (consumes one). */
  takeMalformedFrame(): boolean {
    if (this.#malformedFrames <= 0) return false;
    this.#malformedFrames--;
    return true;
  }

  /** Whether the flow with this uuid goes out oversized (the first `count` asked for, then again every time). */
  takeOversized(uuid: string): boolean {
    if (this.#oversized.has(uuid)) return true;
    if (this.#oversizeNext <= 0) return false;
    this.#oversizeNext--;
    this.#oversized.add(uuid);
    return true;
  }

  /** Whether this call is to be refused (consumes one refusal). */
  takeRefusal(): boolean {
    if (this.#refuse <= 0) return false;
    this.#refuse--;
    return true;
  }
}
