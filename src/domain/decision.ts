import type { AssignmentMode } from './assignment.ts';
import type { Color } from './color.ts';
import type { ServiceRef } from './service.ts';
import type { SiteId } from './site.ts';
import type { FallbackMode, SloBounds } from './slo.ts';

/**
 * Why an assignment is what it is; stable codes for metrics (`reason` label) and `isthmus explain`.
 *  - `pinned`: a static pin, never optimised;
 *  - `initial`: the first assignment, on the most preferred compliant candidate;
 *  - `compliant`: stays, its color meets the SLO;
 *  - `violation-pending`: stays although its color violates the SLO, for fewer than K consecutive
 *    evaluations so far (one bad window does not move traffic);
 *  - `slo-violated`: moved off a color that violated the SLO K times in a row (or off a fallback color
 *    as soon as a candidate complies);
 *  - `preferred-recovered`: moved back to a more preferred color that has complied with a margin for the
 *    hold time;
 *  - `no-compliant-candidate`: no candidate meets the SLO: the least-violating color, or the held one;
 *  - `telemetry-unknown`: the telemetry that would decide is stale or missing (never read as healthy);
 *  - `no-wan-path`: the Service's traffic crosses no site pair (none seen, none expected): no tunnel to judge;
 *  - `tenancy-clipped`: moved because its color is no longer allowed for its namespace;
 *  - `candidates-changed`: moved because its color is no longer among its `isthmus.io/tunnels`;
 *  - `move-deferred`: wanted to move, but the round's move budget was spent on worse violations.
 */
export type DecisionReason =
  | 'pinned'
  | 'initial'
  | 'compliant'
  | 'violation-pending'
  | 'slo-violated'
  | 'preferred-recovered'
  | 'no-compliant-candidate'
  | 'telemetry-unknown'
  | 'no-wan-path'
  | 'tenancy-clipped'
  | 'candidates-changed'
  | 'move-deferred';

/** Latency, jitter and loss as measured on a path, in base units (seconds, 0..1). */
export interface MeasuredValues {
  readonly latencySeconds: number;
  readonly jitterSeconds: number;
  readonly lossRatio: number;
}

/** Which SLO bound a margin is limited by. */
export type BoundName = 'latency' | 'jitter' | 'loss';

/**
 * How a candidate color's path was judged: meets or violates the bounds, telemetry stale or missing
 * (`unknown-telemetry`), or no inter-site pair to judge (`no-pairs`).
 */
export type CandidateVerdict = 'meets' | 'violates' | 'unknown-telemetry' | 'no-pairs';

/** One site pair of a candidate's path, for explanations: which pair limits the margin. */
export interface CandidatePair {
  readonly from: SiteId;
  readonly to: SiteId;
  /** As the path join reports it: `up`, `down` (total loss), `stale`, `missing`. */
  readonly status: 'up' | 'down' | 'stale' | 'missing';
  readonly measured: MeasuredValues | undefined;
  readonly margin: number | undefined;
}

/** One candidate color as the optimizer saw it when deciding. */
export interface CandidateEvaluation {
  readonly color: Color;
  /** undefined: telemetry missing or stale, which never counts as healthy. */
  readonly compliant: boolean | undefined;
  /** Normalised distance to the bounds: ≥ 0 inside them, < 0 outside; undefined when unknown. */
  readonly margin: number | undefined;
  /** The worst over the site pairs (a lower bound when some pair is unknown but known ones violate). */
  readonly measured?: MeasuredValues | undefined;
  readonly verdict?: CandidateVerdict | undefined;
  /** The bound with the smallest margin. */
  readonly limitingBound?: BoundName | undefined;
  readonly pairs?: readonly CandidatePair[] | undefined;
  /** Epoch ms since which the color has complied with at least the return margin; undefined if it does not. */
  readonly healthySince?: number | undefined;
}

/**
 * What would change the decision, for `isthmus explain`:
 *  - `pin-changed`: a pinned Service moves only when its pin annotation changes;
 *  - `violations`: `remaining` more consecutive failing evaluations of `color` would move it (to `to`,
 *    the most preferred compliant candidate now; undefined: none, it would fall back);
 *  - `preferred-complies`: `color` (more preferred) complying with at least `margin` for `holdMs` would
 *    bring it back; `remainingMs` is what is left of that (undefined: the color does not comply with the
 *    margin now, so the hold has not started);
 *  - `candidate-complies`: in fallback, any candidate meeting the SLO takes it at once;
 *  - `less-violating`: in best-effort fallback, a candidate violating less by more than `margin`;
 *  - `telemetry-known`: the telemetry of `color` becoming known again;
 *  - `budget`: the move to `to` was deferred; it is retried in the next round.
 */
export type MoveTrigger =
  | { readonly kind: 'pin-changed' }
  | { readonly kind: 'violations'; readonly color: Color; readonly remaining: number; readonly to: Color | undefined }
  | { readonly kind: 'preferred-complies'; readonly color: Color; readonly margin: number; readonly holdMs: number; readonly remainingMs: number | undefined }
  | { readonly kind: 'candidate-complies' }
  | { readonly kind: 'less-violating'; readonly margin: number }
  | { readonly kind: 'telemetry-known'; readonly color: Color }
  | { readonly kind: 'budget'; readonly to: Color };

/** What the decision was taken from, beyond the candidates' evaluations. */
export interface DecisionInputs {
  /** The candidates in order of preference, after the tenancy guard. */
  readonly candidates: readonly Color[];
  /** The colors the namespace may use; undefined: every color. */
  readonly allowed: readonly Color[] | undefined;
  readonly bounds: SloBounds | undefined;
  readonly fallback: FallbackMode | undefined;
  /** The assignment before this decision. */
  readonly previous: { readonly color: Color; readonly mode: AssignmentMode; readonly since: number } | undefined;
  /** Consecutive failing evaluations of the (new) current color, after this one. */
  readonly failures: number;
  readonly failuresBeforeMove: number;
  readonly holdTimeMs: number;
  readonly returnMargin: number;
  /** How tunnel samples were summarised: the window and the statistic. */
  readonly windowMs: number | undefined;
  readonly statistic: 'mean' | 'p95' | 'max' | undefined;
  /** Where the site pairs came from: observed traffic, client × endpoint sites before traffic, or none. */
  readonly pairSource: 'traffic' | 'fallback' | 'none' | undefined;
  /** The site pairs the candidates were judged on (client site → endpoint site). */
  readonly sitePairs: readonly { readonly from: SiteId; readonly to: SiteId }[] | undefined;
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
  /** The optimizer's inputs (absent in records made elsewhere, e.g. before the optimizer ran). */
  readonly inputs?: DecisionInputs | undefined;
  /** What would make the Service move (empty: nothing short of a configuration change). */
  readonly wouldMove?: readonly MoveTrigger[] | undefined;
  /** With `move-deferred`: the color the Service would have moved to, and why. */
  readonly deferred?: { readonly to: Color; readonly reason: DecisionReason; readonly mode: AssignmentMode } | undefined;
}
