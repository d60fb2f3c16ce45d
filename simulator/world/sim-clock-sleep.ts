import type { Sleep } from '../../src/domain/clock.ts';
import type { SimClock } from './sim-clock.ts';

/**
 * A Sleep on simulated time, for adapters that wait between steps (the policy applier's task polling):
 * an 8-second activation takes 8 simulated seconds, at any speed and on a manual clock.
 */
export function simClockSleep(clock: SimClock): Sleep {
  return (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted === true) {
        reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
        return;
      }
      const onAbort = (): void => {
        clock.clearTimeout(timer);
        reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
      };
      const timer = clock.setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
}
