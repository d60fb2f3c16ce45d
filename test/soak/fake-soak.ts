import { fakeComponent } from './fake-component.ts';
import type { FakeComponentCounts, FakeComponentOptions } from './fake-component.ts';
import { runSoak } from './soak-run.ts';
import type { SoakReport } from './soak-run.ts';
import { soakThresholds } from './soak-thresholds.ts';

const MiB = 1024 * 1024;
/** Most of the bridge's post-GC heap in the short soak (the test runner holds the rest). */
const BALLAST = 48 * MiB;

/**
 * A short soak of the fake component with the short thresholds `npm test` uses for the bridge. The
 * caller closes what the component was told to leave behind (`counts.closeForgotten`).
 */
export async function fakeSoak(faults: Omit<FakeComponentOptions, 'ballastBytes'>, heapSnapshots = false): Promise<SoakReport<FakeComponentCounts>> {
  return runSoak(fakeComponent({ ballastBytes: BALLAST, ...faults }), {
    durationMs: 5000,
    warmupMs: 1000,
    sampleIntervalMs: 250,
    heapSnapshots,
    settleMs: 2000,
    thresholds: soakThresholds.short,
  });
}
