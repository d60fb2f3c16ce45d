import type { Assignment } from '../domain/assignment.ts';
import type { Color } from '../domain/color.ts';
import type { DecisionReason } from '../domain/decision.ts';
import type { ServiceRef } from '../domain/service.ts';
import type { TunnelReading } from '../domain/tunnel-stats-source.ts';
import type { InformerEvent } from '../kube/kube-informer.ts';
import type { PollEvent } from '../vmanage/tunnel-telemetry-collector.ts';
import type { VmanageRequestEvent } from '../vmanage/vmanage-session.ts';
import { DurationHistogram } from './duration-histogram.ts';
import type {
  HistogramSnapshot,
  KubeListCount,
  KubeRequestErrorCount,
  KubeWatchEndCount,
  LostEventCount,
  PolicyPushCount,
  RemapCount,
  ServiceFlowCount,
  ServicePathHealth,
  ServiceSloDeclaration,
  ServiceTelemetryView,
  TelemetryView,
  VmanageRequestCount,
} from './telemetry-view.ts';

/** Policy pushes render, diff, apply and activate: seconds to a minute. */
export const POLICY_PUSH_BUCKETS: readonly number[] = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** A bulk poll is a few requests; a real-time poll visits every edge. */
export const POLL_DURATION_BUCKETS: readonly number[] = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export interface TelemetryStateOptions {
  /** Where tunnels() reads (the vManage collector). Without it, setTunnels() feeds it. */
  readonly tunnelSource?: { readings(): Iterable<TunnelReading> };
  /**
   * Where the Service series come from (the correlation store and the optimizer). Without it, the
   * setService…() methods and countRemap() feed them.
   */
  readonly services?: ServiceTelemetryView;
  readonly policyPushBuckets?: readonly number[];
  readonly pollDurationBuckets?: readonly number[];
}

export interface RemapEvent {
  readonly service: ServiceRef;
  readonly from: Color | undefined;
  readonly to: Color;
  readonly reason: DecisionReason;
}

/** A labelled counter keyed by a pre-built string, so counting allocates only for a new series. */
class KeyedCounter<T extends { readonly count: number }> {
  readonly #entries = new Map<string, { labels: Omit<T, 'count'>; count: number }>();

  add(key: string, labels: () => Omit<T, 'count'>, by: number): void {
    const entry = this.#entries.get(key);
    if (entry) entry.count += by;
    else this.#entries.set(key, { labels: labels(), count: by });
  }

  *values(): Iterable<T> {
    for (const entry of this.#entries.values()) yield { ...entry.labels, count: entry.count } as T;
  }
}

function nonNegativeCount(by: number): number {
  if (!Number.isFinite(by) || by < 0) throw new RangeError(`a count increases by a non-negative number, not ${by}`);
  return by;
}

/**
 * The in-memory TelemetryView: counters the adapters feed (vManage requests from the session's
 * onRequest, poll durations from the collector's onPoll, Hubble counts and connection state, policy
 * pushes), plus tunnel and Service snapshots read from live sources or set directly (tests, demos).
 * Every feed method is O(1) and never calls a metrics library.
 */
export class TelemetryState implements TelemetryView {
  readonly #tunnelSource: { readings(): Iterable<TunnelReading> } | undefined;
  readonly #services: ServiceTelemetryView | undefined;
  #tunnels: readonly TunnelReading[] = [];
  #serviceFlows: readonly ServiceFlowCount[] = [];
  #servicePaths: readonly ServicePathHealth[] = [];
  #serviceSlos: readonly ServiceSloDeclaration[] = [];
  #assignments: readonly Assignment[] = [];
  readonly #remaps = new KeyedCounter<RemapCount>();
  readonly #policyPushes = new KeyedCounter<PolicyPushCount>();
  readonly #policyPushDurations: DurationHistogram;
  #hubbleFlows = 0;
  readonly #lostEvents = new KeyedCounter<LostEventCount>();
  #hubbleConnected = false;
  #hubbleReconnects = 0;
  #hubbleDecodeErrors = 0;
  #leader = false;
  readonly #vmanageRequests = new KeyedCounter<VmanageRequestCount>();
  readonly #kubeLists = new KeyedCounter<KubeListCount>();
  readonly #kubeWatchEnds = new KeyedCounter<KubeWatchEndCount>();
  readonly #kubeRequestErrors = new KeyedCounter<KubeRequestErrorCount>();
  readonly #pollDurations: DurationHistogram;

  constructor(options: TelemetryStateOptions = {}) {
    this.#tunnelSource = options.tunnelSource;
    this.#services = options.services;
    this.#policyPushDurations = new DurationHistogram(options.policyPushBuckets ?? POLICY_PUSH_BUCKETS);
    this.#pollDurations = new DurationHistogram(options.pollDurationBuckets ?? POLL_DURATION_BUCKETS);
  }

  // Feeding ---------------------------------------------------------------------------------------------

  setTunnels(readings: Iterable<TunnelReading>): void {
    this.#tunnels = [...readings];
  }

  /** Replaces the flow totals; the caller passes cumulative counts (see the counting rules of the view). */
  setServiceFlows(series: Iterable<ServiceFlowCount>): void {
    this.#serviceFlows = [...series];
  }

  setServicePaths(paths: Iterable<ServicePathHealth>): void {
    this.#servicePaths = [...paths];
  }

  setServiceSlos(slos: Iterable<ServiceSloDeclaration>): void {
    this.#serviceSlos = [...slos];
  }

  setAssignments(assignments: Iterable<Assignment>): void {
    this.#assignments = [...assignments];
  }

  countRemap(remap: RemapEvent, by = 1): void {
    const key = `${remap.service.namespace}/${remap.service.name}\u0000${remap.from ?? ''}\u0000${remap.to}\u0000${remap.reason}`;
    this.#remaps.add(key, () => ({ service: remap.service, from: remap.from, to: remap.to, reason: remap.reason }), nonNegativeCount(by));
  }

  recordPolicyPush(result: string, durationSeconds: number): void {
    this.#policyPushes.add(result, () => ({ result }), 1);
    this.#policyPushDurations.observe(durationSeconds);
  }

  countHubbleFlows(by = 1): void {
    this.#hubbleFlows += nonNegativeCount(by);
  }

  countLostEvents(source: string, by: number): void {
    this.#lostEvents.add(source, () => ({ source }), nonNegativeCount(by));
  }

  setHubbleConnected(connected: boolean): void {
    this.#hubbleConnected = connected;
  }

  countHubbleReconnects(by = 1): void {
    this.#hubbleReconnects += nonNegativeCount(by);
  }

  countHubbleDecodeErrors(by = 1): void {
    this.#hubbleDecodeErrors += nonNegativeCount(by);
  }

  setLeader(leading: boolean): void {
    this.#leader = leading;
  }

  /** Fits VmanageSessionOptions.onRequest. */
  recordVmanageRequest(event: Pick<VmanageRequestEvent, 'endpoint' | 'code'>): void {
    this.#vmanageRequests.add(`${event.endpoint}\u0000${event.code}`, () => ({ endpoint: event.endpoint, code: event.code }), 1);
  }

  /** Fits KubeInformerOptions.onEvent: lists, watch ends and failed requests, by resource. */
  recordInformerEvent(event: InformerEvent): void {
    const { resource } = event;
    if (event.type === 'listed') {
      const { reason } = event;
      this.#kubeLists.add(`${resource}\u0000${reason}`, () => ({ resource, reason }), 1);
    } else if (event.type === 'watch-ended') {
      const { reason } = event;
      this.#kubeWatchEnds.add(`${resource}\u0000${reason}`, () => ({ resource, reason }), 1);
    } else if (event.type === 'retrying') {
      const { operation } = event;
      this.#kubeRequestErrors.add(`${resource}\u0000${operation}`, () => ({ resource, operation }), 1);
    }
  }

  /** Fits TunnelTelemetryCollectorOptions.onPoll. A skipped tick polled nothing, so it is no duration. */
  recordPoll(event: Pick<PollEvent, 'outcome' | 'durationSeconds'>): void {
    if (event.outcome !== 'skipped') this.#pollDurations.observe(event.durationSeconds);
  }

  // TelemetryView ---------------------------------------------------------------------------------------

  tunnels(): Iterable<TunnelReading> {
    return this.#tunnelSource?.readings() ?? this.#tunnels;
  }

  serviceFlows(): Iterable<ServiceFlowCount> {
    return this.#services?.serviceFlows() ?? this.#serviceFlows;
  }

  servicePaths(): Iterable<ServicePathHealth> {
    return this.#services?.servicePaths() ?? this.#servicePaths;
  }

  serviceSlos(): Iterable<ServiceSloDeclaration> {
    return this.#services?.serviceSlos() ?? this.#serviceSlos;
  }

  assignments(): Iterable<Assignment> {
    return this.#services?.assignments() ?? this.#assignments;
  }

  remaps(): Iterable<RemapCount> {
    return this.#services?.remaps() ?? this.#remaps.values();
  }

  policyPushes(): Iterable<PolicyPushCount> {
    return this.#policyPushes.values();
  }

  policyPushDurations(): HistogramSnapshot {
    return this.#policyPushDurations.snapshot();
  }

  hubbleFlows(): number {
    return this.#hubbleFlows;
  }

  hubbleLostEvents(): Iterable<LostEventCount> {
    return this.#lostEvents.values();
  }

  hubbleConnected(): boolean {
    return this.#hubbleConnected;
  }

  hubbleReconnects(): number {
    return this.#hubbleReconnects;
  }

  hubbleDecodeErrors(): number {
    return this.#hubbleDecodeErrors;
  }

  leader(): boolean {
    return this.#leader;
  }

  vmanageRequests(): Iterable<VmanageRequestCount> {
    return this.#vmanageRequests.values();
  }

  kubeLists(): Iterable<KubeListCount> {
    return this.#kubeLists.values();
  }

  kubeWatchEnds(): Iterable<KubeWatchEndCount> {
    return this.#kubeWatchEnds.values();
  }

  kubeRequestErrors(): Iterable<KubeRequestErrorCount> {
    return this.#kubeRequestErrors.values();
  }

  vmanagePollDurations(): HistogramSnapshot {
    return this.#pollDurations.snapshot();
  }
}
