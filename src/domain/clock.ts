/** Time is injected: everything that waits or timestamps takes a Clock, so tests run on fake time. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

/**
 * Waiting is injected like the clock, so that backoff, rate limits and pollers run on fake time in
 * tests. The signal, when given, cuts a wait short (shutdown): the wait then resolves, it never rejects.
 */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;
