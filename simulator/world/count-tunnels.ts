import type { Scenario } from './scenario.ts';

interface TlocCounts {
  all: number;
  unrestricted: number;
  /** Per color, per site: TLOC counts (all, and unrestricted). */
  readonly byColor: Map<string, { all: number; unrestricted: number; perSite: Map<number, { all: number; unrestricted: number }> }>;
  readonly perSite: Map<number, { all: number; unrestricted: number }>;
}

/**
 * How many directional tunnels a scenario's fabric has, computed from TLOC counts in O(TLOCs) instead of
 * enumerating device pairs, so that a scenario can be refused before building a fabric too large to hold.
 * Ordered TLOC pairs at different sites, same color always, different colors when crossColor is on and
 * both are unrestricted; in hub-and-spoke, minus the pairs between two spokes.
 */
export function countTunnels(scenario: Pick<Scenario, 'sites' | 'topology' | 'crossColor'>): number {
  const all = pairs(tally(scenario.sites), scenario.crossColor);
  if (scenario.topology === 'full-mesh') return all;
  return all - pairs(tally(scenario.sites.filter((site) => !site.hub)), scenario.crossColor);
}

function tally(sites: Scenario['sites']): TlocCounts {
  const counts: TlocCounts = { all: 0, unrestricted: 0, byColor: new Map(), perSite: new Map() };
  for (const site of sites) {
    for (const tloc of site.tlocs) {
      const n = site.edges.length;
      const free = tloc.restrict ? 0 : n;
      counts.all += n;
      counts.unrestricted += free;
      const siteTotal = counts.perSite.get(site.id) ?? { all: 0, unrestricted: 0 };
      siteTotal.all += n;
      siteTotal.unrestricted += free;
      counts.perSite.set(site.id, siteTotal);
      const color = counts.byColor.get(tloc.color) ?? { all: 0, unrestricted: 0, perSite: new Map<number, { all: number; unrestricted: number }>() };
      color.all += n;
      color.unrestricted += free;
      const colorAtSite = color.perSite.get(site.id) ?? { all: 0, unrestricted: 0 };
      colorAtSite.all += n;
      colorAtSite.unrestricted += free;
      color.perSite.set(site.id, colorAtSite);
      counts.byColor.set(tloc.color, color);
    }
  }
  return counts;
}

/** Ordered pairs at different sites: n² minus the pairs inside each site. */
function crossSite(total: number, perSite: Iterable<number>): number {
  let inside = 0;
  for (const n of perSite) inside += n * n;
  return total * total - inside;
}

function pairs(counts: TlocCounts, crossColor: boolean): number {
  let sameColor = 0;
  let sameColorUnrestricted = 0;
  for (const color of counts.byColor.values()) {
    const sites = [...color.perSite.values()];
    sameColor += crossSite(color.all, sites.map((site) => site.all));
    sameColorUnrestricted += crossSite(color.unrestricted, sites.map((site) => site.unrestricted));
  }
  if (!crossColor) return sameColor;
  const unrestricted = crossSite(counts.unrestricted, [...counts.perSite.values()].map((site) => site.unrestricted));
  return sameColor + (unrestricted - sameColorUnrestricted);
}
