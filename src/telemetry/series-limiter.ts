import type { MetricKind, OverflowRule } from './metric-catalog.ts';
import { OVERFLOW_LABEL_VALUE } from './metric-catalog.ts';
import type { Sample } from './view-series.ts';

export interface SeriesLimiterOptions {
  /** Most series one export of the metric may carry, the overflow series included (≥ 2). */
  readonly limit: number;
  readonly labelCount: number;
  readonly kind: Exclude<MetricKind, 'histogram'>;
  readonly overflow: OverflowRule;
}

const KEY_SEPARATOR = '\u0000';

/**
 * Caps the number of series of one metric. Up to `limit - 1` series are exported as they are; every
 * further one is folded into a single overflow series whose labels are all `__overflow__`, and counted
 * as dropped.
 *
 * Membership is sticky: a series keeps its place (exported, or folded) for as long as the view lists it,
 * and a place frees only when the series disappears. Otherwise a series could move between its own
 * series and the overflow one from scrape to scrape, and both would jump.
 *
 * Counters stay monotonic: the overflow series of a counter accumulates the increase of each folded
 * series since the previous export (a series seen with a smaller value than before was reset and
 * contributes its new value), so it never goes down, even when a folded series disappears from the view.
 * Exported series need no state: their values come from the view, whose counts are monotonic per series.
 */
export class SeriesLimiter {
  readonly #options: SeriesLimiterOptions;
  readonly #overflowLabels: readonly string[];
  readonly #admitted = new Set<string>();
  /** Folded series and, for counters, the value each had at the previous export. */
  readonly #folded = new Map<string, number>();
  #counterCarry = 0;
  #dropped = 0;

  constructor(options: SeriesLimiterOptions) {
    if (!Number.isInteger(options.limit) || options.limit < 2) throw new RangeError(`series limit must be an integer ≥ 2, not ${options.limit}`);
    this.#options = options;
    this.#overflowLabels = Array.from({ length: options.labelCount }, () => OVERFLOW_LABEL_VALUE);
  }

  /** Distinct series folded into the overflow series so far. */
  get dropped(): number {
    return this.#dropped;
  }

  /** The series to export: at most `limit`, the overflow series (when there is one) last. */
  apply(series: Iterable<Sample>): Sample[] {
    const samples = Array.from(series);
    const keys = samples.map((sample) => sample.labels.join(KEY_SEPARATOR));
    this.#forgetVanished(new Set(keys));
    const out: Sample[] = [];
    const folded: Sample[] = [];
    samples.forEach((sample, index) => {
      const key = keys[index] ?? '';
      if (this.#admitted.has(key)) out.push(sample);
      else if (this.#folded.has(key)) folded.push(this.#fold(key, sample));
      else if (this.#admitted.size < this.#options.limit - 1) {
        this.#admitted.add(key);
        out.push(sample);
      } else {
        this.#folded.set(key, 0);
        this.#dropped += 1;
        folded.push(this.#fold(key, sample));
      }
    });
    const overflow = this.#overflowValue(folded);
    if (overflow !== undefined) out.push({ labels: this.#overflowLabels, value: overflow });
    return out;
  }

  #forgetVanished(present: ReadonlySet<string>): void {
    for (const key of this.#admitted) if (!present.has(key)) this.#admitted.delete(key);
    for (const key of this.#folded.keys()) if (!present.has(key)) this.#folded.delete(key);
  }

  /** For a counter, records the value and returns the increase since the last export as the sample. */
  #fold(key: string, sample: Sample): Sample {
    if (this.#options.kind !== 'counter') return sample;
    const previous = this.#folded.get(key) ?? 0;
    this.#folded.set(key, sample.value);
    return { labels: sample.labels, value: sample.value >= previous ? sample.value - previous : sample.value };
  }

  #overflowValue(folded: readonly Sample[]): number | undefined {
    if (this.#options.kind === 'counter') {
      for (const sample of folded) this.#counterCarry += sample.value;
      // Once it exists, a counter's overflow series stays: its disappearing would read as a reset.
      return this.#dropped > 0 ? this.#counterCarry : undefined;
    }
    if (folded.length === 0) return undefined;
    // reduce, not Math.max(...values): a spread of many thousand arguments can overflow the stack.
    const values = folded.map((sample) => sample.value);
    switch (this.#options.overflow) {
      case 'sum':
        return values.reduce((total, value) => total + value, 0);
      case 'max':
        return values.reduce((worst, value) => Math.max(worst, value), -Infinity);
      case 'min':
        return values.reduce((worst, value) => Math.min(worst, value), Infinity);
    }
  }
}
