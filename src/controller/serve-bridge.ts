import { readFile } from 'node:fs/promises';
import type { TelemetryConfig } from '../config/config-schema.ts';
import type { ListenAddress } from '../telemetry/parse-listen-address.ts';
import { TelemetryExports } from '../telemetry/telemetry-exports.ts';
import type { TelemetryLog } from '../telemetry/telemetry-exports.ts';
import type { TunnelReading } from '../domain/tunnel-stats-source.ts';
import { intervalSchedule } from '../vmanage/interval-schedule.ts';
import { mountApiV1 } from './api-v1.ts';
import type { Bridge } from './bridge.ts';
import { systemClock } from './system-time.ts';

export interface ServeBridgeOptions {
  readonly config: TelemetryConfig;
  readonly clusterName: string;
  readonly serviceVersion: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly logger: TelemetryLog;
  /** The order of /api/v1/tunnels (worst first in the commands). Default: the source's. */
  readonly tunnelOrder?: (readings: readonly TunnelReading[]) => readonly TunnelReading[];
}

export interface ServedBridge {
  readonly exports: TelemetryExports;
  readonly address: ListenAddress;
  /** `http://host:port`, IPv6 hosts bracketed. */
  readonly url: string;
  /** Stops serving, then a last OTLP export and InfluxDB write of the current values. */
  stop(): Promise<void>;
}

/**
 * The bridge's telemetry: /metrics, /healthz, /readyz (the bridge's readiness conditions), the JSON
 * API under /api/v1, and OTLP and InfluxDB when configured, all reading the bridge's one view.
 * Exporters run on real time: a scrape or an export interval is about the wall clock in any mode.
 */
export async function serveBridge(bridge: Bridge, options: ServeBridgeOptions): Promise<ServedBridge> {
  const exports = await TelemetryExports.create({
    config: options.config,
    clusterName: options.clusterName,
    serviceVersion: options.serviceVersion,
    view: bridge.telemetry,
    clock: systemClock,
    env: options.env,
    readFile: (path) => readFile(path, 'utf8'),
    logger: options.logger,
    influxSchedule: (intervalMs) => intervalSchedule(intervalMs),
    readinessChecks: bridge.readiness(),
  });
  mountApiV1(exports.server, bridge, options.tunnelOrder);
  const address = await exports.start();
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  return {
    exports,
    address,
    url: `http://${host}:${address.port}`,
    stop: async () => {
      // A last sample, so the final write carries the values since the last tick, not only those buffered.
      try {
        exports.influx?.sample();
      } catch (error) {
        options.logger.warn({ err: error }, 'reading the telemetry view for the last InfluxDB write failed');
      }
      await exports.stop();
    },
  };
}
