import { describe, expect, it } from 'vitest';
import { SeriesLimiter } from './series-limiter.ts';
import type { Sample } from './view-series.ts';

const O = '__overflow__';

function series(...entries: [string, number][]): Sample[] {
  return entries.map(([label, value]) => ({ labels: [label], value }));
}

describe('SeriesLimiter', () => {
  it('passes series through under the limit', () => {
    const limiter = new SeriesLimiter({ limit: 3, labelCount: 1, kind: 'gauge', overflow: 'max' });
    expect(limiter.apply(series(['a', 1], ['b', 2]))).toEqual(series(['a', 1], ['b', 2]));
    expect(limiter.dropped).toBe(0);
  });

  it('folds the series beyond limit - 1 into one overflow series, by the metric’s rule', () => {
    const max = new SeriesLimiter({ limit: 3, labelCount: 2, kind: 'gauge', overflow: 'max' });
    const input = ['a', 'b', 'c', 'd', 'e'].map((label, index) => ({ labels: [label, 'x'], value: index }));
    expect(max.apply(input)).toEqual([
      { labels: ['a', 'x'], value: 0 },
      { labels: ['b', 'x'], value: 1 },
      { labels: [O, O], value: 4 },
    ]);
    expect(max.dropped).toBe(3);
    const min = new SeriesLimiter({ limit: 2, labelCount: 1, kind: 'gauge', overflow: 'min' });
    expect(min.apply(series(['a', 1], ['b', 1], ['c', 0]))).toEqual(series(['a', 1], [O, 0]));
    const sum = new SeriesLimiter({ limit: 2, labelCount: 1, kind: 'gauge', overflow: 'sum' });
    expect(sum.apply(series(['a', 1], ['b', 1], ['c', 1]))).toEqual(series(['a', 1], [O, 2]));
  });

  it('keeps each series where it is (sticky), and frees a place only when a series disappears', () => {
    const limiter = new SeriesLimiter({ limit: 3, labelCount: 1, kind: 'gauge', overflow: 'sum' });
    limiter.apply(series(['a', 1], ['b', 1], ['c', 1]));
    // Order changes do not move series in or out.
    expect(limiter.apply(series(['c', 5], ['b', 1], ['a', 1]))).toEqual(series(['b', 1], ['a', 1], [O, 5]));
    // b is gone: the free place goes to a new series; c stays folded.
    expect(limiter.apply(series(['a', 1], ['c', 5], ['d', 7]))).toEqual(series(['a', 1], ['d', 7], [O, 5]));
    expect(limiter.dropped).toBe(1);
  });

  it('keeps a counter’s overflow series monotonic when folded series reset or disappear', () => {
    const limiter = new SeriesLimiter({ limit: 2, labelCount: 1, kind: 'counter', overflow: 'sum' });
    expect(limiter.apply(series(['a', 1], ['b', 10], ['c', 5]))).toEqual(series(['a', 1], [O, 15]));
    expect(limiter.apply(series(['a', 2], ['b', 12], ['c', 6]))).toEqual(series(['a', 2], [O, 18]));
    // c disappears (its Service was deleted): its counts stay in the overflow total.
    expect(limiter.apply(series(['a', 2], ['b', 13]))).toEqual(series(['a', 2], [O, 19]));
    // b restarted from zero: its new count is an increase.
    expect(limiter.apply(series(['a', 2], ['b', 4]))).toEqual(series(['a', 2], [O, 23]));
    // Nothing folded any more: the overflow series stays, unchanged, rather than vanish like a reset.
    expect(limiter.apply(series(['a', 3]))).toEqual(series(['a', 3], [O, 23]));
    expect(limiter.dropped).toBe(2);
  });

  it('rejects a limit that leaves no room for a real series', () => {
    expect(() => new SeriesLimiter({ limit: 1, labelCount: 1, kind: 'gauge', overflow: 'sum' })).toThrow(RangeError);
  });

  it('handles many folded series without a stack overflow', () => {
    const limiter = new SeriesLimiter({ limit: 2, labelCount: 1, kind: 'gauge', overflow: 'max' });
    const many = Array.from({ length: 200_000 }, (_, index) => ({ labels: [String(index)], value: index }));
    expect(limiter.apply(many).at(-1)).toEqual({ labels: [O], value: 199_999 });
  });
});
