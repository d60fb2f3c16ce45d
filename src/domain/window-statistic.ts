import type { MeasuredValues } from './decision.ts';
import type { TunnelSample } from './tunnel-sample.ts';

/** How a window of samples is summarised: the arithmetic mean, the nearest-rank p95, or the maximum. */
export type WindowStatistic = 'mean' | 'p95' | 'max';

/** A tunnel's SLA metrics over a window of samples. */
export interface WindowMeasure extends MeasuredValues {
  /** Samples in the window (down ones included). */
  readonly samples: number;
  readonly downSamples: number;
  /** Epoch ms of the newest sample in the window. */
  readonly newestMs: number;
}

export interface WindowOptions {
  /** The evaluation time, epoch ms: the window is (nowMs − windowMs, nowMs]. */
  readonly nowMs: number;
  readonly windowMs: number;
  readonly statistic: WindowStatistic;
  /** Fewer samples than this leave the tunnel unknown (default 1). */
  readonly minSamples?: number;
}

/**
 * Slots of one sample in a packed window: time, latency, jitter, loss, down (0 up, anything else
 * down). The layout of the vManage collector's sample rings, so that a window is copied out of them
 * number by number, without a sample object.
 */
export const PACKED_SAMPLE_STRIDE = 5;

const P95 = 0.95;
/** ⌈0.95·n⌉ = n for every n below 20: the P95 of so few values is their maximum. */
const MAX_IS_P95_BELOW = 20;

/** Reused between calls (they are synchronous): packing a window allocates nothing once it has grown. */
let scratch = new Float64Array(64 * PACKED_SAMPLE_STRIDE);

/** A packed buffer of at least `samples` samples, reused from call to call: valid until the next call. */
export function packedScratch(samples: number): Float64Array {
  if (scratch.length < samples * PACKED_SAMPLE_STRIDE) scratch = new Float64Array(Math.max(samples, scratch.length / PACKED_SAMPLE_STRIDE * 2) * PACKED_SAMPLE_STRIDE);
  return scratch;
}

/**
 * Latency, jitter and loss of a tunnel over a window, as app-aware routing summarises them: the
 * arithmetic mean of the samples (vManage §9.4: the mean of the poll buckets), or a stricter p95 or max.
 * A down sample is total loss; its latency and jitter mean nothing (vManage reports 0, which would
 * flatter the path) and are left out, so a window of only down samples has latency and jitter 0 and
 * loss 1. Undefined when the window holds fewer than `minSamples` samples: missing, never healthy.
 * Samples after `nowMs` (a source ahead of the caller's clock) do not count. Pure; samples oldest first
 * or in any order.
 */
export function windowStatistic(samples: readonly TunnelSample[], options: WindowOptions): WindowMeasure | undefined {
  const from = options.nowMs - options.windowMs;
  const to = options.nowMs;
  const packed = packedScratch(samples.length);
  let count = 0;
  for (const sample of samples) {
    if (sample.time <= from || sample.time > to) continue;
    const base = count * PACKED_SAMPLE_STRIDE;
    packed[base] = sample.time;
    packed[base + 1] = sample.latencySeconds;
    packed[base + 2] = sample.jitterSeconds;
    packed[base + 3] = sample.lossRatio;
    packed[base + 4] = sample.state === 'down' ? 1 : 0;
    count++;
  }
  return packedWindowStatistic(packed, count, options);
}

/**
 * The window statistic of the first `count` samples of `packed` (PACKED_SAMPLE_STRIDE numbers each),
 * all of them inside the window: what `windowStatistic` computes once it has kept the samples of the
 * window, for sources that hold samples as numbers rather than objects.
 */
export function packedWindowStatistic(packed: Float64Array, count: number, options: WindowOptions): WindowMeasure | undefined {
  // One pass without allocating (this runs per tunnel per round): sums and maxima, whichever is asked for.
  let latencySum = 0;
  let jitterSum = 0;
  let lossSum = 0;
  let latencyMax = Number.NEGATIVE_INFINITY;
  let jitterMax = Number.NEGATIVE_INFINITY;
  let lossMax = Number.NEGATIVE_INFINITY;
  let downSamples = 0;
  let newestMs = Number.NEGATIVE_INFINITY;
  const end = count * PACKED_SAMPLE_STRIDE;
  for (let base = 0; base < end; base += PACKED_SAMPLE_STRIDE) {
    newestMs = Math.max(newestMs, valueAt(packed, base));
    if (valueAt(packed, base + 4) !== 0) {
      downSamples++;
      lossSum += 1;
      lossMax = Math.max(lossMax, 1);
      continue;
    }
    const loss = valueAt(packed, base + 3);
    lossSum += loss;
    lossMax = Math.max(lossMax, loss);
    const latency = valueAt(packed, base + 1);
    latencySum += latency;
    latencyMax = Math.max(latencyMax, latency);
    const jitter = valueAt(packed, base + 2);
    jitterSum += jitter;
    jitterMax = Math.max(jitterMax, jitter);
  }
  if (count === 0 || count < (options.minSamples ?? 1)) return undefined;
  const up = count - downSamples;
  // The max statistic has always counted from 0 (a window of only down samples has latency 0).
  if (options.statistic === 'max') return windowMeasure(Math.max(0, latencyMax), Math.max(0, jitterMax), Math.max(0, lossMax), count, downSamples, newestMs);
  if (options.statistic === 'mean') return windowMeasure(up === 0 ? 0 : latencySum / up, up === 0 ? 0 : jitterSum / up, lossSum / count, count, downSamples, newestMs);
  // Below 20 values the nearest-rank P95 is the largest one: the maxima are it, unless a NaN (which no
  // parser lets through) made Math.max differ from the sorted order the definition uses.
  if (count < MAX_IS_P95_BELOW && !Number.isNaN(latencyMax + jitterMax + lossMax)) {
    return windowMeasure(up === 0 ? 0 : latencyMax, up === 0 ? 0 : jitterMax, lossMax, count, downSamples, newestMs);
  }
  return windowMeasure(
    up === 0 ? 0 : nearestRankOfPacked(packed, count, up, LATENCY),
    up === 0 ? 0 : nearestRankOfPacked(packed, count, up, JITTER),
    nearestRankOfPacked(packed, count, count, LOSS),
    count,
    downSamples,
    newestMs,
  );
}

/** One object of one shape, whichever statistic made it. */
function windowMeasure(latencySeconds: number, jitterSeconds: number, lossRatio: number, samples: number, downSamples: number, newestMs: number): WindowMeasure {
  return { latencySeconds, jitterSeconds, lossRatio, samples, downSamples, newestMs };
}

/** The series of a packed window: a slot of the sample (latency and jitter leave out down samples; loss counts them as 1). */
const LATENCY = 1;
const JITTER = 2;
const LOSS = 3;

function valueAt(packed: Float64Array, position: number): number {
  return packed[position] ?? Number.NaN;
}

/** A sample's value in one series; undefined when the sample has none (latency and jitter of a down sample). */
function seriesValue(packed: Float64Array, base: number, slot: number): number | undefined {
  if (valueAt(packed, base + 4) === 0) return valueAt(packed, base + slot);
  return slot === LOSS ? 1 : undefined;
}

/**
 * The nearest-rank P95 of the `size` values of one series in the window, without sorting them: the
 * value at rank ⌈0.95·size⌉ is the `size − rank + 1`-th largest, and that is one (a window of fewer
 * than 20 samples: the max) or a few, so only the largest few are kept. A NaN (which no parser lets
 * through) would make sort order arbitrary; then the values are sorted as the definition says.
 */
function nearestRankOfPacked(packed: Float64Array, count: number, size: number, slot: number): number {
  const rank = Math.max(1, Math.ceil(P95 * size));
  const kept = size - rank + 1;
  const largest: number[] = [];
  const end = count * PACKED_SAMPLE_STRIDE;
  for (let base = 0; base < end; base += PACKED_SAMPLE_STRIDE) {
    const value = seriesValue(packed, base, slot);
    if (value === undefined) continue;
    if (Number.isNaN(value)) return nearestRank(seriesValues(packed, count, slot), P95);
    keepLargest(largest, value, kept);
  }
  return largest[kept - 1] ?? Number.NaN;
}

/** Inserts `value` into `largest` (descending, at most `kept` long) when it is among the `kept` largest. */
function keepLargest(largest: number[], value: number, kept: number): void {
  if (largest.length === kept && value <= (largest[kept - 1] ?? Number.NEGATIVE_INFINITY)) return;
  let position = Math.min(largest.length, kept - 1);
  while (position > 0 && (largest[position - 1] ?? Number.POSITIVE_INFINITY) < value) {
    largest[position] = largest[position - 1] ?? value;
    position--;
  }
  largest[position] = value;
}

function seriesValues(packed: Float64Array, count: number, slot: number): number[] {
  const values: number[] = [];
  const end = count * PACKED_SAMPLE_STRIDE;
  for (let base = 0; base < end; base += PACKED_SAMPLE_STRIDE) {
    const value = seriesValue(packed, base, slot);
    if (value !== undefined) values.push(value);
  }
  return values;
}

/** Nearest-rank percentile: always a value that was measured, never an interpolation between two. */
function nearestRank(values: number[], quantile: number): number {
  values.sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(quantile * values.length));
  return values[rank - 1] ?? Number.NaN;
}
