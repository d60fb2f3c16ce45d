import type { Color } from '../../domain/color.ts';
import type { CandidateEvaluation } from '../../domain/decision.ts';
import type { FallbackMode, ServiceIntent } from '../../domain/slo.ts';
import type { DecideInput } from '../decide.ts';
import type { ServiceEvaluation } from '../evaluate-service.ts';
import type { OptimizerParams } from '../optimizer-params.ts';
import type { ServiceState } from '../service-state.ts';

export const T0 = Date.UTC(2026, 0, 1);
export const MINUTE = 60_000;

export const PARAMS: OptimizerParams = {
  windowMs: 5 * MINUTE,
  statistic: 'p95',
  failuresBeforeMove: 3,
  holdTimeMs: 10 * MINUTE,
  returnMargin: 0.1,
  maxMovesPerRound: 50,
  maxMovesPerColor: undefined,
  minSamples: 1,
};

export const BOUNDS = { maxLatencySeconds: 0.05, maxJitterSeconds: 0.01, maxLossRatio: 0.01 };

export function autoIntent(candidates: readonly Color[] | undefined, fallback: FallbackMode = 'best-effort'): ServiceIntent {
  return { mode: 'auto', slo: { bounds: BOUNDS, objective: 0.99, windowSeconds: 30 * 86_400 }, candidates, fallback };
}

export function pinnedIntent(color: Color): ServiceIntent {
  return { mode: 'pinned', color, source: 'isthmus.io/tunnel', slo: undefined };
}

/** A candidate with a margin (compliant iff ≥ 0), or unknown telemetry. */
export function candidate(color: Color, margin: number | 'unknown' | 'no-pairs'): CandidateEvaluation {
  if (margin === 'unknown' || margin === 'no-pairs') {
    return { color, compliant: undefined, margin: undefined, verdict: margin === 'unknown' ? 'unknown-telemetry' : 'no-pairs' };
  }
  // Latency as the limiting value: margin = (bound − value) / bound.
  const latencySeconds = BOUNDS.maxLatencySeconds * (1 - margin);
  return {
    color,
    compliant: margin >= 0,
    margin,
    verdict: margin >= 0 ? 'meets' : 'violates',
    measured: { latencySeconds, jitterSeconds: 0.001, lossRatio: 0 },
    limitingBound: 'latency',
  };
}

export function evaluation(margins: Partial<Record<Color, number | 'unknown' | 'no-pairs'>>, service = 'shop/checkout'): ServiceEvaluation {
  return {
    service,
    pairSource: 'traffic',
    pairs: [{ from: 100, to: 200 }],
    candidates: Object.entries(margins).map(([color, margin]) => candidate(color as Color, margin)),
  };
}

export function input(intent: ServiceIntent, state?: ServiceState, allowed?: readonly Color[], name = 'checkout'): DecideInput {
  return { service: { namespace: 'shop', name }, intent, allowed, state };
}

export function state(color: Color, fields: Partial<ServiceState> = {}): ServiceState {
  return { color, mode: 'auto', since: T0 - 60 * MINUTE, failures: 0, healthySince: {}, ...fields };
}
