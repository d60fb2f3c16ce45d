import { describe, expect, it } from 'vitest';
import { planRound } from './plan-round.ts';
import type { RoundService } from './plan-round.ts';
import { autoIntent, evaluation, input, PARAMS, state, T0 } from './testdata/optimizer-fixture.ts';

const AUTO = autoIntent(['mpls', 'biz-internet', 'lte']);

/** A Service on mpls at its K-th failure, mpls at `margin`, the others compliant. */
function failing(name: string, margin: number): RoundService {
  return { ...input(AUTO, state('mpls', { failures: 2 }), undefined, name), evaluation: evaluation({ mpls: margin, 'biz-internet': 0.3, lte: 0.3 }, `shop/${name}`) };
}

describe('planRound', () => {
  it('grants the budget to the worst violations first and defers the rest', () => {
    const services = [failing('a', -0.1), failing('b', -0.5), failing('c', -0.3), failing('d', -0.05)];
    const plan = planRound(services, T0, { ...PARAMS, maxMovesPerRound: 2 });
    expect(plan).toMatchObject({ moves: 2, deferred: 2 });
    expect(plan.decisions.map((d) => [d.assignment?.color, d.record?.reason])).toEqual([
      ['mpls', 'move-deferred'],
      ['biz-internet', 'slo-violated'],
      ['biz-internet', 'slo-violated'],
      ['mpls', 'move-deferred'],
    ]);
    expect(plan.decisions[0]?.record?.deferred).toEqual({ to: 'biz-internet', reason: 'slo-violated', mode: 'auto' });
  });

  it('limits moves onto one color, so a failing tunnel does not herd its Services onto one other', () => {
    const services = [failing('a', -0.1), failing('b', -0.2), failing('c', -0.3)];
    const plan = planRound(services, T0, { ...PARAMS, maxMovesPerRound: 10, maxMovesPerColor: 1 });
    expect(plan).toMatchObject({ moves: 1, deferred: 2 });
    expect(plan.decisions.map((d) => d.assignment?.color)).toEqual(['mpls', 'mpls', 'biz-internet']);
  });

  it('never holds back initial assignments, pins or forced moves', () => {
    const services: RoundService[] = [
      { ...input(AUTO, undefined, undefined, 'new'), evaluation: evaluation({ mpls: 0.2 }) },
      { ...input({ mode: 'pinned', color: 'lte', source: 'isthmus.io/tunnel', slo: undefined }, state('mpls'), undefined, 'pin'), evaluation: undefined },
      { ...input(AUTO, state('mpls'), ['lte'], 'clipped'), evaluation: evaluation({ lte: 0.2 }) },
      failing('late', -0.2),
    ];
    const plan = planRound(services, T0, { ...PARAMS, maxMovesPerRound: 0 });
    expect(plan).toMatchObject({ moves: 0, deferred: 1 });
    expect(plan.decisions.map((d) => d.assignment?.color)).toEqual(['mpls', 'lte', 'lte', 'mpls']);
  });

  it('breaks ties by Service key: the same input plans the same round', () => {
    const services = [failing('z', -0.2), failing('a', -0.2)];
    const plan = planRound(services, T0, { ...PARAMS, maxMovesPerRound: 1 });
    expect(plan.decisions.map((d) => d.record?.reason)).toEqual(['move-deferred', 'slo-violated']);
  });
});
