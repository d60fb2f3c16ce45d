/**
 * The soak in brief, for `npm test`: the brownout scenario at 30× with the bridge in-process, pods
 * churning and annotations edited, for 20 s of real time (10 simulated minutes); the post-GC heap, the
 * handles by type and the event-loop delay must pass the short thresholds, and the handles must be back
 * to the baseline once everything stopped. `npm run soak` is the long version. Loopback only.
 */
import { describe, expect, it } from 'vitest';
import { bridgeWorkload } from './bridge-workload.ts';
import { formatReport, runSoak } from './soak-run.ts';
import { soakThresholds } from './soak-thresholds.ts';

describe('soak, short', () => {
  it('the bridge under churn: no heap growth, no handle leak, a steady event loop', async () => {
    const report = await runSoak(bridgeWorkload({ speed: 30, churnIntervalMs: 1000, scrapeIntervalMs: 1000 }), {
      durationMs: 20_000,
      warmupMs: 6_000,
      sampleIntervalMs: 1000,
      heapSnapshots: false,
      thresholds: soakThresholds.short,
    });
    const text = formatReport(report);
    expect(report.samples.filter((sample) => sample.phase === 'steady').length, text).toBeGreaterThanOrEqual(8);
    expect(report.counts.churn.scaleUps + report.counts.churn.scaleDowns, text).toBeGreaterThanOrEqual(10);
    expect(report.counts.scrapes, text).toBeGreaterThan(5);
    expect(report.counts.pushes.applied ?? 0, text).toBeGreaterThan(0);
    expect(report.heap.ok, text).toBe(true);
    expect(report.handles.reasons, text).toEqual([]);
    // None left above the baseline (the test runner's own timers may have gone meanwhile).
    expect(Object.entries(report.handles.leftAfterStop).filter(([, left]) => left > 0), text).toEqual([]);
    expect(report.delay.ok, text).toBe(true);
  }, 60_000);
});
