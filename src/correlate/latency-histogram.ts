/**
 * Upper bounds, seconds, of the L7 latency buckets: 1 ms to 10 s, covering an in-site call (a few ms)
 * through an intercontinental WAN round trip with a retransmission. The same for every series, so
 * series can be summed in PromQL.
 */
export const DEFAULT_LATENCY_BUCKETS_SECONDS: readonly number[] = Object.freeze([0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);

/** A histogram as exporters read it; `bucketCounts` are per bucket (not cumulative), the last is +Inf. */
export interface HistogramView {
  /** Upper bounds, ascending; `bucketCounts` has one more entry (values above the last bound). */
  readonly boundsSeconds: readonly number[];
  readonly bucketCounts: ArrayLike<number> & Iterable<number>;
  readonly count: number;
  readonly sumSeconds: number;
}

/**
 * A fixed-bucket histogram over a typed array: observing is a short scan and an increment, never an
 * allocation. Counts are per bucket as OpenTelemetry wants them; Prometheus' cumulative `le` buckets
 * are running sums of them (see `cumulativeCounts`).
 */
export class LatencyHistogram implements HistogramView {
  readonly boundsSeconds: readonly number[];
  readonly bucketCounts: Float64Array;
  count = 0;
  sumSeconds = 0;

  constructor(boundsSeconds: readonly number[] = DEFAULT_LATENCY_BUCKETS_SECONDS) {
    this.boundsSeconds = boundsSeconds;
    this.bucketCounts = new Float64Array(boundsSeconds.length + 1);
  }

  /** Negative and NaN values are measurement errors, not latencies: ignored. */
  observe(seconds: number): void {
    if (!(seconds >= 0)) return;
    const bounds = this.boundsSeconds;
    let bucket = 0;
    // Buckets are few (13 by default): a linear scan beats a binary search at this size.
    while (bucket < bounds.length && seconds > (bounds[bucket] ?? Infinity)) bucket++;
    this.bucketCounts[bucket] = (this.bucketCounts[bucket] ?? 0) + 1;
    this.count++;
    this.sumSeconds += seconds;
  }
}

/** Prometheus' `le` counts: entry i counts every value ≤ bound i; the last entry is the total (+Inf). */
export function cumulativeCounts(histogram: HistogramView): number[] {
  const cumulative: number[] = [];
  let running = 0;
  for (const count of histogram.bucketCounts) {
    running += count;
    cumulative.push(running);
  }
  return cumulative;
}
