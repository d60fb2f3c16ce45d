export interface RetryBackoff {
  /** Delay before the first retry, before jitter. */
  readonly baseMs: number;
  /** No delay exceeds this. */
  readonly maxMs: number;
}

/** client-go's reflector backs off from 800 ms to 30 s; one second is the rounder start. */
export const DEFAULT_RETRY_BACKOFF: RetryBackoff = { baseMs: 1000, maxMs: 30_000 };

/**
 * Exponential backoff with equal jitter: half of the step fixed (a floor under the wait, so a failing API
 * server is not hammered), half random (replicas restarted together spread apart). `attempt` counts from
 * 0; `random` returns [0, 1). A server's Retry-After, when longer, is honoured up to the maximum.
 */
export function retryDelay(attempt: number, policy: RetryBackoff, random: () => number, retryAfterMs = 0): number {
  const step = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, Math.min(attempt, 30)));
  const jittered = Math.round(step / 2 + random() * (step / 2));
  return Math.min(policy.maxMs, Math.max(jittered, retryAfterMs));
}
