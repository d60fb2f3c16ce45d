import { describe, expect, it } from 'vitest';
import type { TunnelSample } from '../domain/tunnel-sample.ts';
import { windowStatistic } from './window-statistic.ts';

const NOW = 1_000_000;

function sample(secondsAgo: number, latencyMs: number, fields: Partial<TunnelSample> = {}): TunnelSample {
  return { time: NOW - secondsAgo * 1000, latencySeconds: latencyMs / 1000, jitterSeconds: latencyMs / 10_000, lossRatio: 0, state: 'up', ...fields };
}

const WINDOW = { nowMs: NOW, windowMs: 60_000 };

describe('windowStatistic', () => {
  const samples = [sample(50, 10), sample(40, 20), sample(30, 30), sample(20, 40), sample(10, 100)];

  it('averages the window as app-aware routing does (mean)', () => {
    const measure = windowStatistic(samples, { ...WINDOW, statistic: 'mean' });
    expect(measure?.latencySeconds).toBeCloseTo(0.04);
    expect(measure).toMatchObject({ samples: 5, downSamples: 0, newestMs: NOW - 10_000 });
  });

  it('offers stricter statistics: p95 (nearest rank, a measured value) and max', () => {
    expect(windowStatistic(samples, { ...WINDOW, statistic: 'p95' })?.latencySeconds).toBeCloseTo(0.1);
    expect(windowStatistic(samples, { ...WINDOW, statistic: 'max' })?.latencySeconds).toBeCloseTo(0.1);
    const many = Array.from({ length: 100 }, (_, i) => sample(59 - i * 0.5, i + 1));
    expect(windowStatistic(many, { ...WINDOW, statistic: 'p95' })?.latencySeconds).toBeCloseTo(0.095);
  });

  it('only counts samples inside (now − window, now]', () => {
    const measure = windowStatistic([sample(120, 500), sample(60, 500), sample(30, 10), sample(-5, 900)], { ...WINDOW, statistic: 'max' });
    expect(measure).toMatchObject({ samples: 1, latencySeconds: 0.01 });
  });

  it('counts a down sample as loss 1 and leaves it out of latency and jitter', () => {
    const measure = windowStatistic([sample(30, 20), sample(20, 0, { state: 'down' }), sample(10, 20, { lossRatio: 0.02 })], { ...WINDOW, statistic: 'mean' });
    expect(measure?.lossRatio).toBeCloseTo(1.02 / 3);
    expect(measure?.latencySeconds).toBeCloseTo(0.02);
    expect(measure?.downSamples).toBe(1);
    expect(windowStatistic([sample(5, 0, { state: 'down' })], { ...WINDOW, statistic: 'mean' })).toMatchObject({ lossRatio: 1, latencySeconds: 0, jitterSeconds: 0 });
  });

  it('is undefined (unknown, never healthy) without enough samples', () => {
    expect(windowStatistic([], { ...WINDOW, statistic: 'mean' })).toBeUndefined();
    expect(windowStatistic([sample(120, 10)], { ...WINDOW, statistic: 'mean' })).toBeUndefined();
    expect(windowStatistic(samples, { ...WINDOW, statistic: 'mean', minSamples: 6 })).toBeUndefined();
  });
});
