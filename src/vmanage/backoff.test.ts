import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF } from './backoff.ts';

describe('backoffDelay', () => {
  it('doubles per attempt with half of each step jittered', () => {
    expect([0, 1, 2, 3].map((attempt) => backoffDelay(attempt, DEFAULT_BACKOFF, () => 0))).toEqual([500, 1000, 2000, 4000]);
    expect([0, 1, 2, 3].map((attempt) => backoffDelay(attempt, DEFAULT_BACKOFF, () => 0.999999))).toEqual([1000, 2000, 4000, 8000]);
  });
  it('never exceeds the maximum', () => {
    expect(backoffDelay(30, DEFAULT_BACKOFF, () => 0.999999)).toBeLessThanOrEqual(30_000);
    expect(backoffDelay(30, DEFAULT_BACKOFF, () => 0)).toBe(15_000);
  });
});
