import type { AssignmentMode } from '../domain/assignment.ts';
import type { Color } from '../domain/color.ts';

/**
 * What the optimizer remembers about one Service between rounds (the `state'` of one decision is the
 * `state` of the next). Plain data, so the controller can keep it in a Map keyed by Service and tests can
 * write it out.
 */
export interface ServiceState {
  readonly color: Color;
  readonly mode: AssignmentMode;
  /** Epoch ms since the Service has been on `color`. */
  readonly since: number;
  /**
   * Consecutive failing evaluations of `color`. Unknown telemetry neither adds to it nor resets it: it is
   * no evidence either way, and never counts as healthy.
   */
  readonly failures: number;
  /**
   * Per candidate color, since when (epoch ms) it has complied with at least the return margin in every
   * evaluation: the hysteresis clock for returning to a more preferred color.
   */
  readonly healthySince: Readonly<Partial<Record<Color, number>>>;
}
