import type { TunnelReading } from '../domain/tunnel-stats-source.ts';

/**
 * Tunnels in the order an operator wants to read them, worst first:
 *
 * 1. down, then up, then state unknown;
 * 2. within a state, tunnels with a sample before those without one (no sample: nothing to rank);
 * 3. then by loss (higher first), then latency, then jitter — loss first because it hurts every
 *    application, latency before jitter because SLOs bound it more often;
 * 4. then by tunnel name, so equal tunnels keep a stable order.
 */
export function worstTunnelsFirst(readings: readonly TunnelReading[]): TunnelReading[] {
  return [...readings].sort(compareWorstFirst);
}

const STATE_RANK = { down: 0, up: 1 } as const;

function compareWorstFirst(a: TunnelReading, b: TunnelReading): number {
  const state = stateRank(a) - stateRank(b);
  if (state !== 0) return state;
  const sampleA = a.latest;
  const sampleB = b.latest;
  if (sampleA !== undefined && sampleB !== undefined) {
    const metrics =
      sampleB.lossRatio - sampleA.lossRatio || sampleB.latencySeconds - sampleA.latencySeconds || sampleB.jitterSeconds - sampleA.jitterSeconds;
    if (metrics !== 0) return metrics;
  } else if (sampleA !== sampleB) {
    return sampleA === undefined ? 1 : -1;
  }
  return a.tunnel.name < b.tunnel.name ? -1 : a.tunnel.name > b.tunnel.name ? 1 : 0;
}

function stateRank(reading: TunnelReading): number {
  return reading.state === undefined ? 2 : STATE_RANK[reading.state];
}
