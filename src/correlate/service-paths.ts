import type { Color } from '../domain/color.ts';
import type { ServiceKey } from '../domain/service.ts';
import type { ServiceIntent, SloBounds } from '../domain/slo.ts';
import type { AggregationReader } from './aggregation-reader.ts';
import { servicePath } from './service-path.ts';
import type { PairSource, ServicePath } from './service-path.ts';
import type { SitePair } from './site-pair.ts';
import type { TunnelPathIndex } from './tunnel-path-index.ts';

/** One Service to join: its declared bounds and, before any traffic, the pairs it is expected to cross. */
export interface ServicePathTarget {
  readonly service: ServiceKey;
  readonly bounds: SloBounds | undefined;
  /** E.g. `crossSitePairs(client sites, endpoint sites)`; used only while the store has no inter-site traffic. */
  readonly fallbackPairs?: readonly SitePair[];
}

export interface ServicePathsInput {
  readonly targets: readonly ServicePathTarget[];
  /** Where the observed site pairs come from (the aggregation store). */
  readonly traffic: Pick<AggregationReader, 'sitePairs'>;
  readonly index: TunnelPathIndex;
  /** The color each Service's traffic takes now: its assignment, else the fabric default. */
  readonly colorOf: (service: ServiceKey) => Color | undefined;
  /** Only pairs with traffic at or after this epoch ms count (e.g. now − 10 min); default: all. */
  readonly sinceMs?: number;
}

/**
 * Per Service, the path on its current color: latency, jitter and loss (the worst over the site pairs
 * its traffic crosses) and the SLO time-slice SLI. Pure; build the index once per tick.
 */
export function servicePaths(input: ServicePathsInput): ServicePath[] {
  return input.targets.map((target) => {
    const { pairs, source } = servicePathPairs(input.traffic, target.service, target.fallbackPairs, input.sinceMs);
    return servicePath({ service: target.service, color: input.colorOf(target.service), pairs, pairSource: source, bounds: target.bounds }, input.index);
  });
}

/** The pairs the Service's traffic crossed; the fallback while there is none. */
export function servicePathPairs(
  traffic: Pick<AggregationReader, 'sitePairs'>,
  service: ServiceKey,
  fallback: readonly SitePair[] | undefined,
  sinceMs?: number,
): { readonly pairs: readonly SitePair[]; readonly source: PairSource } {
  const observed = traffic.sitePairs(service, sinceMs);
  if (observed.length > 0) return { pairs: observed, source: 'traffic' };
  if (fallback !== undefined && fallback.length > 0) return { pairs: fallback, source: 'fallback' };
  return { pairs: [], source: 'none' };
}

/** The bounds a Service declares: an auto Service's SLO, a pinned one's if it has one, none when unmanaged. */
export function sloBoundsOf(intent: ServiceIntent): SloBounds | undefined {
  if (intent.mode === 'auto') return intent.slo.bounds;
  if (intent.mode === 'pinned') return intent.slo?.bounds;
  return undefined;
}
