import type { Clock } from '../../src/domain/clock.ts';

/** Admits at most `limit` events per rolling `windowMs`, on the injected clock. */
export class WindowLimiter {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #clock: Clock;
  readonly #times: number[] = [];

  constructor(limit: number, windowMs: number, clock: Clock) {
    this.#limit = limit;
    this.#windowMs = windowMs;
    this.#clock = clock;
  }

  /** Records the event and returns true, or returns false (and records nothing) when over the limit. */
  tryAcquire(): boolean {
    const now = this.#clock.now();
    while (this.#times.length > 0 && (this.#times[0] ?? now) <= now - this.#windowMs) this.#times.shift();
    if (this.#times.length >= this.#limit) return false;
    this.#times.push(now);
    return true;
  }
}
