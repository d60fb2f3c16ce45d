import type { Clock } from '../domain/clock.ts';
import type { Sleep } from '../domain/clock.ts';

export interface BulkLimiterOptions {
  /** vManage allows 2 concurrent bulk statistics requests. */
  readonly maxConcurrent: number;
  /** vManage allows 48 bulk requests a minute. */
  readonly perWindow: number;
  readonly windowMs: number;
  readonly clock: Clock;
  readonly sleep: Sleep;
}

/**
 * Keeps bulk statistics calls (`/dataservice/data/device/statistics/…`) inside vManage's limits on the
 * client: at most N in flight and at most M started per rolling window. Start times are reserved up
 * front, so waiting is one sleep per call whatever the clock does.
 */
export class BulkLimiter {
  readonly #options: BulkLimiterOptions;
  readonly #starts: number[] = [];
  readonly #waiters: (() => void)[] = [];
  #active = 0;

  constructor(options: BulkLimiterOptions) {
    if (options.maxConcurrent < 1 || options.perWindow < 1) throw new RangeError('bulk limits must be at least 1');
    this.#options = options;
  }

  /** Resolves with a release function once the caller may start its request; call it when done. */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    while (this.#active >= this.#options.maxConcurrent) {
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
    this.#active++;
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      this.#active--;
      this.#waiters.shift()?.();
    };
    try {
      await this.#waitForWindow(signal);
    } catch (error) {
      release();
      throw error;
    }
    return release;
  }

  async #waitForWindow(signal: AbortSignal | undefined): Promise<void> {
    const { perWindow, windowMs, clock } = this.#options;
    const now = clock.now();
    while (this.#starts.length > 0 && (this.#starts[0] ?? now) <= now - windowMs) this.#starts.shift();
    const blocking = this.#starts.length >= perWindow ? this.#starts[this.#starts.length - perWindow] : undefined;
    const at = blocking === undefined ? now : Math.max(now, blocking + windowMs);
    this.#starts.push(at);
    if (at > now) await this.#options.sleep(at - now, signal);
  }
}
