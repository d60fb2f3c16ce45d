import { parseTunnelName, tunnelName } from '../domain/tunnel.ts';
import type { TunnelKey } from '../domain/tunnel.ts';
import type { TunnelState } from '../domain/tunnel-sample.ts';
import type { ParseResult } from './parse-result.ts';
import { colorField, isRow, numberField, siteIdField, stringField, systemIpField } from './row-fields.ts';
import type { Row } from './row-fields.ts';
import { rowsOf } from './rows-of.ts';
import type { TunnelObservation } from './tunnel-observation.ts';

/**
 * Parses bulk app-route statistics (`/dataservice/data/device/statistics/approutestatsstatistics`) and
 * statistics-DB rows (`/dataservice/statistics/approute`): snake_case keys, JSON numbers, one row per
 * tunnel per poll interval. Milliseconds become seconds and `loss_percentage` a ratio.
 *
 * Rows repeating a (tunnel, entry_time) pair are duplicates — scroll pages and overlapping polling
 * windows both produce them — and only the first is kept.
 */
export function parseAppRouteStatistics(body: unknown): ParseResult<TunnelObservation> {
  const items: TunnelObservation[] = [];
  const seen = new Set<string>();
  let skipped = 0;
  let duplicates = 0;
  for (const row of rowsOf(body)) {
    const observation = isRow(row) ? observationOf(row) : undefined;
    if (observation === undefined) {
      skipped++;
      continue;
    }
    const key = `${observation.name}@${observation.sample.time}`;
    if (seen.has(key)) {
      duplicates++;
      continue;
    }
    seen.add(key);
    items.push(observation);
  }
  return { items, skipped, duplicates };
}

function observationOf(row: Row): TunnelObservation | undefined {
  const tunnel = tunnelOf(row);
  const latencyMs = numberField(row, 'latency');
  const jitterMs = numberField(row, 'jitter');
  const lossRatio = lossRatioOf(row);
  const time = numberField(row, 'entry_time');
  if (tunnel === undefined || latencyMs === undefined || jitterMs === undefined || lossRatio === undefined) return undefined;
  if (time === undefined || latencyMs < 0 || jitterMs < 0) return undefined;
  const state = stateOf(stringField(row, 'state'), lossRatio);
  if (state === undefined) return undefined;
  return {
    tunnel,
    name: tunnelName(tunnel),
    sample: { time, latencySeconds: latencyMs / 1000, jitterSeconds: jitterMs / 1000, lossRatio, state },
    localSiteId: siteIdField(row, 'siteid'),
    localHostName: stringField(row, 'host_name'),
  };
}

/**
 * The tunnel from the separate identity fields, as the reference recommends (colors contain hyphens,
 * which makes `name` ambiguous to split by hand); `name` is the fallback when they are missing.
 */
function tunnelOf(row: Row): TunnelKey | undefined {
  const localIp = systemIpField(row, 'local_system_ip');
  const localColor = colorField(row, 'local_color');
  const remoteIp = systemIpField(row, 'remote_system_ip');
  const remoteColor = colorField(row, 'remote_color');
  if (localIp !== undefined && localColor !== undefined && remoteIp !== undefined && remoteColor !== undefined) {
    return { local: { systemIp: localIp, color: localColor }, remote: { systemIp: remoteIp, color: remoteColor } };
  }
  const name = stringField(row, 'name');
  return name === undefined ? undefined : parseTunnelName(name);
}

/** `loss_percentage` (0–100) as a ratio; from lost/total probes when the percentage is missing. */
function lossRatioOf(row: Row): number | undefined {
  const percentage = numberField(row, 'loss_percentage');
  if (percentage !== undefined) return percentage >= 0 && percentage <= 100 ? percentage / 100 : undefined;
  const lost = numberField(row, 'loss');
  const total = numberField(row, 'total');
  if (lost === undefined || total === undefined || total <= 0 || lost < 0 || lost > total) return undefined;
  return lost / total;
}

/**
 * `state` is `Up`/`Down` in statistics rows. Without it, a tunnel that lost every probe is down; an
 * unknown state word makes the row unusable rather than guessed.
 */
export function stateOf(text: string | undefined, lossRatio: number): TunnelState | undefined {
  if (text === undefined) return lossRatio >= 1 ? 'down' : 'up';
  const lower = text.toLowerCase();
  if (lower === 'up') return 'up';
  if (lower === 'down') return 'down';
  return undefined;
}
