import type { Clock } from '../domain/clock.ts';
import { isIsthmusError } from '../domain/isthmus-error.ts';
import type { TunnelKey } from '../domain/tunnel.ts';
import type { TunnelSample } from '../domain/tunnel-sample.ts';
import type { WindowMeasure, WindowOptions } from '../domain/window-statistic.ts';
import type {
  TunnelReading,
  TunnelsChanged,
  TunnelsChangedListener,
  TunnelSourceError,
  TunnelSourceHealth,
  TunnelStatsSource,
} from '../domain/tunnel-stats-source.ts';
import { DeviceInventory, isReachableEdge } from './device-inventory.ts';
import { fetchRealtimeSamples } from './fetch-realtime-samples.ts';
import { silentLog } from './log-port.ts';
import type { LogPort } from './log-port.ts';
import type { VmanageDevice } from './parse-devices.ts';
import type { ParseResult } from './parse-result.ts';
import type { PollSchedule, PollTrigger } from './poll-schedule.ts';
import { statsWindow } from './stats-window.ts';
import type { StatsWindow } from './stats-window.ts';
import type { TunnelObservation, TunnelStateObservation } from './tunnel-observation.ts';
import { TunnelStore } from './tunnel-store.ts';
import type { IngestCounts, TunnelRecord } from './tunnel-store.ts';

export type StatsSourceKind = 'bulk' | 'realtime';

/** The reads the collector makes; VmanageTelemetryClient is the real one. */
export interface TunnelTelemetryReader {
  devices(): Promise<ParseResult<VmanageDevice>>;
  appRouteStatistics(fromMs: number, toMs: number): Promise<ParseResult<TunnelObservation>>;
  bfdSessions(): Promise<ParseResult<TunnelStateObservation>>;
  realtimeAppRoute(deviceId: string, nowMs?: number): Promise<ParseResult<TunnelObservation>>;
}

/** One poll, for logs and for `isthmus_vmanage_poll_duration_seconds`. */
export interface PollEvent {
  /** `skipped`: a tick came while the previous poll was still running. */
  readonly outcome: 'ok' | 'failed' | 'skipped';
  readonly source: StatsSourceKind;
  /** Epoch ms. */
  readonly startedAt: number;
  readonly durationSeconds: number;
  /** The statistics window asked for (bulk only). */
  readonly window: StatsWindow | undefined;
  readonly inventoryRefreshed: boolean;
  /** Statistics rows understood, samples new to the store, rows already held, rows unreadable. */
  readonly rows: number;
  readonly newSamples: number;
  readonly duplicates: number;
  readonly skippedRows: number;
  readonly bfdSessions: number;
  /** Real-time mode: edges vManage could not query this time. */
  readonly failedDevices: readonly string[];
  readonly tunnels: number;
  readonly evicted: number;
  /** Stable code of the failure; undefined unless the outcome is `failed`. */
  readonly errorCode: string | undefined;
  /** The failure itself (a VmanageError as a rule); undefined unless failed. */
  readonly error: unknown;
}

/** Running totals since the collector was made. */
export interface PollCounters {
  readonly polls: number;
  readonly failures: number;
  /** Ticks skipped because a poll was still running. */
  readonly skippedOverlaps: number;
  readonly samples: number;
  readonly duplicates: number;
  readonly evicted: number;
}

/** What the history holds: tunnels, samples, bytes of sample arrays, the fullest tunnel's count. */
export interface CollectorMemory {
  readonly tunnels: number;
  readonly samples: number;
  readonly bytes: number;
  readonly maxPerTunnel: number;
}

/** What ingesting rows did. */
export interface IngestResult extends IngestCounts {
  /** Tunnels evicted because no successful poll had seen them for the eviction bound. */
  readonly removed: readonly TunnelKey[];
}

export interface TunnelTelemetryCollectorOptions {
  readonly telemetry: TunnelTelemetryReader;
  readonly clock: Clock;
  /** `bulk` (default): bulk app-route statistics; `realtime`: every reachable edge's live buckets. */
  readonly statsSource?: StatsSourceKind;
  /** Used by `start()`; without it, polls happen only through `poll()`. */
  readonly schedule?: PollSchedule;
  /** First bulk window. Default 30 min. */
  readonly initialLookbackMs?: number;
  /** Each bulk window reaches this far into the previous one. Default 5 min. */
  readonly overlapMs?: number;
  /** Longest bulk window after an outage; older rows are reported as a gap. Default 1 h. */
  readonly maxLookbackMs?: number;
  /** Device inventory refresh. Default 10 min. */
  readonly inventoryIntervalMs?: number;
  /** Samples kept per tunnel. Default 120. */
  readonly historyMaxSamples?: number;
  /** Age of the oldest sample kept. Default 1 h. */
  readonly historyMaxAgeMs?: number;
  /** A tunnel no successful poll has seen for this long is forgotten. Default 1 h. */
  readonly evictAfterMs?: number;
  /**
   * A latest sample older than this is stale. Default 30 min: three of vManage's default 10-minute
   * app-route intervals, so one late upload does not flag a healthy tunnel.
   */
  readonly staleAfterMs?: number;
  /** Real-time queries in flight at once. Default 4. */
  readonly realtimeConcurrency?: number;
  readonly logger?: LogPort;
  /** Called after every poll and skipped tick. Exceptions it throws are ignored. */
  readonly onPoll?: (event: PollEvent) => void;
}

interface Fetched {
  readonly inventory: readonly VmanageDevice[] | undefined;
  readonly bfd: ParseResult<TunnelStateObservation>;
  readonly stats: ParseResult<TunnelObservation>;
  readonly window: StatsWindow | undefined;
  readonly failedDevices: readonly string[];
}

const MINUTE = 60_000;

/**
 * Polls vManage for tunnel health and serves it through the TunnelStatsSource port.
 *
 * A poll reads the device inventory (when its own, longer interval is due), the BFD sessions, and the
 * statistics — bulk rows over the window since the last poll, or each edge's real-time buckets — and
 * applies them together only when all of them arrived: a failed poll changes no reading, marks the
 * data stale with the error's code and time, and the next successful one clears it and resumes the
 * window where the last success ended, so an outage leaves no hole unless it outlasts the lookback
 * bound (then the lost span is counted as a gap). Polls never overlap: a tick during a poll is
 * skipped and counted.
 */
export class TunnelTelemetryCollector implements TunnelStatsSource {
  readonly #telemetry: TunnelTelemetryReader;
  readonly #clock: Clock;
  readonly #source: StatsSourceKind;
  readonly #schedule: PollSchedule | undefined;
  readonly #windowOptions: { readonly initialLookbackMs: number; readonly overlapMs: number; readonly maxLookbackMs: number };
  readonly #inventoryIntervalMs: number;
  readonly #evictAfterMs: number;
  readonly #staleAfterMs: number;
  readonly #realtimeConcurrency: number;
  readonly #logger: LogPort;
  readonly #onPoll: ((event: PollEvent) => void) | undefined;
  readonly #inventory = new DeviceInventory();
  readonly #store: TunnelStore;
  readonly #listeners = new Set<TunnelsChangedListener>();
  #trigger: PollTrigger | undefined;
  #running: Promise<PollEvent> | undefined;
  #lastToMs: number | undefined;
  #lastSuccessAt: number | undefined;
  #lastAttemptAt: number | undefined;
  #lastError: TunnelSourceError | undefined;
  #consecutiveFailures = 0;
  #gapMs = 0;
  #counters: PollCounters = { polls: 0, failures: 0, skippedOverlaps: 0, samples: 0, duplicates: 0, evicted: 0 };

  constructor(options: TunnelTelemetryCollectorOptions) {
    this.#telemetry = options.telemetry;
    this.#clock = options.clock;
    this.#source = options.statsSource ?? 'bulk';
    this.#schedule = options.schedule;
    this.#windowOptions = {
      initialLookbackMs: positive(options.initialLookbackMs ?? 30 * MINUTE, 'initialLookbackMs'),
      overlapMs: nonNegative(options.overlapMs ?? 5 * MINUTE, 'overlapMs'),
      maxLookbackMs: positive(options.maxLookbackMs ?? 60 * MINUTE, 'maxLookbackMs'),
    };
    this.#inventoryIntervalMs = positive(options.inventoryIntervalMs ?? 10 * MINUTE, 'inventoryIntervalMs');
    this.#evictAfterMs = positive(options.evictAfterMs ?? 60 * MINUTE, 'evictAfterMs');
    this.#staleAfterMs = positive(options.staleAfterMs ?? 30 * MINUTE, 'staleAfterMs');
    this.#realtimeConcurrency = positive(options.realtimeConcurrency ?? 4, 'realtimeConcurrency');
    this.#logger = options.logger ?? silentLog;
    this.#onPoll = options.onPoll;
    this.#store = new TunnelStore({
      historyMaxSamples: positive(options.historyMaxSamples ?? 120, 'historyMaxSamples'),
      historyMaxAgeMs: positive(options.historyMaxAgeMs ?? 60 * MINUTE, 'historyMaxAgeMs'),
      devices: (systemIp) => this.#inventory.get(systemIp),
    });
  }

  /** Polls now, then on the schedule. Polls that fail are reported through health, never thrown. */
  start(): void {
    if (this.#trigger !== undefined) return;
    if (this.#schedule === undefined) throw new TypeError('TunnelTelemetryCollector.start() needs a schedule');
    this.#trigger = this.#schedule(() => {
      void this.poll();
    });
    void this.poll();
  }

  /** Stops the schedule and waits for a poll in flight. */
  async stop(): Promise<void> {
    this.#trigger?.stop();
    this.#trigger = undefined;
    await this.#running;
  }

  /** One poll now, unless one is running (then skipped and counted). Never rejects. */
  poll(): Promise<PollEvent> {
    if (this.#running !== undefined) {
      this.#counters = { ...this.#counters, skippedOverlaps: this.#counters.skippedOverlaps + 1 };
      const event = this.#event('skipped', this.#clock.now(), {});
      this.#emit(event);
      return Promise.resolve(event);
    }
    const running = this.#pollOnce().finally(() => {
      this.#running = undefined;
    });
    this.#running = running;
    return running;
  }

  counters(): PollCounters {
    return this.#counters;
  }

  /**
   * Adds parsed statistics rows as a successful poll does (without BFD or inventory), prunes the
   * history and evicts, then notifies. The poll path uses the same steps; tests drive this directly to
   * load the store quickly.
   */
  ingest(observations: readonly TunnelObservation[]): IngestResult {
    const result = this.#ingest(observations, this.#clock.now());
    this.#notify(this.#store.takeChanged(), result.removed, this.#clock.now());
    return result;
  }

  /** Samples held per tunnel and their bytes, for tests and a memory gauge. */
  memory(): CollectorMemory {
    let samples = 0;
    let bytes = 0;
    let maxPerTunnel = 0;
    for (const record of this.#store.values()) {
      samples += record.ring.length;
      bytes += record.ring.byteLength;
      maxPerTunnel = Math.max(maxPerTunnel, record.ring.length);
    }
    return { tunnels: this.#store.size, samples, bytes, maxPerTunnel };
  }

  readings(): readonly TunnelReading[] {
    const now = this.#clock.now();
    const stale = this.#sourceStale();
    return [...this.#store.values()].map((record) => this.#readingOf(record, now, stale));
  }

  reading(key: TunnelKey): TunnelReading | undefined {
    const record = this.#store.getByKey(key);
    return record === undefined ? undefined : this.#readingOf(record, this.#clock.now(), this.#sourceStale());
  }

  history(key: TunnelKey, sinceMs?: number): readonly TunnelSample[] {
    return this.#store.getByKey(key)?.ring.samples(sinceMs) ?? [];
  }

  windowMeasure(key: TunnelKey, window: WindowOptions): WindowMeasure | undefined {
    return this.#store.getByKey(key)?.ring.windowMeasure(window);
  }

  health(): TunnelSourceHealth {
    return {
      status: this.#lastError !== undefined ? 'stale' : this.#lastSuccessAt === undefined ? 'starting' : 'ok',
      lastSuccessAt: this.#lastSuccessAt,
      lastAttemptAt: this.#lastAttemptAt,
      lastError: this.#lastError,
      consecutiveFailures: this.#consecutiveFailures,
      gapMs: this.#gapMs,
    };
  }

  subscribe(listener: TunnelsChangedListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  async #pollOnce(): Promise<PollEvent> {
    const startedAt = this.#clock.now();
    this.#lastAttemptAt = startedAt;
    let fetched: Fetched;
    try {
      fetched = await this.#fetch(startedAt);
    } catch (error) {
      return this.#fail(error, startedAt);
    }
    return this.#apply(fetched, startedAt);
  }

  /** Everything a poll needs, read before anything is applied: a poll lands whole or not at all. */
  async #fetch(startedAt: number): Promise<Fetched> {
    const inventory = await this.#fetchInventoryIfDue(startedAt);
    const bfd = await this.#telemetry.bfdSessions();
    if (this.#source === 'realtime') {
      const edges = inventory === undefined ? this.#inventory.reachableEdges() : inventory.filter(isReachableEdge);
      const stats = await fetchRealtimeSamples(
        (deviceId, nowMs) => this.#telemetry.realtimeAppRoute(deviceId, nowMs),
        edges,
        startedAt,
        this.#realtimeConcurrency,
      );
      return { inventory, bfd, stats, window: undefined, failedDevices: stats.failedDevices };
    }
    const window = statsWindow(startedAt, this.#lastToMs, this.#windowOptions);
    const stats = await this.#telemetry.appRouteStatistics(window.fromMs, window.toMs);
    return { inventory, bfd, stats, window, failedDevices: [] };
  }

  /**
   * The inventory when its refresh is due. A failed refresh with an inventory already held keeps the
   * old one (names change rarely) and lets the poll go on; without one, real-time mode cannot know
   * which devices to ask, so the poll fails.
   */
  async #fetchInventoryIfDue(now: number): Promise<readonly VmanageDevice[] | undefined> {
    const refreshedAt = this.#inventory.refreshedAt;
    if (refreshedAt !== undefined && now - refreshedAt < this.#inventoryIntervalMs) return undefined;
    try {
      return (await this.#telemetry.devices()).items;
    } catch (error) {
      if (refreshedAt === undefined) throw error;
      this.#logger.warn({ error: describe(error) }, 'vManage device inventory refresh failed; keeping the previous inventory');
      return undefined;
    }
  }

  #apply(fetched: Fetched, startedAt: number): PollEvent {
    const now = this.#clock.now();
    const wasStale = this.#lastError !== undefined;
    if (fetched.inventory !== undefined) this.#inventory.replace(fetched.inventory, now);
    this.#store.applyBfd(fetched.bfd.items, now);
    const counts = this.#ingest(fetched.stats.items, now);
    const removed = counts.removed;
    if (fetched.window !== undefined) {
      this.#lastToMs = fetched.window.toMs;
      this.#gapMs += fetched.window.gapMs;
      if (fetched.window.gapMs > 0) {
        this.#logger.warn({ gapMs: fetched.window.gapMs }, 'vManage statistics older than the lookback bound were not fetched after an outage');
      }
    }
    this.#lastSuccessAt = now;
    this.#lastError = undefined;
    this.#consecutiveFailures = 0;
    if (wasStale) {
      this.#store.markAllChanged();
      this.#logger.info({}, 'vManage tunnel statistics are current again');
    }
    this.#counters = { ...this.#counters, polls: this.#counters.polls + 1 };
    this.#notify(this.#store.takeChanged(), removed, now);
    const event = this.#event('ok', startedAt, {
      window: fetched.window,
      inventoryRefreshed: fetched.inventory !== undefined,
      rows: fetched.stats.items.length,
      newSamples: counts.added,
      duplicates: counts.duplicates + fetched.stats.duplicates,
      skippedRows: fetched.stats.skipped + fetched.bfd.skipped,
      bfdSessions: fetched.bfd.items.length,
      failedDevices: fetched.failedDevices,
      evicted: removed.length,
    });
    this.#emit(event);
    return event;
  }

  #fail(error: unknown, startedAt: number): PollEvent {
    const now = this.#clock.now();
    const code = isIsthmusError(error) ? error.code : 'ISTHMUS_E_VMANAGE_POLL';
    const wasStale = this.#lastError !== undefined;
    this.#lastError = { code, message: error instanceof Error ? error.message : String(error), at: now };
    this.#consecutiveFailures++;
    this.#counters = { ...this.#counters, polls: this.#counters.polls + 1, failures: this.#counters.failures + 1 };
    this.#logger.warn(
      { code, error: describe(error), consecutiveFailures: this.#consecutiveFailures },
      'vManage tunnel poll failed; keeping the last data, marked stale',
    );
    if (!wasStale) {
      this.#store.markAllChanged();
      this.#notify(this.#store.takeChanged(), [], now);
    }
    const event = this.#event('failed', startedAt, { errorCode: code, error });
    this.#emit(event);
    return event;
  }

  #ingest(observations: readonly TunnelObservation[], now: number): IngestResult {
    const counts = this.#store.ingestSamples(observations, now);
    this.#store.refreshIdentities();
    const removed = this.#store.prune(now, now - this.#evictAfterMs);
    this.#counters = {
      ...this.#counters,
      samples: this.#counters.samples + counts.added,
      duplicates: this.#counters.duplicates + counts.duplicates,
      evicted: this.#counters.evicted + removed.length,
    };
    return { ...counts, removed };
  }

  #readingOf(record: TunnelRecord, now: number, sourceStale: boolean): TunnelReading {
    const latest = record.latest;
    return {
      tunnel: record.identity,
      state: record.bfdState ?? latest?.state,
      latest,
      lastSeen: record.lastSeen,
      stale: sourceStale || (latest !== undefined && now - latest.time > this.#staleAfterMs),
    };
  }

  #sourceStale(): boolean {
    return this.#lastError !== undefined;
  }

  #notify(changed: readonly TunnelKey[], removed: readonly TunnelKey[], at: number): void {
    if (changed.length === 0 && removed.length === 0) return;
    const change: TunnelsChanged = { changed, removed, at };
    for (const listener of this.#listeners) {
      try {
        listener(change);
      } catch (error) {
        this.#logger.warn({ error: describe(error) }, 'a tunnels-changed listener threw; ignored');
      }
    }
  }

  #event(outcome: PollEvent['outcome'], startedAt: number, fields: Partial<PollEvent>): PollEvent {
    return {
      outcome,
      source: this.#source,
      startedAt,
      durationSeconds: Math.max(0, this.#clock.now() - startedAt) / 1000,
      window: undefined,
      inventoryRefreshed: false,
      rows: 0,
      newSamples: 0,
      duplicates: 0,
      skippedRows: 0,
      bfdSessions: 0,
      failedDevices: [],
      tunnels: this.#store.size,
      evicted: 0,
      errorCode: undefined,
      error: undefined,
      ...fields,
    };
  }

  #emit(event: PollEvent): void {
    try {
      this.#onPoll?.(event);
    } catch {
      // A metrics hook must never break polling.
    }
  }
}

function positive(value: number, name: string): number {
  if (!(value > 0)) throw new RangeError(`${name} must be positive, not ${value}`);
  return value;
}

function nonNegative(value: number, name: string): number {
  if (!(value >= 0)) throw new RangeError(`${name} must not be negative, not ${value}`);
  return value;
}

/** What may be logged of an error: code and message, which never carry credentials. */
function describe(error: unknown): { readonly code: string | undefined; readonly message: string } {
  if (isIsthmusError(error)) return { code: error.code, message: error.message };
  return { code: undefined, message: error instanceof Error ? error.message : String(error) };
}
