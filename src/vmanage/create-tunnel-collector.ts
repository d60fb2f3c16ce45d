import { readFile } from 'node:fs/promises';
import type { VmanageConfig } from '../config/config-schema.ts';
import { resolveSecret } from '../config/resolve-secret.ts';
import type { ReadTextFile } from '../config/resolve-secret.ts';
import type { Clock } from '../domain/clock.ts';
import { cronSchedule } from './cron-schedule.ts';
import type { CronTaskFactory } from './cron-schedule.ts';
import { intervalSchedule } from './interval-schedule.ts';
import type { RepeatTimer } from './interval-schedule.ts';
import type { LogPort } from './log-port.ts';
import type { Sleep } from '../domain/clock.ts';
import { systemClock } from '../controller/system-time.ts';
import { TunnelTelemetryCollector } from './tunnel-telemetry-collector.ts';
import type { PollEvent, TunnelTelemetryCollectorOptions } from './tunnel-telemetry-collector.ts';
import { VMANAGE_ERROR_CODES, VmanageError } from './vmanage-error.ts';
import { VmanageSession } from './vmanage-session.ts';
import type { VmanageRequestEvent } from './vmanage-session.ts';
import { VmanageTelemetryClient } from './vmanage-telemetry-client.ts';

/** Collector settings the configuration file does not carry (lookback, history, eviction bounds). */
export type CollectorTuning = Omit<TunnelTelemetryCollectorOptions, 'telemetry' | 'clock' | 'statsSource' | 'schedule' | 'logger' | 'onPoll'>;

export interface CreateTunnelCollectorOptions {
  /** The validated `vmanage` section. */
  readonly config: VmanageConfig;
  /** Where `{env: NAME}` secret references are read. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Where `{file: PATH}` secret references are read. Default: the file system. */
  readonly readFile?: ReadTextFile;
  readonly clock?: Clock;
  readonly sleep?: Sleep;
  readonly logger?: LogPort;
  /** Per HTTP exchange, for `isthmus_vmanage_requests_total`. */
  readonly onRequest?: (event: VmanageRequestEvent) => void;
  /** Per poll, for `isthmus_vmanage_poll_duration_seconds`. */
  readonly onPoll?: (event: PollEvent) => void;
  readonly tuning?: CollectorTuning;
  /** Rows per page of paged endpoints. Default: the client's (2000). */
  readonly pageSize?: number;
  /** Interval schedules run on this timer. Default: setInterval. */
  readonly repeatTimer?: RepeatTimer;
  /** Cron schedules create their task with this. Default: node-cron. */
  readonly cronTaskFactory?: CronTaskFactory;
}

/** A collector with the session and client it owns. */
export interface VmanageTunnelCollector {
  readonly session: VmanageSession;
  readonly client: VmanageTelemetryClient;
  readonly collector: TunnelTelemetryCollector;
  /** Stops polling, aborts a poll in flight, logs out and releases connections. */
  close(): Promise<void>;
}

/**
 * Builds session, telemetry client and collector from the `vmanage` configuration section: resolves the
 * password reference, maps timeouts and client-side rate limits, and picks the schedule — the cron
 * expression when `pollSchedule` is set, else `pollInterval`. Does not log in or start polling.
 */
export async function createTunnelCollector(options: CreateTunnelCollectorOptions): Promise<VmanageTunnelCollector> {
  const config = options.config;
  if (!config.enabled) throw new VmanageError(VMANAGE_ERROR_CODES.config, 'vManage is disabled (vmanage.enabled is false)');
  const { url, username, password } = config;
  if (url === undefined || username === undefined || password === undefined) {
    throw new VmanageError(VMANAGE_ERROR_CODES.config, 'vmanage.url, vmanage.username and vmanage.password are required');
  }
  const secret = await resolveSecret(password, options.env, options.readFile ?? ((path) => readFile(path, 'utf8')));
  const clock = options.clock ?? systemClock;
  // Before the session, which holds a connection pool: a bad schedule must not leak one.
  const schedule =
    config.pollSchedule === undefined
      ? intervalSchedule(config.pollInterval, options.repeatTimer)
      : cronSchedule(config.pollSchedule, {
          ...(options.logger === undefined ? {} : { logger: options.logger }),
          ...(options.cronTaskFactory === undefined ? {} : { createTask: options.cronTaskFactory }),
        });
  const session = new VmanageSession({
    baseUrl: url,
    username,
    password: secret,
    auth: config.auth,
    ...(config.caFile === undefined ? {} : { caFile: config.caFile }),
    insecure: config.insecure,
    timeoutMs: config.requestTimeout,
    requestsPerSecond: config.rateLimit.requestsPerSecond,
    bulkPerMinute: config.rateLimit.bulkRequestsPerMinute,
    bulkMaxConcurrent: config.rateLimit.bulkConcurrency,
    clock,
    ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.onRequest === undefined ? {} : { onRequest: options.onRequest }),
  });
  const client = new VmanageTelemetryClient(session, options.pageSize === undefined ? {} : { pageSize: options.pageSize });
  const collector = new TunnelTelemetryCollector({
    ...options.tuning,
    telemetry: client,
    clock,
    statsSource: config.statsSource,
    schedule,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.onPoll === undefined ? {} : { onPoll: options.onPoll }),
  });
  return {
    session,
    client,
    collector,
    close: async () => {
      // Closing the session aborts the poll's requests, so the poll ends now instead of at its timeout.
      const stopped = collector.stop();
      await session.close();
      await stopped;
    },
  };
}
