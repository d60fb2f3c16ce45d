import type { Clock } from '../../src/domain/clock.ts';
import { DEVICE_VIEW, envelope, errorEnvelope } from './envelope.ts';
import type { EnvelopeView } from './envelope.ts';
import { parseVmanageDate } from './parse-vmanage-date.ts';
import { renderAppRouteRow } from './render-app-route-row.ts';
import { bfdDataKey, renderBfdRow } from './render-bfd-row.ts';
import { renderDeviceRow } from './render-device-row.ts';
import { renderRealtimeRows } from './render-realtime-rows.ts';
import { jsonReply } from './reply.ts';
import type { Reply } from './reply.ts';
import { ScrollStore } from './scroll-store.ts';
import { parseStatisticsQuery } from './statistics-query.ts';
import type { VmanageDataSource } from './vmanage-data-source.ts';

export const APP_ROUTE_STATISTICS_PATH = '/dataservice/data/device/statistics/approutestatsstatistics';
export const BFD_STATE_PATH = '/dataservice/data/device/state/BFDSessions';
export const DEVICE_PATH = '/dataservice/device';
export const REALTIME_APP_ROUTE_PATH = '/dataservice/device/app-route/statistics';

// Views of grids that were not captured; plausible, not confirmed.
const APP_ROUTE_VIEW: EnvelopeView = { uniqueKey: [], preferenceKey: 'grid-ApprouteStatsStatistics' };
const BFD_VIEW: EnvelopeView = { uniqueKey: ['vdevice-dataKey'], preferenceKey: 'grid-BFDSessions' };
const REALTIME_VIEW: EnvelopeView = { uniqueKey: ['vdevice-dataKey'], preferenceKey: 'grid-AppRouteStatistics' };

export interface TelemetryRoutesOptions {
  readonly dataSource: VmanageDataSource;
  readonly clock: Clock;
  /** What scroll contexts expire on (real time when `clock` is accelerated). Default: `clock`. */
  readonly scrollClock?: Clock;
  /** Cap on rows per page whatever `count` asks (tests force several pages with it). */
  readonly pageSize: number;
  /** Page size when the request gives no `count`. */
  readonly defaultCount: number;
  readonly scrollTtlMs: number;
}

/**
 * The telemetry endpoints, rendered from the data source in the captured shapes: device inventory,
 * bulk app-route statistics (GET with startDate/endDate/count, or POST with a query body; scroll
 * paging), BFD state (startId paging) and real-time app-route buckets.
 */
export class TelemetryRoutes {
  readonly #options: TelemetryRoutesOptions;
  readonly #scrolls: ScrollStore;
  /** `@rid` per BFD data key, assigned on first sight so paging cursors are stable across calls. */
  readonly #rids = new Map<string, number>();
  #nextRid = 3000;

  constructor(options: TelemetryRoutesOptions) {
    this.#options = options;
    this.#scrolls = new ScrollStore(options.scrollClock ?? options.clock, options.scrollTtlMs);
  }

  /** The reply for a telemetry endpoint, or undefined when the path is not one. */
  async handle(method: string, url: URL, body: string): Promise<Reply | undefined> {
    const path = url.pathname;
    if (path === DEVICE_PATH && method === 'GET') return this.#devices(url);
    if (path === APP_ROUTE_STATISTICS_PATH && method === 'GET') return this.#appRouteGet(url);
    if (path === APP_ROUTE_STATISTICS_PATH && method === 'POST') return this.#appRoutePost(url, body);
    if (path === BFD_STATE_PATH && method === 'GET') return this.#bfdState(url);
    if (path === REALTIME_APP_ROUTE_PATH && method === 'GET') return this.#realtime(url);
    return undefined;
  }

  async #devices(url: URL): Promise<Reply> {
    const devices = await this.#options.dataSource.devices();
    const managers = devices.filter((device) => device.personality === 'vmanage').map((device) => device.systemIp);
    const wanted = url.searchParams.get('deviceId');
    const rows = devices
      .filter((device) => wanted === null || device.systemIp === wanted)
      .map((device) => renderDeviceRow(device, managers));
    return jsonReply(200, envelope(rows, DEVICE_VIEW, this.#options.clock.now()));
  }

  async #appRouteGet(url: URL): Promise<Reply> {
    const scrollId = url.searchParams.get('scrollId');
    if (scrollId !== null) return this.#nextScrollPage(scrollId);
    const now = this.#options.clock.now();
    const startDate = url.searchParams.get('startDate');
    const endDate = url.searchParams.get('endDate');
    const timeZone = url.searchParams.get('timeZone');
    // Scripts in the wild send GMT too; both mean UTC. Other zones are not emulated.
    if (timeZone !== null && timeZone !== 'UTC' && timeZone !== 'GMT') {
      return jsonReply(400, errorEnvelope('Invalid time zone', `Only UTC is supported, not ${timeZone}`));
    }
    const fromMs = startDate === null ? now - 1_800_000 : parseVmanageDate(startDate);
    const toMs = endDate === null ? now : parseVmanageDate(endDate);
    if (fromMs === undefined || toMs === undefined) {
      return jsonReply(400, errorEnvelope('Invalid date', 'startDate and endDate take the form YYYY-MM-DDTHH:MM:SS'));
    }
    return this.#openScroll(fromMs, toMs, () => true, this.#count(url));
  }

  async #appRoutePost(url: URL, body: string): Promise<Reply> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return jsonReply(400, errorEnvelope('Invalid query', 'The request body is not JSON'));
    }
    const query = parseStatisticsQuery(parsed, this.#options.clock.now());
    if (query === undefined) return jsonReply(400, errorEnvelope('Invalid query', 'The query does not follow the statistics query format'));
    const size = typeof parsed === 'object' && parsed !== null && 'size' in parsed ? Number(parsed.size) : Number.NaN;
    const count = Number.isInteger(size) && size > 0 ? Math.min(size, this.#options.pageSize) : this.#count(url);
    return this.#openScroll(query.fromMs, query.toMs, query.matches, count);
  }

  async #openScroll(fromMs: number, toMs: number, matches: (row: Readonly<Record<string, unknown>>) => boolean, count: number): Promise<Reply> {
    const stats = await this.#options.dataSource.appRouteStatistics(fromMs, toMs);
    const rows = stats
      .filter((stat) => stat.entryTime >= fromMs && stat.entryTime <= toMs)
      .map(renderAppRouteRow)
      .filter(matches);
    return this.#scrollReply(this.#scrolls.open(rows, count));
  }

  #nextScrollPage(scrollId: string): Reply {
    const page = this.#scrolls.next(scrollId);
    if (page === undefined) return jsonReply(400, errorEnvelope('Invalid scroll id', 'The scroll id is unknown or has expired'));
    return this.#scrollReply(page);
  }

  #scrollReply(page: { readonly rows: readonly Record<string, unknown>[]; readonly scrollId: string; readonly hasMoreData: boolean }): Reply {
    const pageInfo = { scrollId: page.scrollId, hasMoreData: page.hasMoreData, count: page.rows.length };
    return jsonReply(200, envelope(page.rows, APP_ROUTE_VIEW, this.#options.clock.now(), pageInfo));
  }

  async #bfdState(url: URL): Promise<Reply> {
    const count = this.#count(url);
    const startText = url.searchParams.get('startId');
    const startId = startText === null ? Number.NEGATIVE_INFINITY : Number(startText);
    if (Number.isNaN(startId)) return jsonReply(400, errorEnvelope('Invalid startId', `startId must be a record id, not ${startText ?? ''}`));
    const sessions = await this.#options.dataSource.bfdSessions();
    const rows = sessions
      .map((session) => renderBfdRow(session, session.rid ?? this.#ridOf(bfdDataKey(session))))
      .sort((a, b) => Number(a['@rid']) - Number(b['@rid']));
    const after = rows.filter((row) => Number(row['@rid']) > startId);
    const page = after.slice(0, count);
    const first = page[0];
    const last = page[page.length - 1];
    const pageInfo = {
      startId: first === undefined ? (startText ?? '') : String(first['@rid']),
      endId: last === undefined ? (startText ?? '') : String(last['@rid']),
      moreEntries: after.length > page.length,
      count: page.length,
    };
    return jsonReply(200, envelope(page, BFD_VIEW, this.#options.clock.now(), pageInfo));
  }

  async #realtime(url: URL): Promise<Reply> {
    const deviceId = url.searchParams.get('deviceId');
    if (deviceId === null || deviceId === '') return jsonReply(400, errorEnvelope('Missing deviceId', 'The deviceId query parameter is required'));
    const tunnels = await this.#options.dataSource.realtimeAppRoute(deviceId);
    if (tunnels === undefined) return jsonReply(400, errorEnvelope('Invalid deviceId', `No device with system-ip ${deviceId}`));
    const remote = url.searchParams.get('remote-system-ip');
    const localColor = url.searchParams.get('local-color');
    const remoteColor = url.searchParams.get('remote-color');
    const rows = tunnels
      .filter(
        (tunnel) =>
          (remote === null || tunnel.remoteSystemIp === remote) &&
          (localColor === null || tunnel.localColor === localColor) &&
          (remoteColor === null || tunnel.remoteColor === remoteColor),
      )
      .flatMap(renderRealtimeRows);
    return jsonReply(200, envelope(rows, REALTIME_VIEW, this.#options.clock.now()));
  }

  #count(url: URL): number {
    const count = Number(url.searchParams.get('count') ?? this.#options.defaultCount);
    const asked = Number.isInteger(count) && count > 0 ? count : this.#options.defaultCount;
    return Math.min(asked, this.#options.pageSize);
  }

  #ridOf(key: string): number {
    let rid = this.#rids.get(key);
    if (rid === undefined) {
      rid = this.#nextRid++;
      this.#rids.set(key, rid);
    }
    return rid;
  }
}
