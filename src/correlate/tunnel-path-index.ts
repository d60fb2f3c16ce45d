import type { Color } from '../domain/color.ts';
import type { SiteId } from '../domain/site.ts';
import type { TunnelReading } from '../domain/tunnel-stats-source.ts';

const NONE: readonly TunnelReading[] = Object.freeze([]);

/**
 * Tunnel readings by (color, local site, remote site), for same-color tunnels only: the paths an
 * app-route policy steers a color's traffic onto (a cross-color tunnel carries no color's traffic
 * alone). Tunnels whose ends the fabric inventory does not place at sites cannot be joined and are
 * left out. Built once per tick from `TunnelStatsSource.readings()`, then read per Service and color.
 */
export class TunnelPathIndex {
  readonly #byColor = new Map<Color, Map<SiteId, Map<SiteId, TunnelReading[]>>>();

  constructor(readings: Iterable<TunnelReading>) {
    for (const reading of readings) {
      const { key, localSiteId, remoteSiteId } = reading.tunnel;
      if (key.local.color !== key.remote.color || localSiteId === undefined || remoteSiteId === undefined) continue;
      let byLocal = this.#byColor.get(key.local.color);
      if (byLocal === undefined) {
        byLocal = new Map();
        this.#byColor.set(key.local.color, byLocal);
      }
      let byRemote = byLocal.get(localSiteId);
      if (byRemote === undefined) {
        byRemote = new Map();
        byLocal.set(localSiteId, byRemote);
      }
      const list = byRemote.get(remoteSiteId);
      if (list === undefined) byRemote.set(remoteSiteId, [reading]);
      else list.push(reading);
    }
  }

  /** Readings of the `color` tunnels from site `from` to site `to` (directional, as vManage reports them). */
  readings(color: Color, from: SiteId, to: SiteId): readonly TunnelReading[] {
    return this.#byColor.get(color)?.get(from)?.get(to) ?? NONE;
  }
}
