import type { AggregationReader } from '../correlate/aggregation-reader.ts';
import { servicePathPairs } from '../correlate/service-paths.ts';
import type { SitePair } from '../correlate/site-pair.ts';
import type { TunnelPathIndex } from '../correlate/tunnel-path-index.ts';
import type { Color } from '../domain/color.ts';
import type { ServiceKey } from '../domain/service.ts';
import type { SloBounds } from '../domain/slo.ts';
import { evaluateService } from './evaluate-service.ts';
import type { ServiceEvaluation } from './evaluate-service.ts';

/** One Service to evaluate: its bounds, candidates, and the pairs it is expected to cross before traffic. */
export interface EvaluationTarget {
  readonly service: ServiceKey;
  readonly bounds: SloBounds | undefined;
  /** In order of preference, after the tenancy guard. */
  readonly candidates: readonly Color[];
  /** `crossSitePairs(client sites, endpoint sites)`: used only while no inter-site traffic has been seen. */
  readonly fallbackPairs?: readonly SitePair[];
}

export interface EvaluationInput {
  readonly targets: readonly EvaluationTarget[];
  /** Where observed site pairs come from (the aggregation store). */
  readonly traffic: Pick<AggregationReader, 'sitePairs'>;
  /** Built once per round, e.g. `new TunnelPathIndex(windowedReadings(source, …))`. */
  readonly index: TunnelPathIndex;
  /** Only pairs with traffic at or after this epoch ms count; default: all. */
  readonly sinceMs?: number;
}

/**
 * Every target's candidates judged on the site pairs its traffic crosses (from correlation), or before
 * any traffic on every client-site × endpoint-site pair. Pure.
 */
export function evaluateServices(input: EvaluationInput): ServiceEvaluation[] {
  return input.targets.map((target) => {
    const { pairs, source } = servicePathPairs(input.traffic, target.service, target.fallbackPairs, input.sinceMs);
    return evaluateService({ service: target.service, bounds: target.bounds, candidates: target.candidates, pairs, pairSource: source }, input.index);
  });
}
