import type { Color } from '../../domain/color.ts';
import type { SiteId } from '../../domain/site.ts';
import type { SloBounds } from '../../domain/slo.ts';
import { meetsBounds } from '../../domain/slo.ts';
import type { TunnelReading } from '../../domain/tunnel-stats-source.ts';

/** Traffic of a Service from clients at one site to backends at another. */
export interface SitePair {
  readonly from: SiteId;
  readonly to: SiteId;
}

/** The worst a Service's traffic would see on one color, over every site pair it crosses. */
export interface PathMeasure {
  readonly latencySeconds: number;
  readonly jitterSeconds: number;
  readonly lossRatio: number;
}

export interface ColorCompliance {
  readonly color: Color;
  /** undefined: some pair has no current reading on this color, which never counts as compliant. */
  readonly compliant: boolean | undefined;
  readonly worst: PathMeasure | undefined;
}

/** Index of readings by `from|to|color` for same-color tunnels: the paths a color steers traffic onto. */
export function indexReadingsByPath(readings: readonly TunnelReading[]): ReadonlyMap<string, readonly TunnelReading[]> {
  const index = new Map<string, TunnelReading[]>();
  for (const reading of readings) {
    const { key, localSiteId, remoteSiteId } = reading.tunnel;
    if (key.local.color !== key.remote.color || localSiteId === undefined || remoteSiteId === undefined) continue;
    const pathKey = `${localSiteId}|${remoteSiteId}|${key.local.color}`;
    const list = index.get(pathKey);
    if (list) list.push(reading);
    else index.set(pathKey, [reading]);
  }
  return index;
}

/**
 * Whether a color meets the bounds on every site pair: the worst latency, jitter and loss over the pairs'
 * tunnels (a down tunnel counts as total loss). A pair without a fresh reading makes the answer unknown.
 */
export function colorCompliance(
  color: Color,
  pairs: readonly SitePair[],
  bounds: SloBounds,
  readingsByPath: ReadonlyMap<string, readonly TunnelReading[]>,
): ColorCompliance {
  let latencySeconds = 0;
  let jitterSeconds = 0;
  let lossRatio = 0;
  let unknown = pairs.length === 0;
  for (const pair of pairs) {
    const readings = readingsByPath.get(`${pair.from}|${pair.to}|${color}`) ?? [];
    if (readings.length === 0) unknown = true;
    for (const reading of readings) {
      if (reading.stale || reading.state === undefined) {
        unknown = true;
        continue;
      }
      if (reading.state === 'down') {
        lossRatio = 1;
        continue;
      }
      if (!reading.latest) {
        unknown = true;
        continue;
      }
      latencySeconds = Math.max(latencySeconds, reading.latest.latencySeconds);
      jitterSeconds = Math.max(jitterSeconds, reading.latest.jitterSeconds);
      lossRatio = Math.max(lossRatio, reading.latest.lossRatio);
    }
  }
  const worst = { latencySeconds, jitterSeconds, lossRatio };
  const meets = meetsBounds(bounds, worst);
  // A known violation is a violation even if another pair is unknown; compliance needs every pair known.
  const compliant = !meets ? false : unknown ? undefined : true;
  return { color, compliant, worst: unknown && meets ? undefined : worst };
}
