import { describe, expect, it } from 'vitest';
import { DEFAULT_RECONNECT_BACKOFF, reconnectDelay } from './reconnect-backoff.ts';

describe('reconnectDelay', () => {
  it('doubles from the base with half of each step jittered, up to the cap', () => {
    const policy = { baseMs: 100, maxMs: 1000 };
    expect([0, 1, 2, 3, 4, 10].map((attempt) => reconnectDelay(attempt, policy, () => 0))).toEqual([50, 100, 200, 400, 500, 500]);
    expect([0, 1, 2, 3, 4, 10].map((attempt) => reconnectDelay(attempt, policy, () => 0.999999))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(reconnectDelay(1e9, DEFAULT_RECONNECT_BACKOFF, () => 0.5)).toBeLessThanOrEqual(DEFAULT_RECONNECT_BACKOFF.maxMs);
  });
});
