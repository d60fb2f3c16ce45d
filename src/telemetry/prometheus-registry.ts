import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { LabelValues, OpenMetricsContentType } from 'prom-client';
import type { MetricSpec } from './metric-catalog.ts';
import { EXPORT_ERRORS_METRIC, HISTOGRAM_METRICS, SCALAR_METRICS, SERIES_DROPPED_METRIC } from './series-source.ts';
import type { HistogramMetricSpec, SeriesSource } from './series-source.ts';
import type { HistogramSnapshot } from './telemetry-view.ts';
import type { Sample } from './view-series.ts';

export type ExpositionFormat = 'text' | 'openmetrics';
export type PrometheusRegistry = Registry | Registry<OpenMetricsContentType>;

export interface PrometheusRegistryOptions {
  /** Add prom-client's process and Node.js runtime metrics (`process_*`, `nodejs_*`). Default true. */
  readonly processMetrics?: boolean;
}

function labelObject(names: readonly string[], values: readonly string[]): LabelValues<string> {
  const labels: LabelValues<string> = {};
  names.forEach((name, index) => {
    labels[name] = values[index] ?? '';
  });
  return labels;
}

function addScalar(registry: PrometheusRegistry, spec: MetricSpec, read: () => readonly Sample[]): void {
  const common = { name: spec.prometheusName, help: spec.help, labelNames: spec.labels, registers: [registry] };
  if (spec.kind === 'counter') {
    new Counter({
      ...common,
      // Runs at scrape time: the series come from the view, so the counter holds nothing between scrapes.
      collect() {
        this.reset();
        for (const sample of read()) this.inc(labelObject(spec.labels, sample.labels), sample.value);
      },
    });
    return;
  }
  new Gauge({
    ...common,
    collect() {
      this.reset();
      for (const sample of read()) this.set(labelObject(spec.labels, sample.labels), sample.value);
    },
  });
}

interface HistogramValue {
  readonly metricName: string;
  readonly labels: LabelValues<string>;
  readonly value: number;
}

/** Prometheus' cumulative `le` buckets from a per-bucket snapshot, then `_sum` and `_count`. */
export function histogramValues(name: string, snapshot: HistogramSnapshot): HistogramValue[] {
  const values: HistogramValue[] = [];
  let cumulative = 0;
  snapshot.boundaries.forEach((boundary, index) => {
    cumulative += snapshot.bucketCounts[index] ?? 0;
    values.push({ metricName: `${name}_bucket`, labels: { le: boundary }, value: cumulative });
  });
  values.push({ metricName: `${name}_bucket`, labels: { le: '+Inf' }, value: snapshot.count });
  values.push({ metricName: `${name}_sum`, labels: {}, value: snapshot.sum });
  values.push({ metricName: `${name}_count`, labels: {}, value: snapshot.count });
  return values;
}

/**
 * prom-client's Histogram can only be fed observation by observation; this one renders a snapshot read at
 * scrape time instead, so durations are recorded once in the view and exported by both exporters.
 * prom-client's Registry renders a metric from getForPromString() when it has one (Histogram's own get()
 * goes through it too); that method is not in prom-client's typings, hence a new method, not an override.
 */
class SnapshotHistogram extends Histogram {
  readonly #read: () => HistogramSnapshot;
  readonly #spec: HistogramMetricSpec;

  constructor(registry: PrometheusRegistry, spec: HistogramMetricSpec, read: () => HistogramSnapshot) {
    super({ name: spec.prometheusName, help: spec.help, labelNames: [], buckets: [...read().boundaries], registers: [registry] });
    this.#read = read;
    this.#spec = spec;
  }

  getForPromString(): Promise<{ name: string; help: string; type: 'histogram'; aggregator: 'sum'; values: HistogramValue[] }> {
    const { prometheusName, help } = this.#spec;
    return Promise.resolve({ name: prometheusName, help, type: 'histogram', aggregator: 'sum', values: histogramValues(prometheusName, this.#read()) });
  }
}

/**
 * prom-client's `nodejs_active_{handles,requests,resources}_total` are gauges with a counter's suffix,
 * which `promtool check metrics` rejects; the same numbers are exported by type without the suffix
 * (`nodejs_active_handles{type=…}`), so the misnamed totals are dropped.
 */
const MISNAMED_DEFAULT_METRICS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

function addProcessMetrics(registry: PrometheusRegistry, collect: () => void): void {
  collect();
  for (const name of MISNAMED_DEFAULT_METRICS) registry.removeSingleMetric(name);
}

function addCatalog(registry: PrometheusRegistry, source: SeriesSource): void {
  for (const spec of SCALAR_METRICS) addScalar(registry, spec, () => source.scalar(spec.id));
  for (const spec of HISTOGRAM_METRICS) new SnapshotHistogram(registry, spec, () => source.histogram(spec.id));
  addScalar(registry, SERIES_DROPPED_METRIC, () => source.droppedSeries());
  addScalar(registry, EXPORT_ERRORS_METRIC, () => source.exportErrors());
}

/**
 * A registry whose metrics read the series source at scrape time (collect callbacks), one per exposition
 * format: prom-client keeps the format on the registry, and renaming counters for OpenMetrics mutates the
 * registered metric, so the two formats cannot share metric objects.
 */
export function createPrometheusRegistry(source: SeriesSource, format: ExpositionFormat, options: PrometheusRegistryOptions = {}): PrometheusRegistry {
  const processMetrics = options.processMetrics ?? true;
  // Two branches because prom-client types a registry by its format, and collectDefaultMetrics needs one.
  if (format === 'openmetrics') {
    const registry = new Registry<OpenMetricsContentType>();
    registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    addCatalog(registry, source);
    if (processMetrics) addProcessMetrics(registry, () => {
    collectDefaultMetrics({ register: registry });
  });
    return registry;
  }
  const registry = new Registry();
  addCatalog(registry, source);
  if (processMetrics) addProcessMetrics(registry, () => {
    collectDefaultMetrics({ register: registry });
  });
  return registry;
}
