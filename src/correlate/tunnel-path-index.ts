import type { Color } from '../domain/color.ts';
import type { SiteId } from '../domain/site.ts';
import type { TunnelReading } from '../domain/tunnel-stats-source.ts';

const NONE: readonly TunnelReading[] = Object.freeze([]);

/**
 * How a reading is to be judged, e.g. with `latest` replaced by its window statistic. Applied at most
 * once per reading, on the first lookup of its path: a round judges only the tunnels its Services
 * cross, and at fabric scale that is a fraction of them.
 */
export type ReadingView = (reading: TunnelReading) => TunnelReading;

/**
 * The tunnels of one (color, local site, remote site): a lone reading as is (the common case: no
 * object per tunnel, on fabrics of 100,000s of tunnels), several in a list, and once looked up through a
 * view, the viewed list.
 */
type PathTunnels = TunnelReading | TunnelReading[] | ViewedTunnels;

interface ViewedTunnels {
  readonly viewed: readonly TunnelReading[];
}

/**
 * Tunnel readings by (color, local site, remote site), for same-color tunnels only: the paths an
 * app-route policy steers a color's traffic onto (a cross-color tunnel carries no color's traffic
 * alone). Tunnels whose ends the fabric inventory does not place at sites cannot be joined and are
 * left out. Built once per tick from `TunnelStatsSource.readings()`, then read per Service and color;
 * with a `view`, lookups return the viewed readings.
 */
export class TunnelPathIndex {
  readonly #byColor = new Map<Color, Map<SiteId, Map<SiteId, PathTunnels>>>();
  readonly #view: ReadingView | undefined;

  constructor(readings: Iterable<TunnelReading>, view?: ReadingView) {
    this.#view = view;
    // Readings come grouped by tunnel, so consecutive ones often share color and local site: remembering
    // the last inner map saves two lookups per reading on a large fabric.
    let lastColor: Color | undefined;
    let lastLocal: SiteId | undefined;
    let lastByRemote: Map<SiteId, PathTunnels> | undefined;
    for (const reading of readings) {
      const { key, localSiteId, remoteSiteId } = reading.tunnel;
      const color = key.local.color;
      if (color !== key.remote.color || localSiteId === undefined || remoteSiteId === undefined) continue;
      let byRemote = lastByRemote;
      if (byRemote === undefined || color !== lastColor || localSiteId !== lastLocal) {
        byRemote = this.#remotesOf(color, localSiteId);
        lastColor = color;
        lastLocal = localSiteId;
        lastByRemote = byRemote;
      }
      const tunnels = byRemote.get(remoteSiteId);
      if (tunnels === undefined) byRemote.set(remoteSiteId, reading);
      else if (Array.isArray(tunnels)) tunnels.push(reading);
      else if (isReading(tunnels)) byRemote.set(remoteSiteId, [tunnels, reading]);
    }
  }

  /** Readings of the `color` tunnels from site `from` to site `to` (directional, as vManage reports them). */
  readings(color: Color, from: SiteId, to: SiteId): readonly TunnelReading[] {
    const byRemote = this.#byColor.get(color)?.get(from);
    const tunnels = byRemote?.get(to);
    if (byRemote === undefined || tunnels === undefined) return NONE;
    if (!isReading(tunnels) && !Array.isArray(tunnels)) return tunnels.viewed;
    const list = Array.isArray(tunnels) ? tunnels : [tunnels];
    const view = this.#view;
    const viewed: ViewedTunnels = { viewed: view === undefined ? list : list.map((reading) => view(reading)) };
    // Kept, so that a path looked up again is neither listed nor viewed again.
    byRemote.set(to, viewed);
    return viewed.viewed;
  }

  #remotesOf(color: Color, local: SiteId): Map<SiteId, PathTunnels> {
    let byLocal = this.#byColor.get(color);
    if (byLocal === undefined) {
      byLocal = new Map();
      this.#byColor.set(color, byLocal);
    }
    let byRemote = byLocal.get(local);
    if (byRemote === undefined) {
      byRemote = new Map();
      byLocal.set(local, byRemote);
    }
    return byRemote;
  }
}

function isReading(tunnels: PathTunnels): tunnels is TunnelReading {
  return 'tunnel' in tunnels;
}
