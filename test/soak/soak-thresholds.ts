import type { SoakThresholds } from './soak-run.ts';

const MiB = 1024 * 1024;

/**
 * Limits of the soak's checks. A leak fails the heap check only when the post-GC heap both trends up
 * (Theil–Sen slope) and ends measurably above where it started; handles may wobble by a few sockets
 * and timers between samples; the event loop may be slow on a shared machine, but must not get slower
 * over the run. `long` is `npm run soak`; `short` is the version `npm test` runs, whose steady state
 * starts before the bridge's windows (minutes of simulated time) have filled, hence more headroom.
 */
export const soakThresholds: { readonly long: SoakThresholds; readonly short: SoakThresholds } = {
  long: {
    heap: { maxSlopeBytesPerMinute: 1 * MiB, maxGrowthBytes: 8 * MiB },
    handles: { maxSteadyGrowth: 4 },
    delay: { maxGrowthFactor: 3, floorMs: 100 },
  },
  short: {
    heap: { maxSlopeBytesPerMinute: 20 * MiB, maxGrowthBytes: 4 * MiB },
    handles: { maxSteadyGrowth: 6 },
    delay: { maxGrowthFactor: 4, floorMs: 250 },
  },
};
