import type { Assignment } from '../domain/assignment.ts';
import type { Color } from '../domain/color.ts';
import type { DecisionReason } from '../domain/decision.ts';
import type { Verdict } from '../domain/flow.ts';
import type { ServiceRef } from '../domain/service.ts';
import type { SiteId } from '../domain/site.ts';
import type { Slo } from '../domain/slo.ts';
import type { TunnelReading } from '../domain/tunnel-stats-source.ts';

/*
 * Counting rules for every `count` below (they make the exported counters valid):
 * - a count is the total since the process (or the store) started, never a per-interval delta;
 * - for as long as a series is listed, its count never decreases;
 * - a series that stops being listed (its Service or tunnel is gone) may come back later starting again
 *   from zero: Prometheus' rate() and OpenTelemetry's cumulative consumers read that as a counter reset,
 *   which is exactly what it is.
 * The exporters rely on these rules and keep no per-series state of their own, except for series folded
 * into an overflow series by the cardinality limit (see series-limiter.ts).
 */

/** Flows of one Service between two sites on one color with one verdict. */
export interface ServiceFlowCount {
  readonly service: ServiceRef;
  /** undefined: the inventory could not place the endpoint at a site (exported as an empty label). */
  readonly srcSite: SiteId | undefined;
  readonly dstSite: SiteId | undefined;
  /** undefined: the flow crossed no tunnel (same site) or the tunnel is not known. */
  readonly color: Color | undefined;
  readonly verdict: Verdict;
  readonly count: number;
}

/**
 * The health of the path a Service's traffic takes on its assigned color: the worst value over the site
 * pairs its traffic actually crosses. A value is undefined when no tunnel on the path has a current one.
 */
export interface ServicePathHealth {
  readonly service: ServiceRef;
  readonly color: Color;
  readonly latencySeconds?: number | undefined;
  readonly jitterSeconds?: number | undefined;
  /** 0..1 */
  readonly lossRatio?: number | undefined;
  /** Whether the path meets the Service's SLO; undefined for a Service without SLO or without data. */
  readonly compliant?: boolean | undefined;
}

/** The SLO a Service declared (in its annotations), in base units. */
export interface ServiceSloDeclaration {
  readonly service: ServiceRef;
  readonly slo: Slo;
}

/** How often a Service moved from one color to another, and why. */
export interface RemapCount {
  readonly service: ServiceRef;
  /** undefined: the Service had no color before (exported as an empty label). */
  readonly from: Color | undefined;
  readonly to: Color;
  readonly reason: DecisionReason;
  readonly count: number;
}

/** Policy pushes to vManage by outcome (`success`, `failure`, `noop`, … as the policy adapter names them). */
export interface PolicyPushCount {
  readonly result: string;
  readonly count: number;
}

/** Hubble events lost before the bridge saw them, by where they were lost (`flow.LostEventSource`). */
export interface LostEventCount {
  readonly source: string;
  readonly count: number;
}

/** vManage HTTP exchanges by normalised endpoint and status (or `timeout`/`tls`/`unreachable`). */
export interface VmanageRequestCount {
  readonly endpoint: string;
  readonly code: string;
  readonly count: number;
}

/** Full lists of a Kubernetes resource by why the informer listed (`initial`, `expired`, `resync`). */
export interface KubeListCount {
  readonly resource: string;
  readonly reason: string;
  readonly count: number;
}

/** Watches that ended without an error, by why (`closed`, `timeout`, `expired`). */
export interface KubeWatchEndCount {
  readonly resource: string;
  readonly reason: string;
  readonly count: number;
}

/** Failed informer requests by operation (`list`, `watch`). */
export interface KubeRequestErrorCount {
  readonly resource: string;
  readonly operation: string;
  readonly count: number;
}

/**
 * A cumulative explicit-bucket histogram: `bucketCounts[i]` counts observations in
 * (boundaries[i-1], boundaries[i]], and the last entry (index boundaries.length) those above the last
 * boundary. Per bucket, not cumulative over buckets: the OpenTelemetry form; Prometheus' `le` buckets are
 * derived from it.
 */
export interface HistogramSnapshot {
  /** Ascending, finite upper bounds, seconds. */
  readonly boundaries: readonly number[];
  /** boundaries.length + 1 entries. */
  readonly bucketCounts: readonly number[];
  readonly sum: number;
  readonly count: number;
}

/** The part of the view that the correlation store and the optimizer serve. */
export interface ServiceTelemetryView {
  serviceFlows(): Iterable<ServiceFlowCount>;
  servicePaths(): Iterable<ServicePathHealth>;
  serviceSlos(): Iterable<ServiceSloDeclaration>;
  assignments(): Iterable<Assignment>;
  remaps(): Iterable<RemapCount>;
}

/**
 * What the exporters read, at export time only (a scrape, an OTLP collection, an InfluxDB tick): the
 * narrow read side of the aggregation store and of the adapters' counters. Implementations return
 * snapshots or live iterables that are cheap to walk; nothing here is called on the per-flow path.
 */
export interface TelemetryView extends ServiceTelemetryView {
  tunnels(): Iterable<TunnelReading>;
  policyPushes(): Iterable<PolicyPushCount>;
  policyPushDurations(): HistogramSnapshot;
  /** Flows received from Hubble (before correlation), total. */
  hubbleFlows(): number;
  hubbleLostEvents(): Iterable<LostEventCount>;
  hubbleConnected(): boolean;
  /** Times the flow stream was opened again after a break, total. */
  hubbleReconnects(): number;
  /** Messages from Hubble that did not decode (skipped), total. */
  hubbleDecodeErrors(): number;
  kubeLists(): Iterable<KubeListCount>;
  kubeWatchEnds(): Iterable<KubeWatchEndCount>;
  kubeRequestErrors(): Iterable<KubeRequestErrorCount>;
  /** Whether this instance holds the leader Lease now (always true for a bridge without leader election). */
  leader(): boolean;
  vmanageRequests(): Iterable<VmanageRequestCount>;
  vmanagePollDurations(): HistogramSnapshot;
}
