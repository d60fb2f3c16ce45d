/**
 * Waiting is injected like the clock, so that backoff and resync run on fake time in tests. The signal,
 * when given, cuts a wait short (shutdown). Same shape as the vManage adapter's Sleep, so one
 * implementation can serve both.
 */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve) => {
    if (ms <= 0 || signal?.aborted === true) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
