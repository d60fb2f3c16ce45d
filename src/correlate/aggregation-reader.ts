import type { Color } from '../domain/color.ts';
import type { Verdict } from '../domain/flow.ts';
import type { ServiceKey } from '../domain/service.ts';
import type { SiteId } from '../domain/site.ts';
import type { HistogramView } from './latency-histogram.ts';
import type { SitePair } from './site-pair.ts';
import type { UnresolvedReason } from './unresolved-reason.ts';

/**
 * Label values of one flow series, keyed by the Prometheus label names of `isthmus_service_flows_total`
 * so an exporter can pass the object as is. Built once when the series appears, frozen, and shared.
 *  - `src_site`, `dst_site`: decimal site-ids; `dst_site` is `unknown` when the server address was a
 *    frontend (the backend, hence its site, was not known);
 *  - `color`: the tunnel color; `none` for intra-site traffic (no tunnel); `unknown` when the flow
 *    crosses sites but its color is not known (no assignment and no default, or unknown `dst_site`);
 *  - `verdict`: Hubble's verdict name (`FORWARDED`, `DROPPED`, …).
 */
export interface FlowSeriesLabels {
  readonly namespace: string;
  readonly service: string;
  readonly src_site: string;
  readonly dst_site: string;
  readonly color: string;
  readonly verdict: string;
}

/**
 * One series as the store holds it: (Service, client site, server site, color, verdict). `forEachSeries`
 * passes the live object (read it during the callback, do not keep it); `snapshot` copies.
 */
export interface FlowSeriesView {
  readonly service: ServiceKey;
  readonly labels: FlowSeriesLabels;
  readonly sourceSiteId: SiteId;
  /** Undefined: the flows went to a frontend address (see `dst_site`). */
  readonly destinationSiteId: SiteId | undefined;
  /** Undefined within a site, or when unknown (see `color` label). */
  readonly color: Color | undefined;
  readonly verdict: Verdict;
  /** Flows counted (a monotonic counter). */
  readonly flows: number;
  /** DROPPED flows by Hubble drop reason (`DROP_REASON_UNKNOWN` when Hubble gave none); empty otherwise. */
  readonly drops: ReadonlyMap<string, number>;
  /** L7 latency of the series' flows that carried one; undefined until the first. */
  readonly latency: HistogramView | undefined;
  /** Epoch ms (flow time) of the newest flow counted. */
  readonly lastSeenMs: number;
}

/** A copy of a series at snapshot time, safe to keep. */
export interface FlowSeriesSnapshot extends Omit<FlowSeriesView, 'drops' | 'latency'> {
  readonly drops: Readonly<Record<string, number>>;
  readonly latency: { readonly boundsSeconds: readonly number[]; readonly bucketCounts: readonly number[]; readonly count: number; readonly sumSeconds: number } | undefined;
}

export interface FlowTotals {
  /** Every record the store was given, correlated or not: `isthmus_hubble_flows_total`. */
  readonly flows: number;
  readonly correlated: number;
  readonly unresolved: number;
  /** Flows whose Hubble service field disagreed with the index (the index's Service was used). */
  readonly conflicts: number;
}

/** Per-Service figures for the API and the demo. */
export interface ServiceFlowSummary {
  readonly service: ServiceKey;
  readonly namespace: string;
  readonly name: string;
  readonly flows: number;
  readonly conflicts: number;
  /** Mean over the store's rate window (whole seconds before `nowMs`). */
  readonly flowsPerSecond: number;
  readonly lastSeenMs: number;
}

export interface AggregationSnapshot {
  /** The store's generation when taken (see AggregationReader.generation). */
  readonly generation: number;
  readonly series: readonly FlowSeriesSnapshot[];
  readonly totals: FlowTotals;
  readonly unresolved: Readonly<Record<UnresolvedReason, number>>;
}

/**
 * The read side of the aggregation store: what exporters (Prometheus collect callbacks, OpenTelemetry
 * observable instruments, InfluxDB), the API and the optimizer use. Nothing here touches the flow path.
 *
 * For a Prometheus collect: `forEachSeries` → set counters from `flows`, per-reason drops, histogram
 * buckets (`cumulativeCounts` for `le`); then `takeRemovedSeries` → remove those label sets. Counters
 * are monotonic while a series lives; a removed Service's series are reported once by
 * `takeRemovedSeries` and start from zero if the Service returns.
 */
export interface AggregationReader {
  /** Increases whenever series are added or removed: exporters can cache label handles per generation. */
  readonly generation: number;
  /** The L7 latency bucket bounds every series' histogram uses. */
  readonly latencyBucketsSeconds: readonly number[];
  /** Visits every live series, without copying; series are grouped by Service, in first-seen order. */
  forEachSeries(visit: (series: FlowSeriesView) => void): void;
  /** A copy of everything, sorted by labels: for the API, tests and exporters that prefer plain data. */
  snapshot(): AggregationSnapshot;
  totals(): FlowTotals;
  unresolvedCounts(): Readonly<Record<UnresolvedReason, number>>;
  /** Services with at least one series, sorted. */
  serviceKeys(): readonly ServiceKey[];
  serviceSummary(key: ServiceKey, nowMs: number): ServiceFlowSummary | undefined;
  flowsPerSecond(key: ServiceKey, nowMs: number): number;
  /**
   * The site pairs (client site → server site, different sites) the Service's traffic crossed, sorted;
   * only pairs with a flow at or after `sinceMs` when given. The input of the path join.
   */
  sitePairs(key: ServiceKey, sinceMs?: number): readonly SitePair[];
  /** Labels of the series removed since the last call (Service gone): for exporters to delete. */
  takeRemovedSeries(): readonly FlowSeriesLabels[];
}
