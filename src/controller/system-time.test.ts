import { describe, expect, it } from 'vitest';
import { realSleep } from './system-time.ts';
import { systemClock } from './system-time.ts';

describe('realSleep', () => {
  it('waits on real time', async () => {
    const started = systemClock.now();
    await realSleep(20);
    expect(systemClock.now() - started).toBeGreaterThanOrEqual(15);
  });
  it('returns at once for an aborted signal, and when aborted while waiting', async () => {
    const controller = new AbortController();
    const started = systemClock.now();
    const waiting = realSleep(10_000, controller.signal);
    controller.abort();
    await waiting;
    await realSleep(10_000, controller.signal);
    expect(systemClock.now() - started).toBeLessThan(1000);
  });
});
