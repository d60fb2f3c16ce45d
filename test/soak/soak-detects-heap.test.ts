/**
 * The soak's heap check can fail: the short thresholds `npm test` uses catch a fake component the size
 * of the bridge that keeps growing an array, and the heap snapshots name the constructor that grew.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fakeSoak } from './fake-soak.ts';

const MiB = 1024 * 1024;
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('soak heap check', () => {
  it('catches a growing array and names what grew', { timeout: 40_000 }, async () => {
    const report = await fakeSoak({ leakBytesPerSecond: 6 * MiB }, true);
    cleanups.push(report.counts.closeForgotten);
    expect(report.heap.ok).toBe(false);
    expect(report.heap.reason).toMatch(/grows/);
    const leaked = report.grown.find((growth) => growth.name === 'LeakedRecord');
    expect(leaked?.countDelta).toBeGreaterThan(100);
    expect(report.handles.reasons).toEqual([]);
  });
});
