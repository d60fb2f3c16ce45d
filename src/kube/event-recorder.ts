import type { Clock } from '../domain/clock.ts';
import type { Namespace } from '../domain/namespace.ts';
import type { Problem } from '../domain/problem.ts';
import type { Service } from '../domain/service.ts';
import type { LogPort } from '../vmanage/log-port.ts';
import { KUBE_ERROR_CODES, toKubeError } from './kube-error.ts';
import type { KubeError } from './kube-error.ts';
import type { EventRecord, EventSink, EventType, InvolvedObject } from './event-sink.ts';

export interface EventRecorderOptions {
  readonly sink: EventSink;
  /** Who reports: the pod name in a cluster (`reportingInstance`, and part of the dedup key). */
  readonly reportingInstance: string;
  /** `source.component`. Default `isthmus`. */
  readonly component?: string;
  /** `reportingComponent` (the reporting controller). Default `isthmus.io/bridge`. */
  readonly reportingController?: string;
  /** `source.host`, e.g. the node name. Default unset. */
  readonly host?: string;
  /** Times Events and refills the rate limit. Default: the system clock. */
  readonly clock?: Clock;
  /** Events per object allowed at once. Default 25 (client-go's spam filter). */
  readonly burst?: number;
  /** One more Event per object every this long. Default 300 000 (5 min, client-go's spam filter). */
  readonly refillIntervalMs?: number;
  /** Objects and Events remembered for rate limiting and deduplication (LRU). Default 4096, as client-go. */
  readonly cacheSize?: number;
  /** Writes waiting at most; more are dropped (client-go's broadcaster queues 1000). */
  readonly maxQueued?: number;
  readonly log?: LogPort;
  readonly onEvent?: (event: EventRecorderEvent) => void;
}

/** What the recorder reports about itself, for logs and metrics; failures are data, never thrown. */
export type EventRecorderEvent =
  | { readonly type: 'created' | 'patched'; readonly namespace: string; readonly name: string; readonly reason: string; readonly count: number }
  | { readonly type: 'dropped'; readonly object: string; readonly reason: string; readonly why: 'rate-limited' | 'queue-full' }
  | { readonly type: 'failed'; readonly operation: 'create' | 'patch'; readonly namespace: string; readonly name: string; readonly reason: string; readonly error: KubeError };

export interface EventRecorderStats {
  readonly created: number;
  readonly patched: number;
  readonly dropped: number;
  readonly failed: number;
}

interface SeenEvent {
  readonly namespace: string;
  readonly name: string;
  readonly count: number;
  readonly firstTimestampMs: number;
}

interface Bucket {
  tokens: number;
  lastMs: number;
}

const systemClock: Clock = { now: () => Date.now() };
/** Event messages past this are cut: the events.k8s.io API caps notes at 1 kB, and readers need less. */
export const MAX_EVENT_MESSAGE_LENGTH = 1024;

/**
 * Records core/v1 Events the way client-go's EventRecorder does (tools/record, EventCorrelator):
 *  - deduplication: an Event with the same source, involved object (kind, namespace, name, uid,
 *    apiVersion — not its resourceVersion), type, reason and message as one recorded before is not
 *    created again: the existing Event is patched with count + 1, a new lastTimestamp and the message;
 *  - spam filter: a token bucket per source and involved object (burst 25, then one per 5 minutes),
 *    consulted after deduplication, so a dropped occurrence still counts towards the next patch;
 *  - names `<object name>.<hex of the time in nanoseconds>`; Events about cluster-scoped objects live in
 *    `default`;
 *  - a patch that finds its Event gone (deleted, expired after the API server's TTL, or never created
 *    because the create failed) creates it again.
 * Recording never throws and never waits: writes run one at a time in the background, so a later patch
 * always follows the create it refers to. Failures to write are logged, counted and reported through
 * `onEvent`, never retried (the next occurrence will try again), never fatal.
 * Not done (unlike client-go): aggregation of similar Events with different messages.
 */
export class EventRecorder {
  readonly #options: EventRecorderOptions;
  readonly #clock: Clock;
  readonly #component: string;
  readonly #reportingController: string;
  readonly #burst: number;
  readonly #refillIntervalMs: number;
  readonly #cacheSize: number;
  readonly #maxQueued: number;
  readonly #seen = new Map<string, SeenEvent>();
  readonly #buckets = new Map<string, Bucket>();
  #tail: Promise<void> = Promise.resolve();
  #queued = 0;
  #sequence = 0;
  #created = 0;
  #patched = 0;
  #dropped = 0;
  #failed = 0;

  constructor(options: EventRecorderOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#component = options.component ?? 'isthmus';
    this.#reportingController = options.reportingController ?? 'isthmus.io/bridge';
    this.#burst = options.burst ?? 25;
    this.#refillIntervalMs = options.refillIntervalMs ?? 300_000;
    this.#cacheSize = Math.max(1, options.cacheSize ?? 4096);
    this.#maxQueued = options.maxQueued ?? 1000;
  }

  get stats(): EventRecorderStats {
    return { created: this.#created, patched: this.#patched, dropped: this.#dropped, failed: this.#failed };
  }

  /** Records one Event about `object`. */
  record(object: InvolvedObject, type: EventType, reason: string, message: string): void {
    const now = this.#clock.now();
    const text = truncate(message);
    const objectKey = [this.#component, this.#options.host ?? '', object.kind, object.namespace ?? '', object.name, object.uid ?? '', object.apiVersion].join('\u0000');
    const eventKey = [objectKey, type, reason, text, this.#reportingController, this.#options.reportingInstance].join('\u0000');

    const before = lruGet(this.#seen, eventKey);
    const namespace = object.namespace === undefined || object.namespace === '' ? 'default' : object.namespace;
    const seen: SeenEvent =
      before === undefined
        ? { namespace, name: this.#eventName(object.name, now), count: 1, firstTimestampMs: now }
        : { ...before, count: before.count + 1 };
    lruSet(this.#seen, eventKey, seen, this.#cacheSize);

    if (!this.#takeToken(objectKey, now)) {
      this.#drop(object, reason, 'rate-limited');
      return;
    }
    if (this.#queued >= this.#maxQueued) {
      this.#drop(object, reason, 'queue-full');
      return;
    }
    const event: EventRecord = {
      namespace: seen.namespace,
      name: seen.name,
      involvedObject: object,
      type,
      reason,
      message: text,
      component: this.#component,
      host: this.#options.host,
      reportingController: this.#reportingController,
      reportingInstance: this.#options.reportingInstance,
      firstTimestampMs: seen.firstTimestampMs,
      lastTimestampMs: now,
      count: seen.count,
    };
    this.#enqueue(() => (before === undefined ? this.#create(event) : this.#patch(event)));
  }

  /** Each problem as a Warning Event whose reason is the problem's code (`InvalidSLO`, `TunnelNotAllowed`, …). */
  recordProblems(object: InvolvedObject, problems: readonly Problem[]): void {
    for (const problem of problems) this.record(object, 'Warning', problem.code, problem.message);
  }

  /** Resolves once every write recorded so far has finished (for shutdown and tests). */
  async flush(): Promise<void> {
    let tail: Promise<void>;
    do {
      tail = this.#tail;
      await tail;
    } while (tail !== this.#tail);
  }

  #enqueue(write: () => Promise<void>): void {
    this.#queued++;
    // The chain must never reject: one broken write (a throwing logger) would stop every later one.
    this.#tail = this.#tail
      .then(write)
      .catch(() => undefined)
      .finally(() => {
        this.#queued--;
      });
  }

  async #create(event: EventRecord): Promise<void> {
    try {
      await this.#options.sink.create(event);
      this.#created++;
      this.#emit({ type: 'created', namespace: event.namespace, name: event.name, reason: event.reason, count: event.count });
    } catch (error) {
      this.#fail('create', event, error);
    }
  }

  async #patch(event: EventRecord): Promise<void> {
    try {
      await this.#options.sink.patch(event.namespace, event.name, { count: event.count, lastTimestampMs: event.lastTimestampMs, message: event.message });
      this.#patched++;
      this.#emit({ type: 'patched', namespace: event.namespace, name: event.name, reason: event.reason, count: event.count });
    } catch (error) {
      const failure = toKubeError(error, `patch event ${event.namespace}/${event.name}`);
      if (failure.code === KUBE_ERROR_CODES.notFound) {
        await this.#create(event);
        return;
      }
      this.#fail('patch', event, failure);
    }
  }

  #fail(operation: 'create' | 'patch', event: EventRecord, error: unknown): void {
    const failure = toKubeError(error, `${operation} event ${event.namespace}/${event.name}`);
    this.#failed++;
    this.#options.log?.warn({ err: failure, code: failure.code, event: `${event.namespace}/${event.name}`, reason: event.reason }, `could not ${operation} an Event: ${failure.message}`);
    this.#emit({ type: 'failed', operation, namespace: event.namespace, name: event.name, reason: event.reason, error: failure });
  }

  #drop(object: InvolvedObject, reason: string, why: 'rate-limited' | 'queue-full'): void {
    this.#dropped++;
    this.#emit({ type: 'dropped', object: `${object.kind} ${object.namespace === undefined ? '' : `${object.namespace}/`}${object.name}`, reason, why });
  }

  /** client-go's passive token bucket: refilled by elapsed time, never by a timer. */
  #takeToken(key: string, now: number): boolean {
    const bucket = lruGet(this.#buckets, key) ?? { tokens: this.#burst, lastMs: now };
    bucket.tokens = Math.min(this.#burst, bucket.tokens + Math.max(0, now - bucket.lastMs) / this.#refillIntervalMs);
    bucket.lastMs = now;
    lruSet(this.#buckets, key, bucket, this.#cacheSize);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** `<name>.<hex nanoseconds>` as client-go; a sequence keeps names unique when a fake clock stands still. */
  #eventName(objectName: string, now: number): string {
    this.#sequence = (this.#sequence + 1) % 1_000_000;
    const nanoseconds = BigInt(Math.floor(now)) * 1_000_000n + BigInt(this.#sequence);
    return `${objectName}.${nanoseconds.toString(16)}`;
  }

  #emit(event: EventRecorderEvent): void {
    try {
      this.#options.onEvent?.(event);
    } catch {
      // Observability must not break recording.
    }
  }
}

/** The involved object of Events about a Service. */
export function serviceReference(service: Service): InvolvedObject {
  return { kind: 'Service', apiVersion: 'v1', namespace: service.namespace, name: service.name, uid: service.uid, resourceVersion: service.resourceVersion };
}

/** The involved object of Events about a Namespace (they live in `default`, as client-go puts them). */
export function namespaceReference(namespace: Namespace): InvolvedObject {
  return { kind: 'Namespace', apiVersion: 'v1', namespace: undefined, name: namespace.name, uid: namespace.uid, resourceVersion: namespace.resourceVersion };
}

function truncate(message: string): string {
  if (message.length <= MAX_EVENT_MESSAGE_LENGTH) return message;
  // Cut on a code point boundary (never half a surrogate pair), and say so.
  const cut = message.slice(0, MAX_EVENT_MESSAGE_LENGTH - 1);
  return `${/[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut}…`;
}

function lruGet<V>(map: Map<string, V>, key: string): V | undefined {
  const value = map.get(key);
  if (value !== undefined) {
    map.delete(key);
    map.set(key, value);
  }
  return value;
}

function lruSet<V>(map: Map<string, V>, key: string, value: V, size: number): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > size) {
    const oldest = map.keys().next();
    if (oldest.done === true) break;
    map.delete(oldest.value);
  }
}
