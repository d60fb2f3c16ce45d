import type { Clock } from '../domain/clock.ts';
import { toKubeError } from './kube-error.ts';
import type { KubeError } from './kube-error.ts';
import type { LeaseLock, LeaseRecord, ObservedLease } from './lease-lock.ts';
import { realSleep } from '../controller/system-time.ts';
import type { Sleep } from '../domain/clock.ts';

export interface LeaderElectorOptions {
  readonly lock: LeaseLock;
  /** Unique per replica, e.g. the pod name. */
  readonly identity: string;
  /** How long a lease is valid without renewal; followers wait this long after the last change they saw. */
  readonly leaseDurationMs: number;
  /** The leader steps down when it could not renew for this long. Shorter than leaseDurationMs. */
  readonly renewDeadlineMs: number;
  /** Interval between attempts. Shorter than renewDeadlineMs. */
  readonly retryPeriodMs: number;
  readonly clock?: Clock;
  readonly sleep?: Sleep;
  /** [0, 1), for the jitter of acquire attempts. */
  readonly random?: () => number;
  /** Give the lease up on stop, so a follower takes over at its next attempt. Default true. */
  readonly releaseOnStop?: boolean;
  readonly onEvent?: (event: LeaderElectionEvent) => void;
}

export type LeaderElectionEvent =
  | { readonly type: 'started-leading'; readonly identity: string }
  | { readonly type: 'stopped-leading'; readonly identity: string; readonly reason: 'renew-deadline' | 'taken-over' | 'stopped' }
  /** The holder of the lease changed, as this candidate observed it ('' when released). */
  | { readonly type: 'new-leader'; readonly leader: string }
  | { readonly type: 'attempt-failed'; readonly error: KubeError };

type Attempt = 'acquired' | 'held-by-other' | 'failed';

const systemClock: Clock = { now: () => Date.now() };
/** client-go's JitterFactor for acquire attempts. */
const ACQUIRE_JITTER = 1.2;

/**
 * Leader election on a coordination.k8s.io Lease, as client-go's leaderelection package does it:
 *  - A candidate takes the lease when it does not exist, is released (holder ''), or has not changed for
 *    leaseDuration as measured on the candidate's own clock since it last saw it change (never by
 *    comparing the lease's renewTime with the local time: clocks of replicas are not synchronized).
 *  - The leader renews every retryPeriod; if no renewal succeeds for renewDeadline it steps down (before
 *    any follower may take over, since renewDeadline < leaseDuration). Seeing another holder on the
 *    lease makes it step down at once.
 *  - Every write is an update with the resourceVersion read just before: of two candidates racing, one
 *    gets 409 Conflict and stays a follower.
 * After stepping down the candidate keeps trying to acquire, so a replica recovers leadership once the
 * API server is reachable again; `onEvent` tells the rest of the process when to start or stop deciding.
 */
export class LeaderElector {
  readonly identity: string;
  readonly #options: LeaderElectorOptions;
  readonly #clock: Clock;
  readonly #sleep: Sleep;
  readonly #random: () => number;
  #leading = false;
  #observed: ObservedLease | undefined;
  #observedAtMs = 0;
  #stopController: AbortController | undefined;
  #running: Promise<void> | undefined;

  constructor(options: LeaderElectorOptions) {
    if (!(options.retryPeriodMs < options.renewDeadlineMs && options.renewDeadlineMs < options.leaseDurationMs)) {
      throw new RangeError('leader election needs retryPeriod < renewDeadline < leaseDuration');
    }
    this.identity = options.identity;
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#sleep = options.sleep ?? realSleep;
    this.#random = options.random ?? Math.random;
  }

  isLeader(): boolean {
    return this.#leading;
  }

  /** The holder as last observed; undefined before the first read or when released. */
  leader(): string | undefined {
    const holder = this.#observed?.record.holderIdentity;
    return holder === undefined || holder === '' ? undefined : holder;
  }

  start(): void {
    if (this.#running !== undefined) return;
    const controller = new AbortController();
    this.#stopController = controller;
    this.#running = this.#run(controller.signal);
  }

  /** Stops campaigning; a leader steps down (and releases the lease unless `releaseOnStop` is false). */
  async stop(): Promise<void> {
    const running = this.#running;
    if (running === undefined) return;
    this.#stopController?.abort();
    await running;
    this.#running = undefined;
    this.#stopController = undefined;
  }

  async #run(signal: AbortSignal): Promise<void> {
    while (!aborted(signal)) {
      if (!(await this.#acquire(signal))) break;
      this.#leading = true;
      this.#emit({ type: 'started-leading', identity: this.identity });
      const reason = await this.#renew(signal);
      if (reason === 'stopped') break;
      this.#leading = false;
      this.#emit({ type: 'stopped-leading', identity: this.identity, reason });
    }
    if (this.#leading) {
      if (this.#options.releaseOnStop ?? true) await this.#release();
      this.#leading = false;
      this.#emit({ type: 'stopped-leading', identity: this.identity, reason: 'stopped' });
    }
  }

  /**
   * Tries until the lease is ours (true) or stop is asked (false). A lease acquired just as stop was
   * asked is still reported, so that it is released rather than left to expire.
   */
  async #acquire(signal: AbortSignal): Promise<boolean> {
    while (!aborted(signal)) {
      if ((await this.#tryAcquireOrRenew()) === 'acquired') return true;
      await this.#sleep(this.#options.retryPeriodMs * (1 + ACQUIRE_JITTER * this.#random()), signal);
    }
    return false;
  }

  async #renew(signal: AbortSignal): Promise<'renew-deadline' | 'taken-over' | 'stopped'> {
    let renewedAt = this.#clock.now();
    for (;;) {
      await this.#sleep(this.#options.retryPeriodMs, signal);
      if (aborted(signal)) return 'stopped';
      const attempt = await this.#tryAcquireOrRenew();
      if (attempt === 'acquired') renewedAt = this.#clock.now();
      else if (attempt === 'held-by-other') return 'taken-over';
      else if (this.#clock.now() - renewedAt >= this.#options.renewDeadlineMs) return 'renew-deadline';
    }
  }

  async #tryAcquireOrRenew(): Promise<Attempt> {
    const now = this.#clock.now();
    const { lock } = this.#options;
    let current: ObservedLease | undefined;
    try {
      current = await lock.get();
      if (current === undefined) {
        this.#see(await lock.create(this.#fresh(now, 0)));
        return 'acquired';
      }
    } catch (error) {
      this.#emit({ type: 'attempt-failed', error: toKubeError(error, `acquire lease ${lock.description}`) });
      return 'failed';
    }
    this.#see(current);
    const { record } = current;
    const heldByOther = record.holderIdentity !== '' && record.holderIdentity !== this.identity;
    if (heldByOther && this.#observedAtMs + record.leaseDurationSeconds * 1000 > now) return 'held-by-other';
    const next: LeaseRecord =
      record.holderIdentity === this.identity
        ? { ...record, leaseDurationSeconds: this.#leaseDurationSeconds(), renewTimeMs: now }
        : this.#fresh(now, record.leaseTransitions + 1);
    try {
      this.#see(await lock.update(next, current.resourceVersion));
      return 'acquired';
    } catch (error) {
      this.#emit({ type: 'attempt-failed', error: toKubeError(error, `update lease ${lock.description}`) });
      return 'failed';
    }
  }

  /** Hands the lease over: holder '' and a one-second duration, as client-go releases. Best effort. */
  async #release(): Promise<void> {
    const observed = this.#observed;
    if (observed?.record.holderIdentity !== this.identity) return;
    const now = this.#clock.now();
    try {
      this.#see(await this.#options.lock.update({ ...observed.record, holderIdentity: '', leaseDurationSeconds: 1, renewTimeMs: now }, observed.resourceVersion));
    } catch (error) {
      this.#emit({ type: 'attempt-failed', error: toKubeError(error, `release lease ${this.#options.lock.description}`) });
    }
  }

  #fresh(now: number, transitions: number): LeaseRecord {
    return { holderIdentity: this.identity, leaseDurationSeconds: this.#leaseDurationSeconds(), acquireTimeMs: now, renewTimeMs: now, leaseTransitions: transitions };
  }

  #leaseDurationSeconds(): number {
    return Math.max(1, Math.ceil(this.#options.leaseDurationMs / 1000));
  }

  /** Records what was read or written; the local time of the last change is what expiry is measured from. */
  #see(lease: ObservedLease): void {
    const before = this.#observed;
    if (before === undefined || !sameRecord(before.record, lease.record)) {
      this.#observedAtMs = this.#clock.now();
      if (before?.record.holderIdentity !== lease.record.holderIdentity) this.#emit({ type: 'new-leader', leader: lease.record.holderIdentity });
    }
    this.#observed = lease;
  }

  #emit(event: LeaderElectionEvent): void {
    try {
      this.#options.onEvent?.(event);
    } catch {
      // A failing observer must not cost the leadership.
    }
  }
}

function sameRecord(a: LeaseRecord, b: LeaseRecord): boolean {
  return (
    a.holderIdentity === b.holderIdentity &&
    a.leaseDurationSeconds === b.leaseDurationSeconds &&
    a.acquireTimeMs === b.acquireTimeMs &&
    a.renewTimeMs === b.renewTimeMs &&
    a.leaseTransitions === b.leaseTransitions
  );
}

function aborted(signal: AbortSignal): boolean {
  return signal.aborted;
}
