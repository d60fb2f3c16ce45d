/** How a 429/503 answer says when to come back. vManage documents no `Retry-After`; off by default. */
export type RetryAfterSetting =
  | { readonly kind: 'seconds'; readonly seconds: number }
  /** An HTTP date this far after the emulator's clock. */
  | { readonly kind: 'http-date'; readonly afterMs: number };

/**
 * Fault knobs of the emulator, settable at runtime from tests and scenarios. Counted faults ("the next
 * N requests") apply to every request except the readiness probe, login and logout included.
 */
export class EmulatorFaults {
  readonly #expireAll: (includeRefreshTokens: boolean) => void;
  #unavailable = 0;
  #throttled = 0;
  #tokenMismatches = 0;
  #latencyMs = 0;
  #restarting = false;
  #retryAfter: RetryAfterSetting | undefined;

  constructor(expireAll: (includeRefreshTokens: boolean) => void, retryAfter: RetryAfterSetting | undefined) {
    this.#expireAll = expireAll;
    this.#retryAfter = retryAfter;
  }

  /** The next `count` requests get 503 (a burst, as during a restart or overload). */
  serviceUnavailable(count: number): void {
    this.#unavailable = Math.max(0, count);
  }

  /** The next `count` requests get 429, whatever the rate. */
  rateLimit(count: number): void {
    this.#throttled = Math.max(0, count);
  }

  /** The next `count` authenticated API calls get 403 with the SessionTokenFilter message. */
  tokenMismatch(count: number): void {
    this.#tokenMismatches = Math.max(0, count);
  }

  /** Every response is delayed this long (0 turns it off). */
  setLatencyMs(ms: number): void {
    this.#latencyMs = Math.max(0, ms);
  }

  /** While restarting, everything but `/client/server/ready` gets 503, and that reports not ready. */
  setRestarting(restarting: boolean): void {
    this.#restarting = restarting;
  }

  setRetryAfter(setting: RetryAfterSetting | undefined): void {
    this.#retryAfter = setting;
  }

  /** Invalidates every session and JWT access token now; refresh tokens too when asked. */
  expireAllSessions(options: { readonly includeRefreshTokens?: boolean } = {}): void {
    this.#expireAll(options.includeRefreshTokens ?? false);
  }

  /** Clears every counted fault, the latency and the restart state (Retry-After stays). */
  reset(): void {
    this.#unavailable = 0;
    this.#throttled = 0;
    this.#tokenMismatches = 0;
    this.#latencyMs = 0;
    this.#restarting = false;
  }

  get latencyMs(): number {
    return this.#latencyMs;
  }

  get restarting(): boolean {
    return this.#restarting;
  }

  get retryAfter(): RetryAfterSetting | undefined {
    return this.#retryAfter;
  }

  /** Consumes one injected 503, if any is pending. */
  takeUnavailable(): boolean {
    if (this.#unavailable === 0) return false;
    this.#unavailable--;
    return true;
  }

  takeThrottled(): boolean {
    if (this.#throttled === 0) return false;
    this.#throttled--;
    return true;
  }

  takeTokenMismatch(): boolean {
    if (this.#tokenMismatches === 0) return false;
    this.#tokenMismatches--;
    return true;
  }
}
