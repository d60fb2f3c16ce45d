import type { Color } from '../domain/color.ts';
import type { TunnelReading } from '../domain/tunnel-stats-source.ts';
import type { SitePair } from './site-pair.ts';
import type { TunnelPathIndex } from './tunnel-path-index.ts';

/** Latency, jitter and loss of a path, in base units. */
export interface PathMeasure {
  readonly latencySeconds: number;
  readonly jitterSeconds: number;
  /** 0..1 */
  readonly lossRatio: number;
}

/**
 * A site pair's state on one color:
 *  - `up`: every tunnel has a fresh reading and is up;
 *  - `down`: a tunnel with a fresh reading is down (total loss on that path, whatever the others say);
 *  - `stale`: some tunnel's reading is stale (the source's last poll failed or the sample is old);
 *  - `missing`: no tunnel of the color between the sites, or one with neither state nor sample.
 */
export type PairStatus = 'up' | 'down' | 'stale' | 'missing';

export interface PairHealth extends SitePair {
  readonly status: PairStatus;
  /** Same-color tunnels between the sites (several with dual-edge sites). */
  readonly tunnels: number;
  /** Tunnels whose reading cannot be taken as current: stale, or without state or sample. */
  readonly unknownTunnels: number;
  /** Worst over the fresh readings (a down tunnel is loss 1); undefined without any. */
  readonly measure: PathMeasure | undefined;
}

export interface PathHealth {
  readonly color: Color;
  readonly pairs: readonly PairHealth[];
  /** Worst over every fresh reading of every pair; undefined when there is none. */
  readonly observed: PathMeasure | undefined;
  /** Every pair has tunnels and every reading is fresh: `observed` is the whole path's worst. */
  readonly complete: boolean;
}

/**
 * A color's path over site pairs: the worst latency, jitter and loss over the same-color tunnels of
 * every pair. The semantics of the demo's first per-color compliance, kept: a down tunnel is total
 * loss; stale or missing telemetry makes the path incomplete and is never read as healthy.
 */
export function pathOnColor(color: Color, pairs: readonly SitePair[], index: TunnelPathIndex): PathHealth {
  const health = pairs.map((pair) => pairHealth(pair, index.readings(color, pair.from, pair.to)));
  let observed: PathMeasure | undefined;
  for (const pair of health) observed = worstOf(observed, pair.measure);
  const complete = health.every((pair) => pair.tunnels > 0 && pair.unknownTunnels === 0);
  return { color, pairs: health, observed, complete };
}

function pairHealth(pair: SitePair, readings: readonly TunnelReading[]): PairHealth {
  let measure: PathMeasure | undefined;
  let down = false;
  let stale = false;
  let unknownTunnels = 0;
  for (const reading of readings) {
    if (reading.stale || reading.state === undefined) {
      stale ||= reading.stale;
      unknownTunnels++;
    } else if (reading.state === 'down') {
      down = true;
      measure = worstOf(measure, { latencySeconds: 0, jitterSeconds: 0, lossRatio: 1 });
    } else if (reading.latest === undefined) {
      unknownTunnels++;
    } else {
      measure = worstOf(measure, reading.latest);
    }
  }
  const status: PairStatus = down ? 'down' : unknownTunnels === 0 && readings.length > 0 ? 'up' : stale ? 'stale' : 'missing';
  return { from: pair.from, to: pair.to, status, tunnels: readings.length, unknownTunnels, measure };
}

function worstOf(a: PathMeasure | undefined, b: PathMeasure | undefined): PathMeasure | undefined {
  if (a === undefined) return b === undefined ? undefined : { latencySeconds: b.latencySeconds, jitterSeconds: b.jitterSeconds, lossRatio: b.lossRatio };
  if (b === undefined) return a;
  return {
    latencySeconds: Math.max(a.latencySeconds, b.latencySeconds),
    jitterSeconds: Math.max(a.jitterSeconds, b.jitterSeconds),
    lossRatio: Math.max(a.lossRatio, b.lossRatio),
  };
}
