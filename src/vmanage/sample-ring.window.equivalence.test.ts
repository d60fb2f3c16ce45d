/**
 * The windowed read of a sample ring (and of the collector, by tunnel key) against what it replaces:
 * `history()` from the window's start, then the window statistic over the sample objects. Same
 * measure for any ring, window and statistic, including the remembered result: repeated windows,
 * windows moving past samples or not, and samples inserted or dropped between reads.
 */
import { describe, expect, it } from 'vitest';
import type { TunnelSample } from '../domain/tunnel-sample.ts';
import type { TunnelObservation } from './tunnel-observation.ts';
import { windowStatistic } from '../domain/window-statistic.ts';
import type { WindowOptions } from '../domain/window-statistic.ts';
import { SeededRandom } from '../../simulator/world/seeded-random.ts';
import { SampleRing } from './sample-ring.ts';
import { TunnelTelemetryCollector } from './tunnel-telemetry-collector.ts';

const NOW = 10_000_000;

function randomSample(random: SeededRandom, time: number): TunnelSample {
  return {
    time,
    latencySeconds: random.chance(0.3) ? random.pick([0, 0.01, 0.05]) : random.between(0, 0.2),
    jitterSeconds: random.chance(0.01) ? Number.NaN : random.between(0, 0.02),
    lossRatio: random.chance(0.5) ? 0 : random.between(0, 0.05),
    state: random.chance(0.1) ? 'down' : 'up',
  };
}

function randomTime(random: SeededRandom): number {
  // Whole 10 s steps, so that windows often start or end exactly on a sample; rarely a NaN time.
  return random.chance(0.02) ? Number.NaN : NOW - random.int(-5, 60) * 10_000;
}

function expectSameMeasure(ring: SampleRing, window: WindowOptions, context: string): void {
  const expected = windowStatistic(ring.samples(window.nowMs - window.windowMs), window);
  const measured = ring.windowMeasure(window);
  if (expected === undefined) expect(measured, context).toBeUndefined();
  else expect(measured, context).toEqual(expected);
}

describe('SampleRing.windowMeasure, against history() and windowStatistic', () => {
  it('gives the same measure for 1,000 random rings read 30 times each, with changes between reads', () => {
    for (let seed = 1; seed <= 1000; seed++) {
      const random = new SeededRandom(seed);
      const ring = new SampleRing(random.pick([1, 5, 20, 40, 120]));
      for (let n = random.int(0, 60); n > 0; n--) ring.insert(randomSample(random, randomTime(random)));
      let window: WindowOptions = { nowMs: NOW, windowMs: random.pick([60_000, 300_000]), statistic: random.pick(['mean', 'p95', 'max'] as const), minSamples: random.int(1, 3) };
      for (let read = 0; read < 30; read++) {
        const change = random.int(0, 9);
        if (change === 0) ring.insert(randomSample(random, randomTime(random)));
        else if (change === 1) ring.dropOlderThan(NOW - random.int(0, 60) * 10_000);
        else if (change === 2) window = { ...window, statistic: random.pick(['mean', 'p95', 'max'] as const) };
        else if (change === 3) window = { ...window, minSamples: random.chance(0.25) ? undefined : random.pick([1, 2, 5]) };
        else if (change <= 6) window = { ...window, nowMs: window.nowMs + random.pick([0, 1, 5_000, 10_000, -10_000, 30_000]) };
        // else: the same window again, answered from what the ring remembers.
        expectSameMeasure(ring, window, `seed ${seed}, read ${read}`);
      }
    }
  });
});

describe('TunnelTelemetryCollector.windowMeasure', () => {
  it('answers by the key of a reading, or an equal key, what history() and windowStatistic give', async () => {
    const random = new SeededRandom(7);
    const rows: TunnelObservation[] = [];
    for (let tunnel = 0; tunnel < 20; tunnel++) {
      const key = { local: { systemIp: `10.0.0.${tunnel + 1}`, color: 'mpls' as const }, remote: { systemIp: '10.0.1.1', color: 'mpls' as const } };
      const name = `${key.local.systemIp}:mpls-${key.remote.systemIp}:mpls`;
      for (let n = 0; n < 20; n++) rows.push({ tunnel: key, name, localSiteId: undefined, localHostName: undefined, sample: randomSample(random, NOW - n * 30_000) });
    }
    const collector = new TunnelTelemetryCollector({
      telemetry: {
        devices: () => Promise.resolve({ items: [], skipped: 0, duplicates: 0 }),
        appRouteStatistics: () => Promise.resolve({ items: rows, skipped: 0, duplicates: 0 }),
        bfdSessions: () => Promise.resolve({ items: [], skipped: 0, duplicates: 0 }),
        realtimeAppRoute: () => Promise.resolve({ items: [], skipped: 0, duplicates: 0 }),
      },
      clock: { now: () => NOW },
    });
    expect((await collector.poll()).outcome).toBe('ok');
    const readings = collector.readings();
    expect(readings).toHaveLength(20);
    for (const statistic of ['mean', 'p95', 'max'] as const) {
      for (const nowMs of [NOW, NOW - 45_000, NOW + 10_000]) {
        const window: WindowOptions = { nowMs, windowMs: 300_000, statistic, minSamples: 1 };
        for (const reading of readings) {
          const expected = windowStatistic(collector.history(reading.tunnel.key, nowMs - 300_000), window);
          expect(expected).toBeDefined();
          expect(collector.windowMeasure(reading.tunnel.key, window)).toEqual(expected);
          expect(collector.windowMeasure(structuredClone(reading.tunnel.key), window)).toEqual(expected);
        }
      }
    }
    expect(collector.windowMeasure({ local: { systemIp: '10.9.9.9', color: 'mpls' }, remote: { systemIp: '10.0.1.1', color: 'mpls' } }, { nowMs: NOW, windowMs: 300_000, statistic: 'p95' })).toBeUndefined();
  });
});
