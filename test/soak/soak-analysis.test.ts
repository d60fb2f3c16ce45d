import { describe, expect, it } from 'vitest';
import { analyzeDelay, analyzeHandles, analyzeHeap, constructorGrowth, countHandles, median, summarizeHeapSnapshot, theilSenSlope, thirds } from './soak-analysis.ts';
import type { DelayInterval, HeapSample } from './soak-analysis.ts';

const MiB = 1024 * 1024;
const HEAP = { maxSlopeBytesPerMinute: 1 * MiB, maxGrowthBytes: 8 * MiB };
const DELAY = { maxGrowthFactor: 3, floorMs: 50 };

/** A deterministic wobble in [-1, 1], so series look measured without being random. */
function wobble(i: number): number {
  return Math.sin(i * 12.9898) * 0.5 + Math.sin(i * 78.233) * 0.5;
}

function heapSeries(minutes: number, baseBytes: number, bytesPerMinute: number, noiseBytes: number): HeapSample[] {
  return Array.from({ length: minutes + 1 }, (_, minute) => ({ minute, heapUsedBytes: baseBytes + bytesPerMinute * minute + noiseBytes * wobble(minute) }));
}

describe('soak analysis', () => {
  it('estimates a slope that one outlier does not move', () => {
    const points = Array.from({ length: 10 }, (_, x) => ({ x, y: 2 * x + 1 }));
    expect(theilSenSlope(points)).toBeCloseTo(2);
    const spiked = points.map((point) => (point.x === 5 ? { x: 5, y: 1000 } : point));
    expect(theilSenSlope(spiked)).toBeCloseTo(2);
    expect(theilSenSlope([{ x: 0, y: 1 }])).toBe(0);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(thirds([1, 2, 3, 4, 5, 6, 7, 8, 9])).toEqual({ first: [1, 2, 3], last: [7, 8, 9] });
  });

  it('passes a flat heap with GC noise and fails a steadily growing one', () => {
    expect(analyzeHeap(heapSeries(30, 80 * MiB, 0, 4 * MiB), HEAP).ok).toBe(true);
    const leaking = analyzeHeap(heapSeries(30, 80 * MiB, 2 * MiB, 4 * MiB), HEAP);
    expect(leaking.ok).toBe(false);
    expect(leaking.slopeBytesPerMinute).toBeGreaterThan(1.5 * MiB);
    expect(leaking.reason).toMatch(/grows/);
  });

  it('does not call a one-off step (a cache filling once) a leak unless the heap keeps climbing', () => {
    // Flat, a one-off +10 MiB at minute 2, flat again: the slope over the whole run stays small.
    const step = Array.from({ length: 31 }, (_, minute) => ({ minute, heapUsedBytes: (minute < 2 ? 80 : 90) * MiB }));
    expect(analyzeHeap(step, HEAP).ok).toBe(true);
    // A steep climb over too short a run to amount to much passes; the same climb kept up fails.
    expect(analyzeHeap(heapSeries(3, 80 * MiB, 2 * MiB, 0), HEAP).ok).toBe(true);
    expect(analyzeHeap(heapSeries(30, 80 * MiB, 2 * MiB, 0), HEAP).ok).toBe(false);
    expect(analyzeHeap(heapSeries(1, 40 * MiB, 0, 0), HEAP)).toMatchObject({ ok: false, reason: 'only 2 heap samples' });
  });

  it('wants handles stable in the steady state and back to the baseline after stop', () => {
    const baseline = countHandles(['TTYWrap', 'TTYWrap']);
    const steady = Array.from({ length: 12 }, (_, i) => ({ TTYWrap: 2, TCPSocketWrap: 10 + (i % 3), Timeout: 20 + (i % 2) }));
    const clean = analyzeHandles(baseline, steady, { TTYWrap: 2 }, { maxSteadyGrowth: 2 });
    expect(clean).toMatchObject({ ok: true, leftAfterStop: {}, reasons: [] });
    expect(clean.steady.TCPSocketWrap).toEqual({ firstPeak: 12, lastPeak: 12 });

    const growing = steady.map((counts, i) => ({ ...counts, TCPSocketWrap: 10 + i }));
    expect(analyzeHandles(baseline, growing, { TTYWrap: 2 }, { maxSteadyGrowth: 2 }).reasons).toEqual(['TCPSocketWrap: peak 13 early in the steady state, 21 late (margin 2)']);

    const leftover = analyzeHandles(baseline, steady, { TTYWrap: 2, Timeout: 1, TCPServerWrap: 1 }, { maxSteadyGrowth: 2, allowedAfterStop: { Timeout: 1 } });
    expect(leftover.leftAfterStop).toEqual({ Timeout: 1, TCPServerWrap: 1 });
    expect(leftover.reasons).toEqual(['TCPServerWrap: 1 more after stop than before start']);
  });

  it('flags an event loop that gets slower over the run, not one that is merely busy', () => {
    const intervals = (p99: (minute: number) => number): DelayInterval[] => Array.from({ length: 30 }, (_, i) => ({ minute: i + 1, p50Ms: 1, p99Ms: p99(i), maxMs: p99(i) * 2 }));
    expect(analyzeDelay(intervals((i) => 40 + 20 * Math.abs(wobble(i))), DELAY).ok).toBe(true);
    // Under the floor the ratio does not matter.
    expect(analyzeDelay(intervals((i) => 2 + i), DELAY).ok).toBe(true);
    const slowing = analyzeDelay(intervals((i) => 20 + 10 * i), DELAY);
    expect(slowing.ok).toBe(false);
    expect(slowing.slopeMsPerMinute).toBeCloseTo(10);
    expect(slowing.reason).toMatch(/late/);
  });

  it('summarises a heap snapshot by constructor and ranks what grew', () => {
    const meta = { node_fields: ['type', 'name', 'id', 'self_size', 'edge_count'], node_types: [['hidden', 'array', 'string', 'object', 'closure']] as [string[]] };
    const strings = ['Leak', 'Map', 'x'];
    const node = (type: number, name: number, size: number) => [type, name, 1, size, 0];
    const before = summarizeHeapSnapshot({ snapshot: { meta }, strings, nodes: [...node(3, 0, 32), ...node(3, 1, 64), ...node(2, 2, 16)] });
    const after = summarizeHeapSnapshot({ snapshot: { meta }, strings, nodes: [...node(3, 0, 32), ...node(3, 0, 32), ...node(3, 0, 32), ...node(3, 1, 64), ...node(2, 2, 16), ...node(4, 2, 40)] });
    expect(before.get('Leak')).toEqual({ count: 1, selfBytes: 32 });
    expect(after.get('(string)')).toEqual({ count: 1, selfBytes: 16 });
    expect(constructorGrowth(before, after)).toEqual([
      { name: 'Leak', countDelta: 2, bytesDelta: 64, countAfter: 3 },
      { name: '(closure)', countDelta: 1, bytesDelta: 40, countAfter: 1 },
    ]);
  });
});
