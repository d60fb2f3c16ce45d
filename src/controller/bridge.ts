import { AggregationStore, DEFAULT_RATE_WINDOW_SECONDS } from '../correlate/aggregation-store.ts';
import type { AggregationReader } from '../correlate/aggregation-reader.ts';
import { createCorrelationView } from '../correlate/create-correlation-view.ts';
import { FlowPipeline } from '../correlate/flow-pipeline.ts';
import type { ServicePath } from '../correlate/service-path.ts';
import { servicePaths, sloBoundsOf } from '../correlate/service-paths.ts';
import type { ServicePathTarget } from '../correlate/service-paths.ts';
import { TunnelPathIndex } from '../correlate/tunnel-path-index.ts';
import type { Assignment } from '../domain/assignment.ts';
import type { Clock } from '../domain/clock.ts';
import type { Color } from '../domain/color.ts';
import type { DecisionReason, DecisionRecord } from '../domain/decision.ts';
import type { FlowSource, FlowSourceHealth } from '../domain/flow-source.ts';
import { parseServiceKey } from '../domain/service.ts';
import type { Service, ServiceKey } from '../domain/service.ts';
import type { SiteId } from '../domain/site.ts';
import type { TunnelReading, TunnelSourceHealth, TunnelStatsSource } from '../domain/tunnel-stats-source.ts';
import { feedInventory } from '../kube/feed-inventory.ts';
import { Inventory } from '../kube/inventory.ts';
import type { EndpointSliceStore, NamespaceStore, NodeStore, ServiceStore } from '../kube/read-store.ts';
import type { ServiceIntents } from '../kube/service-intents.ts';
import type { OptimizerParams } from '../optimizer/optimizer-params.ts';
import type { ServiceState } from '../optimizer/service-state.ts';
import type { DesiredPolicyState } from '../policy/policy-document.ts';
import type { TelemetryView } from '../telemetry/telemetry-view.ts';
import { realRepeatTimer } from '../vmanage/interval-schedule.ts';
import type { RepeatTimer } from '../vmanage/interval-schedule.ts';
import { silentLog } from '../vmanage/log-port.ts';
import type { LogPort } from '../vmanage/log-port.ts';
import { bridgeTelemetryView } from './bridge-telemetry-view.ts';
import type { AdapterCounters } from './bridge-telemetry-view.ts';
import { desiredAssignment, fabricPreference } from './desired-assignment.ts';
import { Leadership } from './leadership.ts';
import { optimizerRound } from './optimizer-round.ts';
import type { OptimizerRound, OptimizerRoundService, RoundMove } from './optimizer-round.ts';
import { RecentEvents } from './recent-events.ts';
import type { BridgeEvent, BridgeEventInput } from './recent-events.ts';
import { declaredSlo } from './service-status.ts';
import type { ServiceStatus } from './service-status.ts';
import { sitePairFlows } from './site-pair-flows.ts';

/** The informer stores the bridge reads (KubeInformers fits). */
export interface BridgeStores {
  readonly services: ServiceStore;
  readonly endpointSlices: EndpointSliceStore;
  readonly nodes: NodeStore;
  readonly namespaces: NamespaceStore;
}

export interface BridgeParts {
  readonly stores: BridgeStores;
  /** Intents over the same stores (annotations and tenancy, with their Events). */
  readonly intents: ServiceIntents;
  /** Default: a new one, fed from the stores. */
  readonly inventory?: Inventory;
  readonly flows: FlowSource;
  readonly tunnels: TunnelStatsSource;
  /** The time flows and tunnel samples are on (simulated in the demo). */
  readonly clock: Clock;
  /** Runs the evaluation schedule. Default: setInterval (real time). */
  readonly timer?: RepeatTimer;
  /** Clock time between two evaluations of assignments, paths and SLIs. Default 10 s. */
  readonly evaluateIntervalMs?: number;
  /** Only site pairs with traffic within this much clock time count for a path. Default 10 min. */
  readonly pairWindowMs?: number;
  /** The color traffic of Services without an assignment takes; undefined: not known. */
  readonly defaultColor?: Color;
  /** vManage request and poll counters, policy pushes (a TelemetryState fed by the adapters' hooks). */
  readonly counters?: AdapterCounters;
  /** Events kept for the API and the demo. Default 200. */
  readonly maxEvents?: number;
  readonly logger?: LogPort;
  /** What the bridge stops on close, after its own loops, last first (informers, collector, sessions). */
  readonly owned?: readonly (() => void | Promise<void>)[];
  /** Who decides. Default: Leadership.standalone(), always the leader (no election). */
  readonly leadership?: Leadership;
  /**
   * The push path: called with the current assignments after each evaluation, only while leading,
   * through the gate (`leadership.ifLeader`), with the term's signal, which is aborted the moment
   * leadership is lost. A rejection is logged; the next evaluation pushes again (level-triggered).
   */
  readonly push?: AssignmentPush;
  /**
   * The SLO-aware optimizer: when set, the leader runs one round per evaluation and the assignments
   * are its decisions (auto Services moved with hysteresis, pins on their pin); without it, the
   * stopgap of desired-assignment.ts (most preferred candidate, no optimisation).
   */
  readonly optimizer?: BridgeOptimizer;
  /** Kubernetes Events on Services (a move, from → to and why). Default: none. */
  readonly serviceEvents?: (service: Service, type: 'Normal' | 'Warning', reason: string, message: string) => void;
}

export interface BridgeOptimizer {
  readonly params: OptimizerParams;
  /** `cluster.name`: the owner of the pushed policy objects. */
  readonly clusterName: string;
  /** The policy's VPN list; default DEFAULT_POLICY_VPN_IDS ([1]). */
  readonly vpnIds?: readonly number[];
}

/**
 * The push path. `desired` is the optimizer round's SD-WAN policy (undefined without the optimizer,
 * or before its first round).
 */
export type AssignmentPush = (assignments: readonly Assignment[], term: AbortSignal, desired: DesiredPolicyState | undefined) => void | Promise<void>;

export interface ReadinessState {
  readonly ready: boolean;
  readonly detail: string;
}

/** A running bridge. Every read is a snapshot at call time. */
export interface Bridge {
  readonly inventory: Inventory;
  readonly store: AggregationReader;
  /** What the exporters read. */
  readonly telemetry: TelemetryView;
  /** The color a Service's traffic takes now: its assignment, else the fabric default (the world follows this in the demo). */
  colorOf(key: ServiceKey): Color | undefined;
  assignments(): Assignment[];
  services(): ServiceStatus[];
  service(key: ServiceKey): ServiceStatus | undefined;
  tunnels(): readonly TunnelReading[];
  tunnelHealth(): TunnelSourceHealth;
  flowHealth(): FlowSourceHealth;
  /** Epoch ms on the bridge's clock. */
  now(): number;
  /** Oldest first; the newest `limit` when given. */
  recentEvents(limit?: number): BridgeEvent[];
  /** The gate every decide and push path consults. */
  readonly leadership: Leadership;
  /** Named readiness conditions: Kubernetes synced, Hubble connected, vManage data fresh, and leadership (always ready: detail only). */
  readiness(): Readonly<Record<string, () => ReadinessState>>;
  /** The last optimizer round's desired SD-WAN policy (leader with the optimizer only). */
  desiredPolicy(): DesiredPolicyState | undefined;
  /** Runs one evaluation now (the schedule does it every interval). */
  evaluate(): void;
  /** Resolves when the flow stream ends (only after close, or when the source fails for good). */
  readonly flowsDone: Promise<void>;
  /** Stops the loops and the owned adapters; idempotent. */
  close(): Promise<void>;
}

interface AssignmentEntry {
  readonly assignment: Assignment;
  readonly reason: DecisionReason;
}

export const DEFAULT_EVALUATE_INTERVAL_MS = 10_000;
export const DEFAULT_PAIR_WINDOW_MS = 10 * 60_000;
/** The store's rate window (DEFAULT_RATE_WINDOW_SECONDS): a stream silent this long has no rate. */
const RATE_STALL_MS = DEFAULT_RATE_WINDOW_SECONDS * 1000;

/**
 * The bridge's runtime: flows from the FlowSource into the correlation pipeline, the inventory fed from
 * the informer stores, assignments kept level-triggered from the Services' intents (until the optimizer
 * exists: pinned Services on their pin, auto Services on their most preferred candidate, unmanaged ones
 * on the fabric default), and on a schedule (and after each tunnel poll) each Service's path health and
 * SLI on its color from the tunnel readings. Everything is read at export time through `telemetry`.
 */
export function startBridge(parts: BridgeParts): Bridge {
  const { stores, intents, flows, tunnels, clock } = parts;
  const logger = parts.logger ?? silentLog;
  const leadership = parts.leadership ?? Leadership.standalone();
  const inventory = parts.inventory ?? new Inventory();
  const store = new AggregationStore();
  const assignments = new Map<ServiceKey, AssignmentEntry>();
  const liveAssignments = { get: (key: ServiceKey) => assignments.get(key)?.assignment };
  const pipeline = new FlowPipeline(createCorrelationView(inventory, liveAssignments), store, { defaultColor: parts.defaultColor });
  const events = new RecentEvents(parts.maxEvents);
  const remaps = new Map<string, { service: ServiceKey; from: Color | undefined; to: Color; reason: DecisionReason; count: number }>();
  let paths = new Map<ServiceKey, ServicePath>();
  let closed = false;
  // The optimizer's memory: per Service, the state its next decision starts from and the last record.
  let states = new Map<ServiceKey, ServiceState>();
  const decisions = new Map<ServiceKey, DecisionRecord>();
  let desiredPolicy: DesiredPolicyState | undefined;

  const record = (event: BridgeEventInput): void => {
    const stored = events.add(clock.now(), event);
    logger.info({ event: stored.type, service: stored.service, from: stored.from, to: stored.to, reason: stored.reason }, stored.message);
  };
  const colorOf = (key: ServiceKey): Color | undefined => assignments.get(key)?.assignment.color ?? parts.defaultColor;

  /** Level-triggered: re-reads the Service's intent and converges its assignment. */
  const reconcile = (key: ServiceKey, fabricColors: readonly Color[]): void => {
    const resolved = intents.get(key);
    const current = assignments.get(key);
    const desired = resolved === undefined ? undefined : desiredAssignment({ intent: resolved.intent, allowed: resolved.allowed, fabricColors, defaultColor: parts.defaultColor });
    if (desired === undefined) {
      if (current === undefined) return;
      assignments.delete(key);
      record({ type: 'assignment', service: key, from: current.assignment.color, to: undefined, message: `${key}: no longer steered (${resolved === undefined ? 'Service deleted' : 'no SLO or pin'}); its traffic takes the fabric default` });
      return;
    }
    if (current?.assignment.color === desired.color && current.assignment.mode === desired.mode) return;
    const ref = parseServiceKey(key) ?? { namespace: '', name: key };
    const from = current?.assignment.color;
    assignments.set(key, { assignment: { service: ref, color: desired.color, mode: desired.mode, since: clock.now() }, reason: desired.reason });
    countRemap(key, from, desired.color, desired.reason);
    record({ type: 'assignment', service: key, from, to: desired.color, mode: desired.mode, reason: desired.reason, message: `${key}: ${from === undefined ? '' : `${from} → `}${desired.color} (${desired.mode}, ${desired.reason})` });
  };

  const countRemap = (service: ServiceKey, from: Color | undefined, to: Color, reason: DecisionReason): void => {
    const key = `${service}\u0000${from ?? ''}\u0000${to}\u0000${reason}`;
    const entry = remaps.get(key);
    if (entry === undefined) remaps.set(key, { service, from, to, reason, count: 1 });
    else entry.count++;
  };

  let fabricColors: readonly Color[] = [];
  // Only the leader decides: a follower converges nothing, so it holds no assignment to push.
  const reconcileKeys = (keys: readonly ServiceKey[]): void => {
    if (closed || !leadership.isLeader()) return;
    // The optimizer decides all Services of a round together (move budget): a change schedules one.
    if (parts.optimizer !== undefined) scheduleEvaluation();
    else for (const key of keys) reconcile(key, fabricColors);
  };

  let hubbleConnected: boolean | undefined;
  let hubbleReconnects = 0;
  const watchHubble = (): void => {
    const health = flows.health();
    if (health.reconnects > hubbleReconnects) {
      record({ type: 'hubble-reconnected', message: `Hubble flow stream re-opened (${health.reconnects} reconnect${health.reconnects === 1 ? '' : 's'} so far)${health.lastError ? `; last error ${health.lastError.code}` : ''}` });
    } else if (hubbleConnected !== undefined && health.connected !== hubbleConnected) {
      record(health.connected ? { type: 'hubble-connected', message: 'Hubble flow stream connected' } : { type: 'hubble-disconnected', message: `Hubble flow stream lost${health.lastError ? `: ${health.lastError.code}` : ''}` });
    } else if (hubbleConnected === undefined && health.connected) {
      record({ type: 'hubble-connected', message: 'Hubble flow stream connected' });
    }
    hubbleConnected = health.connected;
    hubbleReconnects = health.reconnects;
  };

  const evaluate = (): void => {
    if (closed) return;
    const readings = tunnels.readings();
    fabricColors = sameColorTunnelColors(readings);
    const keys = new Set([...inventory.serviceKeys(), ...assignments.keys()]);
    if (leadership.isLeader()) {
      if (parts.optimizer === undefined) for (const key of keys) reconcile(key, fabricColors);
      else runOptimizer(parts.optimizer, keys);
    }
    // A Service gone from the cluster takes its series with it (only once the store has listed: before
    // that an empty store means "not known yet", not "deleted").
    if (stores.services.hasSynced()) store.retainServices((key) => inventory.service(key) !== undefined);

    const targets: ServicePathTarget[] = [];
    for (const key of inventory.serviceKeys()) {
      const resolved = intents.get(key);
      targets.push({ service: key, bounds: resolved === undefined ? undefined : sloBoundsOf(resolved.intent) });
    }
    const now = clock.now();
    const next = new Map<ServiceKey, ServicePath>();
    for (const path of servicePaths({ targets, traffic: store, index: new TunnelPathIndex(readings), colorOf, sinceMs: now - (parts.pairWindowMs ?? DEFAULT_PAIR_WINDOW_MS) })) {
      next.set(path.service, path);
      noticeFlip(paths.get(path.service), path);
    }
    paths = next;
    watchHubble();
    pushAssignments();
  };

  /** One optimizer round (leader only): assignments become its decisions; every move is counted and told. */
  const runOptimizer = (optimizer: BridgeOptimizer, keys: ReadonlySet<ServiceKey>): void => {
    const now = clock.now();
    const round = optimizerRound({
      services: roundServices(inventory, intents),
      traffic: store,
      tunnels,
      states,
      now,
      params: optimizer.params,
      fabricColors: fabricPreference(fabricColors, parts.defaultColor),
      clusterSites: clusterSites(stores.nodes, inventory),
      clusterName: optimizer.clusterName,
      ...(optimizer.vpnIds === undefined ? {} : { vpnIds: optimizer.vpnIds }),
      sinceMs: now - (parts.pairWindowMs ?? DEFAULT_PAIR_WINDOW_MS),
    });
    applyRound(round, keys);
  };

  const applyRound = (round: OptimizerRound, keys: ReadonlySet<ServiceKey>): void => {
    states = round.states;
    desiredPolicy = round.desired;
    decisions.clear();
    for (const [key, decision] of round.decisions) if (decision.record !== undefined) decisions.set(key, decision.record);
    for (const key of keys) {
      const current = assignments.get(key);
      if (current === undefined || round.states.has(key)) continue;
      assignments.delete(key);
      const resolved = intents.get(key);
      record({ type: 'assignment', service: key, from: current.assignment.color, to: undefined, message: `${key}: no longer steered (${resolved === undefined ? 'Service deleted' : 'no SLO or pin, or no allowed color'}); its traffic takes the fabric default` });
    }
    for (const assignment of round.assignments) {
      const key = `${assignment.service.namespace}/${assignment.service.name}`;
      assignments.set(key, { assignment, reason: decisions.get(key)?.reason ?? 'initial' });
    }
    for (const move of round.moves) noticeMove(move);
  };

  const noticeMove = (move: RoundMove): void => {
    countRemap(move.key, move.from, move.to, move.reason);
    const mode = assignments.get(move.key)?.assignment.mode;
    record({ type: 'assignment', service: move.key, from: move.from, to: move.to, ...(mode === undefined ? {} : { mode }), reason: move.reason, message: `${move.key}: ${move.from === undefined ? '' : `${move.from} → `}${move.to} (${mode ?? 'auto'}, ${move.reason})` });
    const service = inventory.service(move.key);
    // The Service's owners see where its traffic went and why, with kubectl describe.
    if (service !== undefined && move.from !== undefined) {
      const warning = move.reason === 'no-compliant-candidate' || move.reason === 'slo-violated';
      parts.serviceEvents?.(service, warning ? 'Warning' : 'Normal', 'TunnelChanged', `moved from ${move.from} to ${move.to} (${move.reason}): ${move.message}`);
    }
  };

  let evaluationPending = false;
  const scheduleEvaluation = (): void => {
    if (evaluationPending) return;
    evaluationPending = true;
    queueMicrotask(() => {
      evaluationPending = false;
      evaluate();
    });
  };

  const pushAssignments = (): void => {
    const push = parts.push;
    if (push === undefined) return;
    const snapshot = [...assignments.values()].map((entry) => entry.assignment);
    const desired = desiredPolicy;
    leadership.ifLeader((term) => {
      try {
        void Promise.resolve(push(snapshot, term, desired)).catch((error: unknown) => {
          if (!term.aborted) logger.warn({ err: error }, 'policy push failed; the next evaluation retries');
        });
      } catch (error) {
        logger.warn({ err: error }, 'policy push failed; the next evaluation retries');
      }
    });
  };

  /*
   * Gaining leadership: decide everything now rather than at the next tick. Losing it: drop the
   * assignments without events or remap counts, since they are no longer this instance's to keep; the
   * new leader's (and vManage's active policy) are the truth. Until the policy adapter can read the
   * active policy back, a follower attributes flows to the fabric default color.
   */
  const unsubscribeLeadership = leadership.onChange((leading) => {
    if (closed) return;
    if (leading) evaluate();
    else {
      assignments.clear();
      // The next term starts from what it observes: another leader may have moved Services meanwhile.
      states = new Map();
      decisions.clear();
      desiredPolicy = undefined;
    }
  });

  /** An SLI flip is an incident as the Service sees it: worth an event either way. */
  const noticeFlip = (before: ServicePath | undefined, after: ServicePath): void => {
    const was = before?.compliant;
    const now = after.compliant;
    if (now === 0 && was !== 0) {
      const worst = after.worst;
      const measured = worst === undefined ? '' : ` (${Math.round(worst.latencySeconds * 1000)} ms, ${Math.round(worst.jitterSeconds * 1000)} ms jitter, ${(worst.lossRatio * 100).toFixed(2)}% loss)`;
      record({ type: 'slo-violated', service: after.service, to: after.color, message: `${after.service}: SLO violated on ${after.color ?? 'no color'}${measured}` });
    } else if (now === 1 && was === 0) {
      record({ type: 'slo-recovered', service: after.service, to: after.color, message: `${after.service}: SLO met again on ${after.color ?? 'no color'}` });
    }
  };

  const disconnectInventory = feedInventory(stores, inventory, reconcileKeys);
  const disconnectIntents = intents.connect(reconcileKeys);
  // After each poll, not only on the schedule: a brownout shows as soon as the data does. Deferred, so a
  // listener never runs the evaluation inside the collector's own notification.
  let pending = false;
  const unsubscribeTunnels = tunnels.subscribe(() => {
    if (pending) return;
    pending = true;
    queueMicrotask(() => {
      pending = false;
      evaluate();
    });
  });
  const cancelSchedule = (parts.timer ?? realRepeatTimer).repeat(parts.evaluateIntervalMs ?? DEFAULT_EVALUATE_INTERVAL_MS, evaluate);

  const abort = new AbortController();
  let newestFlowNs = 0n;
  /**
   * The "now" of flow rates: the start of the newest flow's second while the stream is current, so that
   * a stream running a little behind the clock (Relay buffering, a fast simulated clock) is not read as
   * a drop in traffic; the clock once the stream has been silent for a whole rate window, so that rates
   * of a stalled stream fall to zero instead of freezing.
   */
  const rateNowMs = (): number => {
    const now = clock.now();
    const newestSecondMs = Math.floor(Number(newestFlowNs / 1_000_000n) / 1000) * 1000;
    return now - newestSecondMs > RATE_STALL_MS ? now : Math.min(now, newestSecondMs);
  };
  const flowsDone = (async () => {
    try {
      for await (const event of flows.events(abort.signal)) {
        if (event.kind !== 'flow') continue;
        pipeline.push(event.flow);
        if (event.flow.timeNs > newestFlowNs) newestFlowNs = event.flow.timeNs;
      }
    } catch (error) {
      if (abort.signal.aborted) return;
      const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'ISTHMUS_E_FLOW_SOURCE';
      record({ type: 'flow-source-failed', message: `the flow stream ended: ${code}: ${error instanceof Error ? error.message : String(error)}` });
      logger.warn({ err: error }, 'flow stream failed; serving the flows counted so far');
    }
  })();
  evaluate();

  const statusOf = (key: ServiceKey, pairs: ReturnType<typeof sitePairFlows>, rateNow: number): ServiceStatus | undefined => {
    const resolved = intents.get(key);
    const ref = parseServiceKey(key);
    if (resolved === undefined || ref === undefined) return undefined;
    const entry = assignments.get(key);
    const summary = store.serviceSummary(key, rateNow);
    return {
      key,
      namespace: ref.namespace,
      name: ref.name,
      mode: resolved.intent.mode,
      slo: declaredSlo(resolved.intent),
      assignment: entry?.assignment,
      reason: entry?.reason,
      color: colorOf(key),
      path: paths.get(key),
      flows: summary?.flows ?? 0,
      flowsPerSecond: summary?.flowsPerSecond ?? 0,
      sitePairs: pairs.get(key) ?? [],
      decision: decisions.get(key),
    };
  };

  let closing: Promise<void> | undefined;
  const bridge: Bridge = {
    inventory,
    store,
    leadership,
    telemetry: bridgeTelemetryView({
      tunnels,
      flows,
      store,
      counters: parts.counters,
      paths: () => paths.values(),
      colorOf,
      intents: () => inventory.serviceKeys().map((key) => intents.get(key)),
      assignments: () => [...assignments.values()].map((entry) => entry.assignment),
      remaps: () => remaps.values(),
      leader: () => leadership.isLeader(),
    }),
    colorOf,
    assignments: () => [...assignments.values()].map((entry) => entry.assignment),
    services: () => {
      const pairs = sitePairFlows(store);
      const now = rateNowMs();
      return inventory.serviceKeys().flatMap((key) => statusOf(key, pairs, now) ?? []);
    },
    service: (key) => (inventory.service(key) === undefined ? undefined : statusOf(key, sitePairFlows(store), rateNowMs())),
    tunnels: () => tunnels.readings(),
    tunnelHealth: () => tunnels.health(),
    flowHealth: () => flows.health(),
    now: () => clock.now(),
    recentEvents: (limit) => events.list(limit),
    readiness: () => ({
      kubernetes: () => {
        const synced = stores.services.hasSynced() && stores.endpointSlices.hasSynced() && stores.nodes.hasSynced() && stores.namespaces.hasSynced();
        return { ready: synced, detail: synced ? `${inventory.serviceKeys().length} Services known` : 'informers still listing' };
      },
      hubble: () => {
        const health = flows.health();
        return { ready: health.connected, detail: health.connected ? 'flow stream connected' : `not connected${health.lastError ? `: ${health.lastError.code}` : ''}` };
      },
      vmanage: () => {
        const health = tunnels.health();
        return { ready: health.status === 'ok', detail: health.status === 'stale' && health.lastError ? `stale: ${health.lastError.code}` : health.status };
      },
      // Detail only, never unready: a ServiceMonitor scrapes only ready endpoints, and the followers'
      // flow metrics must be scraped too (see leadershipCheck in readiness-checks.ts).
      leadership: () => ({ ready: true, detail: leadership.describe() }),
    }),
    desiredPolicy: () => desiredPolicy,
    evaluate,
    flowsDone,
    close: () => {
      closing ??= (async () => {
        closed = true;
        cancelSchedule();
        unsubscribeLeadership();
        unsubscribeTunnels();
        disconnectIntents();
        disconnectInventory();
        abort.abort();
        await flowsDone;
        for (const stop of [...(parts.owned ?? [])].reverse()) {
          try {
            await stop();
          } catch (error) {
            logger.warn({ err: error }, 'an adapter failed to stop cleanly');
          }
        }
      })();
      return closing;
    },
  };
  return bridge;
}

/** The colors the fabric has same-color tunnels of: what an app-route policy can steer a Service onto. */
function sameColorTunnelColors(readings: readonly TunnelReading[]): Color[] {
  const colors = new Set<Color>();
  for (const reading of readings) if (reading.tunnel.key.local.color === reading.tunnel.key.remote.color) colors.add(reading.tunnel.key.local.color);
  return [...colors];
}

/** Every known Service with an intent, as the optimizer round reads it. */
function roundServices(inventory: Inventory, intents: ServiceIntents): OptimizerRoundService[] {
  return inventory.serviceKeys().flatMap((key) => {
    const resolved = intents.get(key);
    if (resolved === undefined) return [];
    const ready = inventory.readyEndpoints(key);
    const endpoints = [...[...ready.bySite.values()].flat(), ...ready.unplaced];
    return [{ key, service: inventory.service(key), intent: resolved.intent, allowed: resolved.allowed, endpoints }];
  });
}

/** The sites the cluster's nodes sit behind (placed nodes only). */
function clusterSites(nodes: NodeStore, inventory: Inventory): SiteId[] {
  return [...new Set(nodes.list().flatMap((node) => inventory.siteOfNode(node.name) ?? []))];
}
