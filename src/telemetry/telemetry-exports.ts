import type { TelemetryConfig } from '../config/config-schema.ts';
import { resolveSecret } from '../config/resolve-secret.ts';
import type { ReadTextFile } from '../config/resolve-secret.ts';
import type { Clock } from '../domain/clock.ts';
import { TelemetryHttpServer } from './http-server.ts';
import type { ReadinessCheck } from './http-server.ts';
import { createInfluxClient } from './influx-client.ts';
import { InfluxSink } from './influx-sink.ts';
import type { TickSchedule } from './influx-sink.ts';
import { OtlpMetrics } from './otlp-metrics.ts';
import type { OtlpMetricsOptions } from './otlp-metrics.ts';
import type { ListenAddress } from './parse-listen-address.ts';
import { createPrometheusRegistry } from './prometheus-registry.ts';
import { DEFAULT_SERIES_LIMIT, SeriesSource } from './series-source.ts';
import type { TelemetryView } from './telemetry-view.ts';

/** The subset of a pino logger the exporters write to. */
export interface TelemetryLog {
  warn(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
}

export interface TelemetryExportsOptions {
  readonly config: TelemetryConfig;
  /** `cluster.name`: the `k8s.cluster.name` resource attribute. */
  readonly clusterName: string;
  readonly serviceVersion: string;
  readonly view: TelemetryView;
  readonly clock: Clock;
  /** Where secret references resolve (process.env and the file system in production). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly readFile: ReadTextFile;
  readonly logger: TelemetryLog;
  /** Series per metric, overflow included. Default 10,000. */
  readonly seriesLimit?: number;
  /** Makes the InfluxDB tick schedule from the configured interval (an interval timer in production). */
  readonly influxSchedule: (intervalMs: number) => TickSchedule;
  /** Readiness checks to serve on /readyz. */
  readonly readinessChecks?: Readonly<Record<string, ReadinessCheck>>;
}

async function resolveHeaders(config: NonNullable<TelemetryConfig['otlp']>, options: TelemetryExportsOptions): Promise<Record<string, string>> {
  const headers: Record<string, string> = {};
  for (const [name, ref] of Object.entries(config.headers)) headers[name] = await resolveSecret(ref, options.env, options.readFile);
  return headers;
}

async function readCaFile(file: string, options: TelemetryExportsOptions): Promise<Buffer> {
  try {
    return Buffer.from(await options.readFile(file));
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : String(error);
    throw new Error(`cannot read telemetry.otlp.caFile ${file} (${code})`, { cause: error });
  }
}

async function optionalSecret(ref: Parameters<typeof resolveSecret>[0] | undefined, options: TelemetryExportsOptions): Promise<string | undefined> {
  return ref === undefined ? undefined : resolveSecret(ref, options.env, options.readFile);
}

/**
 * Everything the bridge exports, built from the `telemetry` configuration section around one view:
 * the HTTP endpoint (always), OTLP (when `otlp` is set) and the InfluxDB sink (when `influx` is set), all
 * reading one SeriesSource so that the exports agree. Secrets are resolved here, once, at start.
 */
export class TelemetryExports {
  readonly server: TelemetryHttpServer;
  readonly influx: InfluxSink | undefined;
  readonly #listen: string;
  /** OTLP starts exporting as soon as its MeterProvider exists, so it is made in start(). */
  readonly #otlpOptions: OtlpMetricsOptions | undefined;
  #otlp: OtlpMetrics | undefined;

  private constructor(server: TelemetryHttpServer, otlpOptions: OtlpMetricsOptions | undefined, influx: InfluxSink | undefined, listen: string) {
    this.server = server;
    this.#otlpOptions = otlpOptions;
    this.influx = influx;
    this.#listen = listen;
  }

  /** The OTLP exporter once started (undefined without `telemetry.otlp`). */
  get otlp(): OtlpMetrics | undefined {
    return this.#otlp;
  }

  /** Builds the exporters (resolving secrets; fails with ISTHMUS_E_CONFIG_SECRET when one is missing). */
  static async create(options: TelemetryExportsOptions): Promise<TelemetryExports> {
    const { config, logger } = options;
    const seriesLimit = options.seriesLimit ?? DEFAULT_SERIES_LIMIT;
    const source = new SeriesSource(options.view, { seriesLimit });
    // Their error counts are on /metrics from the start, at 0: a rate() needs the series before the first error.
    if (config.otlp !== undefined) source.registerExporter('otlp');
    if (config.influx !== undefined) source.registerExporter('influx');
    const server = new TelemetryHttpServer({
      registries: { text: createPrometheusRegistry(source, 'text'), openmetrics: createPrometheusRegistry(source, 'openmetrics') },
      logger,
    });
    for (const [name, check] of Object.entries(options.readinessChecks ?? {})) server.addReadinessCheck(name, check);

    let otlp: OtlpMetricsOptions | undefined;
    if (config.otlp !== undefined) {
      const otlpConfig = config.otlp;
      otlp = {
        source,
        seriesLimit,
        endpoint: otlpConfig.endpoint,
        protocol: otlpConfig.protocol,
        intervalMs: otlpConfig.interval,
        headers: await resolveHeaders(otlpConfig, options),
        ...(otlpConfig.caFile === undefined ? {} : { ca: await readCaFile(otlpConfig.caFile, options) }),
        clusterName: options.clusterName,
        serviceVersion: options.serviceVersion,
        onExport: (outcome) => {
          if (outcome.ok) return;
          source.countExportError('otlp');
          logger.warn({ err: outcome.error, endpoint: otlpConfig.endpoint }, 'OTLP metrics export failed');
        },
      };
    }

    let influx: InfluxSink | undefined;
    if (config.influx !== undefined) {
      const influxConfig = config.influx;
      const client = createInfluxClient({
        url: influxConfig.url,
        database: influxConfig.database,
        username: influxConfig.username,
        password: await optionalSecret(influxConfig.password, options),
        token: await optionalSecret(influxConfig.token, options),
      });
      influx = new InfluxSink({
        client,
        database: influxConfig.database,
        view: options.view,
        clock: options.clock,
        schedule: options.influxSchedule(influxConfig.interval),
        logger,
        onError: () => {
          source.countExportError('influx');
        },
      });
    }
    return new TelemetryExports(server, otlp, influx, config.listen);
  }

  /** Starts serving and exporting; resolves with the address the HTTP server listens on. */
  async start(): Promise<ListenAddress> {
    const address = await this.server.listen(this.#listen);
    if (this.#otlpOptions !== undefined) this.#otlp ??= new OtlpMetrics(this.#otlpOptions);
    this.influx?.start();
    return address;
  }

  /** Stops serving, then exports and writes what is pending (each failure logged by its exporter). */
  async stop(): Promise<void> {
    await this.server.close();
    await Promise.allSettled([this.#otlp?.shutdown(), this.influx?.stop()]);
  }
}
