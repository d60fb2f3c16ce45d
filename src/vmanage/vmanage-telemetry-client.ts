import { formatVmanageDate } from './vmanage-date.ts';
import { parseAppRouteStatistics } from './parse-app-route-statistics.ts';
import { parseBfdSessions } from './parse-bfd-sessions.ts';
import { parseDevices } from './parse-devices.ts';
import type { VmanageDevice } from './parse-devices.ts';
import { parseRealtimeAppRoute } from './parse-realtime-app-route.ts';
import type { ParseResult } from './parse-result.ts';
import { scrollPages } from './scroll-pages.ts';
import type { ScrollStart } from './scroll-pages.ts';
import { startIdPages } from './start-id-pages.ts';
import type { TunnelObservation, TunnelStateObservation } from './tunnel-observation.ts';
import type { VmanageReader } from './vmanage-getter.ts';

export interface VmanageTelemetryOptions {
  /** Rows per page asked of paged endpoints (`count`). Default 2000, as the Datadog agent uses. */
  readonly pageSize?: number;
  /** Bound on pages per call. Default 100. */
  readonly maxPages?: number;
  /**
   * How bulk statistics are asked for: `get` with `startDate`/`endDate`/`timeZone`/`count` (default; what
   * the Datadog agent and Cisco's own samples do) or `post` with a statistics query body.
   */
  readonly statisticsRequest?: 'get' | 'post';
}

export const APP_ROUTE_STATISTICS_PATH = '/dataservice/data/device/statistics/approutestatsstatistics';
export const BFD_SESSIONS_STATE_PATH = '/dataservice/data/device/state/BFDSessions';
export const DEVICES_PATH = '/dataservice/device';
export const REALTIME_APP_ROUTE_PATH = '/dataservice/device/app-route/statistics';

/**
 * The telemetry reads the bridge makes, as parsed domain records: inventory, bulk app-route
 * statistics (scroll-paged), BFD session state (startId-paged) and, on demand, real-time app-route
 * buckets of one device. Rows repeated across pages are counted as duplicates, not returned twice.
 */
export class VmanageTelemetryClient {
  readonly #session: VmanageReader;
  readonly #pageSize: number;
  readonly #maxPages: number;
  readonly #statisticsRequest: 'get' | 'post';

  constructor(session: VmanageReader, options: VmanageTelemetryOptions = {}) {
    this.#session = session;
    this.#pageSize = options.pageSize ?? 2000;
    this.#maxPages = options.maxPages ?? 100;
    this.#statisticsRequest = options.statisticsRequest ?? 'get';
  }

  async devices(): Promise<ParseResult<VmanageDevice>> {
    return parseDevices(await this.#session.get(DEVICES_PATH));
  }

  /** Statistics rows with `entry_time` in [fromMs, toMs] (second precision, UTC). */
  async appRouteStatistics(fromMs: number, toMs: number): Promise<ParseResult<TunnelObservation>> {
    const start: ScrollStart =
      this.#statisticsRequest === 'get'
        ? { query: { startDate: formatVmanageDate(fromMs), endDate: formatVmanageDate(toMs), timeZone: 'UTC', count: this.#pageSize } }
        : { body: statisticsQueryBody(fromMs, toMs), query: { count: this.#pageSize } };
    const rows: unknown[] = [];
    for await (const page of scrollPages(this.#session, APP_ROUTE_STATISTICS_PATH, start, { maxPages: this.#maxPages })) {
      rows.push(...page);
    }
    return parseAppRouteStatistics(rows);
  }

  async bfdSessions(): Promise<ParseResult<TunnelStateObservation>> {
    const rows: unknown[] = [];
    for await (const page of startIdPages(this.#session, BFD_SESSIONS_STATE_PATH, this.#pageSize, { maxPages: this.#maxPages })) {
      rows.push(...page);
    }
    return parseBfdSessions(rows);
  }

  /** Cisco calls the real-time APIs troubleshooting tools: for explicit requests, not polling. */
  async realtimeAppRoute(deviceId: string, nowMs?: number): Promise<ParseResult<TunnelObservation>> {
    const body = await this.#session.get(REALTIME_APP_ROUTE_PATH, { deviceId });
    return parseRealtimeAppRoute(body, { deviceId, ...(nowMs === undefined ? {} : { fallbackTime: nowMs }) });
  }
}

/** The statistics query language's form of a time range (`between`, UTC dates with a ` UTC` suffix). */
export function statisticsQueryBody(fromMs: number, toMs: number): unknown {
  return {
    query: {
      condition: 'AND',
      rules: [
        {
          value: [`${formatVmanageDate(fromMs)} UTC`, `${formatVmanageDate(toMs)} UTC`],
          field: 'entry_time',
          type: 'date',
          operator: 'between',
        },
      ],
    },
  };
}
