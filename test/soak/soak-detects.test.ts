/**
 * The soak's checks can fail: the short thresholds `npm test` uses, applied to a fake component the
 * size of the bridge, pass it when healthy and catch the faults injected into it — sockets never
 * closed, a server left listening at stop, a loop that slows down. (A growing array: soak-detects-heap.)
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fakeSoak } from './fake-soak.ts';

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('soak checks', () => {
  it('pass a healthy component', async () => {
    const report = await fakeSoak({});
    cleanups.push(report.counts.closeForgotten);
    expect({ heap: report.heap.ok, handles: report.handles.reasons, delay: report.delay.ok }).toEqual({ heap: true, handles: [], delay: true });
  });

  it('catch sockets never closed, a server left behind, and a loop that slows down', async () => {
    const report = await fakeSoak({ leakSocketsPerSecond: 5, forgetServer: true, slowdown: { afterMs: 3000, blockMs: 800 } });
    cleanups.push(report.counts.closeForgotten);
    expect(report.handles.reasons, JSON.stringify(report.handles)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^TCPSocketWrap: peak \d+ early in the steady state, \d+ late/), 'TCPServerWrap: 1 more after stop than before start']),
    );
    expect(report.delay.ok, report.delay.reason).toBe(false);
  });
});
