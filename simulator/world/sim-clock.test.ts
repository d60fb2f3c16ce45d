import { afterEach, describe, expect, it, vi } from 'vitest';
import { SimClock } from './sim-clock.ts';
import type { RealTime } from './sim-clock.ts';

const START = Date.UTC(2025, 0, 1);

describe('SimClock, manual', () => {
  it('stands still until advanced, then fires due timers in order at their due time', async () => {
    const clock = SimClock.manual(START);
    const fired: [string, number][] = [];
    clock.setTimeout(() => fired.push(['b', clock.now()]), 2000);
    clock.setTimeout(() => fired.push(['a', clock.now()]), 1000);
    clock.setTimeout(() => fired.push(['c', clock.now()]), 2000);
    expect(clock.now()).toBe(START);
    await clock.advance(1500);
    expect(fired).toEqual([['a', START + 1000]]);
    expect(clock.now()).toBe(START + 1500);
    await clock.advance(10_000);
    expect(fired).toEqual([
      ['a', START + 1000],
      ['b', START + 2000],
      ['c', START + 2000],
    ]);
    expect(clock.now()).toBe(START + 11_500);
  });

  it('runs sleep loops, letting promise continuations schedule the next wait', async () => {
    const clock = SimClock.manual(START);
    const ticks: number[] = [];
    const controller = new AbortController();
    const loop = (async () => {
      while (!controller.signal.aborted) {
        await clock.sleep(10_000, controller.signal);
        ticks.push(clock.now() - START);
      }
    })();
    await clock.advance(35_000);
    expect(ticks).toEqual([10_000, 20_000, 30_000]);
    controller.abort();
    await loop;
    expect(clock.pendingTimers).toBe(0);
  });

  it('supports intervals and cancellation', async () => {
    const clock = SimClock.manual(START);
    let count = 0;
    const interval = clock.setInterval(() => count++, 1000);
    const once = clock.setTimeout(() => count += 100, 500);
    clock.clearTimeout(once);
    await clock.advance(3500);
    expect(count).toBe(3);
    clock.clearTimeout(interval);
    await clock.advance(10_000);
    expect(count).toBe(3);
    expect(clock.pendingTimers).toBe(0);
  });

  it('resolves a sleep at once when aborted, and reports a throwing timer after moving on', async () => {
    const clock = SimClock.manual(START);
    const controller = new AbortController();
    const slept = clock.sleep(60_000, controller.signal);
    controller.abort();
    await slept;
    expect(clock.now()).toBe(START);
    let after = false;
    clock.setTimeout(() => {
      throw new Error('boom');
    }, 10);
    clock.setTimeout(() => (after = true), 20);
    await expect(clock.advance(100)).rejects.toThrow('boom');
    expect(after).toBe(true);
    expect(clock.now()).toBe(START + 100);
  });

  it('never goes back', async () => {
    const clock = SimClock.manual(START);
    await clock.advanceTo(START - 5000);
    expect(clock.now()).toBe(START);
    clock.setTimeout(() => undefined, -50);
    expect(clock.runDue()).toBe(1);
  });
});

describe('SimClock, accelerated', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Real time under vitest's fake timers: Date.now and setTimeout move only when the test says. */
  function fakeRealTime(): RealTime {
    vi.useFakeTimers({ now: 0 });
    return {
      now: () => Date.now(),
      setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
      clearTimeout: (handle) => {
        clearTimeout(handle as ReturnType<typeof setTimeout>);
      },
    };
  }

  it('runs at speed × real time and fires timers from real time', () => {
    const clock = SimClock.accelerated(START, 60, fakeRealTime());
    const fired: number[] = [];
    clock.setTimeout(() => fired.push(clock.now() - START), 60_000);
    vi.advanceTimersByTime(500);
    expect(clock.now()).toBe(START + 30_000);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(500);
    expect(fired).toEqual([60_000]);
    expect(clock.now()).toBe(START + 60_000);
  });

  it('changes speed without jumping, pauses at 0, and can still be advanced by hand', async () => {
    const clock = SimClock.accelerated(START, 10, fakeRealTime());
    vi.advanceTimersByTime(1000);
    expect(clock.now()).toBe(START + 10_000);
    clock.setSpeed(100);
    expect(clock.now()).toBe(START + 10_000);
    vi.advanceTimersByTime(1000);
    expect(clock.now()).toBe(START + 110_000);
    clock.stop();
    const fired: number[] = [];
    clock.setTimeout(() => fired.push(clock.now() - START), 5000);
    vi.advanceTimersByTime(60_000);
    expect(clock.now()).toBe(START + 110_000);
    expect(fired).toEqual([]);
    vi.useRealTimers();
    await clock.advance(5000);
    expect(fired).toEqual([115_000]);
  });

  it('drives sleeps in accelerated time', async () => {
    const clock = SimClock.accelerated(START, 1000, fakeRealTime());
    const done = clock.sleep(30_000).then(() => clock.now() - START);
    await vi.advanceTimersByTimeAsync(30);
    await expect(done).resolves.toBe(30_000);
  });

  it('refuses a negative speed', () => {
    expect(() => SimClock.accelerated(START, -1)).toThrow(RangeError);
  });
});
