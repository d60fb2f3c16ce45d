import type { Color } from '../domain/color.ts';
import { serviceKey } from '../domain/service.ts';
import { decide } from './decide.ts';
import type { DecideInput, Decision } from './decide.ts';
import type { ServiceEvaluation } from './evaluate-service.ts';
import type { OptimizerParams } from './optimizer-params.ts';

/** One Service of a round: the reconcile input and its evaluation (undefined: nothing evaluated, unknown). */
export interface RoundService extends DecideInput {
  readonly evaluation: ServiceEvaluation | undefined;
}

export interface RoundPlan {
  /** One per input Service, in input order. */
  readonly decisions: readonly Decision[];
  /** Budgeted moves granted this round. */
  readonly moves: number;
  /** Budgeted moves deferred to a later round (their records say `move-deferred`). */
  readonly deferred: number;
}

/**
 * One optimisation round: every Service decided on its own (`decide`), then the budgeted moves granted
 * worst violation first (lowest current margin; Service key breaks ties, so a round is deterministic)
 * until the round's budget — or a destination color's — is spent, so a failing tunnel does not herd all
 * its Services onto one other tunnel at once. The rest stay where they are for now, recorded as deferred;
 * their failure counts are kept, so they move as soon as budget allows. Pure.
 */
export function planRound(services: readonly RoundService[], now: number, params: OptimizerParams): RoundPlan {
  const decisions = services.map((service) => decide(service, service.evaluation, now, params));
  const wanting: { decision: Decision; index: number; key: string }[] = [];
  decisions.forEach((decision, index) => {
    // Only budgeted moves are ordered: their keys are the only ones a round needs.
    if (decision.budgeted) wanting.push({ decision, index, key: serviceKey(services[index]?.service ?? { namespace: '', name: '' }) });
  });
  wanting.sort((a, b) => a.decision.urgency - b.decision.urgency || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  let moves = 0;
  let deferred = 0;
  const perColor = new Map<Color, number>();
  for (const { decision, index } of wanting) {
    const to = decision.assignment?.color;
    const onColor = to === undefined ? 0 : (perColor.get(to) ?? 0);
    if (to !== undefined && moves < params.maxMovesPerRound && (params.maxMovesPerColor === undefined || onColor < params.maxMovesPerColor)) {
      moves++;
      perColor.set(to, onColor + 1);
      continue;
    }
    const service = services[index];
    if (service === undefined) continue;
    decisions[index] = decide(service, service.evaluation, now, params, { deferMoves: true });
    deferred++;
  }
  return { decisions, moves, deferred };
}
