/**
 * The soak test's verdicts, as pure functions of the series it sampled: post-GC heap, active handles by
 * type, event-loop delay per interval. Robust by construction — medians and the Theil–Sen slope (the
 * median of pairwise slopes), so one slow interval on a shared machine neither passes a leak nor fails
 * a clean run — and every threshold is a parameter.
 */

export interface SeriesPoint {
  /** Minutes since the start of the run (any monotonic unit works; slopes are per that unit). */
  readonly x: number;
  readonly y: number;
}

/** Theil–Sen: the median of the slopes between every pair of points with distinct x; 0 with fewer than two. */
export function theilSenSlope(points: readonly SeriesPoint[]): number {
  const slopes: number[] = [];
  for (let i = 0; i < points.length; i++) {
    const a = points[i];
    if (a === undefined) continue;
    for (let j = i + 1; j < points.length; j++) {
      const b = points[j];
      if (b === undefined || b.x === a.x) continue;
      slopes.push((b.y - a.y) / (b.x - a.x));
    }
  }
  return median(slopes);
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** The first and the last third of a series (at least one point each when there are two or more). */
export function thirds<T>(values: readonly T[]): { readonly first: readonly T[]; readonly last: readonly T[] } {
  const size = Math.max(1, Math.floor(values.length / 3));
  return { first: values.slice(0, size), last: values.slice(Math.max(size, values.length - size)) };
}

export interface HeapSample {
  /** Minutes since the start of the run. */
  readonly minute: number;
  /** `heapUsed` right after a forced full GC. */
  readonly heapUsedBytes: number;
}

export interface HeapThresholds {
  /** A leak grows at least this fast (bytes per minute of the Theil–Sen slope)… */
  readonly maxSlopeBytesPerMinute: number;
  /** …and the median of the last third exceeds that of the first third by more than this many bytes. */
  readonly maxGrowthBytes: number;
}

export interface HeapVerdict {
  readonly ok: boolean;
  readonly slopeBytesPerMinute: number;
  readonly startBytes: number;
  readonly endBytes: number;
  readonly growthRatio: number;
  readonly reason: string;
}

/**
 * Heap growth over the steady state. Both signs of a leak are required to fail: a positive trend and a
 * real difference between the start and the end; a clean run on a busy machine shows at most one.
 */
export function analyzeHeap(samples: readonly HeapSample[], thresholds: HeapThresholds): HeapVerdict {
  const slope = theilSenSlope(samples.map((sample) => ({ x: sample.minute, y: sample.heapUsedBytes })));
  const { first, last } = thirds(samples.map((sample) => sample.heapUsedBytes));
  const startBytes = median(first);
  const endBytes = median(last);
  const growthRatio = startBytes > 0 ? (endBytes - startBytes) / startBytes : 0;
  if (samples.length < 3) return { ok: false, slopeBytesPerMinute: slope, startBytes, endBytes, growthRatio, reason: `only ${samples.length} heap samples` };
  const growing = slope > thresholds.maxSlopeBytesPerMinute && endBytes - startBytes > thresholds.maxGrowthBytes;
  return {
    ok: !growing,
    slopeBytesPerMinute: slope,
    startBytes,
    endBytes,
    growthRatio,
    reason: growing
      ? `post-GC heap grows ${formatBytes(slope)}/min (limit ${formatBytes(thresholds.maxSlopeBytesPerMinute)}/min), ${formatBytes(startBytes)} → ${formatBytes(endBytes)} (+${formatBytes(endBytes - startBytes)}, limit ${formatBytes(thresholds.maxGrowthBytes)})`
      : `post-GC heap ${formatBytes(startBytes)} → ${formatBytes(endBytes)}, ${formatBytes(slope)}/min`,
  };
}

/** Active resources by type (`process.getActiveResourcesInfo()` counted). */
export type HandleCounts = Readonly<Record<string, number>>;

export function countHandles(types: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of types) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

export interface HandleThresholds {
  /** How many more handles of a type the last third's peak may hold than the first third's. */
  readonly maxSteadyGrowth: number;
  /** Types allowed to differ from the baseline after everything stopped, with how many at most. */
  readonly allowedAfterStop?: Readonly<Record<string, number>>;
}

export interface HandleVerdict {
  readonly ok: boolean;
  /** Per type: peak of the first third, peak of the last third. */
  readonly steady: Readonly<Record<string, { readonly firstPeak: number; readonly lastPeak: number }>>;
  /** Per type that differs: after stop minus baseline. */
  readonly leftAfterStop: Readonly<Record<string, number>>;
  readonly reasons: readonly string[];
}

/**
 * Handles stable over the steady state (the peak of the last third no higher than that of the first,
 * within a margin: sockets and timers come and go between samples), and back to the baseline once the
 * bridge and the emulators have stopped.
 */
export function analyzeHandles(baseline: HandleCounts, steady: readonly HandleCounts[], afterStop: HandleCounts, thresholds: HandleThresholds): HandleVerdict {
  const reasons: string[] = [];
  const types = new Set([...Object.keys(baseline), ...steady.flatMap((counts) => Object.keys(counts)), ...Object.keys(afterStop)]);
  const { first, last } = thirds(steady);
  const perType: Record<string, { firstPeak: number; lastPeak: number }> = {};
  const leftAfterStop: Record<string, number> = {};
  for (const type of [...types].sort()) {
    const firstPeak = Math.max(0, ...first.map((counts) => counts[type] ?? 0));
    const lastPeak = Math.max(0, ...last.map((counts) => counts[type] ?? 0));
    perType[type] = { firstPeak, lastPeak };
    if (steady.length >= 3 && lastPeak - firstPeak > thresholds.maxSteadyGrowth) reasons.push(`${type}: peak ${firstPeak} early in the steady state, ${lastPeak} late (margin ${thresholds.maxSteadyGrowth})`);
    const left = (afterStop[type] ?? 0) - (baseline[type] ?? 0);
    if (left !== 0) leftAfterStop[type] = left;
    if (left > (thresholds.allowedAfterStop?.[type] ?? 0)) reasons.push(`${type}: ${left} more after stop than before start`);
  }
  if (steady.length < 3) reasons.push(`only ${steady.length} handle samples`);
  return { ok: reasons.length === 0, steady: perType, leftAfterStop, reasons };
}

export interface DelayInterval {
  /** Minutes since the start of the run, at the end of the interval. */
  readonly minute: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export interface DelayThresholds {
  /** The p99 of the last third (median) may be at most this many times that of the first third… */
  readonly maxGrowthFactor: number;
  /** …unless it stays under this anyway (a loop that stays fast is fine whatever the ratio). */
  readonly floorMs: number;
}

export interface DelayVerdict {
  readonly ok: boolean;
  readonly slopeMsPerMinute: number;
  readonly firstP99Ms: number;
  readonly lastP99Ms: number;
  readonly reason: string;
}

/** The event loop's p99 delay does not trend upward: the last third's median p99 against the first third's. */
export function analyzeDelay(intervals: readonly DelayInterval[], thresholds: DelayThresholds): DelayVerdict {
  const slope = theilSenSlope(intervals.map((interval) => ({ x: interval.minute, y: interval.p99Ms })));
  const { first, last } = thirds(intervals.map((interval) => interval.p99Ms));
  const firstP99Ms = median(first);
  const lastP99Ms = median(last);
  if (intervals.length < 3) return { ok: false, slopeMsPerMinute: slope, firstP99Ms, lastP99Ms, reason: `only ${intervals.length} delay intervals` };
  const worse = lastP99Ms > thresholds.floorMs && lastP99Ms > firstP99Ms * thresholds.maxGrowthFactor;
  return {
    ok: !worse,
    slopeMsPerMinute: slope,
    firstP99Ms,
    lastP99Ms,
    reason: worse
      ? `event-loop p99 ${firstP99Ms.toFixed(1)} ms early, ${lastP99Ms.toFixed(1)} ms late (more than ×${thresholds.maxGrowthFactor} and over ${thresholds.floorMs} ms)`
      : `event-loop p99 ${firstP99Ms.toFixed(1)} ms early, ${lastP99Ms.toFixed(1)} ms late`,
  };
}

/** Objects per constructor name in a heap snapshot: how many, and their shallow size. */
export type ConstructorSummary = ReadonlyMap<string, { readonly count: number; readonly selfBytes: number }>;

export interface ConstructorGrowth {
  readonly name: string;
  readonly countDelta: number;
  readonly bytesDelta: number;
  readonly countAfter: number;
}

/** The constructors whose retained shallow size grew most between two summaries (largest first). */
export function constructorGrowth(before: ConstructorSummary, after: ConstructorSummary, limit = 15): ConstructorGrowth[] {
  const grown: ConstructorGrowth[] = [];
  for (const [name, now] of after) {
    const then = before.get(name) ?? { count: 0, selfBytes: 0 };
    if (now.selfBytes <= then.selfBytes && now.count <= then.count) continue;
    grown.push({ name, countDelta: now.count - then.count, bytesDelta: now.selfBytes - then.selfBytes, countAfter: now.count });
  }
  return grown.sort((a, b) => b.bytesDelta - a.bytesDelta || b.countDelta - a.countDelta).slice(0, limit);
}

/** The parts of V8's heap snapshot format (`.heapsnapshot` JSON) a summary needs. */
interface HeapSnapshotJson {
  readonly snapshot: { readonly meta: { readonly node_fields: readonly string[]; readonly node_types: readonly [readonly string[], ...unknown[]] } };
  readonly nodes: readonly number[];
  readonly strings: readonly string[];
}

/**
 * Counts a heap snapshot's objects by constructor name: nodes of type `object` are named after their
 * constructor; closures, arrays, strings and the like are summarised under their type in parentheses.
 */
export function summarizeHeapSnapshot(snapshot: HeapSnapshotJson): ConstructorSummary {
  const fields = snapshot.snapshot.meta.node_fields;
  const stride = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const typeNames = snapshot.snapshot.meta.node_types[0];
  const summary = new Map<string, { count: number; selfBytes: number }>();
  const { nodes, strings } = snapshot;
  for (let i = 0; i + stride <= nodes.length; i += stride) {
    const type = typeNames[nodes[i + typeAt] ?? -1] ?? 'unknown';
    const name = type === 'object' ? (strings[nodes[i + nameAt] ?? -1] ?? '?') : `(${type})`;
    const entry = summary.get(name) ?? { count: 0, selfBytes: 0 };
    entry.count++;
    entry.selfBytes += nodes[i + sizeAt] ?? 0;
    summary.set(name, entry);
  }
  return summary;
}

export function formatBytes(bytes: number): string {
  const sign = bytes < 0 ? '-' : '';
  const value = Math.abs(bytes);
  if (value >= 1024 * 1024) return `${sign}${(value / (1024 * 1024)).toFixed(1)} MiB`;
  if (value >= 1024) return `${sign}${(value / 1024).toFixed(1)} KiB`;
  return `${sign}${value.toFixed(0)} B`;
}
