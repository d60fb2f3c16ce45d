import type { AggregationReader } from '../correlate/aggregation-reader.ts';
import type { ServiceKey } from '../domain/service.ts';
import type { SiteId } from '../domain/site.ts';

/** A Service's flows between a client site and a server site, over every color and verdict. */
export interface SitePairFlows {
  readonly srcSite: SiteId;
  /** Undefined: the flows went to a frontend address, so the backend's site is not known. */
  readonly dstSite: SiteId | undefined;
  readonly flows: number;
  /** Flows by Hubble verdict (`FORWARDED`, `DROPPED`, …). */
  readonly verdicts: Readonly<Record<string, number>>;
  /** Flows by color label (`mpls`, …; `none` within a site, `unknown` when not known). */
  readonly colors: Readonly<Record<string, number>>;
}

/**
 * Every Service's flows grouped by site pair, pairs sorted (unknown destinations last): one walk over
 * the store's series, at read time (API, demo), never on the flow path.
 */
export function sitePairFlows(store: Pick<AggregationReader, 'forEachSeries'>): Map<ServiceKey, SitePairFlows[]> {
  const byService = new Map<ServiceKey, Map<string, { srcSite: SiteId; dstSite: SiteId | undefined; flows: number; verdicts: Record<string, number>; colors: Record<string, number> }>>();
  store.forEachSeries((series) => {
    let pairs = byService.get(series.service);
    if (pairs === undefined) {
      pairs = new Map();
      byService.set(series.service, pairs);
    }
    const key = `${series.sourceSiteId}>${series.destinationSiteId ?? ''}`;
    let pair = pairs.get(key);
    if (pair === undefined) {
      pair = { srcSite: series.sourceSiteId, dstSite: series.destinationSiteId, flows: 0, verdicts: {}, colors: {} };
      pairs.set(key, pair);
    }
    pair.flows += series.flows;
    pair.verdicts[series.verdict] = (pair.verdicts[series.verdict] ?? 0) + series.flows;
    pair.colors[series.labels.color] = (pair.colors[series.labels.color] ?? 0) + series.flows;
  });
  const result = new Map<ServiceKey, SitePairFlows[]>();
  for (const [service, pairs] of byService) result.set(service, [...pairs.values()].sort(comparePairs));
  return result;
}

function comparePairs(a: SitePairFlows, b: SitePairFlows): number {
  return a.srcSite - b.srcSite || (a.dstSite ?? Number.MAX_SAFE_INTEGER) - (b.dstSite ?? Number.MAX_SAFE_INTEGER);
}
