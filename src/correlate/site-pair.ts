import type { SiteId } from '../domain/site.ts';

/** Traffic of a Service from clients at one site (`from`) to backends at another (`to`): one WAN path. */
export interface SitePair {
  readonly from: SiteId;
  readonly to: SiteId;
}

/**
 * Every pair from a client site to a different endpoint site, sorted: the paths a Service's traffic
 * would cross before any flow has been seen. Same-site combinations cross no tunnel and are left out.
 */
export function crossSitePairs(clientSites: Iterable<SiteId>, endpointSites: Iterable<SiteId>): SitePair[] {
  const to = [...new Set(endpointSites)];
  const pairs: SitePair[] = [];
  for (const from of new Set(clientSites)) {
    for (const site of to) if (site !== from) pairs.push({ from, to: site });
  }
  return pairs.sort(compareSitePairs);
}

export function compareSitePairs(a: SitePair, b: SitePair): number {
  return a.from - b.from || a.to - b.to;
}
