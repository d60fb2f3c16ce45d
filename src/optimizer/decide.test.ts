import { describe, expect, it } from 'vitest';
import type { Color } from '../domain/color.ts';
import { decide } from './decide.ts';
import type { Decision } from './decide.ts';
import type { ServiceEvaluation } from './evaluate-service.ts';
import type { OptimizerParams } from './optimizer-params.ts';
import type { ServiceState } from './service-state.ts';
import { autoIntent, evaluation, input, MINUTE, PARAMS, pinnedIntent, state, T0 } from './testdata/optimizer-fixture.ts';

const PREFERENCE: readonly Color[] = ['mpls', 'biz-internet', 'lte'];
const AUTO = autoIntent(PREFERENCE);

function summary(decision: Decision): { color: Color | undefined; mode: string | undefined; reason: string | undefined } {
  return { color: decision.assignment?.color, mode: decision.assignment?.mode, reason: decision.record?.reason };
}

/** Runs rounds one minute apart, threading the state; returns every decision. */
function rounds(start: ServiceState | undefined, evaluations: readonly ServiceEvaluation[], params: OptimizerParams = PARAMS, intent = AUTO): Decision[] {
  let current = start;
  return evaluations.map((each, i) => {
    const decision = decide(input(intent, current), each, T0 + i * MINUTE, params);
    current = decision.state;
    return decision;
  });
}

describe('decide: initial assignment', () => {
  it('takes the most preferred compliant candidate', () => {
    const decision = decide(input(AUTO), evaluation({ mpls: -0.2, 'biz-internet': 0.3, lte: 0.5 }), T0, PARAMS);
    expect(summary(decision)).toEqual({ color: 'biz-internet', mode: 'auto', reason: 'initial' });
    expect(decision.assignment?.since).toBe(T0);
    expect(decision.state).toMatchObject({ color: 'biz-internet', failures: 0, since: T0 });
    expect(decision.budgeted).toBe(false);
  });

  it('with unknown telemetry, takes the most preferred candidate: telemetry-unknown', () => {
    const decision = decide(input(AUTO), evaluation({ mpls: 'unknown', 'biz-internet': 'unknown', lte: 'unknown' }), T0, PARAMS);
    expect(summary(decision)).toEqual({ color: 'mpls', mode: 'auto', reason: 'telemetry-unknown' });
    expect(summary(decide(input(AUTO), undefined, T0, PARAMS))).toEqual({ color: 'mpls', mode: 'auto', reason: 'telemetry-unknown' });
  });

  it('never takes an unknown color for a healthy one: a known compliant candidate wins', () => {
    expect(summary(decide(input(AUTO), evaluation({ mpls: 'unknown', 'biz-internet': 0.1, lte: 'unknown' }), T0, PARAMS)).color).toBe('biz-internet');
  });

  it('without a site pair to judge says so: no-wan-path', () => {
    const decision = decide(input(AUTO), evaluation({ mpls: 'no-pairs', 'biz-internet': 'no-pairs', lte: 'no-pairs' }), T0, PARAMS);
    expect(summary(decision)).toEqual({ color: 'mpls', mode: 'auto', reason: 'no-wan-path' });
  });

  it('with every candidate violating falls back: best-effort takes the least-violating color', () => {
    const decision = decide(input(AUTO), evaluation({ mpls: -0.5, 'biz-internet': -0.1, lte: -0.3 }), T0, PARAMS);
    expect(summary(decision)).toEqual({ color: 'biz-internet', mode: 'fallback', reason: 'no-compliant-candidate' });
  });

  it('best-effort ignores unknown colors when ranking violations (unknown is never better than known)', () => {
    const decision = decide(input(AUTO), evaluation({ mpls: 'unknown', 'biz-internet': -0.4, lte: -0.3 }), T0, PARAMS);
    expect(summary(decision)).toEqual({ color: 'lte', mode: 'fallback', reason: 'no-compliant-candidate' });
  });

  it('uses the namespace’s allowed colors when the Service names no candidates', () => {
    const decision = decide(input(autoIntent(undefined), undefined, ['lte', 'mpls']), evaluation({ mpls: 0.2, lte: 0.2 }), T0, PARAMS);
    expect(decision.assignment?.color).toBe('lte');
    expect(decision.record?.inputs?.candidates).toEqual(['lte', 'mpls']);
  });
});

describe('decide: pinned and unmanaged', () => {
  it('keeps a pinned Service on its pin whatever the telemetry', () => {
    const decision = decide(input(pinnedIntent('lte'), state('lte', { mode: 'pinned' })), evaluation({ lte: -0.9 }), T0, PARAMS);
    expect(summary(decision)).toEqual({ color: 'lte', mode: 'pinned', reason: 'pinned' });
    expect(decision.record?.wouldMove).toEqual([{ kind: 'pin-changed' }]);
    expect(decision.record?.candidates.map((c) => c.margin)).toEqual([-0.9]);
  });

  it('moves a newly pinned Service to its pin at once, from any state', () => {
    const decision = decide(input(pinnedIntent('lte'), state('mpls', { mode: 'fallback', failures: 7 })), undefined, T0, PARAMS);
    expect(decision.assignment).toMatchObject({ color: 'lte', mode: 'pinned', since: T0 });
    expect(decision.record?.from).toBe('mpls');
    expect(decision.budgeted).toBe(false);
  });

  it('does not steer a pin outside the allowed set, nor an unmanaged Service', () => {
    expect(decide(input(pinnedIntent('lte'), undefined, ['mpls']), undefined, T0, PARAMS).assignment).toBeUndefined();
    expect(decide(input({ mode: 'unmanaged' }, state('mpls')), undefined, T0, PARAMS)).toMatchObject({ assignment: undefined, record: undefined, state: undefined });
  });
});

describe('decide: staying and moving', () => {
  it('keeps a compliant color, even when a more preferred one complies too (until the hold)', () => {
    const decision = decide(input(AUTO, state('biz-internet', { since: T0 - MINUTE })), evaluation({ mpls: 0.5, 'biz-internet': 0.1 }), T0, PARAMS);
    expect(summary(decision)).toEqual({ color: 'biz-internet', mode: 'auto', reason: 'compliant' });
    expect(decision.state?.healthySince).toEqual({ mpls: T0, 'biz-internet': T0 });
  });

  it('needs K consecutive failing evaluations before moving', () => {
    const failing = evaluation({ mpls: -0.2, 'biz-internet': 0.3 });
    const decisions = rounds(state('mpls'), [failing, failing, failing]);
    expect(decisions.map(summary)).toEqual([
      { color: 'mpls', mode: 'auto', reason: 'violation-pending' },
      { color: 'mpls', mode: 'auto', reason: 'violation-pending' },
      { color: 'biz-internet', mode: 'auto', reason: 'slo-violated' },
    ]);
    expect(decisions.map((d) => d.state?.failures)).toEqual([1, 2, 0]);
    expect(decisions[2]?.budgeted).toBe(true);
    expect(decisions[2]?.urgency).toBe(-0.2);
  });

  it('restarts the count after a compliant evaluation; unknown neither counts nor resets', () => {
    const fail = evaluation({ mpls: -0.2, 'biz-internet': 0.3 });
    const pass = evaluation({ mpls: 0.05, 'biz-internet': 0.3 });
    const unknown = evaluation({ mpls: 'unknown', 'biz-internet': 0.3 });
    expect(rounds(state('mpls'), [fail, fail, pass, fail, fail]).map((d) => d.assignment?.color)).toEqual(['mpls', 'mpls', 'mpls', 'mpls', 'mpls']);
    const withGap = rounds(state('mpls'), [fail, fail, unknown, fail]);
    expect(withGap.map((d) => d.record?.reason)).toEqual(['violation-pending', 'violation-pending', 'telemetry-unknown', 'slo-violated']);
  });

  it('with K = 1 moves on the first failing evaluation', () => {
    const decision = decide(input(AUTO, state('mpls')), evaluation({ mpls: -0.01, lte: 0.2 }), T0, { ...PARAMS, failuresBeforeMove: 1 });
    expect(summary(decision)).toEqual({ color: 'lte', mode: 'auto', reason: 'slo-violated' });
  });

  it('moves to the most preferred compliant candidate, not the one with the greatest margin', () => {
    const decision = decide(input(AUTO, state('mpls', { failures: 2 })), evaluation({ mpls: -0.2, 'biz-internet': 0.01, lte: 0.9 }), T0, PARAMS);
    expect(decision.assignment?.color).toBe('biz-internet');
  });

  it('stays on an unknown color rather than guessing: telemetry-unknown', () => {
    const decision = decide(input(AUTO, state('mpls', { failures: 1 })), evaluation({ mpls: 'unknown', 'biz-internet': 0.3 }), T0, PARAMS);
    expect(summary(decision)).toEqual({ color: 'mpls', mode: 'auto', reason: 'telemetry-unknown' });
    expect(decision.state?.failures).toBe(1);
    expect(decision.record?.wouldMove).toContainEqual({ kind: 'telemetry-known', color: 'mpls' });
  });
});

describe('decide: return to a more preferred color (hysteresis)', () => {
  const onBiz = state('biz-internet', { since: T0 - 60 * MINUTE });

  it('returns only after the preferred color has complied with the margin for the hold time', () => {
    const recovered = evaluation({ mpls: 0.2, 'biz-internet': 0.3 });
    const decisions = rounds(onBiz, Array.from({ length: 12 }, () => recovered));
    const firstMove = decisions.findIndex((d) => d.assignment?.color === 'mpls');
    expect(firstMove).toBe(10); // healthy since round 0; hold 10 minutes
    expect(decisions[firstMove]?.record?.reason).toBe('preferred-recovered');
    expect(decisions[firstMove]?.budgeted).toBe(true);
    const waiting = decisions[5]?.record?.wouldMove?.find((t) => t.kind === 'preferred-complies');
    expect(waiting).toEqual({ kind: 'preferred-complies', color: 'mpls', margin: 0.1, holdMs: 10 * MINUTE, remainingMs: 5 * MINUTE });
  });

  it('does not return while the preferred color complies without the margin', () => {
    const thin = evaluation({ mpls: 0.05, 'biz-internet': 0.3 });
    const decisions = rounds(onBiz, Array.from({ length: 30 }, () => thin));
    expect(decisions.every((d) => d.assignment?.color === 'biz-internet')).toBe(true);
    expect(decisions.at(-1)?.record?.wouldMove).toContainEqual({ kind: 'preferred-complies', color: 'mpls', margin: 0.1, holdMs: 10 * MINUTE, remainingMs: undefined });
  });

  it('restarts the hold when the preferred color dips below the margin once', () => {
    const good = evaluation({ mpls: 0.2, 'biz-internet': 0.3 });
    const dip = evaluation({ mpls: 0.02, 'biz-internet': 0.3 });
    const series = [...Array.from({ length: 8 }, () => good), dip, ...Array.from({ length: 12 }, () => good)];
    const decisions = rounds(onBiz, series);
    expect(decisions.findIndex((d) => d.assignment?.color === 'mpls')).toBe(19); // healthy again from round 9
  });

  it('stays on a new color for the hold time before returning, even if the preferred one recovered long ago', () => {
    const previous = state('biz-internet', { since: T0 - 2 * MINUTE, healthySince: { mpls: T0 - 60 * MINUTE } });
    const decisions = rounds(previous, Array.from({ length: 10 }, () => evaluation({ mpls: 0.5, 'biz-internet': 0.5 })));
    expect(decisions.findIndex((d) => d.assignment?.color === 'mpls')).toBe(8);
  });

  it('returns from an unknown color too, to a preferred one known to be healthy', () => {
    const previous = state('biz-internet', { healthySince: { mpls: T0 - 60 * MINUTE } });
    expect(summary(decide(input(AUTO, previous), evaluation({ mpls: 0.5, 'biz-internet': 'unknown' }), T0, PARAMS)).reason).toBe('preferred-recovered');
  });
});

describe('decide: fallback', () => {
  const allViolate = evaluation({ mpls: -0.3, 'biz-internet': -0.1, lte: -0.6 });

  it('best-effort moves to the least-violating color after K failures, marked fallback', () => {
    const decision = decide(input(AUTO, state('mpls', { failures: 2 })), allViolate, T0, PARAMS);
    expect(summary(decision)).toEqual({ color: 'biz-internet', mode: 'fallback', reason: 'no-compliant-candidate' });
    expect(decision.record?.wouldMove).toEqual([{ kind: 'candidate-complies' }, { kind: 'less-violating', margin: 0.1 }]);
  });

  it('hold keeps the current color, marked fallback', () => {
    const decision = decide(input(autoIntent(PREFERENCE, 'hold'), state('mpls', { failures: 2 })), allViolate, T0, PARAMS);
    expect(summary(decision)).toEqual({ color: 'mpls', mode: 'fallback', reason: 'no-compliant-candidate' });
    expect(decision.record?.message).toContain('held on mpls');
  });

  it('best-effort stays on the current color unless another violates clearly less (hysteresis)', () => {
    const close = evaluation({ mpls: -0.3, 'biz-internet': -0.25 });
    expect(decide(input(AUTO, state('mpls', { failures: 2 })), close, T0, PARAMS).assignment).toMatchObject({ color: 'mpls', mode: 'fallback' });
    const inFallback = state('mpls', { mode: 'fallback', failures: 5 });
    expect(decide(input(AUTO, inFallback), close, T0, PARAMS).assignment?.color).toBe('mpls');
    expect(decide(input(AUTO, inFallback), evaluation({ mpls: -0.3, 'biz-internet': -0.1 }), T0, PARAMS).assignment).toMatchObject({ color: 'biz-internet', mode: 'fallback' });
  });

  it('leaves fallback as soon as a candidate complies, without waiting for K', () => {
    const inFallback = state('biz-internet', { mode: 'fallback', failures: 9 });
    const decision = decide(input(AUTO, inFallback), evaluation({ mpls: -0.3, 'biz-internet': -0.1, lte: 0.05 }), T0, PARAMS);
    expect(summary(decision)).toEqual({ color: 'lte', mode: 'auto', reason: 'slo-violated' });
  });

  it('leaves fallback in place when its own color complies again', () => {
    const inFallback = state('biz-internet', { mode: 'fallback', failures: 9 });
    const decision = decide(input(AUTO, inFallback), evaluation({ mpls: -0.3, 'biz-internet': 0.02 }), T0, PARAMS);
    expect(summary(decision)).toEqual({ color: 'biz-internet', mode: 'auto', reason: 'compliant' });
    expect(decision.state?.failures).toBe(0);
  });

  it('stays in fallback while everything is unknown', () => {
    const inFallback = state('biz-internet', { mode: 'fallback', failures: 9 });
    expect(summary(decide(input(AUTO, inFallback), evaluation({ mpls: 'unknown', 'biz-internet': 'unknown' }), T0, PARAMS))).toMatchObject({ color: 'biz-internet', mode: 'fallback' });
  });
});

describe('decide: tenancy guard', () => {
  it('moves off a color the namespace no longer allows at once, outside the budget', () => {
    const decision = decide(input(AUTO, state('mpls'), ['biz-internet', 'lte']), evaluation({ mpls: 0.9, 'biz-internet': 0.2, lte: 0.2 }), T0, PARAMS);
    expect(summary(decision)).toEqual({ color: 'biz-internet', mode: 'auto', reason: 'tenancy-clipped' });
    expect(decision.budgeted).toBe(false);
    expect(decision.record?.inputs?.candidates).toEqual(['biz-internet', 'lte']);
  });

  it('never assigns outside the allowed set, even in fallback or with unknown telemetry', () => {
    const allowed: Color[] = ['lte'];
    const fallback = decide(input(AUTO, state('mpls', { mode: 'fallback' }), allowed), evaluation({ mpls: -0.01, lte: -0.9 }), T0, PARAMS);
    expect(fallback.assignment).toMatchObject({ color: 'lte', mode: 'fallback' });
    expect(fallback.record?.reason).toBe('tenancy-clipped');
    expect(decide(input(AUTO, state('mpls'), allowed), undefined, T0, PARAMS).assignment?.color).toBe('lte');
    expect(decide(input(AUTO, state('mpls'), []), undefined, T0, PARAMS).assignment).toBeUndefined();
  });

  it('moves off a color the Service no longer lists: candidates-changed', () => {
    const decision = decide(input(autoIntent(['lte', 'biz-internet']), state('mpls')), evaluation({ lte: 0.2, 'biz-internet': 0.2 }), T0, PARAMS);
    expect(summary(decision)).toEqual({ color: 'lte', mode: 'auto', reason: 'candidates-changed' });
  });
});

describe('decide: deferral', () => {
  it('keeps the Service in place, records the wanted move, and keeps the failure count', () => {
    const previous = state('mpls', { failures: 2 });
    const decision = decide(input(AUTO, previous), evaluation({ mpls: -0.2, lte: 0.3 }), T0, PARAMS, { deferMoves: true });
    expect(summary(decision)).toEqual({ color: 'mpls', mode: 'auto', reason: 'move-deferred' });
    expect(decision.record?.deferred).toEqual({ to: 'lte', reason: 'slo-violated', mode: 'auto' });
    expect(decision.record?.wouldMove?.[0]).toEqual({ kind: 'budget', to: 'lte' });
    expect(decision.state?.failures).toBe(3);
    expect(decision.budgeted).toBe(false);
    // Next round, with budget, it moves at once.
    expect(decide(input(AUTO, decision.state), evaluation({ mpls: -0.2, lte: 0.3 }), T0 + MINUTE, PARAMS).assignment?.color).toBe('lte');
  });

  it('does not defer what is not a budgeted move', () => {
    const decision = decide(input(AUTO), evaluation({ mpls: 0.2 }), T0, PARAMS, { deferMoves: true });
    expect(summary(decision)).toEqual({ color: 'mpls', mode: 'auto', reason: 'initial' });
  });
});

describe('decide: record', () => {
  it('carries the inputs, the candidates with margins and measured values, and what would move it', () => {
    const previous = state('mpls', { failures: 1, since: T0 - 30 * MINUTE });
    const decision = decide(input(AUTO, previous), evaluation({ mpls: -0.1, 'biz-internet': 0.25, lte: 'unknown' }), T0, PARAMS);
    const record = decision.record;
    expect(record).toMatchObject({
      service: { namespace: 'shop', name: 'checkout' },
      time: T0,
      from: 'mpls',
      to: 'mpls',
      mode: 'auto',
      reason: 'violation-pending',
      message: 'stays on mpls, which violates the SLO: 2 of 3 consecutive failing evaluations before a move',
      inputs: { candidates: PREFERENCE, failures: 2, failuresBeforeMove: 3, holdTimeMs: 10 * MINUTE, returnMargin: 0.1, statistic: 'p95', windowMs: 5 * MINUTE, pairSource: 'traffic', fallback: 'best-effort' },
    });
    expect(record?.candidates.map((c) => [c.color, c.compliant, c.margin, c.healthySince])).toEqual([
      ['mpls', false, -0.1, undefined],
      ['biz-internet', true, 0.25, T0],
      ['lte', undefined, undefined, undefined],
    ]);
    expect(record?.candidates[0]?.measured?.latencySeconds).toBeCloseTo(0.055);
    expect(record?.wouldMove).toEqual([{ kind: 'violations', color: 'mpls', remaining: 1, to: 'biz-internet' }]);
  });
});
