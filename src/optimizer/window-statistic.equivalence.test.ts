/**
 * The window statistic against its definition, written out plainly (sort, then nearest rank): the
 * single-pass form must give the same numbers for any window, including down samples, samples outside
 * the window, ties, odd sizes around 20 and NaN.
 */
import { describe, expect, it } from 'vitest';
import type { TunnelSample } from '../domain/tunnel-sample.ts';
import type { WindowStatistic } from './optimizer-params.ts';
import { SeededRandom } from '../../simulator/world/seeded-random.ts';
import { windowStatistic } from './window-statistic.ts';
import type { WindowMeasure, WindowOptions } from './window-statistic.ts';

function definition(samples: readonly TunnelSample[], options: WindowOptions): WindowMeasure | undefined {
  const inWindow = samples.filter((sample) => sample.time > options.nowMs - options.windowMs && sample.time <= options.nowMs);
  if (inWindow.length === 0 || inWindow.length < (options.minSamples ?? 1)) return undefined;
  const up = inWindow.filter((sample) => sample.state !== 'down');
  const latency = up.map((sample) => sample.latencySeconds);
  const jitter = up.map((sample) => sample.jitterSeconds);
  const loss = inWindow.map((sample) => (sample.state === 'down' ? 1 : sample.lossRatio));
  const measure = { samples: inWindow.length, downSamples: inWindow.length - up.length, newestMs: Math.max(...inWindow.map((sample) => sample.time)) };
  const summary = (values: number[], statistic: WindowStatistic): number => {
    if (statistic === 'max') return values.reduce((a, b) => Math.max(a, b), 0);
    if (statistic === 'mean') return values.reduce((a, b) => a + b, 0) / values.length;
    values.sort((a, b) => a - b);
    return values[Math.max(1, Math.ceil(0.95 * values.length)) - 1] ?? Number.NaN;
  };
  const noUp = up.length === 0;
  return {
    latencySeconds: noUp ? 0 : summary(latency, options.statistic),
    jitterSeconds: noUp ? 0 : summary(jitter, options.statistic),
    lossRatio: summary(loss, options.statistic),
    ...measure,
  };
}

function randomSamples(random: SeededRandom, now: number): TunnelSample[] {
  const size = random.pick([0, 1, 2, 5, 10, 19, 20, 21, 39, 40, 41, 60, 120]);
  const levels = [0, 0.01, 0.02, 0.05, 0.1];
  return Array.from({ length: size }, () => ({
    time: now - random.int(-10, 400) * 1000,
    latencySeconds: random.chance(0.3) ? random.pick(levels) : random.between(0, 0.2),
    jitterSeconds: random.chance(0.01) ? Number.NaN : random.between(0, 0.02),
    lossRatio: random.chance(0.5) ? 0 : random.between(0, 0.05),
    state: random.chance(0.1) ? 'down' : 'up',
  }));
}

describe('windowStatistic, against its definition', () => {
  it('gives the same measure for 5,000 random windows under every statistic', () => {
    const now = 10_000_000;
    for (let seed = 1; seed <= 5000; seed++) {
      const random = new SeededRandom(seed);
      const samples = randomSamples(random, now);
      const options: WindowOptions = { nowMs: now, windowMs: random.pick([60_000, 300_000]), statistic: random.pick(['mean', 'p95', 'max'] as const), minSamples: random.int(1, 3) };
      const expected = definition(samples, options);
      const measured = windowStatistic(samples, options);
      if (expected === undefined) expect(measured, `seed ${seed}`).toBeUndefined();
      else expect(measured, `seed ${seed}`).toEqual(expected);
    }
  });
});
