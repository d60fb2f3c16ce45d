import type { TunnelReading } from '../domain/tunnel-stats-source.ts';

const HEADERS = ['TUNNEL', 'SITES', 'STATE', 'LATENCY', 'JITTER', 'LOSS', 'AGE'] as const;
/** Numbers read best right-aligned. */
const RIGHT_ALIGNED: ReadonlySet<number> = new Set([3, 4, 5, 6]);
const NONE = '-';

/**
 * The `isthmus tunnels` table, rows in the order given: `local-host:color → remote-host:color` (system
 * IPs for hosts the inventory does not know), site ids, state, latency and jitter in ms, loss in
 * percent, and the age of the sample against `nowMs`. A tunnel without a sample shows `-` metrics.
 */
export function formatTunnelTable(readings: readonly TunnelReading[], nowMs: number): string {
  const rows = readings.map((reading) => cellsOf(reading, nowMs));
  const widths = HEADERS.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const lines = [HEADERS as readonly string[], ...rows].map((row) =>
    row
      .map((cell, column) => {
        const width = widths[column] ?? 0;
        return RIGHT_ALIGNED.has(column) ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd(),
  );
  return `${lines.join('\n')}\n`;
}

function cellsOf(reading: TunnelReading, nowMs: number): string[] {
  const { tunnel, latest } = reading;
  const local = `${tunnel.localHostName ?? tunnel.key.local.systemIp}:${tunnel.key.local.color}`;
  const remote = `${tunnel.remoteHostName ?? tunnel.key.remote.systemIp}:${tunnel.key.remote.color}`;
  return [
    `${local} → ${remote}`,
    `${tunnel.localSiteId ?? '?'} → ${tunnel.remoteSiteId ?? '?'}`,
    reading.state ?? 'unknown',
    latest === undefined ? NONE : formatMilliseconds(latest.latencySeconds),
    latest === undefined ? NONE : formatMilliseconds(latest.jitterSeconds),
    latest === undefined ? NONE : formatPercent(latest.lossRatio),
    latest === undefined ? NONE : formatAge(nowMs - latest.time),
  ];
}

/** `202 ms`, `2.5 ms`: vManage reports whole milliseconds; means may carry a tenth. */
export function formatMilliseconds(seconds: number): string {
  return `${String(Math.round(seconds * 10_000) / 10)} ms`;
}

/** `0.30%`, `100.00%`: two decimals, as small losses are the interesting ones. */
export function formatPercent(ratio: number): string {
  return `${(ratio * 100).toFixed(2)}%`;
}

/** `45s`, `4m12s`, `2h05m`, `3d04h`; a sample from the future (clock skew) reads `0s`. */
export function formatAge(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${pad(seconds % 60)}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h${pad(minutes % 60)}m`;
  return `${Math.floor(hours / 24)}d${pad(hours % 24)}h`;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}
