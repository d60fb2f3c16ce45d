import { describe, expect, it } from 'vitest';
import { meetsBounds } from './slo.ts';

describe('meetsBounds', () => {
  const measured = { latencySeconds: 0.05, jitterSeconds: 0.01, lossRatio: 0.01 };
  it('is inclusive at the bound, as SLA classes compare', () => {
    expect(meetsBounds({ maxLatencySeconds: 0.05, maxJitterSeconds: 0.01, maxLossRatio: 0.01 }, measured)).toBe(true);
  });
  it('fails when any bound is exceeded', () => {
    expect(meetsBounds({ maxLatencySeconds: 0.049 }, measured)).toBe(false);
    expect(meetsBounds({ maxJitterSeconds: 0.009 }, measured)).toBe(false);
    expect(meetsBounds({ maxLossRatio: 0.009 }, measured)).toBe(false);
  });
  it('treats absent bounds as unbounded', () => {
    expect(meetsBounds({}, { latencySeconds: 10, jitterSeconds: 10, lossRatio: 1 })).toBe(true);
  });
});
