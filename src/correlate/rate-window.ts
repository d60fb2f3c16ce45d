/**
 * Events per second over a sliding window of whole seconds, in a ring of per-second counters (typed
 * arrays, fixed size): adding is an increment, reading a scan of `windowSeconds` slots. Time is the
 * caller's (flow timestamps), so the window is deterministic and testable without a clock.
 */
export class RateWindow {
  readonly windowSeconds: number;
  readonly #counts: Float64Array;
  /** The second each slot currently counts; -Infinity when empty. */
  readonly #seconds: Float64Array;

  constructor(windowSeconds: number) {
    if (!Number.isInteger(windowSeconds) || windowSeconds < 1) throw new RangeError(`rate window must be a positive whole number of seconds, got ${windowSeconds}`);
    this.windowSeconds = windowSeconds;
    // One slot more than the window: the second in progress is counted but not yet read.
    this.#counts = new Float64Array(windowSeconds + 1);
    this.#seconds = new Float64Array(windowSeconds + 1).fill(-Infinity);
  }

  /** Counts `n` events at epoch milliseconds `timeMs`; an event older than what its slot now holds is too old to matter. */
  add(timeMs: number, n = 1): void {
    const second = Math.floor(timeMs / 1000);
    const slot = ((second % this.#counts.length) + this.#counts.length) % this.#counts.length;
    const held = this.#seconds[slot] ?? -Infinity;
    if (second < held) return;
    if (second > held) {
      this.#seconds[slot] = second;
      this.#counts[slot] = 0;
    }
    this.#counts[slot] = (this.#counts[slot] ?? 0) + n;
  }

  /** The mean rate over the `windowSeconds` whole seconds before the one `nowMs` falls in. */
  perSecond(nowMs: number): number {
    const current = Math.floor(nowMs / 1000);
    const oldest = current - this.windowSeconds;
    let total = 0;
    for (let slot = 0; slot < this.#counts.length; slot++) {
      const second = this.#seconds[slot] ?? -Infinity;
      if (second >= oldest && second < current) total += this.#counts[slot] ?? 0;
    }
    return total / this.windowSeconds;
  }
}
