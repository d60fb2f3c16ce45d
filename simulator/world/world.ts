import type { TunnelSample, TunnelState } from '../../src/domain/tunnel-sample.ts';
import { Cluster } from './cluster.ts';
import { EventTimeline } from './event-timeline.ts';
import { Fabric } from './fabric.ts';
import type { SimTunnel } from './fabric.ts';
import { FlowGenerator } from './flow-generator.ts';
import type { ColorSelector, FlowQuery } from './flow-generator.ts';
import { hashString } from './hash.ts';
import { IncidentSchedule } from './incident-schedule.ts';
import type { ActiveIncident } from './incident-schedule.ts';
import type { Scenario } from './scenario.ts';
import { SimClock } from './sim-clock.ts';
import type { SimTimer } from './sim-clock.ts';
import type { SimFlow } from './sim-flow.ts';
import { TunnelModel } from './tunnel-model.ts';
import type { MutableTunnelSample, TunnelAverage } from './tunnel-model.ts';
import type { WorldEvent } from './world-event.ts';

export interface WorldOptions {
  /** The "weather" seed (noise, flows); default: the scenario's seed. */
  readonly seed?: number | string;
  /** Drives subscriptions; default: a manual clock at the world's start. */
  readonly clock?: SimClock;
  /** Epoch milliseconds of simulated time zero; default: the scenario's `start`. */
  readonly startMs?: number;
}

/** App-route statistics of one tunnel as vManage computes them: per-poll-interval buckets and their mean. */
export interface AppRouteStats {
  /** Oldest first; each covers one poll interval ending at a multiple of it. */
  readonly buckets: readonly TunnelAverage[];
  /** Arithmetic means of the buckets (`mean-latency`, `mean-jitter`, `mean-loss`). */
  readonly meanLatencySeconds: number;
  readonly meanJitterSeconds: number;
  readonly meanLossRatio: number;
}

export interface AppRouteOptions {
  /** Default 600 000 (10 min), vManage's default poll interval. */
  readonly pollIntervalMs?: number;
  /** Default 6, vManage's default app-route multiplier. */
  readonly multiplier?: number;
  /** Read every stepMs-th sample (default: every sample). */
  readonly stepMs?: number;
}

export type WorldListener = (event: WorldEvent) => void;
type TunnelRef = SimTunnel | number;

/**
 * The simulated world the emulators serve: an SD-WAN fabric, a Kubernetes cluster and their traffic,
 * deterministic for (scenario, seed). Every query takes the simulated time it is about and is a pure
 * function of it; `subscribe` delivers changes as the clock advances.
 */
export interface World {
  readonly scenario: Scenario;
  readonly seed: number;
  readonly startMs: number;
  readonly samplePeriodMs: number;
  readonly clock: SimClock;
  readonly fabric: Fabric;
  readonly cluster: Cluster;
  /** The latest sample at `timeMs` (the measurement interval ending at or before it). */
  tunnelSample(tunnel: TunnelRef, timeMs: number): TunnelSample;
  /** Same, written into a caller-owned object: the allocation-free form for hot loops. */
  tunnelSampleInto(tunnel: TunnelRef, timeMs: number, out: MutableTunnelSample): MutableTunnelSample;
  /** Samples at fromMs, fromMs + stepMs, … (< toMs); stepMs defaults to the sample period. */
  tunnelSamples(tunnel: TunnelRef, fromMs: number, toMs: number, stepMs?: number): TunnelSample[];
  /** Means over the samples ending in (fromMs, toMs]. */
  tunnelAverage(tunnel: TunnelRef, fromMs: number, toMs: number, stepMs?: number): TunnelAverage;
  appRouteStats(tunnel: TunnelRef, endMs: number, options?: AppRouteOptions): AppRouteStats;
  tunnelState(tunnel: TunnelRef, timeMs: number): TunnelState;
  /** The state of every tunnel, indexed like `fabric.tunnels`. */
  tunnelStates(timeMs: number): TunnelState[];
  activeIncidents(timeMs: number): ActiveIncident[];
  /** Flow records with fromMs ≤ time < toMs, in time order, generated lazily. */
  flowsBetween(fromMs: number, toMs: number, query?: FlowQuery): Generator<SimFlow, void, undefined>;
  /** Steers flows' WAN color (what an applied app-route policy does); undefined restores load balancing. */
  setColorSelector(selector: ColorSelector | undefined): void;
  /** Everything that happens in (fromMs, toMs], in time order. */
  eventsBetween(fromMs: number, toMs: number): WorldEvent[];
  nextEventAfter(timeMs: number): number;
  /**
   * Delivers every event after the moment of subscription as the clock reaches it; returns the
   * unsubscribe function. Query the state at `clock.now()` for the picture at subscription time.
   */
  subscribe(listener: WorldListener): () => void;
  /** Cancels the world's timer; subscribers receive nothing more. */
  close(): void;
}

export function createWorld(scenario: Scenario, options: WorldOptions = {}): World {
  const shifted: Scenario = options.startMs === undefined ? scenario : { ...scenario, startMs: options.startMs };
  const seed = options.seed === undefined ? scenario.seed : typeof options.seed === 'string' ? hashString(options.seed) : options.seed;
  const startMs = shifted.startMs;
  const clock = options.clock ?? SimClock.manual(startMs);
  const fabric = new Fabric(shifted);
  const cluster = new Cluster(shifted, fabric);
  const schedule = new IncidentSchedule(shifted.incidents, fabric, startMs);
  const model = new TunnelModel(fabric, schedule, seed, startMs, shifted.samplePeriodMs);
  const flows = new FlowGenerator(shifted, fabric, cluster, model, seed);
  const timeline = new EventTimeline(fabric, cluster, schedule, model);
  const index = (tunnel: TunnelRef): number => {
    const i = typeof tunnel === 'number' ? tunnel : tunnel.index;
    if (!(i >= 0 && i < fabric.tunnels.length)) throw new RangeError(`no tunnel ${i} (the fabric has ${fabric.tunnels.length})`);
    return i;
  };

  const listeners = new Set<WorldListener>();
  let cursor = clock.now();
  let timer: SimTimer | undefined;
  let closed = false;
  const arm = () => {
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = undefined;
    if (closed || listeners.size === 0) return;
    const next = timeline.nextEventAfter(cursor);
    if (Number.isFinite(next)) timer = clock.setTimeout(deliver, next - clock.now());
  };
  const deliver = () => {
    timer = undefined;
    const now = clock.now();
    const events = timeline.eventsBetween(cursor, now);
    cursor = now;
    for (const event of events) {
      for (const listener of [...listeners]) {
        try {
          listener(event);
        } catch (error) {
          // One failing subscriber must not starve the others or stop time.
          queueMicrotask(() => {
            throw error;
          });
        }
      }
    }
    arm();
  };

  return {
    scenario: shifted,
    seed,
    startMs,
    samplePeriodMs: shifted.samplePeriodMs,
    clock,
    fabric,
    cluster,
    tunnelSample: (tunnel, timeMs) => model.sample(index(tunnel), timeMs),
    tunnelSampleInto: (tunnel, timeMs, out) => model.sampleInto(index(tunnel), timeMs, out),
    tunnelSamples: (tunnel, fromMs, toMs, stepMs = shifted.samplePeriodMs) => {
      const i = index(tunnel);
      if (!(stepMs > 0)) throw new RangeError(`step must be > 0, got ${stepMs}`);
      const out: TunnelSample[] = [];
      for (let t = fromMs; t < toMs; t += stepMs) out.push(model.sample(i, t));
      return out;
    },
    tunnelAverage: (tunnel, fromMs, toMs, stepMs) => model.average(index(tunnel), fromMs, toMs, stepMs),
    appRouteStats: (tunnel, endMs, routeOptions = {}) => {
      const i = index(tunnel);
      const poll = routeOptions.pollIntervalMs ?? 600_000;
      const multiplier = routeOptions.multiplier ?? 6;
      const last = startMs + Math.floor((endMs - startMs) / poll) * poll;
      const buckets: TunnelAverage[] = [];
      for (let k = multiplier - 1; k >= 0; k--) buckets.push(model.average(i, last - (k + 1) * poll, last - k * poll, routeOptions.stepMs));
      const mean = (pick: (bucket: TunnelAverage) => number) => buckets.reduce((sum, bucket) => sum + pick(bucket), 0) / buckets.length;
      return {
        buckets,
        meanLatencySeconds: mean((bucket) => bucket.latencySeconds),
        meanJitterSeconds: mean((bucket) => bucket.jitterSeconds),
        meanLossRatio: mean((bucket) => bucket.lossRatio),
      };
    },
    tunnelState: (tunnel, timeMs) => (model.isDown(index(tunnel), timeMs) ? 'down' : 'up'),
    tunnelStates: (timeMs) => {
      const states: TunnelState[] = new Array<TunnelState>(fabric.tunnels.length).fill('up');
      const sampleTime = startMs + model.bucketAt(timeMs) * model.periodMs;
      for (const j of schedule.downIncidents) {
        const elapsed = schedule.elapsed(j, sampleTime);
        if (elapsed < 0 || !schedule.isDown(j, elapsed)) continue;
        for (const i of timeline.hits(j)) states[i] = 'down';
      }
      return states;
    },
    activeIncidents: (timeMs) => schedule.active(timeMs),
    flowsBetween: (fromMs, toMs, query) => flows.between(fromMs, toMs, query),
    setColorSelector: (selector) => {
      flows.setColorSelector(selector);
    },
    eventsBetween: (fromMs, toMs) => timeline.eventsBetween(fromMs, toMs),
    nextEventAfter: (timeMs) => timeline.nextEventAfter(timeMs),
    subscribe: (listener) => {
      if (closed) throw new Error('the world is closed');
      if (listeners.size === 0) cursor = clock.now();
      listeners.add(listener);
      arm();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) arm();
      };
    },
    close: () => {
      closed = true;
      listeners.clear();
      arm();
    },
  };
}
