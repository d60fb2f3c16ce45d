import type { AggregationReader } from '../correlate/aggregation-reader.ts';
import type { ServicePath } from '../correlate/service-path.ts';
import type { Assignment } from '../domain/assignment.ts';
import type { Color } from '../domain/color.ts';
import type { DecisionReason } from '../domain/decision.ts';
import type { FlowSource } from '../domain/flow-source.ts';
import { parseServiceKey } from '../domain/service.ts';
import type { ServiceKey, ServiceRef } from '../domain/service.ts';
import type { TunnelStatsSource } from '../domain/tunnel-stats-source.ts';
import type { ResolvedServiceIntent } from '../kube/service-intents.ts';
import type {
  HistogramSnapshot,
  RemapCount,
  ServiceFlowCount,
  ServicePathHealth,
  ServiceSloDeclaration,
  TelemetryView,
} from '../telemetry/telemetry-view.ts';
import { declaredSlo } from './service-status.ts';

/** The counters the adapters feed through their hooks (TelemetryState fits): vManage and policy. */
export type AdapterCounters = Pick<TelemetryView, 'policyPushes' | 'policyPushDurations' | 'vmanageRequests' | 'vmanagePollDurations'> &
  Partial<Pick<TelemetryView, 'kubeLists' | 'kubeWatchEnds' | 'kubeRequestErrors'>>;

export interface BridgeTelemetrySources {
  readonly tunnels: Pick<TunnelStatsSource, 'readings'>;
  readonly flows: Pick<FlowSource, 'health'>;
  readonly store: Pick<AggregationReader, 'forEachSeries' | 'totals'>;
  readonly counters: AdapterCounters | undefined;
  /** The last evaluation's paths. */
  readonly paths: () => Iterable<ServicePath>;
  readonly colorOf: (key: ServiceKey) => Color | undefined;
  /** The current intents of the known Services (undefined entries skipped). */
  readonly intents: () => Iterable<ResolvedServiceIntent | undefined>;
  readonly assignments: () => Iterable<Assignment>;
  readonly remaps: () => Iterable<{ readonly service: ServiceKey; readonly from: Color | undefined; readonly to: Color; readonly reason: DecisionReason; readonly count: number }>;
  /** Whether this instance leads now (the Leadership gate's isLeader). */
  readonly leader: () => boolean;
}

const EMPTY_HISTOGRAM: HistogramSnapshot = { boundaries: [], bucketCounts: [0], sum: 0, count: 0 };

/**
 * The TelemetryView over the bridge's live state, read at export time only: tunnels from the collector,
 * flow series from the aggregation store, Hubble's counters and connection from the flow source's own
 * health (so nothing is counted twice), paths and SLIs from the last evaluation, and the vManage and
 * policy counters from the adapters' hooks. Nothing here runs per flow.
 */
export function bridgeTelemetryView(sources: BridgeTelemetrySources): TelemetryView {
  return {
    tunnels: () => sources.tunnels.readings(),
    serviceFlows: () => serviceFlowCounts(sources.store),
    servicePaths: () => pathHealth(sources.paths()),
    serviceSlos: () => sloDeclarations(sources.intents()),
    assignments: () => sources.assignments(),
    remaps: () => [...sources.remaps()].map((remap): RemapCount => ({ service: refOf(remap.service), from: remap.from, to: remap.to, reason: remap.reason, count: remap.count })),
    policyPushes: () => sources.counters?.policyPushes() ?? [],
    policyPushDurations: () => sources.counters?.policyPushDurations() ?? EMPTY_HISTOGRAM,
    hubbleFlows: () => sources.store.totals().flows,
    hubbleLostEvents: () => Object.entries(sources.flows.health().lostEvents).map(([source, count]) => ({ source, count })),
    hubbleConnected: () => sources.flows.health().connected,
    hubbleReconnects: () => sources.flows.health().reconnects,
    hubbleDecodeErrors: () => sources.flows.health().decodeErrors,
    leader: () => sources.leader(),
    vmanageRequests: () => sources.counters?.vmanageRequests() ?? [],
    vmanagePollDurations: () => sources.counters?.vmanagePollDurations() ?? EMPTY_HISTOGRAM,
    kubeLists: () => sources.counters?.kubeLists?.() ?? [],
    kubeWatchEnds: () => sources.counters?.kubeWatchEnds?.() ?? [],
    kubeRequestErrors: () => sources.counters?.kubeRequestErrors?.() ?? [],
  };
}

function serviceFlowCounts(store: Pick<AggregationReader, 'forEachSeries'>): ServiceFlowCount[] {
  const counts: ServiceFlowCount[] = [];
  store.forEachSeries((series) => {
    counts.push({
      service: { namespace: series.labels.namespace, name: series.labels.service },
      srcSite: series.sourceSiteId,
      dstSite: series.destinationSiteId,
      color: series.color,
      verdict: series.verdict,
      count: series.flows,
    });
  });
  return counts;
}

function pathHealth(paths: Iterable<ServicePath>): ServicePathHealth[] {
  const health: ServicePathHealth[] = [];
  for (const path of paths) {
    // A Service without a color has no path to measure (no assignment and no known default).
    if (path.color === undefined) continue;
    health.push({
      service: refOf(path.service),
      color: path.color,
      latencySeconds: path.worst?.latencySeconds,
      jitterSeconds: path.worst?.jitterSeconds,
      lossRatio: path.worst?.lossRatio,
      compliant: path.compliant === undefined ? undefined : path.compliant === 1,
    });
  }
  return health;
}

function sloDeclarations(intents: Iterable<ResolvedServiceIntent | undefined>): ServiceSloDeclaration[] {
  const declarations: ServiceSloDeclaration[] = [];
  for (const resolved of intents) {
    const slo = resolved === undefined ? undefined : declaredSlo(resolved.intent);
    if (resolved !== undefined && slo !== undefined) declarations.push({ service: { namespace: resolved.service.namespace, name: resolved.service.name }, slo });
  }
  return declarations;
}

function refOf(key: ServiceKey): ServiceRef {
  return parseServiceKey(key) ?? { namespace: '', name: key };
}
