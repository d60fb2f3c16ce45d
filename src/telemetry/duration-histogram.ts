import type { HistogramSnapshot } from './telemetry-view.ts';

/**
 * A fixed-bucket histogram of durations (seconds) that the exporters read as a snapshot. Recording is
 * O(log buckets) and allocates nothing; it is meant for per-poll and per-push events, not per flow.
 */
export class DurationHistogram {
  readonly #boundaries: readonly number[];
  readonly #counts: number[];
  #sum = 0;
  #count = 0;

  constructor(boundaries: readonly number[]) {
    if (boundaries.length === 0) throw new RangeError('a histogram needs at least one bucket boundary');
    for (let index = 0; index < boundaries.length; index += 1) {
      const value = boundaries[index] ?? Number.NaN;
      const previous = index === 0 ? -Infinity : (boundaries[index - 1] ?? Number.NaN);
      if (!Number.isFinite(value) || value <= previous) throw new RangeError(`bucket boundaries must be finite and ascending: ${boundaries.join(', ')}`);
    }
    this.#boundaries = [...boundaries];
    this.#counts = new Array<number>(boundaries.length + 1).fill(0);
  }

  /** Negative and non-finite durations are clock artefacts, not observations: ignored. */
  observe(seconds: number): void {
    if (!Number.isFinite(seconds) || seconds < 0) return;
    const bucket = this.#bucketOf(seconds);
    this.#counts[bucket] = (this.#counts[bucket] ?? 0) + 1;
    this.#sum += seconds;
    this.#count += 1;
  }

  snapshot(): HistogramSnapshot {
    return { boundaries: this.#boundaries, bucketCounts: [...this.#counts], sum: this.#sum, count: this.#count };
  }

  /** The first bucket whose upper bound is ≥ the value (Prometheus' `le`), by binary search. */
  #bucketOf(seconds: number): number {
    let low = 0;
    let high = this.#boundaries.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (seconds <= (this.#boundaries[middle] ?? Infinity)) high = middle;
      else low = middle + 1;
    }
    return low;
  }
}
