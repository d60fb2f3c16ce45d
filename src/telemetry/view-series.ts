import type { SiteId } from '../domain/site.ts';
import type { TunnelReading } from '../domain/tunnel-stats-source.ts';
import type { MetricId } from './metric-catalog.ts';
import type { ServicePathHealth, TelemetryView } from './telemetry-view.ts';

/** One series: label values in the catalog's label order, and its value. */
export interface Sample {
  readonly labels: readonly string[];
  readonly value: number;
}

export type HistogramMetricId = 'policyPushDuration' | 'vmanagePollDuration';
/**
 * Metrics read from the view as plain numbers (the dropped-series counter comes from the limiter, the
 * export errors from the exporters).
 */
export type ScalarMetricId = Exclude<MetricId, HistogramMetricId | 'seriesDropped' | 'exportErrors'>;

/** A value the bridge does not have is an empty label, which Prometheus reads as an absent one. */
function siteLabel(site: SiteId | undefined): string {
  return site === undefined ? '' : String(site);
}

function tunnelLabels(reading: TunnelReading): readonly string[] {
  const { tunnel } = reading;
  return [
    siteLabel(tunnel.localSiteId),
    tunnel.key.local.systemIp,
    tunnel.key.local.color,
    siteLabel(tunnel.remoteSiteId),
    tunnel.key.remote.systemIp,
    tunnel.key.remote.color,
  ];
}

function flag(value: boolean): number {
  return value ? 1 : 0;
}

type TunnelValue = 'latencySeconds' | 'jitterSeconds' | 'lossRatio';

/**
 * Stale readings are exported too: the source keeps stale data and shows it rather than guessing, and
 * readiness (`vmanage fresh`) and the poll metrics say how old it is. A tunnel known only from BFD has
 * no measurement, so no latency series.
 */
function* tunnelValues(view: TelemetryView, field: TunnelValue): Iterable<Sample> {
  for (const reading of view.tunnels()) {
    if (reading.latest !== undefined) yield { labels: tunnelLabels(reading), value: reading.latest[field] };
  }
}

function* tunnelUp(view: TelemetryView): Iterable<Sample> {
  for (const reading of view.tunnels()) {
    if (reading.state !== undefined) yield { labels: tunnelLabels(reading), value: flag(reading.state === 'up') };
  }
}

function* pathValues(view: TelemetryView, field: TunnelValue): Iterable<Sample> {
  for (const path of view.servicePaths()) {
    const value: ServicePathHealth[TunnelValue] = path[field];
    if (value !== undefined) yield { labels: [path.service.namespace, path.service.name, path.color], value };
  }
}

function* sloCompliant(view: TelemetryView): Iterable<Sample> {
  for (const path of view.servicePaths()) {
    if (path.compliant !== undefined) yield { labels: [path.service.namespace, path.service.name], value: flag(path.compliant) };
  }
}

type BoundField = 'maxLatencySeconds' | 'maxJitterSeconds' | 'maxLossRatio';

function* sloBounds(view: TelemetryView, field: BoundField): Iterable<Sample> {
  for (const { service, slo } of view.serviceSlos()) {
    const value = slo.bounds[field];
    if (value !== undefined) yield { labels: [service.namespace, service.name], value };
  }
}

function* sloObjective(view: TelemetryView): Iterable<Sample> {
  for (const { service, slo } of view.serviceSlos()) yield { labels: [service.namespace, service.name], value: slo.objective };
}

function* serviceFlows(view: TelemetryView): Iterable<Sample> {
  for (const flow of view.serviceFlows()) {
    yield {
      labels: [flow.service.namespace, flow.service.name, siteLabel(flow.srcSite), siteLabel(flow.dstSite), flow.color ?? '', flow.verdict],
      value: flow.count,
    };
  }
}

function* assignments(view: TelemetryView): Iterable<Sample> {
  for (const assignment of view.assignments()) {
    yield { labels: [assignment.service.namespace, assignment.service.name, assignment.color, assignment.mode], value: 1 };
  }
}

function* remaps(view: TelemetryView): Iterable<Sample> {
  for (const remap of view.remaps()) {
    yield { labels: [remap.service.namespace, remap.service.name, remap.from ?? '', remap.to, remap.reason], value: remap.count };
  }
}

function* policyPushes(view: TelemetryView): Iterable<Sample> {
  for (const push of view.policyPushes()) yield { labels: [push.result], value: push.count };
}

function* lostEvents(view: TelemetryView): Iterable<Sample> {
  for (const lost of view.hubbleLostEvents()) yield { labels: [lost.source], value: lost.count };
}

function* kubeLists(view: TelemetryView): Iterable<Sample> {
  for (const lists of view.kubeLists()) yield { labels: [lists.resource, lists.reason], value: lists.count };
}

function* kubeWatchEnds(view: TelemetryView): Iterable<Sample> {
  for (const ends of view.kubeWatchEnds()) yield { labels: [ends.resource, ends.reason], value: ends.count };
}

function* kubeRequestErrors(view: TelemetryView): Iterable<Sample> {
  for (const errors of view.kubeRequestErrors()) yield { labels: [errors.resource, errors.operation], value: errors.count };
}

function* vmanageRequests(view: TelemetryView): Iterable<Sample> {
  for (const request of view.vmanageRequests()) yield { labels: [request.endpoint, request.code], value: request.count };
}

/** The series of one scalar catalog metric, read from the view now. */
export function viewSeries(view: TelemetryView, id: ScalarMetricId): Iterable<Sample> {
  switch (id) {
    case 'tunnelLatency':
      return tunnelValues(view, 'latencySeconds');
    case 'tunnelJitter':
      return tunnelValues(view, 'jitterSeconds');
    case 'tunnelLoss':
      return tunnelValues(view, 'lossRatio');
    case 'tunnelUp':
      return tunnelUp(view);
    case 'serviceFlows':
      return serviceFlows(view);
    case 'servicePathLatency':
      return pathValues(view, 'latencySeconds');
    case 'servicePathJitter':
      return pathValues(view, 'jitterSeconds');
    case 'servicePathLoss':
      return pathValues(view, 'lossRatio');
    case 'sloMaxLatency':
      return sloBounds(view, 'maxLatencySeconds');
    case 'sloMaxJitter':
      return sloBounds(view, 'maxJitterSeconds');
    case 'sloMaxLoss':
      return sloBounds(view, 'maxLossRatio');
    case 'sloObjective':
      return sloObjective(view);
    case 'sloCompliant':
      return sloCompliant(view);
    case 'serviceAssignment':
      return assignments(view);
    case 'remaps':
      return remaps(view);
    case 'policyPushes':
      return policyPushes(view);
    case 'hubbleFlows':
      return [{ labels: [], value: view.hubbleFlows() }];
    case 'hubbleLostEvents':
      return lostEvents(view);
    case 'hubbleConnected':
      return [{ labels: [], value: flag(view.hubbleConnected()) }];
    case 'hubbleReconnects':
      return [{ labels: [], value: view.hubbleReconnects() }];
    case 'hubbleDecodeErrors':
      return [{ labels: [], value: view.hubbleDecodeErrors() }];
    case 'leader':
      return [{ labels: [], value: flag(view.leader()) }];
    case 'vmanageRequests':
      return vmanageRequests(view);
    case 'kubeLists':
      return kubeLists(view);
    case 'kubeWatchEnds':
      return kubeWatchEnds(view);
    case 'kubeRequestErrors':
      return kubeRequestErrors(view);
  }
}
