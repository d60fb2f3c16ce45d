import type { JsonObject } from '../../src/hubble/hubble-codec.ts';
import type { SimNode } from '../world/cluster.ts';
import type { SimClock, SimTimer } from '../world/sim-clock.ts';
import type { SimFlow } from '../world/sim-flow.ts';
import type { World } from '../world/world.ts';
import { NodeRing } from './node-ring.ts';
import type { RingFlow } from './node-ring.ts';
import { simFlowJson } from './sim-flow-json.ts';
import type { SimFlowJsonContext } from './sim-flow-json.ts';

export interface HubbleObserverOptions {
  readonly world: World;
  /** Default: the world's clock. */
  readonly clock?: SimClock;
  /** Ring buffer slots per node (`hubble-event-buffer-capacity`). Default 4095, Hubble's default. */
  readonly ringCapacity?: number;
  /** Events a node's observer queue takes at once (`hubble-event-queue-size`); a larger burst loses the rest. Default 16384. */
  readonly eventsQueueSize?: number;
  /** Simulated history put in the rings at start, as if Hubble had been running. Default 30 s. */
  readonly prefillMs?: number;
  /**
   * How far back a feed reaches at most (simulated time). While no stream is open the emulator generates
   * nothing; the next call catches up over at most this much, as if Hubble had been running all along
   * (older flows would have been overwritten by then). Default: the prefill, at least a minute.
   */
  readonly catchUpMs?: number;
  /** Simulated time between feeds from the world. Default: 250 ms, or 50 ms of real time at high speeds. */
  readonly tickMs?: number;
  /** What ServerStatus, GetNodes and `emitter` report. */
  readonly version?: string;
}

export type NodeStateListener = (nodeName: string, available: boolean) => void;

export const HUBBLE_EMULATOR_VERSION = '1.19.4';
const NS_PER_MS = 1_000_000n;
const RATE_WINDOW_MS = 60_000;

/**
 * The data side of the Hubble emulator: one ring buffer per node, fed with the world's flows as simulated
 * time advances (each node's ring holds the flows that node observed), plus what ServerStatus and GetNodes
 * report. Fault injection reaches in here for bursts and node outages; the gRPC side reads the rings.
 */
export class HubbleObserver {
  readonly world: World;
  readonly clock: SimClock;
  readonly rings: readonly NodeRing[];
  readonly version: string;
  readonly eventsQueueSize: number;
  readonly startedAtMs: number;
  readonly tickMs: number;
  readonly catchUpMs: number;
  /** Flows added by bursts: not in the world's ground truth. */
  burstFlows = 0;
  readonly #ringByNode: ReadonlyMap<string, NodeRing>;
  readonly #nodes: ReadonlyMap<string, SimNode>;
  readonly #seen = new Map<string, number>();
  readonly #unavailable = new Set<string>();
  readonly #tickListeners = new Set<() => void>();
  readonly #nodeListeners = new Set<NodeStateListener>();
  readonly #rateSamples: { readonly ms: number; readonly seen: number }[] = [];
  readonly #jsonContext: SimFlowJsonContext;
  readonly #timer: SimTimer;
  #pumpedToMs: number;
  #seq = 0;
  #burstCount = 0;
  #closed = false;

  constructor(options: HubbleObserverOptions) {
    this.world = options.world;
    this.clock = options.clock ?? options.world.clock;
    this.version = options.version ?? HUBBLE_EMULATOR_VERSION;
    this.eventsQueueSize = options.eventsQueueSize ?? 16_384;
    const capacity = options.ringCapacity ?? 4095;
    this.rings = this.world.cluster.nodes.map((node) => new NodeRing(node.name, capacity));
    this.#ringByNode = new Map(this.rings.map((ring) => [ring.name, ring]));
    this.#nodes = new Map(this.world.cluster.nodes.map((node) => [node.name, node]));
    this.#jsonContext = { version: this.version, node: (name) => this.#nodes.get(name) };
    this.startedAtMs = this.clock.now();
    const prefillMs = options.prefillMs ?? 30_000;
    this.catchUpMs = options.catchUpMs ?? Math.max(prefillMs, 60_000);
    this.#pumpedToMs = this.startedAtMs - prefillMs;
    this.#rateSamples.push({ ms: this.#pumpedToMs, seen: 0 });
    this.pump();
    // At high speed a fixed simulated tick would mean hundreds of real timers a second; 50 ms of real time is smooth enough.
    this.tickMs = options.tickMs ?? Math.max(250, this.clock.speed * 50);
    this.#timer = this.clock.setInterval(() => {
      // Nobody reading: generate nothing (a large world at high speed would cost a core for nothing);
      // the next call catches up.
      if (this.#tickListeners.size > 0) this.pump();
    }, this.tickMs);
  }

  /** Simulated time up to which the world's flows are in the rings (exclusive). */
  get pumpedToMs(): number {
    return this.#pumpedToMs;
  }

  /**
   * Moves the world's flows up to now into the rings (over at most `catchUpMs`), then tells the streams.
   * Every call to the server runs it first, so answers are always current.
   */
  pump(): void {
    if (this.#closed) return;
    const now = this.clock.now();
    const fromMs = Math.max(this.#pumpedToMs, now - this.catchUpMs);
    if (now > fromMs) {
      for (const flow of this.world.flowsBetween(fromMs, now)) this.#add(flow);
    }
    this.#pumpedToMs = Math.max(this.#pumpedToMs, now);
    this.#sampleRate(now);
    for (const listener of [...this.#tickListeners]) listener();
  }

  /**
   * `count` extra flows at once on a node (default: the first), copies of its recent traffic with fresh
   * uuids. What exceeds the observer's events queue is lost there and recorded in the ring as an
   * OBSERVER_EVENTS_QUEUE lost event; what is accepted may overrun slow readers' positions in the ring.
   */
  burst(count: number, nodeName?: string): { readonly accepted: number; readonly lost: number } {
    const ring = nodeName === undefined ? this.rings[0] : this.#ringByNode.get(nodeName);
    if (ring === undefined) throw new RangeError(`no node ${nodeName ?? ''} in the world`);
    this.pump(); // so that the burst comes after everything older, in time order
    const templates = this.#templates(ring);
    if (templates.length === 0 || count <= 0) return { accepted: 0, lost: 0 };
    const accepted = Math.min(count, this.eventsQueueSize);
    const nowMs = this.clock.now();
    const timeNs = BigInt(Math.floor(nowMs)) * NS_PER_MS;
    for (let i = 0; i < accepted; i++) {
      const template = templates[i % templates.length];
      if (template === undefined) continue;
      const flow: SimFlow = { ...template, uuid: burstUuid(++this.#burstCount), timeNs, timeMs: nowMs };
      this.#add(flow);
      this.burstFlows++;
    }
    const lost = count - accepted;
    if (lost > 0) ring.push({ kind: 'lost', seq: this.#seq++, timeNs, source: 'OBSERVER_EVENTS_QUEUE', count: lost });
    for (const listener of [...this.#tickListeners]) listener();
    return { accepted, lost };
  }

  /** Relay loses (or regains) a node: its streams skip the node meanwhile and get node status events. */
  setNodeAvailable(nodeName: string, available: boolean): void {
    if (!this.#ringByNode.has(nodeName)) throw new RangeError(`no node ${nodeName} in the world`);
    if (available === !this.#unavailable.has(nodeName)) return;
    if (available) this.#unavailable.delete(nodeName);
    else this.#unavailable.add(nodeName);
    for (const listener of [...this.#nodeListeners]) listener(nodeName, available);
  }

  get unavailableNodes(): ReadonlySet<string> {
    return this.#unavailable;
  }

  /** Called after every feed (and burst). Returns the unsubscribe function. */
  onTick(listener: () => void): () => void {
    this.#tickListeners.add(listener);
    return () => this.#tickListeners.delete(listener);
  }

  onNodeState(listener: NodeStateListener): () => void {
    this.#nodeListeners.add(listener);
    return () => this.#nodeListeners.delete(listener);
  }

  /** A ring flow in Hubble's JSON form, made once. */
  flowJson(entry: RingFlow): JsonObject {
    entry.json ??= simFlowJson(entry.flow, this.#jsonContext);
    return entry.json;
  }

  /** `observer.ServerStatusResponse` as Relay answers it: totals over the nodes it reaches. */
  serverStatusJson(): JsonObject {
    const available = this.rings.filter((ring) => !this.#unavailable.has(ring.name));
    const sum = (pick: (ring: NodeRing) => number) => available.reduce((total, ring) => total + pick(ring), 0);
    return {
      num_flows: String(sum((ring) => ring.size)),
      max_flows: String(sum((ring) => ring.capacity)),
      seen_flows: String(sum((ring) => this.#seen.get(ring.name) ?? 0)),
      uptime_ns: this.#uptimeNs(),
      num_connected_nodes: available.length,
      num_unavailable_nodes: this.#unavailable.size,
      unavailable_nodes: [...this.#unavailable].sort(),
      version: this.version,
      flows_rate: this.#flowsRate(),
    };
  }

  /** `observer.GetNodesResponse`: every node with its state, address and ring figures. */
  nodesJson(tls: boolean): JsonObject {
    return {
      nodes: this.world.cluster.nodes.map((node) => {
        const ring = this.#ringByNode.get(node.name);
        const available = !this.#unavailable.has(node.name);
        return {
          name: node.name,
          version: this.version,
          address: `${node.internalIp}:4244`,
          state: available ? 'NODE_CONNECTED' : 'NODE_UNAVAILABLE',
          tls: { enabled: tls, ...(tls ? { server_name: `${node.name}.default.hubble-grpc.cilium.io` } : {}) },
          ...(available
            ? {
                uptime_ns: this.#uptimeNs(),
                num_flows: String(ring?.size ?? 0),
                max_flows: String(ring?.capacity ?? 0),
                seen_flows: String(this.#seen.get(node.name) ?? 0),
              }
            : {}),
        };
      }),
    };
  }

  close(): void {
    this.#closed = true;
    this.clock.clearTimeout(this.#timer);
    this.#tickListeners.clear();
    this.#nodeListeners.clear();
  }

  #add(flow: SimFlow): void {
    const ring = this.#ringByNode.get(flow.nodeName);
    if (ring === undefined) return;
    ring.push({ kind: 'flow', seq: this.#seq++, timeNs: flow.timeNs, flow, json: undefined, bytes: undefined });
    this.#seen.set(flow.nodeName, (this.#seen.get(flow.nodeName) ?? 0) + 1);
  }

  /** Recent flows of the node to copy for a burst: from its ring, else from the world's last ten seconds. */
  #templates(ring: NodeRing): SimFlow[] {
    const templates: SimFlow[] = [];
    for (let i = ring.written - 1; i >= ring.oldest && templates.length < 64; i--) {
      const entry = ring.at(i);
      if (entry?.kind === 'flow') templates.push(entry.flow);
    }
    if (templates.length > 0) return templates;
    const now = this.clock.now();
    return [...this.world.flowsBetween(now - 10_000, now, { nodeName: ring.name })].slice(-64);
  }

  #uptimeNs(): string {
    return String(BigInt(Math.max(0, Math.floor(this.clock.now() - this.startedAtMs))) * NS_PER_MS);
  }

  #sampleRate(now: number): void {
    let seen = 0;
    for (const count of this.#seen.values()) seen += count;
    this.#rateSamples.push({ ms: now, seen });
    // Keep one sample older than the window, as the baseline.
    while (this.#rateSamples.length > 2 && (this.#rateSamples[1]?.ms ?? now) <= now - RATE_WINDOW_MS) this.#rateSamples.shift();
  }

  #flowsRate(): number {
    const first = this.#rateSamples[0];
    const last = this.#rateSamples[this.#rateSamples.length - 1];
    if (first === undefined || last === undefined || last.ms <= first.ms) return 0;
    return (last.seen - first.seen) / ((last.ms - first.ms) / 1000);
  }
}

/** A UUID-shaped id that no world flow has: version 4, with the burst counter in the last group. */
function burstUuid(counter: number): string {
  return `b0000000-0000-4000-8000-${counter.toString(16).padStart(12, '0')}`;
}
