import { tunnelName } from '../domain/tunnel.ts';
import type { TunnelKey } from '../domain/tunnel.ts';
import type { SystemIp } from '../domain/system-ip.ts';
import { stateOf } from './parse-app-route-statistics.ts';
import type { ParseResult } from './parse-result.ts';
import { colorField, isRow, numberField, stringField, systemIpField } from './row-fields.ts';
import type { Row } from './row-fields.ts';
import { rowsOf } from './rows-of.ts';
import type { TunnelObservation } from './tunnel-observation.ts';

export interface RealtimeParseContext {
  /** The `deviceId` the request named; rows without `vdevice-name` belong to it. */
  readonly deviceId?: SystemIp;
  /** Time of the sample when no row carries `lastupdated` (the poll time). */
  readonly fallbackTime?: number;
}

interface Bucket {
  readonly totalPackets: number | undefined;
  readonly lostPackets: number | undefined;
  readonly latencyMs: number | undefined;
  readonly jitterMs: number | undefined;
}

interface Group {
  readonly tunnel: TunnelKey;
  readonly hostName: string | undefined;
  readonly buckets: Bucket[];
  meanLatencyMs: number | undefined;
  meanJitterMs: number | undefined;
  meanLossPercent: number | undefined;
  time: number | undefined;
}

/**
 * Parses real-time app-route statistics (`/dataservice/device/app-route/statistics?deviceId=`): one row
 * per tunnel per bucket, hyphenated keys, most numbers as JSON strings. Each tunnel yields one sample
 * from `mean-latency`/`mean-jitter`/`mean-loss` (the bucket means vManage computes; `mean-loss` in
 * percent), or, when those are missing, from the buckets themselves (per-bucket `loss` counts packets).
 * There is no state in these rows: a tunnel that lost every probe is down.
 */
export function parseRealtimeAppRoute(body: unknown, context: RealtimeParseContext = {}): ParseResult<TunnelObservation> {
  const groups = new Map<string, Group>();
  let skipped = 0;
  for (const row of rowsOf(body)) {
    if (!isRow(row) || !addRow(groups, row, context)) skipped++;
  }
  const items: TunnelObservation[] = [];
  for (const [name, group] of groups) {
    const observation = observationOf(name, group, context);
    if (observation === undefined) skipped += group.buckets.length;
    else items.push(observation);
  }
  return { items, skipped, duplicates: 0 };
}

function addRow(groups: Map<string, Group>, row: Row, context: RealtimeParseContext): boolean {
  const localIp = systemIpField(row, 'vdevice-name') ?? context.deviceId;
  const localColor = colorField(row, 'local-color');
  const remoteIp = systemIpField(row, 'remote-system-ip');
  const remoteColor = colorField(row, 'remote-color');
  if (localIp === undefined || localColor === undefined || remoteIp === undefined || remoteColor === undefined) return false;
  const tunnel = { local: { systemIp: localIp, color: localColor }, remote: { systemIp: remoteIp, color: remoteColor } };
  const name = tunnelName(tunnel);
  let group = groups.get(name);
  if (group === undefined) {
    group = {
      tunnel,
      hostName: stringField(row, 'vdevice-host-name'),
      buckets: [],
      meanLatencyMs: undefined,
      meanJitterMs: undefined,
      meanLossPercent: undefined,
      time: undefined,
    };
    groups.set(name, group);
  }
  group.buckets.push({
    totalPackets: numberField(row, 'total-packets'),
    lostPackets: numberField(row, 'loss'),
    latencyMs: numberField(row, 'average-latency'),
    jitterMs: numberField(row, 'average-jitter'),
  });
  group.meanLatencyMs ??= numberField(row, 'mean-latency');
  group.meanJitterMs ??= numberField(row, 'mean-jitter');
  group.meanLossPercent ??= numberField(row, 'mean-loss');
  const updated = numberField(row, 'lastupdated');
  if (updated !== undefined) group.time = Math.max(group.time ?? updated, updated);
  return true;
}

function observationOf(name: string, group: Group, context: RealtimeParseContext): TunnelObservation | undefined {
  const latencyMs = group.meanLatencyMs ?? mean(group.buckets.map((bucket) => bucket.latencyMs));
  const jitterMs = group.meanJitterMs ?? mean(group.buckets.map((bucket) => bucket.jitterMs));
  const lossRatio = group.meanLossPercent === undefined ? bucketLossRatio(group.buckets) : group.meanLossPercent / 100;
  const time = group.time ?? context.fallbackTime;
  if (latencyMs === undefined || jitterMs === undefined || lossRatio === undefined || time === undefined) return undefined;
  if (lossRatio < 0 || lossRatio > 1 || latencyMs < 0 || jitterMs < 0) return undefined;
  const state = stateOf(undefined, lossRatio);
  if (state === undefined) return undefined;
  return {
    tunnel: group.tunnel,
    name,
    sample: { time, latencySeconds: latencyMs / 1000, jitterSeconds: jitterMs / 1000, lossRatio, state },
    localSiteId: undefined,
    localHostName: group.hostName,
  };
}

function mean(values: readonly (number | undefined)[]): number | undefined {
  const known = values.filter((value): value is number => value !== undefined);
  if (known.length === 0) return undefined;
  return known.reduce((sum, value) => sum + value, 0) / known.length;
}

/** Mean of the per-bucket loss percentages, as vManage computes `mean-loss`. */
function bucketLossRatio(buckets: readonly Bucket[]): number | undefined {
  return mean(
    buckets.map((bucket) =>
      bucket.totalPackets === undefined || bucket.lostPackets === undefined || bucket.totalPackets <= 0
        ? undefined
        : bucket.lostPackets / bucket.totalPackets,
    ),
  );
}
