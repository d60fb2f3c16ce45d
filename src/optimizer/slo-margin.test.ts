import { describe, expect, it } from 'vitest';
import { meetsBounds } from '../domain/slo.ts';
import { sloMargin, sloMarginValue, UNBOUNDED_MARGIN } from './slo-margin.ts';
import { SeededRandom } from '../../simulator/world/seeded-random.ts';

const BOUNDS = { maxLatencySeconds: 0.05, maxJitterSeconds: 0.01, maxLossRatio: 0.01 };

describe('sloMargin', () => {
  it('is the smallest (bound − value) / bound over the declared bounds', () => {
    expect(sloMargin(BOUNDS, { latencySeconds: 0.04, jitterSeconds: 0.009, lossRatio: 0 })).toEqual({ margin: expect.closeTo(0.1) as number, limitingBound: 'jitter' });
    expect(sloMargin(BOUNDS, { latencySeconds: 0.075, jitterSeconds: 0.001, lossRatio: 0.005 })).toEqual({ margin: expect.closeTo(-0.5) as number, limitingBound: 'latency' });
  });

  it('is 0 on a bound (bounds are inclusive, as SLA classes compare)', () => {
    expect(sloMargin(BOUNDS, { latencySeconds: 0.05, jitterSeconds: 0, lossRatio: 0 }).margin).toBe(0);
  });

  it('ignores undeclared bounds; with none declared, it is the unbounded margin', () => {
    expect(sloMargin({ maxLossRatio: 0.01 }, { latencySeconds: 9, jitterSeconds: 9, lossRatio: 0.005 })).toEqual({ margin: 0.5, limitingBound: 'loss' });
    expect(sloMargin({}, { latencySeconds: 9, jitterSeconds: 9, lossRatio: 1 })).toEqual({ margin: UNBOUNDED_MARGIN, limitingBound: undefined });
  });

  it('handles a zero bound (max-loss 0%) without dividing by zero', () => {
    expect(sloMargin({ maxLossRatio: 0 }, { latencySeconds: 0, jitterSeconds: 0, lossRatio: 0 }).margin).toBe(0);
    const lossy = sloMargin({ maxLossRatio: 0 }, { latencySeconds: 0, jitterSeconds: 0, lossRatio: 0.001 }).margin;
    expect(lossy).toBeLessThan(0);
    expect(Number.isFinite(lossy)).toBe(true);
  });

  it('agrees with meetsBounds on the sign, for random values (property)', () => {
    const random = new SeededRandom(42);
    for (let n = 0; n < 5000; n++) {
      const bounds = {
        ...(random.chance(0.7) ? { maxLatencySeconds: random.pick([0, 0.001, random.between(0.001, 1)]) } : {}),
        ...(random.chance(0.7) ? { maxJitterSeconds: random.between(0.001, 1) } : {}),
        ...(random.chance(0.7) ? { maxLossRatio: random.pick([0, random.between(0, 1)]) } : {}),
      };
      const measured = { latencySeconds: random.pick([0, 0.001, random.between(0, 1.2)]), jitterSeconds: random.between(0, 1.2), lossRatio: random.pick([0, random.next()]) };
      expect(sloMargin(bounds, measured).margin >= 0, JSON.stringify({ bounds, measured })).toBe(meetsBounds(bounds, measured));
    }
  });

  it('has the same number as sloMarginValue, the form kept per site pair (property)', () => {
    const random = new SeededRandom(7);
    for (let n = 0; n < 5000; n++) {
      const bounds = {
        ...(random.chance(0.6) ? { maxLatencySeconds: random.pick([0, random.between(0.001, 0.2)]) } : {}),
        ...(random.chance(0.6) ? { maxJitterSeconds: random.pick([0, random.between(0.001, 0.05)]) } : {}),
        ...(random.chance(0.6) ? { maxLossRatio: random.pick([0, random.between(0, 0.05)]) } : {}),
      };
      const measured = { latencySeconds: random.pick([0, Number.NaN, random.between(-0.1, 0.3)]), jitterSeconds: random.between(0, 0.1), lossRatio: random.pick([0, 1, random.next()]) };
      expect(sloMarginValue(bounds, measured), JSON.stringify({ bounds, measured })).toBe(sloMargin(bounds, measured).margin);
    }
  });
});
