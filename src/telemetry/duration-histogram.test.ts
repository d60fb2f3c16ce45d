import { describe, expect, it } from 'vitest';
import { DurationHistogram } from './duration-histogram.ts';

describe('DurationHistogram', () => {
  it('counts each observation in the first bucket whose bound is ≥ it', () => {
    const histogram = new DurationHistogram([0.1, 1, 10]);
    for (const seconds of [0.05, 0.1, 0.5, 1, 5, 11, 100]) histogram.observe(seconds);
    expect(histogram.snapshot()).toEqual({ boundaries: [0.1, 1, 10], bucketCounts: [2, 2, 1, 2], sum: 117.65, count: 7 });
  });

  it('ignores negative and non-finite durations', () => {
    const histogram = new DurationHistogram([1]);
    histogram.observe(-1);
    histogram.observe(Number.NaN);
    histogram.observe(Infinity);
    expect(histogram.snapshot().count).toBe(0);
  });

  it('snapshots are copies', () => {
    const histogram = new DurationHistogram([1]);
    const before = histogram.snapshot();
    histogram.observe(0.5);
    expect(before.bucketCounts).toEqual([0, 0]);
  });

  it('rejects unordered or empty boundaries', () => {
    expect(() => new DurationHistogram([])).toThrow(RangeError);
    expect(() => new DurationHistogram([1, 1])).toThrow(RangeError);
    expect(() => new DurationHistogram([1, Infinity])).toThrow(RangeError);
  });
});
