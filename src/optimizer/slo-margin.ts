import type { BoundName, MeasuredValues } from '../domain/decision.ts';
import type { SloBounds } from '../domain/slo.ts';

export interface SloMargin {
  /** min over the declared bounds of (bound − value) / bound: ≥ 0 meets every bound, < 0 violates one. */
  readonly margin: number;
  /** The bound with the smallest margin; undefined when the SLO declares none. */
  readonly limitingBound: BoundName | undefined;
}

/**
 * Denominators for bounds of 0 (a `max-loss: 0%` is valid): the margin then counts in units of this
 * floor instead of dividing by zero. The sign stays exact: a value at a zero bound has margin 0, any
 * value above it a negative one. Chosen below what vManage can report (0.1 ms, 0.01 % loss).
 */
const FLOOR: Readonly<Record<BoundName, number>> = { latency: 1e-4, jitter: 1e-4, loss: 1e-4 };

/** Margin when the SLO declares no bound: the most any bounded path can show (a value of 0). */
export const UNBOUNDED_MARGIN = 1;

/**
 * The normalised margin of measured values against SLO bounds, comparable across latency, jitter and
 * loss and across Services (the least-violating color is the one with the greatest margin). The sign
 * agrees with `meetsBounds` (inclusive bounds). Pure.
 */
export function sloMargin(bounds: SloBounds, measured: MeasuredValues): SloMargin {
  // Unrolled rather than a helper closure per call: this runs per Service, candidate and site pair.
  let margin = UNBOUNDED_MARGIN;
  let limitingBound: BoundName | undefined;
  const latency = boundMargin(bounds.maxLatencySeconds, measured.latencySeconds, FLOOR.latency);
  if (latency !== undefined) {
    margin = latency;
    limitingBound = 'latency';
  }
  const jitter = boundMargin(bounds.maxJitterSeconds, measured.jitterSeconds, FLOOR.jitter);
  if (jitter !== undefined && (limitingBound === undefined || jitter < margin)) {
    margin = jitter;
    limitingBound = 'jitter';
  }
  const loss = boundMargin(bounds.maxLossRatio, measured.lossRatio, FLOOR.loss);
  if (loss !== undefined && (limitingBound === undefined || loss < margin)) {
    margin = loss;
    limitingBound = 'loss';
  }
  return { margin, limitingBound };
}

/** `sloMargin(bounds, measured).margin` without the limiting bound: per site pair, where only the number is kept. */
export function sloMarginValue(bounds: SloBounds, measured: MeasuredValues): number {
  const latency = boundMargin(bounds.maxLatencySeconds, measured.latencySeconds, FLOOR.latency);
  const jitter = boundMargin(bounds.maxJitterSeconds, measured.jitterSeconds, FLOOR.jitter);
  const loss = boundMargin(bounds.maxLossRatio, measured.lossRatio, FLOOR.loss);
  let margin: number | undefined = latency;
  if (jitter !== undefined && (margin === undefined || jitter < margin)) margin = jitter;
  if (loss !== undefined && (margin === undefined || loss < margin)) margin = loss;
  return margin ?? UNBOUNDED_MARGIN;
}

function boundMargin(bound: number | undefined, value: number, floor: number): number | undefined {
  return bound === undefined ? undefined : (bound - value) / Math.max(bound, floor);
}
