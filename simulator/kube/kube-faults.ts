/** What a request does, in the API server's vocabulary (the verbs RBAC and audit logs use). */
export type KubeVerb = 'list' | 'watch' | 'get' | 'create' | 'update' | 'patch' | 'delete' | 'discovery';

export interface KubeRequestInfo {
  readonly verb: KubeVerb;
  /** The resource's plural (`services`, `leases`, …); undefined for discovery and health paths. */
  readonly resource: string | undefined;
}

/** Which requests a counted failure applies to; an absent field matches everything. */
export interface FailureMatch {
  readonly verb?: KubeVerb | readonly KubeVerb[];
  readonly resource?: string | readonly string[];
}

export interface FailureOptions {
  readonly match?: FailureMatch;
  /** Sent as `Retry-After` and `details.retryAfterSeconds`, as the API server does on 429. */
  readonly retryAfterSeconds?: number;
}

export interface InjectedFailure {
  readonly status: number;
  readonly retryAfterSeconds: number | undefined;
}

interface FailureRule {
  remaining: number;
  readonly status: number;
  readonly match: FailureMatch | undefined;
  readonly retryAfterSeconds: number | undefined;
}

/**
 * Fault knobs of the Kubernetes API emulator, settable at runtime from tests and scenarios. Counted
 * failures are consumed in the order they were set, by the first requests they match.
 */
export class KubeFaults {
  readonly #dropWatches: (abrupt: boolean) => number;
  #failures: FailureRule[] = [];
  #expireWatches = 0;
  #lostEvents = 0;
  #latencyMs = 0;

  constructor(dropWatches: (abrupt: boolean) => number) {
    this.#dropWatches = dropWatches;
  }

  /** The next `count` matching requests are answered with `status` (500, 429, 503, …) and a Status body. */
  failNext(count: number, status: number, options: FailureOptions = {}): void {
    if (count <= 0) return;
    this.#failures.push({ remaining: count, status, match: options.match, retryAfterSeconds: options.retryAfterSeconds });
  }

  /**
   * The next `count` watches that resume from a resourceVersion get 410 Gone (Expired), whatever the
   * history holds: what a client sees after an etcd compaction or an API server restart.
   */
  expireNextWatch(count = 1): void {
    this.#expireWatches += Math.max(0, count);
  }

  /**
   * Ends every open watch now: cleanly (the stream ends, as on an API server's graceful shutdown or a
   * load balancer's idle timeout) or, with `abrupt`, by resetting the connection. Returns how many.
   */
  dropWatches(options: { readonly abrupt?: boolean } = {}): number {
    return this.#dropWatches(options.abrupt ?? false);
  }

  /**
   * The next `count` live watch events (ADDED/MODIFIED/DELETED, on any open watch) are silently not sent:
   * the drift a watch can miss, which only a re-list (resync) repairs.
   */
  loseWatchEvents(count: number): void {
    this.#lostEvents += Math.max(0, count);
  }

  /** Every response (a watch: its headers) is delayed this long; 0 turns it off. */
  setLatencyMs(ms: number): void {
    this.#latencyMs = Math.max(0, ms);
  }

  get latencyMs(): number {
    return this.#latencyMs;
  }

  /** Clears counted failures, forced expiries, lost events and latency. */
  reset(): void {
    this.#failures = [];
    this.#expireWatches = 0;
    this.#lostEvents = 0;
    this.#latencyMs = 0;
  }

  /** Consumes the failure this request should get, if any. */
  takeFailure(request: KubeRequestInfo): InjectedFailure | undefined {
    const rule = this.#failures.find((candidate) => candidate.remaining > 0 && matches(candidate.match, request));
    if (rule === undefined) return undefined;
    rule.remaining--;
    this.#failures = this.#failures.filter((candidate) => candidate.remaining > 0);
    return { status: rule.status, retryAfterSeconds: rule.retryAfterSeconds };
  }

  /** Consumes one lost event, if any. */
  takeLostEvent(): boolean {
    if (this.#lostEvents === 0) return false;
    this.#lostEvents--;
    return true;
  }

  /** Consumes one forced expiry, if any. */
  takeWatchExpiry(): boolean {
    if (this.#expireWatches === 0) return false;
    this.#expireWatches--;
    return true;
  }
}

function matches(match: FailureMatch | undefined, request: KubeRequestInfo): boolean {
  if (match === undefined) return true;
  return oneOf(match.verb, request.verb) && oneOf(match.resource, request.resource);
}

function oneOf<T extends string>(wanted: T | readonly T[] | undefined, actual: T | undefined): boolean {
  if (wanted === undefined) return true;
  if (actual === undefined) return false;
  return typeof wanted === 'string' ? wanted === actual : wanted.includes(actual);
}
