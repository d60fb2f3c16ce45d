import type { MeasuredValues } from '../domain/decision.ts';
import type { TunnelSample } from '../domain/tunnel-sample.ts';
import type { WindowStatistic } from './optimizer-params.ts';

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

const P95 = 0.95;

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
  // p95 needs the values; mean and max are folded in one pass without allocating (this runs per tunnel per round).
  const keep = options.statistic === 'p95';
  const latency: number[] | undefined = keep ? [] : undefined;
  const jitter: number[] | undefined = keep ? [] : undefined;
  const loss: number[] | undefined = keep ? [] : undefined;
  const fold = options.statistic === 'max' ? Math.max : add;
  let latencyAcc = 0;
  let jitterAcc = 0;
  let lossAcc = 0;
  let count = 0;
  let downSamples = 0;
  let newestMs = Number.NEGATIVE_INFINITY;
  for (const sample of samples) {
    if (sample.time <= from || sample.time > options.nowMs) continue;
    count++;
    newestMs = Math.max(newestMs, sample.time);
    const down = sample.state === 'down';
    const lossValue = down ? 1 : sample.lossRatio;
    lossAcc = fold(lossAcc, lossValue);
    loss?.push(lossValue);
    if (down) {
      downSamples++;
      continue;
    }
    latencyAcc = fold(latencyAcc, sample.latencySeconds);
    jitterAcc = fold(jitterAcc, sample.jitterSeconds);
    latency?.push(sample.latencySeconds);
    jitter?.push(sample.jitterSeconds);
  }
  if (count === 0 || count < (options.minSamples ?? 1)) return undefined;
  const up = count - downSamples;
  const measure = { samples: count, downSamples, newestMs };
  if (latency !== undefined && jitter !== undefined && loss !== undefined) {
    return { latencySeconds: up === 0 ? 0 : nearestRank(latency, P95), jitterSeconds: up === 0 ? 0 : nearestRank(jitter, P95), lossRatio: nearestRank(loss, P95), ...measure };
  }
  if (options.statistic === 'max') return { latencySeconds: latencyAcc, jitterSeconds: jitterAcc, lossRatio: lossAcc, ...measure };
  return { latencySeconds: up === 0 ? 0 : latencyAcc / up, jitterSeconds: up === 0 ? 0 : jitterAcc / up, lossRatio: lossAcc / count, ...measure };
}

function add(a: number, b: number): number {
  return a + b;
}

/** Nearest-rank percentile: always a value that was measured, never an interpolation between two. */
function nearestRank(values: number[], quantile: number): number {
  values.sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(quantile * values.length));
  return values[rank - 1] ?? Number.NaN;
}
