import { ValueType } from '@opentelemetry/api';
import type { Attributes, HrTime } from '@opentelemetry/api';
import { emptyResource } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType } from '@opentelemetry/sdk-metrics';
import type { CollectionResult, MetricData, MetricProducer, ScopeMetrics } from '@opentelemetry/sdk-metrics';
import type { MetricSpec } from './metric-catalog.ts';
import { EXPORT_ERRORS_METRIC, HISTOGRAM_METRICS, SCALAR_METRICS, SERIES_DROPPED_METRIC } from './series-source.ts';
import type { HistogramMetricSpec, SeriesSource } from './series-source.ts';
import type { Sample } from './view-series.ts';

type InstrumentationScope = ScopeMetrics['scope'];

function hrTime(epochMs: number): HrTime {
  const seconds = Math.floor(epochMs / 1000);
  return [seconds, Math.round((epochMs - seconds * 1000) * 1e6)];
}

function attributesOf(names: readonly string[], values: readonly string[]): Attributes {
  const attributes: Attributes = {};
  names.forEach((name, index) => {
    attributes[name] = values[index] ?? '';
  });
  return attributes;
}

/**
 * The catalog's metrics as OpenTelemetry metric data, read from the series source at each collection.
 *
 * Why a MetricProducer and not observable instruments: the JS SDK (sdk-metrics 3.1, cumulative
 * temporality) keeps exporting every attribute set an observable callback ever reported, with its last
 * value, after the callback stops reporting it (open-telemetry/opentelemetry-js#4096, against the spec's
 * "SHOULD NOT"). A deleted Service or a vanished tunnel would then live on in OTLP with a frozen value,
 * and the series would only ever grow. A producer hands the SDK exactly the series of the view now, as
 * /metrics does; the OpenTelemetry API has no asynchronous histogram anyway, so the durations need one.
 *
 * Counters are cumulative monotonic sums of whole numbers (OTLP asInt), starting when the producer was
 * made (the view counts from process start); gauges are doubles; histograms are cumulative.
 */
export class ViewMetricProducer implements MetricProducer {
  readonly #source: SeriesSource;
  readonly #scope: InstrumentationScope;
  readonly #now: () => number;
  readonly #startTime: HrTime;

  constructor(source: SeriesSource, scope: InstrumentationScope, now: () => number = Date.now) {
    this.#source = source;
    this.#scope = scope;
    this.#now = now;
    this.#startTime = hrTime(now());
  }

  collect(): Promise<CollectionResult> {
    const endTime = hrTime(this.#now());
    const metrics: MetricData[] = [];
    for (const spec of SCALAR_METRICS) this.#addScalar(metrics, spec, this.#source.scalar(spec.id), endTime);
    for (const spec of HISTOGRAM_METRICS) metrics.push(this.#histogram(spec, endTime));
    this.#addScalar(metrics, SERIES_DROPPED_METRIC, this.#source.droppedSeries(), endTime);
    this.#addScalar(metrics, EXPORT_ERRORS_METRIC, this.#source.exportErrors(), endTime);
    // The reader keeps its own resource (the MeterProvider's) and ignores a producer's.
    return Promise.resolve({ resourceMetrics: { resource: emptyResource(), scopeMetrics: [{ scope: this.#scope, metrics }] }, errors: [] });
  }

  /** A metric without series now is left out, as the SDK leaves out an instrument without measurements. */
  #addScalar(metrics: MetricData[], spec: MetricSpec, samples: readonly Sample[], endTime: HrTime): void {
    if (samples.length === 0) return;
    const counter = spec.kind === 'counter';
    const descriptor = { name: spec.otelName, description: spec.help, unit: spec.unit, valueType: counter ? ValueType.INT : ValueType.DOUBLE };
    const dataPoints = samples.map((sample) => ({
      startTime: this.#startTime,
      endTime,
      attributes: attributesOf(spec.labels, sample.labels),
      value: sample.value,
    }));
    if (counter) {
      metrics.push({ descriptor, aggregationTemporality: AggregationTemporality.CUMULATIVE, dataPointType: DataPointType.SUM, isMonotonic: true, dataPoints });
    } else {
      // A gauge point is a moment: it starts where it ends.
      const points = dataPoints.map((point) => ({ ...point, startTime: endTime }));
      metrics.push({ descriptor, aggregationTemporality: AggregationTemporality.CUMULATIVE, dataPointType: DataPointType.GAUGE, dataPoints: points });
    }
  }

  #histogram(spec: HistogramMetricSpec, endTime: HrTime): MetricData {
    const snapshot = this.#source.histogram(spec.id);
    return {
      descriptor: { name: spec.otelName, description: spec.help, unit: spec.unit, valueType: ValueType.DOUBLE },
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.HISTOGRAM,
      dataPoints: [
        {
          startTime: this.#startTime,
          endTime,
          attributes: {},
          value: { buckets: { boundaries: [...snapshot.boundaries], counts: [...snapshot.bucketCounts] }, sum: snapshot.sum, count: snapshot.count },
        },
      ],
    };
  }
}
