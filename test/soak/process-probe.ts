import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import { countHandles, summarizeHeapSnapshot } from './soak-analysis.ts';
import type { ConstructorSummary, HandleCounts } from './soak-analysis.ts';

/**
 * A full, synchronous garbage collection. `node --expose-gc` provides `gc`; elsewhere (a vitest
 * worker) the flag is set at runtime and a fresh context hands the function out.
 */
export function forcedGc(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed !== undefined) return exposed;
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

/** Active resources by type (timers, sockets, servers, …) as the event loop holds them now. */
export function activeHandles(): HandleCounts {
  return countHandles(process.getActiveResourcesInfo());
}

export interface LoopDelayReading {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** The event loop's delay, read (and started afresh) once per interval. */
export interface LoopDelayMonitor {
  /** The percentiles since the last read (or the start); then resets. */
  read(): LoopDelayReading;
  stop(): void;
}

export function loopDelayMonitor(resolutionMs = 10): LoopDelayMonitor {
  const histogram = monitorEventLoopDelay({ resolution: resolutionMs });
  histogram.enable();
  return {
    read: () => {
      const reading = { p50Ms: histogram.percentile(50) / 1e6, p99Ms: histogram.percentile(99) / 1e6, maxMs: histogram.max / 1e6 };
      histogram.reset();
      return reading;
    },
    stop: () => {
      histogram.disable();
    },
  };
}

/**
 * The heap by constructor: a snapshot written to a temporary directory, read back and summarised,
 * then removed. Takes seconds on a large heap and blocks the loop meanwhile.
 */
export async function heapByConstructor(): Promise<ConstructorSummary> {
  const directory = await mkdtemp(join(tmpdir(), 'isthmus-soak-heap-'));
  try {
    const file = v8.writeHeapSnapshot(join(directory, 'heap.heapsnapshot'));
    return summarizeHeapSnapshot(JSON.parse(await readFile(file, 'utf8')) as Parameters<typeof summarizeHeapSnapshot>[0]);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
