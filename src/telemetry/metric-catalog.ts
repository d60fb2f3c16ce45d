/*
 * The one table of metrics Isthmus exports. Both exporters (Prometheus, OpenTelemetry) and the tests take
 * names, units, help and label names from here, so the two never drift apart; dashboards and alerting
 * rules depend on the Prometheus names (DESIGN.md, "Metrics").
 *
 * The OpenTelemetry name is the dotted form plus a UCUM unit, chosen so that an OpenTelemetry Collector's
 * Prometheus translation (dots to underscores, `s` → `_seconds`, `1` on a gauge → `_ratio`, `_total` on a
 * monotonic sum) gives back exactly the Prometheus name: the same series whichever path the data takes
 * (checked by prometheusNameOf in the catalog test). Hence 0/1 gauges (`up`, `compliant`, `info`) have no
 * unit: `1` would make the translation append `_ratio`.
 */

export type MetricKind = 'gauge' | 'counter' | 'histogram';

/**
 * How the series beyond the cardinality limit fold into the one overflow series of a gauge: `sum` for
 * counts, `max` for "worse is higher" values (latency, loss), `min` for "worse is lower" ones (up,
 * compliant). Counters always sum (and stay monotonic, see series-limiter.ts).
 */
export type OverflowRule = 'sum' | 'max' | 'min';

export interface MetricSpec {
  readonly id: string;
  readonly prometheusName: string;
  readonly otelName: string;
  readonly kind: MetricKind;
  /** UCUM, as OpenTelemetry wants it: `s`, `1`, `{flow}`, or empty for 0/1 states. */
  readonly unit: string;
  readonly help: string;
  /** Label (attribute) names, the same in both exporters, in the order series give their values. */
  readonly labels: readonly string[];
  readonly overflow: OverflowRule;
}

const TUNNEL_LABELS = ['local_site', 'local_system_ip', 'local_color', 'remote_site', 'remote_system_ip', 'remote_color'] as const;
const SERVICE_LABELS = ['namespace', 'service'] as const;
const PATH_LABELS = ['namespace', 'service', 'color'] as const;

function spec<const Id extends string>(value: MetricSpec & { readonly id: Id }): MetricSpec & { readonly id: Id } {
  return value;
}

export const METRIC_CATALOG = [
  spec({
    id: 'tunnelLatency',
    prometheusName: 'isthmus_tunnel_latency_seconds',
    otelName: 'isthmus.tunnel.latency',
    kind: 'gauge',
    unit: 's',
    help: 'Latency of an SD-WAN tunnel as vManage last reported it.',
    labels: TUNNEL_LABELS,
    overflow: 'max',
  }),
  spec({
    id: 'tunnelJitter',
    prometheusName: 'isthmus_tunnel_jitter_seconds',
    otelName: 'isthmus.tunnel.jitter',
    kind: 'gauge',
    unit: 's',
    help: 'Jitter of an SD-WAN tunnel as vManage last reported it.',
    labels: TUNNEL_LABELS,
    overflow: 'max',
  }),
  spec({
    id: 'tunnelLoss',
    prometheusName: 'isthmus_tunnel_loss_ratio',
    otelName: 'isthmus.tunnel.loss',
    kind: 'gauge',
    unit: '1',
    help: 'Packet loss of an SD-WAN tunnel (0-1) as vManage last reported it.',
    labels: TUNNEL_LABELS,
    overflow: 'max',
  }),
  spec({
    id: 'tunnelUp',
    prometheusName: 'isthmus_tunnel_up',
    otelName: 'isthmus.tunnel.up',
    kind: 'gauge',
    unit: '',
    help: '1 while the SD-WAN tunnel (its BFD session) is up, else 0.',
    labels: TUNNEL_LABELS,
    overflow: 'min',
  }),
  spec({
    id: 'serviceFlows',
    prometheusName: 'isthmus_service_flows_total',
    otelName: 'isthmus.service.flows',
    kind: 'counter',
    unit: '{flow}',
    help: 'Flows of a Kubernetes Service by source and destination site, tunnel color and Hubble verdict.',
    labels: ['namespace', 'service', 'src_site', 'dst_site', 'color', 'verdict'],
    overflow: 'sum',
  }),
  spec({
    id: 'servicePathLatency',
    prometheusName: 'isthmus_service_path_latency_seconds',
    otelName: 'isthmus.service.path.latency',
    kind: 'gauge',
    unit: 's',
    help: 'Worst latency over the site pairs a Service’s traffic crosses on its assigned color.',
    labels: PATH_LABELS,
    overflow: 'max',
  }),
  spec({
    id: 'servicePathJitter',
    prometheusName: 'isthmus_service_path_jitter_seconds',
    otelName: 'isthmus.service.path.jitter',
    kind: 'gauge',
    unit: 's',
    help: 'Worst jitter over the site pairs a Service’s traffic crosses on its assigned color.',
    labels: PATH_LABELS,
    overflow: 'max',
  }),
  spec({
    id: 'servicePathLoss',
    prometheusName: 'isthmus_service_path_loss_ratio',
    otelName: 'isthmus.service.path.loss',
    kind: 'gauge',
    unit: '1',
    help: 'Worst packet loss (0-1) over the site pairs a Service’s traffic crosses on its assigned color.',
    labels: PATH_LABELS,
    overflow: 'max',
  }),
  spec({
    id: 'sloMaxLatency',
    prometheusName: 'isthmus_slo_max_latency_seconds',
    otelName: 'isthmus.slo.max_latency',
    kind: 'gauge',
    unit: 's',
    help: 'Maximum tunnel latency a Service’s SLO allows (isthmus.io/max-latency).',
    labels: SERVICE_LABELS,
    overflow: 'max',
  }),
  spec({
    id: 'sloMaxJitter',
    prometheusName: 'isthmus_slo_max_jitter_seconds',
    otelName: 'isthmus.slo.max_jitter',
    kind: 'gauge',
    unit: 's',
    help: 'Maximum tunnel jitter a Service’s SLO allows (isthmus.io/max-jitter).',
    labels: SERVICE_LABELS,
    overflow: 'max',
  }),
  spec({
    id: 'sloMaxLoss',
    prometheusName: 'isthmus_slo_max_loss_ratio',
    otelName: 'isthmus.slo.max_loss',
    kind: 'gauge',
    unit: '1',
    help: 'Maximum packet loss (0-1) a Service’s SLO allows (isthmus.io/max-loss).',
    labels: SERVICE_LABELS,
    overflow: 'max',
  }),
  spec({
    id: 'sloObjective',
    prometheusName: 'isthmus_slo_objective_ratio',
    otelName: 'isthmus.slo.objective',
    kind: 'gauge',
    unit: '1',
    help: 'Share of time (0-1) a Service’s SLO must hold (isthmus.io/objective).',
    labels: SERVICE_LABELS,
    overflow: 'max',
  }),
  spec({
    id: 'sloCompliant',
    prometheusName: 'isthmus_slo_compliant',
    otelName: 'isthmus.slo.compliant',
    kind: 'gauge',
    unit: '',
    help: '1 while the Service’s path meets its SLO, else 0: the time-slice SLI.',
    labels: SERVICE_LABELS,
    overflow: 'min',
  }),
  spec({
    id: 'serviceAssignment',
    prometheusName: 'isthmus_service_assignment_info',
    otelName: 'isthmus.service.assignment.info',
    kind: 'gauge',
    unit: '',
    help: 'Always 1: the tunnel color a Service is on, and how it got there (auto, pinned or fallback).',
    labels: ['namespace', 'service', 'color', 'mode'],
    overflow: 'sum',
  }),
  spec({
    id: 'remaps',
    prometheusName: 'isthmus_remaps_total',
    otelName: 'isthmus.remaps',
    kind: 'counter',
    unit: '{remap}',
    help: 'Moves of a Service from one tunnel color to another, by reason.',
    labels: ['namespace', 'service', 'from', 'to', 'reason'],
    overflow: 'sum',
  }),
  spec({
    id: 'policyPushes',
    prometheusName: 'isthmus_policy_pushes_total',
    otelName: 'isthmus.policy.pushes',
    kind: 'counter',
    unit: '{push}',
    help: 'SD-WAN policy pushes to vManage, by result.',
    labels: ['result'],
    overflow: 'sum',
  }),
  spec({
    id: 'policyPushDuration',
    prometheusName: 'isthmus_policy_push_duration_seconds',
    otelName: 'isthmus.policy.push.duration',
    kind: 'histogram',
    unit: 's',
    help: 'Time an SD-WAN policy push took, from render to activation.',
    labels: [],
    overflow: 'sum',
  }),
  spec({
    id: 'hubbleFlows',
    prometheusName: 'isthmus_hubble_flows_total',
    otelName: 'isthmus.hubble.flows',
    kind: 'counter',
    unit: '{flow}',
    help: 'Flows received from Hubble.',
    labels: [],
    overflow: 'sum',
  }),
  spec({
    id: 'hubbleLostEvents',
    prometheusName: 'isthmus_hubble_lost_events_total',
    otelName: 'isthmus.hubble.lost_events',
    kind: 'counter',
    unit: '{event}',
    help: 'Events Hubble reported as lost before the bridge saw them, by where they were lost.',
    labels: ['source'],
    overflow: 'sum',
  }),
  spec({
    id: 'hubbleConnected',
    prometheusName: 'isthmus_hubble_connected',
    otelName: 'isthmus.hubble.connected',
    kind: 'gauge',
    unit: '',
    help: '1 while the flow stream from Hubble is connected, else 0.',
    labels: [],
    overflow: 'min',
  }),
  spec({
    id: 'hubbleReconnects',
    prometheusName: 'isthmus_hubble_reconnects_total',
    otelName: 'isthmus.hubble.reconnects',
    kind: 'counter',
    unit: '{reconnect}',
    help: 'Times the flow stream from Hubble was opened again after it broke or the server ended it.',
    labels: [],
    overflow: 'sum',
  }),
  spec({
    id: 'hubbleDecodeErrors',
    prometheusName: 'isthmus_hubble_decode_errors_total',
    otelName: 'isthmus.hubble.decode_errors',
    kind: 'counter',
    unit: '{message}',
    help: 'Messages from Hubble that did not decode; each is skipped and the stream goes on.',
    labels: [],
    overflow: 'sum',
  }),
  spec({
    id: 'leader',
    prometheusName: 'isthmus_leader',
    otelName: 'isthmus.leader',
    kind: 'gauge',
    unit: '',
    help: '1 while this instance holds the leader Lease (decides and pushes policy), else 0.',
    labels: [],
    overflow: 'max',
  }),
  spec({
    id: 'vmanageRequests',
    prometheusName: 'isthmus_vmanage_requests_total',
    otelName: 'isthmus.vmanage.requests',
    kind: 'counter',
    unit: '{request}',
    help: 'HTTP requests to vManage, by normalised endpoint and status code.',
    labels: ['endpoint', 'code'],
    overflow: 'sum',
  }),
  spec({
    id: 'vmanagePollDuration',
    prometheusName: 'isthmus_vmanage_poll_duration_seconds',
    otelName: 'isthmus.vmanage.poll.duration',
    kind: 'histogram',
    unit: 's',
    help: 'Time one poll of vManage tunnel statistics took.',
    labels: [],
    overflow: 'sum',
  }),
  spec({
    id: 'kubeLists',
    prometheusName: 'isthmus_kube_lists_total',
    otelName: 'isthmus.kube.lists',
    kind: 'counter',
    unit: '{list}',
    help: 'Full lists of a Kubernetes resource by the informers, by reason: initial, expired (the watch history was gone: 410 Gone) or resync.',
    labels: ['resource', 'reason'],
    overflow: 'sum',
  }),
  spec({
    id: 'kubeWatchEnds',
    prometheusName: 'isthmus_kube_watch_ends_total',
    otelName: 'isthmus.kube.watch_ends',
    kind: 'counter',
    unit: '{watch}',
    help: 'Watches of a Kubernetes resource that ended without an error, by reason: closed by the server, timeout, or expired (410 Gone); each is opened again.',
    labels: ['resource', 'reason'],
    overflow: 'sum',
  }),
  spec({
    id: 'kubeRequestErrors',
    prometheusName: 'isthmus_kube_request_errors_total',
    otelName: 'isthmus.kube.request_errors',
    kind: 'counter',
    unit: '{error}',
    help: 'Failed list or watch requests of the informers to the Kubernetes API, by resource and operation; each is retried with backoff.',
    labels: ['resource', 'operation'],
    overflow: 'sum',
  }),
  spec({
    id: 'seriesDropped',
    prometheusName: 'isthmus_telemetry_series_dropped_total',
    otelName: 'isthmus.telemetry.series_dropped',
    kind: 'counter',
    unit: '{series}',
    help: 'Series folded into the overflow series of a metric because it reached its series limit.',
    labels: ['metric'],
    overflow: 'sum',
  }),
  spec({
    id: 'exportErrors',
    prometheusName: 'isthmus_telemetry_export_errors_total',
    otelName: 'isthmus.telemetry.export_errors',
    kind: 'counter',
    unit: '{error}',
    help: 'Failed attempts to export metrics, by exporter (otlp, influx); what failed is sent again with the next attempt where the exporter keeps it.',
    labels: ['exporter'],
    overflow: 'sum',
  }),
] as const;

export type CatalogMetric = (typeof METRIC_CATALOG)[number];
export type MetricId = CatalogMetric['id'];

/** The label value every label of an overflow series carries. */
export const OVERFLOW_LABEL_VALUE = '__overflow__';

const byId = new Map<string, MetricSpec>(METRIC_CATALOG.map((entry) => [entry.id, entry]));

export function metricSpec(id: MetricId): MetricSpec {
  const found = byId.get(id);
  if (found === undefined) throw new RangeError(`no metric ${id} in the catalog`);
  return found;
}

const UNIT_SUFFIXES: Readonly<Record<string, string>> = { s: 'seconds' };

/**
 * The Prometheus name an OpenTelemetry Collector (prometheus exporter, `add_metric_suffixes`) gives an
 * OpenTelemetry metric: dots to underscores, the unit as a suffix (`s` → `_seconds`; `1` → `_ratio` on
 * gauges; curly-brace annotations dropped), `_total` on counters.
 */
export function prometheusNameOf(otelName: string, unit: string, kind: MetricKind): string {
  let name = otelName.replaceAll('.', '_');
  const suffix = unit === '1' ? (kind === 'gauge' ? 'ratio' : undefined) : UNIT_SUFFIXES[unit];
  if (suffix !== undefined && !name.endsWith(`_${suffix}`)) name = `${name}_${suffix}`;
  if (kind === 'counter') name = `${name}_total`;
  return name;
}
