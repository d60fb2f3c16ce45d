import { describe, expect, it } from 'vitest';
import { FakeClock, fakeSleep } from '../../test/vmanage/fake-time.ts';
import { BulkLimiter } from './bulk-limiter.ts';
import { TokenBucket } from './token-bucket.ts';

describe('TokenBucket', () => {
  it('lets a burst through, then spaces requests at the rate', async () => {
    const clock = new FakeClock();
    const { sleep, delays } = fakeSleep(clock);
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 3, clock, sleep });
    for (let i = 0; i < 6; i++) await bucket.take();
    expect(delays.map(Math.round)).toEqual([100, 100, 100]);
  });

  it('makes concurrent callers queue for their own slot', async () => {
    const clock = new FakeClock();
    const delays: number[] = [];
    const bucket = new TokenBucket({ ratePerSecond: 20, burst: 1, clock, sleep: (ms) => (delays.push(ms), Promise.resolve()) });
    await Promise.all([bucket.take(), bucket.take(), bucket.take()]);
    expect(delays.map(Math.round)).toEqual([50, 100]);
  });

  it('refills after a quiet period', async () => {
    const clock = new FakeClock();
    const { sleep, delays } = fakeSleep(clock);
    const bucket = new TokenBucket({ ratePerSecond: 1, burst: 2, clock, sleep });
    await bucket.take();
    await bucket.take();
    clock.advance(10_000);
    await bucket.take();
    await bucket.take();
    expect(delays).toEqual([]);
  });
});

describe('BulkLimiter', () => {
  it('holds at most maxConcurrent in flight', async () => {
    const clock = new FakeClock();
    const limiter = new BulkLimiter({ maxConcurrent: 2, perWindow: 48, windowMs: 60_000, clock, sleep: fakeSleep(clock).sleep });
    const first = await limiter.acquire();
    const second = await limiter.acquire();
    let thirdStarted = false;
    const third = limiter.acquire().then((release) => {
      thirdStarted = true;
      return release;
    });
    await Promise.resolve();
    await Promise.resolve();
    expect(thirdStarted).toBe(false);
    first();
    const release = await third;
    expect(thirdStarted).toBe(true);
    second();
    release();
  });

  it('starts at most perWindow calls per rolling window', async () => {
    const clock = new FakeClock();
    const { sleep, delays } = fakeSleep(clock);
    const limiter = new BulkLimiter({ maxConcurrent: 2, perWindow: 48, windowMs: 60_000, clock, sleep });
    const start = clock.now();
    for (let i = 0; i < 50; i++) {
      const release = await limiter.acquire();
      release();
    }
    expect(delays).toEqual([60_000]);
    expect(clock.now() - start).toBe(60_000);
  });

  it('rejects nonsensical limits', () => {
    const clock = new FakeClock();
    expect(() => new BulkLimiter({ maxConcurrent: 0, perWindow: 48, windowMs: 60_000, clock, sleep: fakeSleep(clock).sleep })).toThrow(RangeError);
  });
});
