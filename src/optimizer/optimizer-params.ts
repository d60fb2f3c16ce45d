import type { OptimizerConfig } from '../config/config-schema.ts';

import type { WindowStatistic } from '../domain/window-statistic.ts';

/** How a window of tunnel samples is summarised before it is compared with SLO bounds. */
export type { WindowStatistic };

/** The optimizer's tuning, in plain numbers (durations in ms). */
export interface OptimizerParams {
  /** Window of tunnel samples over which a color is judged. */
  readonly windowMs: number;
  /** `mean` is what app-aware routing compares; `p95` and `max` are stricter. */
  readonly statistic: WindowStatistic;
  /** K: consecutive failing evaluations before a Service moves off its color. */
  readonly failuresBeforeMove: number;
  /**
   * How long a more preferred color must comply with `returnMargin` before the Service returns to it,
   * and the least time a Service stays on a color before such a return.
   */
  readonly holdTimeMs: number;
  /** Headroom (fraction of each bound) a more preferred color must show before the Service returns. */
  readonly returnMargin: number;
  /** Budgeted moves (off violating colors, returns, fallback switches) per round, all colors together. */
  readonly maxMovesPerRound: number;
  /** Budgeted moves per round onto one color; undefined: only the round's budget applies. */
  readonly maxMovesPerColor: number | undefined;
  /** Fewer samples than this in the window leave a tunnel unknown. */
  readonly minSamples: number;
}

/** Defaults for what the configuration does not (yet) carry. */
export const DEFAULT_MAX_MOVES_PER_ROUND = 50;
export const DEFAULT_MIN_SAMPLES = 1;

/** The parameters from the configuration's `optimizer` section, with the rest overridable. */
export function optimizerParams(config: OptimizerConfig, overrides: Partial<OptimizerParams> = {}): OptimizerParams {
  return {
    windowMs: config.evaluationWindow,
    statistic: config.statistic,
    failuresBeforeMove: config.failuresBeforeMove,
    holdTimeMs: config.holdTime,
    returnMargin: config.returnMargin,
    maxMovesPerRound: DEFAULT_MAX_MOVES_PER_ROUND,
    maxMovesPerColor: undefined,
    minSamples: DEFAULT_MIN_SAMPLES,
    ...overrides,
  };
}
