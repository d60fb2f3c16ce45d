import type { TunnelSample } from '../domain/tunnel-sample.ts';
import { PACKED_SAMPLE_STRIDE, packedScratch, packedWindowStatistic } from '../domain/window-statistic.ts';
import type { WindowMeasure, WindowOptions } from '../domain/window-statistic.ts';

/** Slots of one sample in the backing array: time, latency, jitter, loss, state (0 up, 1 down). */
const STRIDE = PACKED_SAMPLE_STRIDE;
const INITIAL_SLOTS = 4;

export type RingInsert = 'added' | 'duplicate' | 'too-old';

/**
 * A bounded, time-ordered history of one tunnel's samples in a single Float64Array, so that thousands
 * of tunnels cost a few small typed arrays rather than thousands of objects each. The array grows by
 * doubling up to `capacity` samples; past that, the oldest sample makes room. Samples are kept sorted
 * by time: a late row (older than the newest) is inserted in place, and a time already present is a
 * duplicate (overlapping polls return the same rows again).
 */
export class SampleRing {
  readonly capacity: number;
  #data: Float64Array;
  #slots: number;
  #start = 0;
  #length = 0;
  /** Bumped by every change of the kept samples, so that a remembered window statistic knows it is current. */
  #revision = 0;
  /** Times strictly increasing without NaN: true unless a NaN time was ever inserted (no parser lets one through). */
  #ordered = true;
  #window: RememberedWindow | undefined;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`sample ring capacity must be a positive integer, not ${capacity}`);
    this.capacity = capacity;
    this.#slots = Math.min(capacity, INITIAL_SLOTS);
    this.#data = new Float64Array(this.#slots * STRIDE);
  }

  get length(): number {
    return this.#length;
  }

  /** Bytes of the backing array, for memory accounting. */
  get byteLength(): number {
    return this.#data.byteLength;
  }

  newestTime(): number | undefined {
    return this.#length === 0 ? undefined : this.#timeAt(this.#length - 1);
  }

  oldestTime(): number | undefined {
    return this.#length === 0 ? undefined : this.#timeAt(0);
  }

  insert(sample: TunnelSample): RingInsert {
    const time = sample.time;
    if (Number.isNaN(time)) this.#ordered = false;
    if (this.#length === 0 || time > this.#timeAt(this.#length - 1)) {
      this.#makeRoom();
      this.#write(this.#length, sample);
      this.#length++;
      this.#revision++;
      return 'added';
    }
    let position = this.#firstAtOrAfter(time);
    if (position < this.#length && this.#timeAt(position) === time) return 'duplicate';
    if (this.#length === this.capacity) {
      // Full: a sample older than everything kept has no place; otherwise the oldest one goes.
      if (position === 0) return 'too-old';
      this.#dropFirst(1);
      position--;
    }
    this.#grow();
    for (let index = this.#length; index > position; index--) this.#copy(index - 1, index);
    this.#write(position, sample);
    this.#length++;
    this.#revision++;
    return 'added';
  }

  /** Drops the samples older than `cutoff` (epoch ms); returns how many went. */
  dropOlderThan(cutoff: number): number {
    let count = 0;
    while (count < this.#length && this.#timeAt(count) < cutoff) count++;
    this.#dropFirst(count);
    return count;
  }

  /** The kept samples, oldest first, from `sinceMs` on. Allocates; meant for reads, not the poll path. */
  samples(sinceMs = Number.NEGATIVE_INFINITY): TunnelSample[] {
    const result: TunnelSample[] = [];
    for (let index = this.#firstAtOrAfter(sinceMs); index < this.#length; index++) {
      const base = this.#offset(index);
      result.push({
        time: this.#at(base),
        latencySeconds: this.#at(base + 1),
        jitterSeconds: this.#at(base + 2),
        lossRatio: this.#at(base + 3),
        state: this.#at(base + 4) === 0 ? 'up' : 'down',
      });
    }
    return result;
  }

  /**
   * The window statistic of the kept samples, equal to `windowStatistic(this.samples(from), window)`
   * with `from` = nowMs − windowMs, computed from the backing array without a sample object. The last
   * result is remembered and returned again while the samples and the part of them inside the window
   * are unchanged: between polls a round's window moves by seconds, and loses a sample only when
   * its start passes one.
   */
  windowMeasure(window: WindowOptions): WindowMeasure | undefined {
    const from = window.nowMs - window.windowMs;
    const to = window.nowMs;
    const remembered = this.#window;
    if (
      remembered?.revision === this.#revision &&
      remembered.statistic === window.statistic &&
      remembered.minSamples === window.minSamples &&
      from >= remembered.fromAtLeast &&
      from < remembered.fromBelow &&
      to >= remembered.toAtLeast &&
      to < remembered.toBelow
    ) {
      return remembered.measure;
    }
    const first = this.#firstAtOrAfter(from);
    const packed = packedScratch(this.#length - first);
    const data = this.#data;
    let count = 0;
    let after = this.#length;
    // The same test as the statistic over sample objects (a NaN time counts there too).
    for (let index = first; index < this.#length; index++) {
      const base = this.#offset(index);
      const time = data[base] ?? Number.NaN;
      if (time > to && after === this.#length) after = index;
      if (time <= from || time > to) continue;
      const target = count * PACKED_SAMPLE_STRIDE;
      packed[target] = time;
      packed[target + 1] = data[base + 1] ?? Number.NaN;
      packed[target + 2] = data[base + 2] ?? Number.NaN;
      packed[target + 3] = data[base + 3] ?? Number.NaN;
      packed[target + 4] = data[base + 4] ?? Number.NaN;
      count++;
    }
    const measure = packedWindowStatistic(packed, count, window);
    // Over ordered times, the window (from, to] holds the samples [inside, after); it holds the same
    // ones for every start from the sample before `inside` up to (not including) `inside`, and every
    // end from the sample before `after` up to (not including) `after`.
    const inside = first < this.#length && this.#timeAt(first) === from ? first + 1 : first;
    this.#window =
      this.#ordered && from < to
        ? {
            revision: this.#revision,
            statistic: window.statistic,
            minSamples: window.minSamples,
            fromAtLeast: inside > 0 ? this.#timeAt(inside - 1) : Number.NEGATIVE_INFINITY,
            fromBelow: inside < this.#length ? this.#timeAt(inside) : Number.POSITIVE_INFINITY,
            toAtLeast: after > 0 ? this.#timeAt(after - 1) : Number.NEGATIVE_INFINITY,
            toBelow: after < this.#length ? this.#timeAt(after) : Number.POSITIVE_INFINITY,
            measure,
          }
        : undefined;
    return measure;
  }

  /** Ensures one free slot at the end: grow while allowed, else drop the oldest. */
  #makeRoom(): void {
    if (this.#length === this.capacity) this.#dropFirst(1);
    else this.#grow();
  }

  #grow(): void {
    if (this.#length < this.#slots) return;
    const slots = Math.min(this.capacity, this.#slots * 2);
    const data = new Float64Array(slots * STRIDE);
    for (let index = 0; index < this.#length; index++) {
      data.set(this.#data.subarray(this.#offset(index), this.#offset(index) + STRIDE), index * STRIDE);
    }
    this.#data = data;
    this.#slots = slots;
    this.#start = 0;
  }

  #dropFirst(count: number): void {
    if (count === 0) return;
    this.#start = (this.#start + count) % this.#slots;
    this.#length -= count;
    this.#revision++;
    if (this.#length === 0) this.#start = 0;
  }

  /** Binary search: the index of the first sample with time ≥ `time` (length when none). */
  #firstAtOrAfter(time: number): number {
    let low = 0;
    let high = this.#length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.#timeAt(middle) < time) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  #offset(index: number): number {
    return ((this.#start + index) % this.#slots) * STRIDE;
  }

  #at(position: number): number {
    return this.#data[position] ?? Number.NaN;
  }

  #timeAt(index: number): number {
    return this.#at(this.#offset(index));
  }

  #copy(from: number, to: number): void {
    const source = this.#offset(from);
    this.#data.copyWithin(this.#offset(to), source, source + STRIDE);
  }

  #write(index: number, sample: TunnelSample): void {
    const base = this.#offset(index);
    this.#data[base] = sample.time;
    this.#data[base + 1] = sample.latencySeconds;
    this.#data[base + 2] = sample.jitterSeconds;
    this.#data[base + 3] = sample.lossRatio;
    this.#data[base + 4] = sample.state === 'up' ? 0 : 1;
  }
}

/** The last window statistic a ring computed, and the windows (from, to] that hold the same samples. */
interface RememberedWindow {
  readonly revision: number;
  readonly fromAtLeast: number;
  readonly fromBelow: number;
  readonly toAtLeast: number;
  readonly toBelow: number;
  readonly statistic: WindowOptions['statistic'];
  readonly minSamples: number | undefined;
  readonly measure: WindowMeasure | undefined;
}
