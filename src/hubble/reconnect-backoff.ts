export interface ReconnectBackoff {
  /** Delay before the first reconnect, before jitter. */
  readonly baseMs: number;
  /** No delay exceeds this. */
  readonly maxMs: number;
}

/**
 * Hubble's own CLI and Relay retry within seconds; half a second to start keeps a blip short, and the
 * 30 s ceiling keeps an outage from hammering Relay when every replica reconnects at once.
 */
export const DEFAULT_RECONNECT_BACKOFF: ReconnectBackoff = { baseMs: 500, maxMs: 30_000 };

/**
 * Exponential backoff with equal jitter: half of the step fixed (a floor under the wait), half random
 * (replicas that lost Relay together spread apart). `attempt` counts from 0; `random` returns [0, 1).
 */
export function reconnectDelay(attempt: number, policy: ReconnectBackoff, random: () => number): number {
  const step = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, Math.min(attempt, 30)));
  return Math.round(step / 2 + random() * (step / 2));
}
