/** One measured number of a benchmark, as the runner prints it. */
export interface BenchResult {
  /** What was measured, e.g. `tunnel samples`. */
  readonly name: string;
  readonly value: number;
  /** e.g. `ms`, `/s`, `MB`. */
  readonly unit: string;
  /** Context that makes the number comparable (sizes, counts). */
  readonly detail?: string;
  /** The product's target for this figure, when it has one; the runner reports whether it holds. */
  readonly target?: BenchTarget;
}

/** `value >= atLeast` and/or `value <= atMost`. */
export interface BenchTarget {
  readonly atLeast?: number;
  readonly atMost?: number;
}

export interface BenchOptions {
  /** `--quick`: reduced sizes so that every module together finishes in well under a minute. */
  readonly quick: boolean;
}

/** What a `*.bench.ts` module exports: the runner discovers these files and calls `run`. */
export interface BenchModule {
  run(options: BenchOptions): Promise<BenchResult[]>;
}

/** Whether a result meets its target; undefined when it has none. */
export function meetsTarget(result: BenchResult): boolean | undefined {
  const { target } = result;
  if (target === undefined) return undefined;
  return (target.atLeast === undefined || result.value >= target.atLeast) && (target.atMost === undefined || result.value <= target.atMost);
}

/**
 * Runs `step` (which returns how many operations it did) until at least `minMs` have passed, and
 * returns operations per second; one untimed round first lets the JIT settle.
 */
export function throughput(step: () => number, minMs = 1000): { readonly perSecond: number; readonly operations: number; readonly ms: number } {
  step();
  let operations = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < minMs) {
    operations += step();
    elapsed = performance.now() - started;
  }
  return { perSecond: (operations / elapsed) * 1000, operations, ms: elapsed };
}

/** Wall time of one call, in milliseconds. */
export async function timed<T>(action: () => T | Promise<T>): Promise<{ readonly value: T; readonly ms: number }> {
  const started = performance.now();
  const value = await action();
  return { value, ms: performance.now() - started };
}
