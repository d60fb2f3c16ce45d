import { COLORS } from '../domain/color.ts';
import type { Color } from '../domain/color.ts';
import { VERDICTS } from '../domain/flow.ts';
import type { Verdict } from '../domain/flow.ts';
import { parseServiceKey } from '../domain/service.ts';
import type { ServiceKey } from '../domain/service.ts';
import type { SiteId } from '../domain/site.ts';
import type {
  AggregationReader,
  AggregationSnapshot,
  FlowSeriesLabels,
  FlowSeriesSnapshot,
  FlowSeriesView,
  FlowTotals,
  ServiceFlowSummary,
} from './aggregation-reader.ts';
import type { CorrelatedFlow, Correlation } from './correlated-flow.ts';
import { DEFAULT_LATENCY_BUCKETS_SECONDS, LatencyHistogram } from './latency-histogram.ts';
import { RateWindow } from './rate-window.ts';
import { compareSitePairs } from './site-pair.ts';
import type { SitePair } from './site-pair.ts';
import { UNRESOLVED_REASONS } from './unresolved-reason.ts';
import type { UnresolvedReason } from './unresolved-reason.ts';

export interface AggregationStoreOptions {
  /** Upper bounds of the L7 latency histogram buckets, seconds, ascending. Default DEFAULT_LATENCY_BUCKETS_SECONDS. */
  readonly latencyBucketsSeconds?: readonly number[];
  /** Window of the per-Service flows-per-second rate, whole seconds. Default 60. */
  readonly rateWindowSeconds?: number;
}

export const DEFAULT_RATE_WINDOW_SECONDS = 60;
/** Removed-series labels kept for an exporter that does not drain them: bounded, oldest dropped first. */
const MAX_REMOVED_KEPT = 65_536;
/** Hubble's name for "no reason given", used when a DROPPED flow carries none. */
const UNKNOWN_DROP_REASON = 'DROP_REASON_UNKNOWN';
/** Site-id slot for "unknown" (valid site-ids start at 1). */
const UNKNOWN_SITE = 0;

// Series keys are small integers: ((pair id × 32) + color slot) × 16 + verdict, Smis up to 2M site pairs.
const COLOR_SLOTS = 32;
const VERDICT_SLOTS = 16;
const COLOR_NONE = 0;
const COLOR_UNKNOWN = 1;
const colorSlots: ReadonlyMap<Color, number> = new Map(COLORS.map((color, index) => [color, index + 2]));
const verdictSlots: ReadonlyMap<Verdict, number> = new Map(VERDICTS.map((verdict, index) => [verdict, index]));
const reasonSlots: ReadonlyMap<UnresolvedReason, number> = new Map(UNRESOLVED_REASONS.map((reason, index) => [reason, index]));

class SeriesEntry implements FlowSeriesView {
  readonly service: ServiceKey;
  readonly labels: FlowSeriesLabels;
  readonly sourceSiteId: SiteId;
  readonly destinationSiteId: SiteId | undefined;
  readonly color: Color | undefined;
  readonly verdict: Verdict;
  readonly drops = new Map<string, number>();
  flows = 0;
  latency: LatencyHistogram | undefined = undefined;
  lastSeenMs = -Infinity;

  constructor(service: ServiceEntry, flow: CorrelatedFlow) {
    this.service = service.key;
    this.sourceSiteId = flow.clientSiteId;
    this.destinationSiteId = flow.serverSiteId;
    this.color = flow.color;
    this.verdict = flow.verdict;
    this.labels = Object.freeze({
      namespace: service.namespace,
      service: service.name,
      src_site: String(flow.clientSiteId),
      dst_site: flow.serverSiteId === undefined ? 'unknown' : String(flow.serverSiteId),
      color: flow.color ?? (flow.colorSource === 'intra-site' ? 'none' : 'unknown'),
      verdict: flow.verdict,
    });
  }
}

class ServiceEntry {
  readonly key: ServiceKey;
  readonly namespace: string;
  readonly name: string;
  readonly series = new Map<number, SeriesEntry>();
  readonly rate: RateWindow;
  flows = 0;
  conflicts = 0;
  lastSeenMs = -Infinity;

  constructor(key: ServiceKey, rateWindowSeconds: number) {
    const ref = parseServiceKey(key);
    this.key = key;
    this.namespace = ref?.namespace ?? '';
    this.name = ref?.name ?? key;
    this.rate = new RateWindow(rateWindowSeconds);
  }
}

/**
 * Flow counters per (Service, client site, server site, color, verdict), with drops by reason, an L7
 * latency histogram per series, per-Service flows-per-second, totals and unresolved flows by reason.
 *
 * The write side (`record…`) runs per flow and allocates only when a series, Service or site pair is
 * seen for the first time: Services are found by their key string (already interned by the inventory
 * or the KeyInterner), site pairs by nested Maps of integers, series by a small-integer key, counters
 * are fields and typed arrays. Labels are built once per series. Metrics libraries are never called
 * here: exporters read through AggregationReader at export time.
 */
export class AggregationStore implements AggregationReader {
  readonly latencyBucketsSeconds: readonly number[];
  readonly #rateWindowSeconds: number;
  readonly #services = new Map<ServiceKey, ServiceEntry>();
  /** client site → server site (UNKNOWN_SITE when unknown) → pair id. */
  readonly #pairIds = new Map<SiteId, Map<SiteId, number>>();
  #pairCount = 0;
  readonly #unresolved = new Float64Array(UNRESOLVED_REASONS.length);
  #flows = 0;
  #correlated = 0;
  #conflicts = 0;
  #generation = 0;
  #removed: FlowSeriesLabels[] = [];

  constructor(options: AggregationStoreOptions = {}) {
    const bounds = options.latencyBucketsSeconds ?? DEFAULT_LATENCY_BUCKETS_SECONDS;
    if (bounds.some((bound, i) => !(bound > (bounds[i - 1] ?? 0)))) throw new RangeError('latency bucket bounds must be positive and ascending');
    this.latencyBucketsSeconds = Object.freeze([...bounds]);
    this.#rateWindowSeconds = options.rateWindowSeconds ?? DEFAULT_RATE_WINDOW_SECONDS;
    // Fail at construction, not on the first flow.
    new RateWindow(this.#rateWindowSeconds);
  }

  get generation(): number {
    return this.#generation;
  }

  // ── write side (flow path) ─────────────────────────────────────────────────────────────────────

  /** Counts one correlation at flow time `timeMs` (epoch ms). */
  record(correlation: Correlation, timeMs: number): void {
    if (correlation.outcome === 'correlated') this.recordCorrelated(correlation, timeMs);
    else this.recordUnresolved(correlation.reason, correlation.conflict);
  }

  recordCorrelated(flow: CorrelatedFlow, timeMs: number): void {
    this.#flows++;
    this.#correlated++;
    const service = this.#service(flow.service);
    service.flows++;
    service.rate.add(timeMs);
    if (timeMs > service.lastSeenMs) service.lastSeenMs = timeMs;
    if (flow.conflict) {
      this.#conflicts++;
      service.conflicts++;
    }
    const pair = this.#pairId(flow.clientSiteId, flow.serverSiteId ?? UNKNOWN_SITE);
    const color = flow.color === undefined ? (flow.colorSource === 'intra-site' ? COLOR_NONE : COLOR_UNKNOWN) : (colorSlots.get(flow.color) ?? COLOR_UNKNOWN);
    const key = (pair * COLOR_SLOTS + color) * VERDICT_SLOTS + (verdictSlots.get(flow.verdict) ?? 0);
    let series = service.series.get(key);
    if (series === undefined) {
      series = new SeriesEntry(service, flow);
      service.series.set(key, series);
      this.#generation++;
    }
    series.flows++;
    if (timeMs > series.lastSeenMs) series.lastSeenMs = timeMs;
    if (flow.verdict === 'DROPPED') {
      const reason = flow.dropReason === '' ? UNKNOWN_DROP_REASON : flow.dropReason;
      series.drops.set(reason, (series.drops.get(reason) ?? 0) + 1);
    }
    if (flow.l7LatencySeconds !== undefined) {
      series.latency ??= new LatencyHistogram(this.latencyBucketsSeconds);
      series.latency.observe(flow.l7LatencySeconds);
    }
  }

  recordUnresolved(reason: UnresolvedReason, conflict = false): void {
    this.#flows++;
    if (conflict) this.#conflicts++;
    const slot = reasonSlots.get(reason) ?? 0;
    this.#unresolved[slot] = (this.#unresolved[slot] ?? 0) + 1;
  }

  // ── series removal ─────────────────────────────────────────────────────────────────────────────

  /** Drops a Service's series (it is gone); their labels are reported by takeRemovedSeries. */
  removeService(key: ServiceKey): boolean {
    const service = this.#services.get(key);
    if (service === undefined) return false;
    for (const series of service.series.values()) this.#removed.push(series.labels);
    if (this.#removed.length > MAX_REMOVED_KEPT) this.#removed = this.#removed.slice(-MAX_REMOVED_KEPT);
    this.#services.delete(key);
    this.#generation++;
    return true;
  }

  /** Level-triggered cleanup: removes every Service `keep` rejects (e.g. no longer in the inventory); returns their keys. */
  retainServices(keep: (key: ServiceKey) => boolean): readonly ServiceKey[] {
    const gone = [...this.#services.keys()].filter((key) => !keep(key)).sort();
    for (const key of gone) this.removeService(key);
    return gone;
  }

  takeRemovedSeries(): readonly FlowSeriesLabels[] {
    const removed = this.#removed;
    this.#removed = [];
    return removed;
  }

  // ── read side (export time) ────────────────────────────────────────────────────────────────────

  forEachSeries(visit: (series: FlowSeriesView) => void): void {
    for (const service of this.#services.values()) {
      for (const series of service.series.values()) visit(series);
    }
  }

  snapshot(): AggregationSnapshot {
    const series: FlowSeriesSnapshot[] = [];
    this.forEachSeries((entry) => series.push(copySeries(entry)));
    series.sort((a, b) => compareLabels(a.labels, b.labels));
    return { generation: this.#generation, series, totals: this.totals(), unresolved: this.unresolvedCounts() };
  }

  totals(): FlowTotals {
    return { flows: this.#flows, correlated: this.#correlated, unresolved: this.#flows - this.#correlated, conflicts: this.#conflicts };
  }

  unresolvedCounts(): Readonly<Record<UnresolvedReason, number>> {
    const counts = {} as Record<UnresolvedReason, number>;
    UNRESOLVED_REASONS.forEach((reason, slot) => (counts[reason] = this.#unresolved[slot] ?? 0));
    return counts;
  }

  serviceKeys(): readonly ServiceKey[] {
    return [...this.#services.keys()].sort();
  }

  serviceSummary(key: ServiceKey, nowMs: number): ServiceFlowSummary | undefined {
    const service = this.#services.get(key);
    if (service === undefined) return undefined;
    return {
      service: key,
      namespace: service.namespace,
      name: service.name,
      flows: service.flows,
      conflicts: service.conflicts,
      flowsPerSecond: service.rate.perSecond(nowMs),
      lastSeenMs: service.lastSeenMs,
    };
  }

  flowsPerSecond(key: ServiceKey, nowMs: number): number {
    return this.#services.get(key)?.rate.perSecond(nowMs) ?? 0;
  }

  sitePairs(key: ServiceKey, sinceMs = -Infinity): readonly SitePair[] {
    const service = this.#services.get(key);
    if (service === undefined) return [];
    const seen = new Map<string, SitePair>();
    for (const series of service.series.values()) {
      const to = series.destinationSiteId;
      if (to === undefined || to === series.sourceSiteId || series.lastSeenMs < sinceMs) continue;
      seen.set(`${series.sourceSiteId}>${to}`, { from: series.sourceSiteId, to });
    }
    return [...seen.values()].sort(compareSitePairs);
  }

  // ── internals ──────────────────────────────────────────────────────────────────────────────────

  #service(key: ServiceKey): ServiceEntry {
    let service = this.#services.get(key);
    if (service === undefined) {
      service = new ServiceEntry(key, this.#rateWindowSeconds);
      this.#services.set(key, service);
    }
    return service;
  }

  #pairId(from: SiteId, to: SiteId): number {
    let byDestination = this.#pairIds.get(from);
    if (byDestination === undefined) {
      byDestination = new Map();
      this.#pairIds.set(from, byDestination);
    }
    let id = byDestination.get(to);
    if (id === undefined) {
      id = this.#pairCount++;
      byDestination.set(to, id);
    }
    return id;
  }
}

function copySeries(series: FlowSeriesView): FlowSeriesSnapshot {
  const { latency } = series;
  return {
    service: series.service,
    labels: series.labels,
    sourceSiteId: series.sourceSiteId,
    destinationSiteId: series.destinationSiteId,
    color: series.color,
    verdict: series.verdict,
    flows: series.flows,
    drops: Object.fromEntries([...series.drops].sort(([a], [b]) => compareText(a, b))),
    latency:
      latency === undefined
        ? undefined
        : { boundsSeconds: latency.boundsSeconds, bucketCounts: Array.from(latency.bucketCounts), count: latency.count, sumSeconds: latency.sumSeconds },
    lastSeenMs: series.lastSeenMs,
  };
}

function compareLabels(a: FlowSeriesLabels, b: FlowSeriesLabels): number {
  return (
    compareText(a.namespace, b.namespace) ||
    compareText(a.service, b.service) ||
    compareSite(a.src_site, b.src_site) ||
    compareSite(a.dst_site, b.dst_site) ||
    compareText(a.color, b.color) ||
    compareText(a.verdict, b.verdict)
  );
}

/** Site labels in numeric order, `unknown` last. */
function compareSite(a: string, b: string): number {
  return (a === 'unknown' ? Infinity : Number(a)) - (b === 'unknown' ? Infinity : Number(b)) || compareText(a, b);
}

function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
