import { ATTR_K8S_CLUSTER_NAME, ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import type { Resource } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { createOtlpExporter } from './otlp-exporter.ts';
import type { OtlpExporterOptions } from './otlp-exporter.ts';
import { DEFAULT_SERIES_LIMIT } from './series-source.ts';
import type { SeriesSource } from './series-source.ts';
import { ViewMetricProducer } from './view-metric-producer.ts';

export const SERVICE_NAME = 'isthmus';
/** The instrumentation scope of every Isthmus metric. */
export const METER_NAME = 'isthmus';

export interface ExportOutcome {
  readonly ok: boolean;
  readonly error?: Error | undefined;
}

export interface OtlpMetricsOptions extends OtlpExporterOptions {
  readonly source: SeriesSource;
  /** Export interval, ms. */
  readonly intervalMs: number;
  readonly clusterName: string;
  readonly serviceVersion: string;
  /** The series limit the source applies; instruments created on meterProvider get the same one. */
  readonly seriesLimit?: number;
  /** After every export attempt: failures are reported here (for logs), never thrown. */
  readonly onExport?: (outcome: ExportOutcome) => void;
  /** Replaces the OTLP exporter built from endpoint/protocol (tests). */
  readonly exporter?: PushMetricExporter;
}

/** `service.name`, `service.version` and `k8s.cluster.name` over the SDK's defaults (`telemetry.sdk.*`). */
export function isthmusResource(clusterName: string, serviceVersion: string): Resource {
  return defaultResource().merge(
    resourceFromAttributes({ [ATTR_SERVICE_NAME]: SERVICE_NAME, [ATTR_SERVICE_VERSION]: serviceVersion, [ATTR_K8S_CLUSTER_NAME]: clusterName }),
  );
}

function reportingExporter(inner: PushMetricExporter, onExport: (outcome: ExportOutcome) => void): PushMetricExporter {
  return {
    export(metrics, resultCallback) {
      inner.export(metrics, (result) => {
        // ExportResultCode.SUCCESS is 0; @opentelemetry/core, which names it, is not a direct dependency.
        const ok = result.error === undefined && (result.code as number) === 0;
        try {
          onExport({ ok, error: result.error });
        } finally {
          resultCallback(result);
        }
      });
    },
    forceFlush: () => inner.forceFlush(),
    shutdown: () => inner.shutdown(),
    selectAggregationTemporality: inner.selectAggregationTemporality?.bind(inner),
    selectAggregation: inner.selectAggregation?.bind(inner),
  };
}

/**
 * OpenTelemetry metrics over OTLP: a MeterProvider of its own (never registered as the global one, so
 * nothing else in the process, and no test, is affected) with the Isthmus resource, a periodic reader
 * that pushes to the collector, and a producer that reads the series source at each collection (see
 * ViewMetricProducer for why not observable instruments). NodeSDK is not used: it installs global
 * providers, reads OTEL_* environment variables for exporters and resources, and brings tracing and
 * instrumentation the bridge does not want.
 */
export class OtlpMetrics {
  readonly meterProvider: MeterProvider;
  readonly #reader: PeriodicExportingMetricReader;

  constructor(options: OtlpMetricsOptions) {
    // Its own failures are among the series it exports (counted by whoever handles onExport).
    options.source.registerExporter('otlp');
    const base = options.exporter ?? createOtlpExporter(options);
    const exporter = options.onExport === undefined ? base : reportingExporter(base, options.onExport);
    const scope = { name: METER_NAME, version: options.serviceVersion };
    const limit = options.seriesLimit ?? DEFAULT_SERIES_LIMIT;
    this.#reader = new PeriodicExportingMetricReader({
      exporter,
      exportIntervalMillis: options.intervalMs,
      // An export must end before the next one starts.
      exportTimeoutMillis: Math.min(options.timeoutMs ?? 10_000, options.intervalMs),
      metricProducers: [new ViewMetricProducer(options.source, scope)],
      // Only for instruments others may add on meterProvider: the catalog's series are limited by the source.
      cardinalityLimits: { default: limit },
    });
    // The reader collects through a MeterProvider (which gives it the resource); the catalog's metrics
    // come from the producer, and other components may still create instruments on it.
    this.meterProvider = new MeterProvider({ resource: isthmusResource(options.clusterName, options.serviceVersion), readers: [this.#reader] });
  }

  /** Collects and exports now (tests, and before shutting down). */
  async forceFlush(): Promise<void> {
    await this.meterProvider.forceFlush();
  }

  /** Exports what is left and stops the periodic export. */
  async shutdown(): Promise<void> {
    await this.meterProvider.shutdown();
  }
}
