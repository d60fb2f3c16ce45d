import type { TunnelReading, TunnelStatsSource } from '../domain/tunnel-stats-source.ts';
import type { WindowMeasure, WindowOptions } from './window-statistic.ts';
import { windowStatistic } from './window-statistic.ts';

/**
 * The adapter between window statistics and the path join of src/correlate: each tunnel's reading with
 * `latest` replaced by its window statistic, so `TunnelPathIndex`, `servicePath` and `candidatePaths`
 * judge windows exactly as they judge latest readings (a down tunnel is loss 1; stale or missing is
 * unknown) and the pair logic lives in one place.
 *
 * A tunnel is unknown (`stale`) when the source marks its reading stale, or when its window holds too
 * few samples — unless the source's current BFD state says it is down, which is knowledge, not a gap.
 * Pure over a snapshot of the source.
 */
export function windowedReadings(source: Pick<TunnelStatsSource, 'readings' | 'history'>, options: WindowOptions): TunnelReading[] {
  const since = options.nowMs - options.windowMs;
  return source.readings().map((reading) => windowedReading(reading, source.history(reading.tunnel.key, since), options));
}

export function windowedReading(reading: TunnelReading, history: Parameters<typeof windowStatistic>[0], options: WindowOptions): TunnelReading {
  return readingOfWindow(reading, windowStatistic(history, options));
}

/** The reading judged on its window statistic (`windowedReading` once the statistic is known). */
export function readingOfWindow(reading: TunnelReading, measure: WindowMeasure | undefined): TunnelReading {
  const state = reading.state;
  return {
    tunnel: reading.tunnel,
    state,
    latest:
      measure === undefined
        ? undefined
        : { time: measure.newestMs, latencySeconds: measure.latencySeconds, jitterSeconds: measure.jitterSeconds, lossRatio: measure.lossRatio, state: state ?? 'up' },
    lastSeen: reading.lastSeen,
    stale: reading.stale || (measure === undefined && state !== 'down'),
  };
}
