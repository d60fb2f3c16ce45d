import { setTimeout as sleep } from 'node:timers/promises';
import { analyzeDelay, analyzeHandles, analyzeHeap, constructorGrowth, formatBytes } from './soak-analysis.ts';
import type { ConstructorGrowth, DelayThresholds, DelayVerdict, HandleCounts, HandleThresholds, HandleVerdict, HeapThresholds, HeapVerdict } from './soak-analysis.ts';
import { activeHandles, forcedGc, heapByConstructor, loopDelayMonitor } from './process-probe.ts';
import type { LoopDelayReading } from './process-probe.ts';

/** Something that runs in this process while the soak watches it: the bridge, or a fake component. */
export interface SoakWorkload<Counts> {
  readonly name: string;
  start(): Promise<RunningWorkload<Counts>>;
}

export interface RunningWorkload<Counts> {
  /** What it did so far, for the report. */
  counts(): Counts;
  /** Stops everything it started; the soak then expects the process's handles back at the baseline. */
  stop(): Promise<void>;
}

export interface SoakThresholds {
  readonly heap: HeapThresholds;
  readonly handles: HandleThresholds;
  readonly delay: DelayThresholds;
}

export interface SoakOptions {
  /** Real time the workload runs, warm-up included. */
  readonly durationMs: number;
  /** Real time before the steady state starts: caches, windows and pools fill up first. */
  readonly warmupMs: number;
  /** Real time between two samples (each: event-loop delay of the interval, forced GC, heap, handles). */
  readonly sampleIntervalMs: number;
  readonly thresholds: SoakThresholds;
  /** Heap snapshots at the start of the steady state and at the end, summarised by constructor. Default true. */
  readonly heapSnapshots?: boolean;
  /** How long to wait for handles to return to the baseline after the workload stopped. Default 10 s. */
  readonly settleMs?: number;
  /** Told of every sample as it is taken (progress lines). */
  readonly onSample?: (sample: SoakSample) => void;
}

export interface SoakSample {
  readonly minute: number;
  readonly phase: 'warm-up' | 'steady';
  /** After a forced full GC. */
  readonly heapUsedBytes: number;
  readonly heapTotalBytes: number;
  readonly rssBytes: number;
  readonly handles: HandleCounts;
  /** Event-loop delay over the interval that ended with this sample. */
  readonly delay: LoopDelayReading;
}

export interface SoakReport<Counts> {
  readonly workload: string;
  readonly ok: boolean;
  readonly samples: readonly SoakSample[];
  readonly heap: HeapVerdict;
  readonly handles: HandleVerdict;
  readonly delay: DelayVerdict;
  readonly baselineHandles: HandleCounts;
  readonly afterStopHandles: HandleCounts;
  /** Constructors that grew between the start of the steady state and the end (when snapshots were taken). */
  readonly grown: readonly ConstructorGrowth[];
  readonly counts: Counts;
}

/**
 * Runs a workload for a while and watches the process: post-GC heap, active handles by type and the
 * event loop's delay, sampled at intervals; heap snapshots summarised by constructor at the start of
 * the steady state and at the end; then stops it and checks that the handles return to what they were
 * before it started. The verdicts come from the pure analysis in soak-analysis.ts.
 */
export async function runSoak<Counts>(workload: SoakWorkload<Counts>, options: SoakOptions): Promise<SoakReport<Counts>> {
  const gc = forcedGc();
  const delay = loopDelayMonitor();
  try {
    gc();
    const baselineHandles = activeHandles();
    const running = await workload.start();
    const startedAt = Date.now();
    const samples: SoakSample[] = [];
    let before: Awaited<ReturnType<typeof heapByConstructor>> | undefined;
    let after: Awaited<ReturnType<typeof heapByConstructor>> | undefined;
    let counts: Counts;
    try {
      delay.read();
      // The first snapshot's time is added to the run, so that it never eats into the steady state.
      let probeMs = 0;
      const remaining = () => options.durationMs + probeMs - (Date.now() - startedAt);
      while (remaining() > 0) {
        await sleep(Math.min(options.sampleIntervalMs, Math.max(0, remaining())));
        const interval = delay.read();
        gc();
        const memory = process.memoryUsage();
        const elapsed = Date.now() - startedAt;
        const sample: SoakSample = {
          minute: elapsed / 60_000,
          phase: elapsed < options.warmupMs ? 'warm-up' : 'steady',
          heapUsedBytes: memory.heapUsed,
          heapTotalBytes: memory.heapTotal,
          rssBytes: memory.rss,
          handles: activeHandles(),
          delay: interval,
        };
        samples.push(sample);
        options.onSample?.(sample);
        if (sample.phase === 'steady' && before === undefined && options.heapSnapshots !== false) {
          const snapshotStartedAt = Date.now();
          before = await heapByConstructor();
          probeMs += Date.now() - snapshotStartedAt;
          gc();
          // The snapshot blocked the loop: that is the probe's delay, not the workload's.
          delay.read();
        }
      }
      // Before stopping: what the workload holds is what the snapshot is about.
      if (before !== undefined) after = await heapByConstructor();
      counts = running.counts();
    } finally {
      await running.stop();
    }
    const afterStopHandles = await settledHandles(baselineHandles, gc, options.settleMs ?? 10_000);

    const steady = samples.filter((sample) => sample.phase === 'steady');
    const heap = analyzeHeap(steady.map((sample) => ({ minute: sample.minute, heapUsedBytes: sample.heapUsedBytes })), options.thresholds.heap);
    const handles = analyzeHandles(baselineHandles, steady.map((sample) => sample.handles), afterStopHandles, options.thresholds.handles);
    const loop = analyzeDelay(steady.map((sample) => ({ minute: sample.minute, ...sample.delay })), options.thresholds.delay);
    return {
      workload: workload.name,
      ok: heap.ok && handles.ok && loop.ok,
      samples,
      heap,
      handles,
      delay: loop,
      baselineHandles,
      afterStopHandles,
      grown: before === undefined || after === undefined ? [] : constructorGrowth(before, after),
      counts,
    };
  } finally {
    delay.stop();
  }
}

/** Handles after stop: sockets and timers take a moment to close, so poll (bounded) until none is above the baseline. */
async function settledHandles(baseline: HandleCounts, gc: () => void, settleMs: number): Promise<HandleCounts> {
  const deadline = Date.now() + settleMs;
  for (;;) {
    gc();
    const now = activeHandles();
    const above = Object.entries(now).some(([type, count]) => count > (baseline[type] ?? 0));
    if (!above || Date.now() >= deadline) return now;
    await sleep(100);
  }
}

/** One line per sample: what `npm run soak` prints every minute. */
export function formatSample(sample: SoakSample): string {
  const handles = Object.entries(sample.handles)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([type, count]) => `${type}=${count}`)
    .join(' ');
  return `${sample.minute.toFixed(1).padStart(5)} min  ${sample.phase.padEnd(7)}  heap ${formatBytes(sample.heapUsedBytes).padStart(9)} (rss ${formatBytes(sample.rssBytes)})  loop p50 ${sample.delay.p50Ms.toFixed(1)} ms p99 ${sample.delay.p99Ms.toFixed(1)} ms max ${sample.delay.maxMs.toFixed(1)} ms  handles ${handles}`;
}

/** The final report, as text. */
export function formatReport(report: SoakReport<unknown>): string {
  const verdict = (ok: boolean) => (ok ? 'ok  ' : 'FAIL');
  const lines = [
    `soak: ${report.workload}`,
    `  ${verdict(report.heap.ok)} heap: ${report.heap.reason}; slope ${formatBytes(report.heap.slopeBytesPerMinute)}/min, growth ${(report.heap.growthRatio * 100).toFixed(1)} %`,
    `  ${verdict(report.handles.ok)} handles: ${report.handles.reasons.length === 0 ? 'stable over the steady state, back to the baseline after stop' : report.handles.reasons.join('; ')}`,
    `       by type (first-third peak → last-third peak): ${Object.entries(report.handles.steady).map(([type, peaks]) => `${type} ${peaks.firstPeak}→${peaks.lastPeak}`).join(', ')}`,
    `       baseline ${JSON.stringify(report.baselineHandles)}, after stop ${JSON.stringify(report.afterStopHandles)}`,
    `  ${verdict(report.delay.ok)} event loop: ${report.delay.reason}; slope ${report.delay.slopeMsPerMinute.toFixed(2)} ms/min`,
    '  grown constructors (start of steady state → end):',
    ...(report.grown.length === 0 ? ['    (none, or no snapshots)'] : report.grown.map((growth) => `    ${growth.name.padEnd(40)} ${`${growth.countDelta >= 0 ? '+' : ''}${growth.countDelta}`.padStart(8)} objects  ${formatBytes(growth.bytesDelta).padStart(10)}  (${growth.countAfter} now)`)),
    `  counts: ${JSON.stringify(report.counts)}`,
    `soak ${report.ok ? 'passed' : 'FAILED'}`,
  ];
  return lines.join('\n');
}
