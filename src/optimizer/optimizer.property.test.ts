/**
 * Property tests of the optimizer's rules: thousands of random Services, states and evaluation series
 * from a seeded generator (a failure names its seed, so it can be replayed).
 */
import { describe, expect, it } from 'vitest';
import type { Color } from '../domain/color.ts';
import type { CandidateEvaluation } from '../domain/decision.ts';
import type { ServiceIntent } from '../domain/slo.ts';
import { decide } from './decide.ts';
import type { ServiceEvaluation } from './evaluate-service.ts';
import type { OptimizerParams } from './optimizer-params.ts';
import { planRound } from './plan-round.ts';
import type { RoundService } from './plan-round.ts';
import type { ServiceState } from './service-state.ts';
import { autoIntent, candidate, input, MINUTE, PARAMS, T0 } from './testdata/optimizer-fixture.ts';
import { SeededRandom } from '../../simulator/world/seeded-random.ts';

const CASES = 2000;
const PALETTE: readonly Color[] = ['mpls', 'biz-internet', 'public-internet', 'lte', 'private1'];

function randomParams(random: SeededRandom): OptimizerParams {
  return {
    ...PARAMS,
    failuresBeforeMove: random.int(1, 5),
    holdTimeMs: random.int(0, 15) * MINUTE,
    returnMargin: random.pick([0, 0.05, 0.1, 0.2, 0.3]),
    maxMovesPerRound: random.int(0, 10),
    maxMovesPerColor: random.chance(0.5) ? random.int(0, 4) : undefined,
  };
}

function randomIntent(random: SeededRandom): ServiceIntent {
  if (random.chance(0.15)) return { mode: 'pinned', color: random.pick(PALETTE), source: 'isthmus.io/tunnel', slo: undefined };
  const preference = random.shuffle(PALETTE).slice(0, random.int(1, 4));
  return autoIntent(random.chance(0.1) ? undefined : preference, random.pick(['best-effort', 'hold'] as const));
}

function randomAllowed(random: SeededRandom): readonly Color[] | undefined {
  return random.chance(0.4) ? undefined : random.shuffle(random.subset(PALETTE, 0.6));
}

function randomState(random: SeededRandom, now: number): ServiceState | undefined {
  if (random.chance(0.2)) return undefined;
  const healthySince: Partial<Record<Color, number>> = {};
  for (const color of PALETTE) if (random.chance(0.3)) healthySince[color] = now - random.int(0, 30) * MINUTE;
  return {
    color: random.pick(PALETTE),
    mode: random.pick(['auto', 'auto', 'fallback', 'pinned'] as const),
    since: now - random.int(0, 60) * MINUTE,
    failures: random.int(0, 6),
    healthySince,
  };
}

/** Per color: compliant, violating, unknown or missing from the evaluation. */
function randomCandidate(random: SeededRandom, color: Color, compliantShare = 0.5): CandidateEvaluation | undefined {
  const roll = random.next();
  if (roll < 0.05) return undefined;
  if (roll < 0.15) return candidate(color, random.chance(0.8) ? 'unknown' : 'no-pairs');
  return candidate(color, random.chance(compliantShare) ? random.between(0, 0.6) : -random.between(0.001, 0.8));
}

function randomEvaluation(random: SeededRandom, service = 'shop/checkout', compliantShare = 0.5): ServiceEvaluation {
  const candidates = PALETTE.map((color) => randomCandidate(random, color, compliantShare)).filter((each) => each !== undefined);
  return { service, pairSource: 'traffic', pairs: [{ from: 100, to: 200 }], candidates };
}

function eligibleOf(intent: ServiceIntent, allowed: readonly Color[] | undefined, evaluation: ServiceEvaluation): readonly Color[] {
  if (intent.mode !== 'auto') return [];
  const preference = intent.candidates ?? allowed ?? evaluation.candidates.map((c) => c.color);
  return allowed === undefined ? preference : preference.filter((color) => allowed.includes(color));
}

describe('optimizer properties', () => {
  it('never assigns a color outside the allowed set, nor outside the candidates; pins never move', () => {
    for (let seed = 1; seed <= CASES; seed++) {
      const random = new SeededRandom(seed);
      const params = randomParams(random);
      const intent = randomIntent(random);
      let state = randomState(random, T0);
      let allowed = randomAllowed(random);
      for (let round = 0; round < 15; round++) {
        if (random.chance(0.1)) allowed = randomAllowed(random); // the namespace narrows or widens
        const evaluation = randomEvaluation(random);
        const decision = decide(input(intent, state, allowed), evaluation, T0 + round * MINUTE, params, { deferMoves: random.chance(0.3) });
        const color = decision.assignment?.color;
        const where = `seed ${seed} round ${round}`;
        if (color !== undefined && allowed !== undefined) expect(allowed, where).toContain(color);
        if (intent.mode === 'pinned') {
          expect(color === intent.color || (allowed !== undefined && !allowed.includes(intent.color)), where).toBe(true);
          if (color !== undefined) expect(decision.assignment?.mode, where).toBe('pinned');
          expect(decision.budgeted, where).toBe(false);
        }
        if (intent.mode === 'auto' && color !== undefined) expect(eligibleOf(intent, allowed, evaluation), where).toContain(color);
        if (intent.mode === 'auto' && eligibleOf(intent, allowed, evaluation).length === 0) expect(decision.assignment, where).toBeUndefined();
        state = decision.state ?? state;
      }
    }
  });

  it('needs K consecutive failing evaluations before moving off an auto color that violates', () => {
    for (let seed = 1; seed <= CASES; seed++) {
      const random = new SeededRandom(10_000 + seed);
      const params = randomParams(random);
      const intent = autoIntent(random.shuffle(PALETTE).slice(0, random.int(2, 4)), random.pick(['best-effort', 'hold'] as const));
      let state: ServiceState | undefined;
      let streak = 0;
      for (let round = 0; round < 30; round++) {
        const evaluation = randomEvaluation(random, 'shop/checkout', random.pick([0.2, 0.5, 0.8]));
        const decision = decide(input(intent, state), evaluation, T0 + round * MINUTE, params);
        const current = state === undefined ? undefined : evaluation.candidates.find((c) => c.color === state?.color);
        const compliant = current?.compliant;
        const nextStreak = compliant === true ? 0 : compliant === false ? streak + 1 : streak;
        const moved = state !== undefined && decision.assignment?.color !== state.color;
        const where = `seed ${10_000 + seed} round ${round}`;
        if (moved && state?.mode === 'auto') {
          const reason = decision.record?.reason;
          if (compliant === false) {
            expect(reason, where).not.toBe('preferred-recovered');
            expect(nextStreak, where).toBeGreaterThanOrEqual(params.failuresBeforeMove);
          } else {
            expect(reason, where).toBe('preferred-recovered');
          }
        }
        streak = decision.assignment?.color === state?.color ? nextStreak : decision.state?.failures ?? 0;
        state = decision.state;
      }
    }
  });

  it('marks fallback iff no candidate complies (once the Service has to choose)', () => {
    for (let seed = 1; seed <= CASES; seed++) {
      const random = new SeededRandom(20_000 + seed);
      const params = randomParams(random);
      const intent = autoIntent(random.shuffle(PALETTE).slice(0, random.int(1, 4)), random.pick(['best-effort', 'hold'] as const));
      let state = randomState(random, T0);
      for (let round = 0; round < 15; round++) {
        const evaluation = randomEvaluation(random, 'shop/checkout', random.pick([0, 0.1, 0.5]));
        const decision = decide(input(intent, state), evaluation, T0 + round * MINUTE, params);
        const record = decision.record;
        const where = `seed ${20_000 + seed} round ${round}`;
        if (record === undefined) throw new Error(where);
        const anyCompliant = record.candidates.some((c) => c.compliant === true);
        const anyViolating = record.candidates.some((c) => c.compliant === false);
        if (record.mode === 'fallback') expect(anyCompliant, where).toBe(false);
        // Had to choose: no usable current color, already in fallback, or K failures reached on it.
        const current = record.candidates.find((c) => c.color === state?.color);
        const mustChoose = state === undefined || current === undefined || state.mode === 'fallback' || (current.compliant === false && state.failures + 1 >= params.failuresBeforeMove);
        if (mustChoose && !anyCompliant && anyViolating && !(state?.mode !== 'fallback' && current !== undefined && current.compliant === undefined)) {
          expect(record.mode, where).toBe('fallback');
        }
        if (mustChoose && anyCompliant) expect(record.mode, where).toBe('auto');
        state = decision.state;
      }
    }
  });

  it('does not flap on noise around a bound: at most one move when the noise stays within the return margin', () => {
    for (let seed = 1; seed <= CASES; seed++) {
      const random = new SeededRandom(30_000 + seed);
      const returnMargin = random.pick([0.05, 0.1, 0.2, 0.3]);
      const params: OptimizerParams = { ...PARAMS, failuresBeforeMove: random.int(1, 4), holdTimeMs: random.int(0, 10) * MINUTE, returnMargin };
      const noise = random.between(0, returnMargin * 0.99);
      const preferred = random.pick(PALETTE);
      const others = random.shuffle(PALETTE.filter((color) => color !== preferred)).slice(0, random.int(1, 3));
      const steady = new Map(others.map((color) => [color, random.between(0, 0.6)] as const));
      const intent = autoIntent([preferred, ...others], random.pick(['best-effort', 'hold'] as const));
      let state: ServiceState | undefined;
      let moves = 0;
      for (let round = 0; round < 200; round++) {
        // The preferred color's value oscillates ±noise around its bound: margin in [−noise, +noise].
        const margin = random.chance(0.05) ? 'unknown' : random.between(-noise, noise);
        const evaluation: ServiceEvaluation = {
          service: 'shop/checkout',
          pairSource: 'traffic',
          pairs: [{ from: 100, to: 200 }],
          candidates: [candidate(preferred, margin), ...others.map((color) => candidate(color, steady.get(color) ?? 0))],
        };
        const decision = decide(input(intent, state), evaluation, T0 + round * MINUTE, params);
        if (state !== undefined && decision.assignment?.color !== state.color) moves++;
        state = decision.state;
      }
      expect(moves, `seed ${30_000 + seed}`).toBeLessThanOrEqual(1);
    }
  });

  it('never exceeds the move budget, overall or per color; deferred Services stay and say so', () => {
    for (let seed = 1; seed <= CASES; seed++) {
      const random = new SeededRandom(40_000 + seed);
      const params = randomParams(random);
      const services: RoundService[] = Array.from({ length: random.int(1, 40) }, (_, i) => {
        const intent = random.chance(0.9) ? autoIntent(random.shuffle(PALETTE).slice(0, random.int(1, 4))) : randomIntent(random);
        return { ...input(intent, randomState(random, T0), randomAllowed(random), `s${i}`), evaluation: randomEvaluation(random, `shop/s${i}`) };
      });
      const plan = planRound(services, T0, params);
      const granted = plan.decisions.filter((d) => d.budgeted);
      const where = `seed ${40_000 + seed}`;
      expect(granted.length, where).toBe(plan.moves);
      expect(plan.moves, where).toBeLessThanOrEqual(params.maxMovesPerRound);
      if (params.maxMovesPerColor !== undefined) {
        for (const color of PALETTE) expect(granted.filter((d) => d.assignment?.color === color).length, where).toBeLessThanOrEqual(params.maxMovesPerColor);
      }
      const deferred = plan.decisions.filter((d) => d.record?.reason === 'move-deferred');
      expect(deferred.length, where).toBe(plan.deferred);
      plan.decisions.forEach((decision, i) => {
        if (decision.record?.reason !== 'move-deferred') return;
        expect(decision.assignment?.color, where).toBe(services[i]?.state?.color);
        expect(decision.record.deferred?.to, where).not.toBe(decision.assignment?.color);
      });
    }
  });
});
