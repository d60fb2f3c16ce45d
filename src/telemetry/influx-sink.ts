import type { IPoint } from 'influx';
import type { Clock } from '../domain/clock.ts';
import { BoundedQueue } from './bounded-queue.ts';
import type { InfluxClient } from './influx-client.ts';
import { servicePathPoint, tunnelPoint } from './influx-points.ts';
import type { TelemetryView } from './telemetry-view.ts';

/** A running schedule (the same shape as the vManage poller's); `stop` ends it. */
export interface TickTrigger {
  stop(): void;
}
/** Calls `tick` on some cadence (an interval on an injected timer in production, by hand in tests). */
export type TickSchedule = (tick: () => void) => TickTrigger;

export interface RetentionPolicySpec {
  readonly name: string;
  /** InfluxQL duration: `30d`, `168h`, `INF`. */
  readonly duration: string;
  readonly replication?: number;
}

export const DEFAULT_RETENTION_POLICY: RetentionPolicySpec = { name: 'isthmus', duration: '30d', replication: 1 };

/** The subset of a pino logger the sink writes to. */
export interface InfluxSinkLog {
  warn(obj: object, msg?: string): void;
}

export interface InfluxSinkOptions {
  readonly client: InfluxClient;
  readonly database: string;
  /** Created when missing and written to. Default `isthmus`, 30 days. */
  readonly retentionPolicy?: RetentionPolicySpec;
  readonly view: Pick<TelemetryView, 'tunnels' | 'servicePaths'>;
  readonly clock: Clock;
  /** Drives start(); without it, the owner calls tick() itself. */
  readonly schedule?: TickSchedule;
  /** Points held while InfluxDB cannot take them; beyond it the oldest are dropped. Default 100,000. */
  readonly maxBufferedPoints?: number;
  /** Points per write request. Default 5,000 (InfluxDB's advice: 5,000–10,000 per batch). */
  readonly batchSize?: number;
  readonly logger?: InfluxSinkLog;
  /** Called for every failed attempt and every rejected batch (`isthmus_telemetry_export_errors_total`). */
  readonly onError?: () => void;
}

export interface InfluxSinkStats {
  /** Points waiting to be written. */
  readonly buffered: number;
  /** Points dropped because the buffer was full (InfluxDB unreachable for too long). */
  readonly dropped: number;
  readonly written: number;
  /** Points InfluxDB refused as malformed (HTTP 400): never retried. */
  readonly rejected: number;
  /** Write (or database set-up) attempts that failed and will be retried. */
  readonly failedAttempts: number;
  readonly lastError: string | undefined;
}

function statusOf(error: unknown): number | undefined {
  // node-influx's RequestError (not exported) carries the response; status ≥ 500 comes as ServiceNotAvailableError.
  if (typeof error !== 'object' || error === null || !('res' in error)) return undefined;
  const { res } = error;
  return typeof res === 'object' && res !== null && 'statusCode' in res && typeof res.statusCode === 'number' ? res.statusCode : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Writes tunnel samples and Service path health to InfluxDB 1.x (node-influx), in batches, on a tick.
 *
 * Ingest never waits for InfluxDB: a tick (or add()) only reads the view and queues points, O(1) per
 * point, into a bounded buffer; writing happens asynchronously, one flush at a time. While InfluxDB is
 * unreachable the buffer keeps the newest points, drops (and counts) the oldest, and a later tick writes
 * what it holds. The database and retention policy are created when missing, before the first write and
 * again when InfluxDB says the database is gone.
 */
export class InfluxSink {
  readonly #client: InfluxClient;
  readonly #database: string;
  readonly #retention: RetentionPolicySpec;
  readonly #view: Pick<TelemetryView, 'tunnels' | 'servicePaths'>;
  readonly #clock: Clock;
  readonly #schedule: TickSchedule | undefined;
  readonly #batchSize: number;
  readonly #logger: InfluxSinkLog | undefined;
  readonly #onError: (() => void) | undefined;
  readonly #buffer: BoundedQueue<IPoint>;
  /** The sample time last queued per tunnel: a sample is written once, however many ticks see it. */
  #lastSampleTime = new Map<string, number>();
  #trigger: TickTrigger | undefined;
  #flushing: Promise<void> | undefined;
  /** Points taken from the buffer for the write in flight: still waiting, as far as stats go. */
  #inFlight = 0;
  #databaseReady = false;
  #written = 0;
  #rejected = 0;
  #failedAttempts = 0;
  #lastError: string | undefined;

  constructor(options: InfluxSinkOptions) {
    this.#client = options.client;
    this.#database = options.database;
    this.#retention = options.retentionPolicy ?? DEFAULT_RETENTION_POLICY;
    this.#view = options.view;
    this.#clock = options.clock;
    this.#schedule = options.schedule;
    this.#batchSize = options.batchSize ?? 5_000;
    this.#logger = options.logger;
    this.#onError = options.onError;
    this.#buffer = new BoundedQueue(options.maxBufferedPoints ?? 100_000);
    if (!Number.isInteger(this.#batchSize) || this.#batchSize < 1) throw new RangeError(`batch size must be a positive integer, not ${this.#batchSize}`);
  }

  /** Ticks on the schedule: each tick samples the view and starts a flush. */
  start(): void {
    if (this.#trigger !== undefined) return;
    if (this.#schedule === undefined) throw new TypeError('InfluxSink.start() needs a schedule');
    this.#trigger = this.#schedule(() => {
      void this.tick();
    });
  }

  /** Stops ticking, waits for a flush in progress, and tries once more to write what is buffered. */
  async stop(): Promise<void> {
    this.#trigger?.stop();
    this.#trigger = undefined;
    await this.flush();
  }

  /** Samples the view now and flushes; resolves when this flush is done. Never throws: it runs on a timer. */
  tick(): Promise<void> {
    try {
      this.sample();
    } catch (error) {
      this.#logger?.warn({ err: error }, 'reading the telemetry view for InfluxDB failed');
    }
    return this.flush();
  }

  /** Queues the view's new tunnel samples and every Service's path health; returns how many points. */
  sample(): number {
    let added = 0;
    const seen = new Map<string, number>();
    for (const reading of this.#view.tunnels()) {
      const time = reading.latest?.time;
      if (time === undefined) continue;
      seen.set(reading.tunnel.name, time);
      if (this.#lastSampleTime.get(reading.tunnel.name) === time) continue;
      const point = tunnelPoint(reading);
      if (point === undefined) continue;
      this.add(point);
      added += 1;
    }
    // Forget tunnels the view no longer lists, so the map stays as large as the fabric.
    this.#lastSampleTime = seen;
    const now = this.#clock.now();
    for (const path of this.#view.servicePaths()) {
      const point = servicePathPoint(path, now);
      if (point === undefined) continue;
      this.add(point);
      added += 1;
    }
    return added;
  }

  /** Queues one point: O(1), never blocks, drops the oldest point when the buffer is full. */
  add(point: IPoint): void {
    this.#buffer.push(point);
  }

  /** Writes everything buffered, batch by batch, stopping at the first failure. One flush at a time. */
  flush(): Promise<void> {
    this.#flushing ??= this.#drain().finally(() => {
      this.#flushing = undefined;
    });
    return this.#flushing;
  }

  stats(): InfluxSinkStats {
    return {
      buffered: this.#buffer.size + this.#inFlight,
      dropped: this.#buffer.dropped,
      written: this.#written,
      rejected: this.#rejected,
      failedAttempts: this.#failedAttempts,
      lastError: this.#lastError,
    };
  }

  async #drain(): Promise<void> {
    if (this.#buffer.size === 0) return;
    if (!this.#databaseReady && !(await this.#attempt(() => this.#ensureDatabase()))) return;
    this.#databaseReady = true;
    while (this.#buffer.size > 0) {
      const batch = this.#buffer.take(this.#batchSize);
      this.#inFlight = batch.length;
      const status = await this.#write(batch);
      this.#inFlight = 0;
      if (status === 'written') this.#written += batch.length;
      else if (status === 'rejected') this.#rejected += batch.length;
      else {
        this.#buffer.restore(batch);
        return;
      }
    }
  }

  async #write(batch: IPoint[]): Promise<'written' | 'rejected' | 'retry'> {
    try {
      await this.#client.writePoints(batch, { database: this.#database, retentionPolicy: this.#retention.name, precision: 'ms' });
      this.#lastError = undefined;
      return 'written';
    } catch (error) {
      const status = statusOf(error);
      this.#lastError = messageOf(error);
      this.#onError?.();
      if (status === 400) {
        // Malformed points (a field type conflict from another writer): writing them again cannot succeed.
        this.#logger?.warn({ err: error, points: batch.length }, 'InfluxDB rejected a batch of points; dropped');
        return 'rejected';
      }
      // 404: the database was dropped behind our back; set it up again before the next write.
      if (status === 404) this.#databaseReady = false;
      this.#failedAttempts += 1;
      this.#logger?.warn({ err: error, buffered: this.#buffer.size + batch.length }, 'InfluxDB write failed; points kept for the next attempt');
      return 'retry';
    }
  }

  async #attempt(action: () => Promise<void>): Promise<boolean> {
    try {
      await action();
      return true;
    } catch (error) {
      this.#failedAttempts += 1;
      this.#lastError = messageOf(error);
      this.#onError?.();
      this.#logger?.warn({ err: error }, 'InfluxDB database set-up failed; will retry');
      return false;
    }
  }

  /** CREATE DATABASE is idempotent in 1.x; the retention policy is created only when missing. */
  async #ensureDatabase(): Promise<void> {
    const names = await this.#client.getDatabaseNames();
    if (!names.includes(this.#database)) await this.#client.createDatabase(this.#database);
    const policies = await this.#client.showRetentionPolicies(this.#database);
    if (policies.some((policy) => policy.name === this.#retention.name)) return;
    await this.#client.createRetentionPolicy(this.#retention.name, {
      database: this.#database,
      duration: this.#retention.duration,
      replication: this.#retention.replication ?? 1,
      isDefault: false,
    });
  }
}
