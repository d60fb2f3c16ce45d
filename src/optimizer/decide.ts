import type { Assignment, AssignmentMode } from '../domain/assignment.ts';
import type { Color } from '../domain/color.ts';
import type { CandidateEvaluation, DecisionInputs, DecisionReason, DecisionRecord, MoveTrigger } from '../domain/decision.ts';
import type { ServiceRef } from '../domain/service.ts';
import type { FallbackMode, ServiceIntent } from '../domain/slo.ts';
import { decisionMessage } from './decision-message.ts';
import type { ServiceEvaluation } from './evaluate-service.ts';
import type { OptimizerParams } from './optimizer-params.ts';
import type { ServiceState } from './service-state.ts';

/** One Service as a reconcile sees it: its intent (after `applyTenancy`), the tenancy guard, its memory. */
export interface DecideInput {
  readonly service: ServiceRef;
  readonly intent: ServiceIntent;
  /** The colors its namespace may use (`allowedTunnelsFor(…).colors`); undefined: every color. */
  readonly allowed: readonly Color[] | undefined;
  /** The previous decision's state; undefined before the first. */
  readonly state: ServiceState | undefined;
}

export interface Decision {
  /** undefined: the Service is not steered (unmanaged, or no allowed candidate). */
  readonly assignment: Assignment | undefined;
  readonly record: DecisionRecord | undefined;
  /** The state to pass to the next decision. */
  readonly state: ServiceState | undefined;
  /**
   * The decision moves the Service and the move counts against the round's budget: moves off violating
   * colors, returns, fallback switches. Initial assignments and forced moves (tenancy, candidates
   * changed) never wait for budget; pins never move.
   */
  readonly budgeted: boolean;
  /** Budgeted moves are granted lowest first: the current color's margin (worst violations first). */
  readonly urgency: number;
}

export interface DecideOptions {
  /** Keep the Service where it is instead of making a budgeted move (the round's budget is spent). */
  readonly deferMoves?: boolean;
}

const NOT_STEERED: Decision = { assignment: undefined, record: undefined, state: undefined, budgeted: false, urgency: 0 };

/** What the rules chose, before it becomes an assignment, a record and a state. */
interface Outcome {
  readonly color: Color;
  readonly mode: AssignmentMode;
  readonly reason: DecisionReason;
  /** Consecutive failing evaluations of `color` after this round. */
  readonly failures: number;
  readonly budgeted: boolean;
}

interface AutoContext {
  /** Candidates in preference order, within the allowed set, each with its evaluation. */
  readonly candidates: readonly CandidateEvaluation[];
  /** The first of them. */
  readonly preferred: CandidateEvaluation;
  readonly allowed: readonly Color[] | undefined;
  readonly previous: ServiceState | undefined;
  /** The evaluation of the previous color, when it is still a candidate. */
  readonly current: CandidateEvaluation | undefined;
  readonly fallback: FallbackMode;
  readonly healthy: Readonly<Partial<Record<Color, number>>>;
  readonly now: number;
  readonly params: OptimizerParams;
}

/**
 * The reconcile of one Service: where it goes, why, and what the next round must remember. Pure.
 *
 * Rules, in order:
 *  1. Unmanaged: not steered. Pinned: its pin, always (outside the allowed set: not steered).
 *  2. Candidates are clipped to the allowed set again, whatever the state says; no candidate left: not steered.
 *  3. No current color (first decision, color disallowed or no longer a candidate): the most preferred
 *     compliant candidate; none known: the most preferred (`telemetry-unknown`); all known ones violate:
 *     fallback.
 *  4. In fallback: leave it as soon as a candidate complies; else stay in fallback.
 *  5. Current color complies (or is unknown): stay, unless a more preferred color has complied with the
 *     return margin for the hold time and the Service has been on its color for the hold time.
 *  6. Current color violates: stay until K consecutive failing evaluations, then move to the most
 *     preferred compliant candidate; none: fallback.
 * Fallback: `best-effort` takes the least-violating known color, switching between violating colors only
 * for a gain of more than the return margin; `hold` keeps the current color.
 */
export function decide(input: DecideInput, evaluation: ServiceEvaluation | undefined, now: number, params: OptimizerParams, options: DecideOptions = {}): Decision {
  const { intent } = input;
  if (intent.mode === 'unmanaged') return NOT_STEERED;
  if (intent.mode === 'pinned') return decidePinned(input, intent.color, evaluation, now, params);

  const preference = intent.candidates ?? input.allowed ?? evaluation?.candidates.map((candidate) => candidate.color) ?? [];
  const eligible = withinAllowed(preference, input.allowed);
  const previous = input.state;
  const evaluated = eligible.map((color) => evaluationOf(evaluation, color));
  const healthy = healthySince(evaluated, previous, now, params.returnMargin);
  const candidates = evaluated.map((candidate) => ({ ...candidate, healthySince: healthy[candidate.color] }));
  const preferred = candidates[0];
  if (preferred === undefined) return NOT_STEERED;
  const current = previous === undefined ? undefined : candidates.find((candidate) => candidate.color === previous.color);
  const context: AutoContext = { candidates, preferred, allowed: input.allowed, previous, current, fallback: intent.fallback, healthy, now, params };

  const wanted = decideAuto(context);
  // Only a move off a current color can be deferred (budgeted outcomes always have one).
  const stayOn = options.deferMoves === true && wanted.budgeted && wanted.color !== current?.color ? current : undefined;
  const defer = stayOn !== undefined;
  const outcome: Outcome =
    stayOn === undefined
      ? wanted
      : { color: stayOn.color, mode: wanted.mode === 'fallback' ? 'fallback' : 'auto', reason: 'move-deferred', failures: failuresAfter(previous, stayOn), budgeted: false };

  const since = previous?.color === outcome.color ? previous.since : now;
  const state: ServiceState = { color: outcome.color, mode: outcome.mode, since, failures: outcome.failures, healthySince: healthy };
  const inputs: DecisionInputs = {
    candidates: eligible,
    allowed: input.allowed,
    bounds: intent.slo.bounds,
    fallback: intent.fallback,
    previous: previous === undefined ? undefined : { color: previous.color, mode: previous.mode, since: previous.since },
    failures: outcome.failures,
    failuresBeforeMove: params.failuresBeforeMove,
    holdTimeMs: params.holdTimeMs,
    returnMargin: params.returnMargin,
    windowMs: params.windowMs,
    statistic: params.statistic,
    pairSource: evaluation?.pairSource,
    sitePairs: evaluation?.pairs,
  };
  const deferred = defer ? { to: wanted.color, reason: wanted.reason, mode: wanted.mode } : undefined;
  const record: DecisionRecord = {
    service: input.service,
    time: now,
    from: previous?.color,
    to: outcome.color,
    mode: outcome.mode,
    reason: outcome.reason,
    message: decisionMessage({
      reason: outcome.reason,
      mode: outcome.mode,
      from: previous?.color,
      to: outcome.color,
      fallback: intent.fallback,
      failures: outcome.failures,
      failuresBeforeMove: params.failuresBeforeMove,
      deferredTo: deferred?.to,
    }),
    candidates,
    inputs,
    wouldMove: moveTriggers(context, state, deferred?.to),
    deferred,
  };
  return {
    assignment: { service: input.service, color: outcome.color, mode: outcome.mode, since },
    record,
    state,
    budgeted: outcome.budgeted && outcome.color !== previous?.color,
    urgency: current?.margin ?? 0,
  };
}

function decidePinned(input: DecideInput, color: Color, evaluation: ServiceEvaluation | undefined, now: number, params: OptimizerParams): Decision {
  // applyTenancy already drops a disallowed pin; checked again so a stale intent can never steer outside.
  if (input.allowed !== undefined && !input.allowed.includes(color)) return NOT_STEERED;
  const previous = input.state;
  const since = previous?.color === color ? previous.since : now;
  const state: ServiceState = { color, mode: 'pinned', since, failures: 0, healthySince: {} };
  const intent = input.intent.mode === 'pinned' ? input.intent : undefined;
  const record: DecisionRecord = {
    service: input.service,
    time: now,
    from: previous?.color,
    to: color,
    mode: 'pinned',
    reason: 'pinned',
    message: `pinned to ${color}${intent === undefined ? '' : ` by ${intent.source}`}`,
    candidates: [evaluationOf(evaluation, color)],
    inputs: {
      candidates: [color],
      allowed: input.allowed,
      bounds: intent?.slo?.bounds,
      fallback: undefined,
      previous: previous === undefined ? undefined : { color: previous.color, mode: previous.mode, since: previous.since },
      failures: 0,
      failuresBeforeMove: params.failuresBeforeMove,
      holdTimeMs: params.holdTimeMs,
      returnMargin: params.returnMargin,
      windowMs: params.windowMs,
      statistic: params.statistic,
      pairSource: evaluation?.pairSource,
      sitePairs: evaluation?.pairs,
    },
    wouldMove: [{ kind: 'pin-changed' }],
    deferred: undefined,
  };
  return { assignment: { service: input.service, color, mode: 'pinned', since }, record, state, budgeted: false, urgency: 0 };
}

function decideAuto(context: AutoContext): Outcome {
  const { previous, current } = context;
  if (previous === undefined || current === undefined) return reassign(context);
  if (previous.mode === 'fallback' && current.compliant !== true) {
    const target = firstCompliant(context.candidates);
    if (target !== undefined) return { color: target.color, mode: 'auto', reason: 'slo-violated', failures: 0, budgeted: true };
    return fallbackChoice(context, current, failuresAfter(previous, current));
  }
  if (current.compliant === true) return returnOrStay(context, current, previous.since, 0, 'compliant');
  if (current.compliant === undefined) return returnOrStay(context, current, previous.since, previous.failures, unknownReason(current));
  const failures = previous.failures + 1;
  if (failures < context.params.failuresBeforeMove) return { color: current.color, mode: 'auto', reason: 'violation-pending', failures, budgeted: false };
  const target = firstCompliant(context.candidates);
  if (target !== undefined) return { color: target.color, mode: 'auto', reason: 'slo-violated', failures: 0, budgeted: true };
  return fallbackChoice(context, current, failures);
}

/** A Service without a usable current color chooses afresh; such a move never waits for budget. */
function reassign(context: AutoContext): Outcome {
  const { previous, candidates, preferred } = context;
  const forced = previous === undefined ? undefined : forcedReason(context.allowed, previous.color);
  const compliant = firstCompliant(candidates);
  if (compliant !== undefined) return { color: compliant.color, mode: 'auto', reason: forced ?? 'initial', failures: 0, budgeted: false };
  const least = leastViolating(candidates);
  if (least === undefined) {
    // Nothing known: the most preferred candidate, never a guess that an unknown color is healthy.
    return { color: preferred.color, mode: 'auto', reason: forced ?? unknownReason(preferred), failures: 0, budgeted: false };
  }
  return { color: least.color, mode: 'fallback', reason: forced ?? 'no-compliant-candidate', failures: 1, budgeted: false };
}

/** Stay on a compliant (or unknown) color, or return to a more preferred one that has recovered with margin. */
function returnOrStay(context: AutoContext, current: CandidateEvaluation, since: number, failures: number, stayReason: DecisionReason): Outcome {
  const { now, params } = context;
  if (now - since >= params.holdTimeMs) {
    for (const candidate of context.candidates) {
      if (candidate.color === current.color) break;
      const healthy = context.healthy[candidate.color];
      if (healthy !== undefined && now - healthy >= params.holdTimeMs) {
        return { color: candidate.color, mode: 'auto', reason: 'preferred-recovered', failures: 0, budgeted: true };
      }
    }
  }
  return { color: current.color, mode: 'auto', reason: stayReason, failures, budgeted: false };
}

/** No candidate complies: `hold` keeps the current color; `best-effort` the least-violating one, with hysteresis. */
function fallbackChoice(context: AutoContext, current: CandidateEvaluation, failures: number): Outcome {
  const stay: Outcome = { color: current.color, mode: 'fallback', reason: 'no-compliant-candidate', failures, budgeted: false };
  if (context.fallback === 'hold') return stay;
  const best = leastViolating(context.candidates);
  // An unknown current color is not known to be worse than a known violation: stay.
  if (best === undefined || best.color === current.color || current.margin === undefined) return stay;
  // Between two violating colors, noise must not toss the Service back and forth: switch only for a clear gain.
  if ((best.margin ?? Number.NEGATIVE_INFINITY) - current.margin <= context.params.returnMargin) return stay;
  return { color: best.color, mode: 'fallback', reason: 'no-compliant-candidate', failures: 1, budgeted: true };
}

function moveTriggers(context: AutoContext, state: ServiceState, deferredTo: Color | undefined): MoveTrigger[] {
  const { params, now, candidates } = context;
  const triggers: MoveTrigger[] = [];
  if (deferredTo !== undefined) triggers.push({ kind: 'budget', to: deferredTo });
  const current = candidates.find((candidate) => candidate.color === state.color);
  if (state.mode === 'fallback') {
    triggers.push({ kind: 'candidate-complies' });
    if (context.fallback === 'best-effort') triggers.push({ kind: 'less-violating', margin: params.returnMargin });
    return triggers;
  }
  if (current !== undefined && current.compliant === undefined) triggers.push({ kind: 'telemetry-known', color: current.color });
  const alternative = firstCompliant(candidates.filter((candidate) => candidate.color !== state.color));
  triggers.push({ kind: 'violations', color: state.color, remaining: Math.max(1, params.failuresBeforeMove - state.failures), to: alternative?.color });
  const dwellLeft = params.holdTimeMs - (now - state.since);
  for (const candidate of candidates) {
    if (candidate.color === state.color) break;
    const healthy = context.healthy[candidate.color];
    const remainingMs = healthy === undefined ? undefined : Math.max(0, params.holdTimeMs - (now - healthy), dwellLeft);
    triggers.push({ kind: 'preferred-complies', color: candidate.color, margin: params.returnMargin, holdMs: params.holdTimeMs, remainingMs });
  }
  return triggers;
}

/** Per candidate, since when it has complied with the return margin in every evaluation (unknown breaks it). */
function healthySince(candidates: readonly CandidateEvaluation[], previous: ServiceState | undefined, now: number, returnMargin: number): Partial<Record<Color, number>> {
  const healthy: Partial<Record<Color, number>> = {};
  for (const candidate of candidates) {
    if (candidate.compliant === true && candidate.margin !== undefined && candidate.margin >= returnMargin) {
      healthy[candidate.color] = previous?.healthySince[candidate.color] ?? now;
    }
  }
  return healthy;
}

function failuresAfter(previous: ServiceState | undefined, current: CandidateEvaluation): number {
  const before = previous?.failures ?? 0;
  if (current.compliant === true) return 0;
  return current.compliant === false ? before + 1 : before;
}

function firstCompliant(candidates: readonly CandidateEvaluation[]): CandidateEvaluation | undefined {
  return candidates.find((candidate) => candidate.compliant === true);
}

/** The known violating candidate with the greatest margin; the more preferred among equals. */
function leastViolating(candidates: readonly CandidateEvaluation[]): CandidateEvaluation | undefined {
  let best: CandidateEvaluation | undefined;
  for (const candidate of candidates) {
    if (candidate.compliant !== false || candidate.margin === undefined) continue;
    if (best?.margin === undefined || candidate.margin > best.margin) best = candidate;
  }
  return best;
}

/** Why the previous color is no longer a candidate: the namespace may not use it, or the Service dropped it. */
function forcedReason(allowed: readonly Color[] | undefined, color: Color): DecisionReason {
  return allowed !== undefined && !allowed.includes(color) ? 'tenancy-clipped' : 'candidates-changed';
}

function unknownReason(candidate: Pick<CandidateEvaluation, 'verdict'>): DecisionReason {
  return candidate.verdict === 'no-pairs' ? 'no-wan-path' : 'telemetry-unknown';
}

function evaluationOf(evaluation: ServiceEvaluation | undefined, color: Color): CandidateEvaluation {
  return evaluation?.candidates.find((candidate) => candidate.color === color) ?? { color, compliant: undefined, margin: undefined, verdict: 'unknown-telemetry' };
}

function withinAllowed(preference: readonly Color[], allowed: readonly Color[] | undefined): Color[] {
  const unique = [...new Set(preference)];
  return allowed === undefined ? unique : unique.filter((color) => allowed.includes(color));
}
