import type { PollSchedule } from './poll-schedule.ts';

/** Repeats a callback; injected so that fake-time tests fire ticks by hand. Returns the cancel function. */
export interface RepeatTimer {
  repeat(intervalMs: number, callback: () => void): () => void;
}

export const realRepeatTimer: RepeatTimer = {
  repeat(intervalMs, callback) {
    const handle = setInterval(callback, intervalMs);
    return () => {
      clearInterval(handle);
    };
  },
};

/** A tick every `intervalMs` (the first one an interval after start). */
export function intervalSchedule(intervalMs: number, timer: RepeatTimer = realRepeatTimer): PollSchedule {
  if (!Number.isFinite(intervalMs) || intervalMs <= 0) throw new RangeError(`poll interval must be positive, not ${intervalMs}`);
  return (tick) => {
    let cancel: (() => void) | undefined = timer.repeat(intervalMs, tick);
    return {
      stop() {
        cancel?.();
        cancel = undefined;
      },
    };
  };
}
