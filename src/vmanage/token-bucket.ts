import type { Clock } from '../domain/clock.ts';
import type { Sleep } from '../domain/clock.ts';

export interface TokenBucketOptions {
  readonly ratePerSecond: number;
  /** Requests allowed back to back after a quiet period. */
  readonly burst: number;
  readonly clock: Clock;
  readonly sleep: Sleep;
}

/**
 * Client-side self-limiting, well under vManage's 100 requests/second. Tokens may go negative: each
 * caller reserves its slot and sleeps for the debt in front of it, so concurrent callers queue fairly
 * and a fake sleep that does not advance time cannot make the bucket spin.
 */
export class TokenBucket {
  readonly #ratePerMs: number;
  readonly #burst: number;
  readonly #clock: Clock;
  readonly #sleep: Sleep;
  #tokens: number;
  #last: number;

  constructor(options: TokenBucketOptions) {
    if (!(options.ratePerSecond > 0)) throw new RangeError('ratePerSecond must be positive');
    this.#ratePerMs = options.ratePerSecond / 1000;
    this.#burst = Math.max(1, options.burst);
    this.#clock = options.clock;
    this.#sleep = options.sleep;
    this.#tokens = this.#burst;
    this.#last = options.clock.now();
  }

  /** Resolves when the caller may send one request. */
  async take(signal?: AbortSignal): Promise<void> {
    const now = this.#clock.now();
    this.#tokens = Math.min(this.#burst, this.#tokens + Math.max(0, now - this.#last) * this.#ratePerMs);
    this.#last = now;
    this.#tokens -= 1;
    if (this.#tokens < 0) await this.#sleep(-this.#tokens / this.#ratePerMs, signal);
  }
}
