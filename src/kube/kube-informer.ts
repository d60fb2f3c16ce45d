import type { Watch } from '@kubernetes/client-node';
import type { Clock } from '../domain/clock.ts';
import { statusError, toKubeError } from './kube-error.ts';
import type { KubeError } from './kube-error.ts';
import { asFields, metadataOf, numberAt, stringAt } from './read-fields.ts';
import type { ReadStore, StoreChange, StoreChangeType, StoreListener } from './read-store.ts';
import { DEFAULT_RETRY_BACKOFF, retryDelay } from './retry-backoff.ts';
import type { RetryBackoff } from './retry-backoff.ts';
import { realSleep } from '../controller/system-time.ts';
import type { Sleep } from '../domain/clock.ts';
import { storeKeyOf } from './store-key.ts';

/** The part of client-node's `Watch` the informer uses; tests may substitute it. */
export type WatchPort = Pick<Watch, 'watch'>;

export interface ListResult {
  readonly items: readonly unknown[];
  /** The list's `metadata.resourceVersion`: where the watch resumes. */
  readonly resourceVersion: string;
}

/** Why the informer (re-)listed. */
export type ListReason = 'initial' | 'expired' | 'resync';

/** What the informer reports about itself, for logs and metrics; failures are data here, never thrown. */
export type InformerEvent =
  | {
      readonly type: 'listed';
      readonly resource: string;
      readonly reason: ListReason;
      readonly count: number;
      readonly resourceVersion: string;
      readonly added: number;
      readonly updated: number;
      readonly deleted: number;
    }
  | { readonly type: 'watching'; readonly resource: string; readonly resourceVersion: string }
  | { readonly type: 'watch-ended'; readonly resource: string; readonly reason: 'closed' | 'timeout' | 'expired'; readonly events: number }
  | {
      readonly type: 'retrying';
      readonly resource: string;
      readonly operation: 'list' | 'watch';
      readonly error: KubeError;
      /** Consecutive failures so far, from 1. */
      readonly attempt: number;
      readonly delayMs: number;
    }
  | { readonly type: 'skipped-object'; readonly resource: string; readonly key: string | undefined; readonly reason: string }
  | { readonly type: 'listener-failed'; readonly resource: string; readonly key: string; readonly error: unknown };

export interface KubeInformerOptions<T> {
  /** Names the resource in events and errors: `services`, `endpointslices`, … */
  readonly resource: string;
  /** One list call of every object (a typed client-node list). */
  readonly list: () => Promise<ListResult>;
  /** The collection path to watch, e.g. `/api/v1/services`. */
  readonly watchPath: string;
  readonly watch: WatchPort;
  /** Kubernetes object (typed or raw JSON) → domain value; undefined skips the object. */
  readonly convert: (object: unknown) => T | undefined;
  /** Default: the system clock. Only measures how long a watch lasted. */
  readonly clock?: Clock;
  readonly sleep?: Sleep;
  /** [0, 1), for jitter. */
  readonly random?: () => number;
  readonly backoff?: RetryBackoff;
  /** Period of the full re-list; 0 (the default) turns it off. */
  readonly resyncIntervalMs?: number;
  /** Server-side watch timeout, spread over [t, 2t) as client-go does. Default 300 s. */
  readonly watchTimeoutSeconds?: number;
  /**
   * A watch that delivered no event and lasted less than this ended "unhealthy": reconnecting right away
   * could spin, so it backs off. Default 1 s.
   */
  readonly minHealthyWatchMs?: number;
  readonly onEvent?: (event: InformerEvent) => void;
}

interface Cached<T> {
  readonly resourceVersion: string;
  readonly value: T;
}

type WatchEnd =
  | { readonly kind: 'stopped' | 'resync' | 'closed' | 'timeout' | 'expired'; readonly events: number; readonly durationMs: number }
  | { readonly kind: 'error'; readonly error: KubeError; readonly events: number; readonly durationMs: number };

type EndReason = { readonly kind: 'stopped' | 'resync' | 'closed' | 'timeout' | 'expired' } | { readonly kind: 'error'; readonly error: KubeError };

const systemClock: Clock = { now: () => Date.now() };

/**
 * A list-then-watch informer (client-go's reflector and store, in small) over @kubernetes/client-node's
 * `Watch` and typed list calls, holding objects already converted to domain values.
 *
 * Why not the library's `makeInformer`/`ListWatch`: it stops for good on any list or watch error (the
 * caller must restart it, with its own backoff), cannot re-list on demand (so no resync), does not ask
 * for bookmarks, reports a spurious error when stopped, has no "synced" signal, and waits on real timers.
 * What is kept is the library's wire protocol: `Watch` (streaming, auth from the kubeconfig, idle
 * timeout) and the generated list calls.
 *
 * Behaviour:
 *  - Lists, then watches from the list's resourceVersion with bookmarks and a server-side timeout; every
 *    event (bookmarks too) advances the resourceVersion, so a reconnect resumes without a gap.
 *  - 410 Gone (an ERROR event with code 410, or an HTTP 410) → re-list, diffed against the cache:
 *    objects that vanished meanwhile are reported deleted, unchanged ones (same resourceVersion) are not
 *    re-announced, so nothing is lost or duplicated.
 *  - A watch that closes after being healthy (events seen, or open a while) reconnects at once; list
 *    failures, watch errors (500, 429, reset) and unhealthy closes back off exponentially (bounded, with
 *    jitter, honouring Retry-After) on the injected sleep. The first 410 re-lists at once; repeated 410s
 *    without progress back off.
 *  - `resync()` (and every `resyncIntervalMs`) re-lists and then announces every key, changed or not.
 */
export class KubeInformer<T> implements ReadStore<T> {
  readonly resource: string;
  readonly #options: KubeInformerOptions<T>;
  readonly #clock: Clock;
  readonly #sleep: Sleep;
  readonly #random: () => number;
  readonly #backoff: RetryBackoff;
  readonly #cache = new Map<string, Cached<T>>();
  readonly #listeners = new Set<StoreListener>();
  readonly #syncWaiters = new Set<(synced: boolean) => void>();
  #resourceVersion = '';
  #synced = false;
  #failures = 0;
  #resyncRequested = false;
  #stopController: AbortController | undefined;
  #running: Promise<void> | undefined;
  #endWatch: ((reason: 'stopped' | 'resync') => void) | undefined;

  constructor(options: KubeInformerOptions<T>) {
    this.resource = options.resource;
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#sleep = options.sleep ?? realSleep;
    this.#random = options.random ?? Math.random;
    this.#backoff = options.backoff ?? DEFAULT_RETRY_BACKOFF;
  }

  // ── ReadStore ──────────────────────────────────────────────────────────────────────────────────

  get(key: string): T | undefined {
    return this.#cache.get(key)?.value;
  }

  list(): readonly T[] {
    return this.keys().flatMap((key) => {
      const cached = this.#cache.get(key);
      return cached === undefined ? [] : [cached.value];
    });
  }

  keys(): readonly string[] {
    return [...this.#cache.keys()].sort();
  }

  hasSynced(): boolean {
    return this.#synced;
  }

  subscribe(listener: StoreListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  // ── lifecycle ──────────────────────────────────────────────────────────────────────────────────

  /** The last resourceVersion seen (list, event or bookmark). */
  get resourceVersion(): string {
    return this.#resourceVersion;
  }

  get running(): boolean {
    return this.#running !== undefined;
  }

  /** Starts listing and watching in the background; a no-op when running. After `stop()`, resumes from the last resourceVersion. */
  start(): void {
    if (this.#running !== undefined) return;
    const controller = new AbortController();
    this.#stopController = controller;
    const loops = Promise.all([this.#run(controller.signal), this.#resyncLoop(controller.signal)]);
    this.#running = loops.then(() => undefined);
  }

  /** Stops and waits until no request is in flight any more. The cache is kept. */
  async stop(): Promise<void> {
    const running = this.#running;
    if (running === undefined) return;
    this.#stopController?.abort();
    this.#endWatch?.('stopped');
    await running;
    this.#running = undefined;
    this.#stopController = undefined;
    if (!this.#synced) this.#settleWaiters(false);
  }

  /** Re-lists now (ending the current watch) and then announces every key. */
  resync(): void {
    this.#resyncRequested = true;
    this.#endWatch?.('resync');
  }

  /** Resolves true once the first list is applied; false if stopped (or `signal` aborts) before. */
  whenSynced(signal?: AbortSignal): Promise<boolean> {
    if (this.#synced) return Promise.resolve(true);
    if (signal?.aborted === true) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (synced: boolean): void => {
        this.#syncWaiters.delete(done);
        signal?.removeEventListener('abort', onAbort);
        resolve(synced);
      };
      const onAbort = (): void => {
        done(false);
      };
      this.#syncWaiters.add(done);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  // ── the loop ───────────────────────────────────────────────────────────────────────────────────

  async #run(signal: AbortSignal): Promise<void> {
    let listReason: ListReason | undefined = this.#resourceVersion === '' ? 'initial' : undefined;
    while (!signal.aborted) {
      if (this.#resyncRequested) {
        this.#resyncRequested = false;
        listReason = 'resync';
      }
      if (listReason !== undefined) {
        const failure = await this.#list(listReason);
        if (aborted(signal)) return;
        if (failure !== undefined) {
          await this.#retry('list', failure, signal);
          continue;
        }
        listReason = undefined;
      }
      const end = await this.#watchOnce(signal);
      const healthy = end.events > 0 || end.durationMs >= (this.#options.minHealthyWatchMs ?? 1000);
      if (healthy) this.#failures = 0;
      switch (end.kind) {
        case 'stopped':
          return;
        case 'resync':
          break;
        case 'expired':
          this.#emit({ type: 'watch-ended', resource: this.resource, reason: 'expired', events: end.events });
          listReason = 'expired';
          if (!healthy) {
            this.#failures++;
            // The first 410 is business as usual (history moved on); only repeated ones without progress wait.
            if (this.#failures > 1) await this.#sleep(retryDelay(this.#failures - 2, this.#backoff, this.#random), signal);
          }
          break;
        case 'closed':
        case 'timeout':
          this.#emit({ type: 'watch-ended', resource: this.resource, reason: end.kind, events: end.events });
          if (!healthy) {
            this.#failures++;
            await this.#sleep(retryDelay(this.#failures - 1, this.#backoff, this.#random), signal);
          }
          break;
        case 'error':
          await this.#retry('watch', end.error, signal);
          break;
      }
    }
  }

  async #retry(operation: 'list' | 'watch', error: KubeError, signal: AbortSignal): Promise<void> {
    this.#failures++;
    const delayMs = retryDelay(this.#failures - 1, this.#backoff, this.#random, error.retryAfterMs);
    this.#emit({ type: 'retrying', resource: this.resource, operation, error, attempt: this.#failures, delayMs });
    await this.#sleep(delayMs, signal);
  }

  async #resyncLoop(signal: AbortSignal): Promise<void> {
    const interval = this.#options.resyncIntervalMs ?? 0;
    if (interval <= 0) return;
    while (!signal.aborted) {
      await this.#sleep(interval, signal);
      if (!aborted(signal)) this.resync();
    }
  }

  /** One list, diffed into the cache; returns the failure, if any. */
  async #list(reason: ListReason): Promise<KubeError | undefined> {
    let result: ListResult;
    try {
      result = await this.#options.list();
    } catch (error) {
      return toKubeError(error, `list ${this.resource}`);
    }
    const fresh = new Map<string, Cached<T>>();
    for (const item of result.items) {
      const key = storeKeyOf(item);
      const value = key === undefined ? undefined : this.#options.convert(item);
      if (key === undefined || value === undefined) {
        this.#emit({ type: 'skipped-object', resource: this.resource, key, reason: key === undefined ? 'no metadata.name' : 'not convertible' });
        continue;
      }
      const resourceVersion = resourceVersionOf(item);
      const cached = this.#cache.get(key);
      // Unchanged objects keep their converted value: identity stays stable for consumers.
      fresh.set(key, cached !== undefined && sameVersion(cached.resourceVersion, resourceVersion) ? cached : { resourceVersion, value });
    }
    const changes: StoreChange[] = [];
    let added = 0;
    let updated = 0;
    let deleted = 0;
    for (const key of [...this.#cache.keys()].sort()) {
      if (!fresh.has(key)) {
        changes.push({ type: 'deleted', key });
        deleted++;
      }
    }
    for (const key of [...fresh.keys()].sort()) {
      const before = this.#cache.get(key);
      if (before === undefined) {
        changes.push({ type: 'added', key });
        added++;
      } else if (before !== fresh.get(key)) {
        changes.push({ type: 'updated', key });
        updated++;
      } else if (reason === 'resync') {
        changes.push({ type: 'resync', key });
      }
    }
    this.#cache.clear();
    for (const [key, entry] of fresh) this.#cache.set(key, entry);
    this.#resourceVersion = result.resourceVersion;
    const firstSync = !this.#synced;
    this.#synced = true;
    this.#emit({ type: 'listed', resource: this.resource, reason, count: fresh.size, resourceVersion: result.resourceVersion, added, updated, deleted });
    for (const change of changes) this.#notify(change.type, change.key);
    if (firstSync) this.#settleWaiters(true);
    return undefined;
  }

  /** One watch request, until it ends for whatever reason; never rejects. */
  #watchOnce(signal: AbortSignal): Promise<WatchEnd> {
    return new Promise<WatchEnd>((resolve) => {
      const startedAt = this.#clock.now();
      let events = 0;
      let settled = false;
      let controller: AbortController | undefined;
      const settle = (reason: EndReason): void => {
        if (settled) return;
        settled = true;
        this.#endWatch = undefined;
        signal.removeEventListener('abort', onAbort);
        controller?.abort();
        resolve({ ...reason, events, durationMs: this.#clock.now() - startedAt });
      };
      const onAbort = (): void => {
        settle({ kind: 'stopped' });
      };
      if (signal.aborted) {
        settle({ kind: 'stopped' });
        return;
      }
      signal.addEventListener('abort', onAbort, { once: true });
      this.#endWatch = (reason) => {
        settle({ kind: reason });
      };
      const onEvent = (type: string, object: unknown): void => {
        if (settled) return;
        switch (type) {
          case 'ADDED':
          case 'MODIFIED':
            events++;
            this.#upsert(object);
            break;
          case 'DELETED':
            events++;
            this.#delete(object);
            break;
          case 'BOOKMARK':
            events++;
            this.#advance(object);
            break;
          case 'ERROR':
            settle(numberAt(asFields(object), 'code') === 410 ? { kind: 'expired' } : { kind: 'error', error: statusError(object, `watch ${this.resource}`) });
            break;
          default:
            break;
        }
      };
      const onDone = (error: unknown): void => {
        settle(classifyWatchEnd(error, `watch ${this.resource}`));
      };
      const query = {
        resourceVersion: this.#resourceVersion,
        allowWatchBookmarks: true,
        timeoutSeconds: this.#watchTimeoutSeconds(),
      };
      this.#options.watch.watch(this.#options.watchPath, query, onEvent, onDone).then(
        (started) => {
          controller = started;
          if (settled) started.abort();
          else this.#emit({ type: 'watching', resource: this.resource, resourceVersion: query.resourceVersion });
        },
        (error: unknown) => {
          settle({ kind: 'error', error: toKubeError(error, `watch ${this.resource}`) });
        },
      );
    });
  }

  #watchTimeoutSeconds(): number {
    const base = this.#options.watchTimeoutSeconds ?? 300;
    return Math.max(1, Math.floor(base * (1 + this.#random())));
  }

  #upsert(object: unknown): void {
    const key = storeKeyOf(object);
    const resourceVersion = resourceVersionOf(object);
    this.#advanceTo(resourceVersion);
    if (key === undefined) {
      this.#emit({ type: 'skipped-object', resource: this.resource, key, reason: 'no metadata.name' });
      return;
    }
    const cached = this.#cache.get(key);
    // A reconnect without a resourceVersion replays ADDED for everything: same version, nothing new.
    if (cached !== undefined && sameVersion(cached.resourceVersion, resourceVersion)) return;
    const value = this.#options.convert(object);
    if (value === undefined) {
      this.#emit({ type: 'skipped-object', resource: this.resource, key, reason: 'not convertible' });
      return;
    }
    this.#cache.set(key, { resourceVersion, value });
    this.#notify(cached === undefined ? 'added' : 'updated', key);
  }

  #delete(object: unknown): void {
    this.#advanceTo(resourceVersionOf(object));
    const key = storeKeyOf(object);
    if (key !== undefined && this.#cache.delete(key)) this.#notify('deleted', key);
  }

  #advance(object: unknown): void {
    this.#advanceTo(resourceVersionOf(object));
  }

  #advanceTo(resourceVersion: string): void {
    if (resourceVersion !== '') this.#resourceVersion = resourceVersion;
  }

  #notify(type: StoreChangeType, key: string): void {
    const change: StoreChange = { type, key };
    for (const listener of [...this.#listeners]) {
      try {
        listener(change);
      } catch (error) {
        this.#emit({ type: 'listener-failed', resource: this.resource, key, error });
      }
    }
  }

  #emit(event: InformerEvent): void {
    try {
      this.#options.onEvent?.(event);
    } catch {
      // Observability must not break the informer.
    }
  }

  #settleWaiters(synced: boolean): void {
    for (const waiter of [...this.#syncWaiters]) waiter(synced);
  }
}

/** A call, not a property read: TypeScript would otherwise keep `aborted` narrowed to false across awaits. */
function aborted(signal: AbortSignal): boolean {
  return signal.aborted;
}

function resourceVersionOf(object: unknown): string {
  return stringAt(metadataOf(object), 'resourceVersion') ?? '';
}

/** An empty resourceVersion proves nothing: treat it as a change. */
function sameVersion(a: string, b: string): boolean {
  return a !== '' && a === b;
}

/** How client-node's `Watch` ended: `done(null)` on a clean close, a TimeoutError when idle too long. */
function classifyWatchEnd(error: unknown, operation: string): EndReason {
  if (error === null || error === undefined) return { kind: 'closed' };
  const fields = asFields(error);
  if (stringAt(fields, 'name') === 'TimeoutError') return { kind: 'timeout' };
  if (numberAt(fields, 'statusCode') === 410) return { kind: 'expired' };
  return { kind: 'error', error: toKubeError(error, operation) };
}
