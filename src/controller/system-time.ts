import type { Clock, Sleep } from '../domain/clock.ts';

/** The real clock, for composition roots; everything else receives a Clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** Waits on a real timer; an abort ends the wait early (resolving), so shutdown never hangs on backoff. */
export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve) => {
    if (ms <= 0 || signal?.aborted === true) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
