import { METRIC_CATALOG, metricSpec } from './metric-catalog.ts';
import type { MetricSpec } from './metric-catalog.ts';
import { SeriesLimiter } from './series-limiter.ts';
import type { HistogramSnapshot, TelemetryView } from './telemetry-view.ts';
import { viewSeries } from './view-series.ts';
import type { HistogramMetricId, Sample, ScalarMetricId } from './view-series.ts';

export const DEFAULT_SERIES_LIMIT = 10_000;

export interface SeriesSourceOptions {
  /** Most series per metric, the overflow series included. Default 10,000. */
  readonly seriesLimit?: number;
}

export type ScalarMetricSpec = MetricSpec & { readonly id: ScalarMetricId };
export type HistogramMetricSpec = MetricSpec & { readonly id: HistogramMetricId };

function isScalar(spec: MetricSpec): spec is ScalarMetricSpec {
  return spec.kind !== 'histogram' && spec.id !== 'seriesDropped' && spec.id !== 'exportErrors';
}

function isHistogram(spec: MetricSpec): spec is HistogramMetricSpec {
  return spec.kind === 'histogram';
}

/**
 * A count that is negative or not a number breaks the view's counting rules; prom-client would throw on
 * it and fail the whole scrape, so the series is left out instead.
 */
function* validCounts(series: Iterable<Sample>): Iterable<Sample> {
  for (const sample of series) if (Number.isFinite(sample.value) && sample.value >= 0) yield sample;
}

/** Widened: past 25 ids, TypeScript no longer relates the narrowed specs to the catalog's literal union. */
const CATALOG: readonly MetricSpec[] = METRIC_CATALOG;
/** The catalog's metrics that are read from the view as numbers, in catalog order. */
export const SCALAR_METRICS: readonly ScalarMetricSpec[] = CATALOG.filter(isScalar);
/** The catalog's histograms. */
export const HISTOGRAM_METRICS: readonly HistogramMetricSpec[] = CATALOG.filter(isHistogram);
export const SERIES_DROPPED_METRIC: MetricSpec = metricSpec('seriesDropped');
export const EXPORT_ERRORS_METRIC: MetricSpec = metricSpec('exportErrors');

/**
 * The read side both exporters share: the view's series per catalog metric, with the cardinality limit
 * applied. One instance may serve the Prometheus endpoint and the OTLP exporter at once: the limiter's
 * state (which series are folded, the overflow counters) is the same whoever reads, so both see the
 * same series.
 */
export class SeriesSource {
  readonly #view: TelemetryView;
  readonly #limiters = new Map<ScalarMetricId, SeriesLimiter>();
  readonly #exportErrors = new Map<string, number>();

  constructor(view: TelemetryView, options: SeriesSourceOptions = {}) {
    this.#view = view;
    const limit = options.seriesLimit ?? DEFAULT_SERIES_LIMIT;
    for (const spec of SCALAR_METRICS) {
      if (spec.kind === 'histogram') continue; // narrows the kind; scalar metrics are never histograms
      this.#limiters.set(spec.id, new SeriesLimiter({ limit, labelCount: spec.labels.length, kind: spec.kind, overflow: spec.overflow }));
    }
  }

  scalar(id: ScalarMetricId): Sample[] {
    const limiter = this.#limiters.get(id);
    const series = viewSeries(this.#view, id);
    const valid = metricSpec(id).kind === 'counter' ? validCounts(series) : series;
    return limiter === undefined ? Array.from(valid) : limiter.apply(valid);
  }

  /** The two histograms carry no labels, hence exactly one series each and no limit to apply. */
  histogram(id: HistogramMetricId): HistogramSnapshot {
    return id === 'policyPushDuration' ? this.#view.policyPushDurations() : this.#view.vmanagePollDurations();
  }

  /** An exporter reading this source (`otlp`, `influx`): its export-error series exists from now on, at 0. */
  registerExporter(exporter: string): void {
    if (!this.#exportErrors.has(exporter)) this.#exportErrors.set(exporter, 0);
  }

  /** Counts one failed export attempt of `exporter` (`isthmus_telemetry_export_errors_total`). */
  countExportError(exporter: string): void {
    this.#exportErrors.set(exporter, (this.#exportErrors.get(exporter) ?? 0) + 1);
  }

  /** `isthmus_telemetry_export_errors_total{exporter}`, one series per registered exporter. */
  exportErrors(): Sample[] {
    return [...this.#exportErrors].map(([exporter, count]) => ({ labels: [exporter], value: count }));
  }

  /** `isthmus_telemetry_series_dropped_total{metric}`, one series per labelled metric (zeros included). */
  droppedSeries(): Sample[] {
    return SCALAR_METRICS.filter((spec) => spec.labels.length > 0).map((spec) => ({
      labels: [spec.prometheusName],
      value: this.#limiters.get(spec.id)?.dropped ?? 0,
    }));
  }
}
