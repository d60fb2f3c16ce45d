import { servicePath } from '../correlate/service-path.ts';
import type { PairSource, ServicePath } from '../correlate/service-path.ts';
import type { SitePair } from '../correlate/site-pair.ts';
import type { TunnelPathIndex } from '../correlate/tunnel-path-index.ts';
import type { Color } from '../domain/color.ts';
import type { CandidateEvaluation, CandidatePair, CandidateVerdict } from '../domain/decision.ts';
import type { ServiceKey } from '../domain/service.ts';
import type { SloBounds } from '../domain/slo.ts';
import { sloMargin, sloMarginValue } from './slo-margin.ts';

export interface EvaluationRequest {
  readonly service: ServiceKey;
  /** The declared bounds; undefined (a pin without SLO) judges against no bound: measured, always within. */
  readonly bounds: SloBounds | undefined;
  /** The colors to judge, in order of preference. */
  readonly candidates: readonly Color[];
  readonly pairs: readonly SitePair[];
  readonly pairSource: PairSource;
}

/** A Service's candidates judged on its site pairs: what `decide` reads. */
export interface ServiceEvaluation {
  readonly service: ServiceKey;
  readonly pairSource: PairSource;
  readonly pairs: readonly SitePair[];
  /** In the order of the request's candidates. */
  readonly candidates: readonly CandidateEvaluation[];
}

const NO_BOUNDS: SloBounds = {};

/**
 * Per candidate color, whether every site pair the Service's traffic crosses meets its SLO on that
 * color, and by what margin (the minimum over bounds and pairs). The join itself is src/correlate's
 * `servicePath` (what `candidatePaths` maps); feed it an index built from `windowedReadings` to judge windows rather than the
 * latest readings. Pure.
 */
export function evaluateService(request: EvaluationRequest, index: TunnelPathIndex): ServiceEvaluation {
  const bounds = request.bounds ?? NO_BOUNDS;
  const { service, pairs, pairSource } = request;
  return {
    service,
    pairSource,
    pairs,
    candidates: request.candidates.map((color) => candidateEvaluation(color, servicePath({ service, color, pairs, pairSource, bounds }, index), bounds)),
  };
}

function candidateEvaluation(color: Color, path: ServicePath, bounds: SloBounds): CandidateEvaluation {
  const pairs: CandidatePair[] = path.pairs.map((pair) => ({
    from: pair.from,
    to: pair.to,
    status: pair.status,
    measured: pair.measure,
    margin: pair.measure === undefined ? undefined : sloMarginValue(bounds, pair.measure),
  }));
  const verdict = candidateVerdict(path);
  // A known violation keeps its (partial) worst: its margin is an upper bound, still negative.
  if (path.worst === undefined || (verdict !== 'meets' && verdict !== 'violates')) {
    return { color, compliant: undefined, margin: undefined, measured: undefined, verdict, limitingBound: undefined, pairs };
  }
  const { margin, limitingBound } = sloMargin(bounds, path.worst);
  return { color, compliant: verdict === 'meets', margin, measured: path.worst, verdict, limitingBound, pairs };
}

function candidateVerdict(path: ServicePath): CandidateVerdict {
  switch (path.verdict) {
    case 'meets':
    case 'violates':
      return path.verdict;
    case 'no-pairs':
      return 'no-pairs';
    case 'unknown-telemetry':
    case 'no-color':
    case 'no-slo':
      return 'unknown-telemetry';
  }
}
