import type { AssignmentMode } from './assignment.ts';
import type { Color } from './color.ts';
import type { ServiceRef } from './service.ts';

/** Why an assignment is what it is; stable codes for metrics (`reason` label) and `isthmus explain`. */
export type DecisionReason =
  | 'pinned'
  | 'initial'
  | 'compliant'
  | 'slo-violated'
  | 'preferred-recovered'
  | 'no-compliant-candidate'
  | 'telemetry-unknown'
  | 'tenancy-clipped';

/** One candidate color as the optimizer saw it when deciding. */
export interface CandidateEvaluation {
  readonly color: Color;
  /** undefined: telemetry missing or stale, which never counts as healthy. */
  readonly compliant: boolean | undefined;
  /** Normalised distance to the bounds: ≥ 0 inside them, < 0 outside; undefined when unknown. */
  readonly margin: number | undefined;
}

/** A record of one decision, kept for explanation and emitted as Events and metrics. */
export interface DecisionRecord {
  readonly service: ServiceRef;
  /** Epoch milliseconds. */
  readonly time: number;
  readonly from: Color | undefined;
  readonly to: Color;
  readonly mode: AssignmentMode;
  readonly reason: DecisionReason;
  readonly message: string;
  readonly candidates: readonly CandidateEvaluation[];
}
