import type { Clock } from '../../src/domain/clock.ts';

/** The real time source an accelerated clock follows; injectable so tests can run it on fake timers. */
export interface RealTime {
  /** Monotonic milliseconds. */
  now(): number;
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** A timer on simulated time; pass it to `clearTimeout`. */
export interface SimTimer {
  readonly id: number;
  /** Simulated epoch milliseconds at which it fires next. */
  readonly dueMs: number;
}

interface Entry {
  readonly id: number;
  dueMs: number;
  seq: number;
  readonly callback: () => void;
  /** 0 for a one-shot timer. */
  readonly periodMs: number;
  cancelled: boolean;
}

const defaultRealTime: RealTime = {
  now: () => performance.now(),
  // Looked up at call time, so that fake timers installed later are honoured.
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimeout: (handle) => {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};

// Captured at load: `advance` must really yield to the event loop even when a test fakes setImmediate.
const realSetImmediate = globalThis.setImmediate;
const MAX_REAL_DELAY_MS = 2_147_483_647;

/**
 * Simulated time for the world and everything that runs on it (pollers, emulators, the bridge in the demo).
 * `now()` is epoch milliseconds of simulated time:
 * - manual (`SimClock.manual`): time moves only when `advance`/`advanceTo` is called, firing due timers in
 *   order, each with `now()` equal to its due time, and letting promise continuations run in between, so
 *   an `await clock.sleep(…)` loop behaves as it would in real time;
 * - accelerated (`SimClock.accelerated`): time flows at `speed` × real time (60: one simulated minute per
 *   real second) and timers fire from one real timer armed for the earliest of them. `advance` still
 *   jumps ahead instantly, and `setSpeed(0)` pauses.
 * A manual clock is an accelerated one at speed 0, so both share one implementation.
 */
export class SimClock implements Clock {
  readonly #real: RealTime;
  #speed: number;
  #anchorSim: number;
  #anchorReal: number;
  #heap: Entry[] = [];
  #nextId = 1;
  #nextSeq = 0;
  #realTimer: unknown = undefined;

  private constructor(startMs: number, speed: number, real: RealTime) {
    this.#real = real;
    this.#speed = speed;
    this.#anchorSim = startMs;
    this.#anchorReal = real.now();
  }

  static manual(startMs: number): SimClock {
    return new SimClock(startMs, 0, defaultRealTime);
  }

  static accelerated(startMs: number, speed: number, real: RealTime = defaultRealTime): SimClock {
    if (!(speed >= 0) || !Number.isFinite(speed)) throw new RangeError(`speed must be a finite number ≥ 0, got ${speed}`);
    return new SimClock(startMs, speed, real);
  }

  now(): number {
    return this.#speed === 0 ? this.#anchorSim : this.#anchorSim + (this.#real.now() - this.#anchorReal) * this.#speed;
  }

  get speed(): number {
    return this.#speed;
  }

  /** Changes the speed from now on (0 pauses); simulated time does not jump. */
  setSpeed(speed: number): void {
    if (!(speed >= 0) || !Number.isFinite(speed)) throw new RangeError(`speed must be a finite number ≥ 0, got ${speed}`);
    this.#jump(this.now());
    this.#speed = speed;
    this.#arm();
  }

  setTimeout(callback: () => void, delayMs: number): SimTimer {
    return this.#schedule(callback, Math.max(0, delayMs), 0);
  }

  /** Fires every `periodMs` of simulated time, at exact multiples after now. */
  setInterval(callback: () => void, periodMs: number): SimTimer {
    if (!(periodMs > 0)) throw new RangeError(`period must be > 0, got ${periodMs}`);
    return this.#schedule(callback, periodMs, periodMs);
  }

  /** Cancels a timeout or an interval; cancelling twice, or a fired timeout, does nothing. */
  clearTimeout(timer: SimTimer | undefined): void {
    if (timer === undefined) return;
    const entry = this.#heap.find((candidate) => candidate.id === timer.id);
    if (entry !== undefined) entry.cancelled = true;
  }

  /**
   * Resolves after `ms` of simulated time, or at once when `signal` aborts (a wait cut short by shutdown
   * resolves rather than rejects, like the bridge's `Sleep`). Usable detached: `const { sleep } = clock`.
   */
  readonly sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
    new Promise<void>((resolve) => {
      if (signal?.aborted === true) {
        resolve();
        return;
      }
      const done = () => {
        this.clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = this.setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    });

  /** Moves simulated time forward by `ms`, firing every timer due on the way (see class comment). */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.now() + Math.max(0, ms));
  }

  async advanceTo(targetMs: number): Promise<void> {
    let failure: unknown;
    for (;;) {
      const top = this.#peek();
      if (top === undefined || top.dueMs > targetMs) break;
      this.#jump(Math.max(top.dueMs, this.now()));
      // Not `failure ??= this.#fire()`: after a first failure that would stop firing (and loop forever).
      const error = this.#fire();
      failure ??= error;
      await new Promise<void>((resolve) => realSetImmediate(resolve));
    }
    this.#jump(Math.max(targetMs, this.now()));
    this.#arm();
    if (failure !== undefined) throw asError(failure);
  }

  /** Fires the timers due at the current time; returns how many fired. */
  runDue(): number {
    let fired = 0;
    let failure: unknown;
    for (;;) {
      const top = this.#peek();
      if (top === undefined || top.dueMs > this.now()) break;
      const error = this.#fire();
      failure ??= error;
      fired++;
    }
    this.#arm();
    if (failure !== undefined) throw asError(failure);
    return fired;
  }

  get pendingTimers(): number {
    return this.#heap.filter((entry) => !entry.cancelled).length;
  }

  /** Due time of the earliest pending timer. */
  nextDueMs(): number | undefined {
    return this.#peek()?.dueMs;
  }

  /** Pauses and drops the real timer, so an accelerated clock no longer keeps the process alive. */
  stop(): void {
    this.setSpeed(0);
  }

  #schedule(callback: () => void, delayMs: number, periodMs: number): SimTimer {
    const entry: Entry = { id: this.#nextId++, dueMs: this.now() + delayMs, seq: this.#nextSeq++, callback, periodMs, cancelled: false };
    this.#push(entry);
    this.#arm();
    return { id: entry.id, dueMs: entry.dueMs };
  }

  /** Pops and runs the earliest timer; returns what it threw, if anything. */
  #fire(): unknown {
    const entry = this.#pop();
    if (entry === undefined) return undefined;
    if (entry.periodMs > 0) {
      entry.dueMs += entry.periodMs;
      entry.seq = this.#nextSeq++;
      this.#push(entry);
    }
    try {
      entry.callback();
      return undefined;
    } catch (error) {
      return error;
    }
  }

  #jump(simMs: number): void {
    this.#anchorSim = simMs;
    this.#anchorReal = this.#real.now();
  }

  /** Keeps one real timer armed for the earliest simulated timer, when time flows. */
  #arm(): void {
    if (this.#realTimer !== undefined) {
      this.#real.clearTimeout(this.#realTimer);
      this.#realTimer = undefined;
    }
    const top = this.#peek();
    if (this.#speed === 0 || top === undefined) return;
    const delay = Math.min(MAX_REAL_DELAY_MS, Math.max(0, Math.ceil((top.dueMs - this.now()) / this.#speed)));
    this.#realTimer = this.#real.setTimeout(() => {
      this.#realTimer = undefined;
      try {
        this.runDue();
      } catch (error) {
        // A throwing callback must not stop the clock; surface it as an uncaught error.
        queueMicrotask(() => {
          throw error;
        });
      }
      this.#arm();
    }, delay);
  }

  // A binary min-heap on (dueMs, seq): equal due times fire in scheduling order.
  #peek(): Entry | undefined {
    while (this.#heap[0]?.cancelled === true) this.#pop();
    return this.#heap[0];
  }

  #push(entry: Entry): void {
    const heap = this.#heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent];
      if (p === undefined || !before(entry, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = entry;
  }

  #pop(): Entry | undefined {
    const heap = this.#heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = last;
      let index = i;
      const l = heap[left];
      const r = heap[right];
      if (l !== undefined && before(l, smallest)) {
        smallest = l;
        index = left;
      }
      if (r !== undefined && before(r, smallest)) {
        smallest = r;
        index = right;
      }
      if (index === i) break;
      heap[i] = smallest;
      i = index;
    }
    heap[i] = last;
    return top;
  }
}

function before(a: Entry, b: Entry): boolean {
  return a.dueMs < b.dueMs || (a.dueMs === b.dueMs && a.seq < b.seq);
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
