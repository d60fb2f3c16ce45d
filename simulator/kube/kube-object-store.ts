import { randomUUID } from 'node:crypto';
import type { Clock } from '../../src/domain/clock.ts';
import { isPlainObject } from './kube-object.ts';
import type { KubeObject, KubeObjectMeta, StoredObject } from './kube-object.ts';
import type { KubeObjectSink } from './kube-object-sink.ts';
import { apiVersionOf, resourceForKind } from './kube-resources.ts';
import type { KubeKind, KubeResource } from './kube-resources.ts';

export type StoreEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  readonly type: StoreEventType;
  readonly kind: string;
  /** The revision this change created (for DELETED, the revision of the deletion). */
  readonly resourceVersion: number;
  readonly object: StoredObject;
  /**
   * The state before: for MODIFIED, watches with a selector need it to see objects leave or enter; for
   * MODIFIED and DELETED, lists of a past revision (paging, exact reads) are rebuilt from it.
   */
  readonly previous: StoredObject | undefined;
}

export type StoreWatcher = (event: StoreEvent) => void;

export type WriteFailure = 'AlreadyExists' | 'Conflict' | 'NotFound' | 'Invalid';

export type WriteResult =
  | { readonly ok: true; readonly object: StoredObject }
  | { readonly ok: false; readonly reason: WriteFailure; readonly message: string };

export interface KubeObjectStoreOptions {
  /**
   * How many changes (across all kinds, like etcd's revision history) stay available to watches that
   * resume from a resourceVersion. A watch from an older revision gets 410 Gone. Default 1000.
   */
  readonly historySize?: number;
  /** For creationTimestamp. Default: the system clock. */
  readonly clock?: Clock;
}

const DEFAULT_HISTORY_SIZE = 1000;

/**
 * The emulated cluster's objects: one monotonically increasing resourceVersion across all kinds (as etcd's
 * revision), a bounded history of changes for resumable watches, and optimistic concurrency on writes
 * that name a resourceVersion. Stored objects are deep-frozen and handed out as is: readers cannot
 * corrupt the store, and serving a list copies nothing.
 */
export class KubeObjectStore implements KubeObjectSink {
  readonly #clock: Clock;
  readonly #objects = new Map<string, Map<string, StoredObject>>();
  readonly #watchers = new Map<string, Set<StoreWatcher>>();
  #history: StoreEvent[] = [];
  #historySize: number;
  #revision = 0;
  /** Changes at or below this revision are no longer in the history. */
  #compacted = 0;

  constructor(options: KubeObjectStoreOptions = {}) {
    this.#clock = options.clock ?? { now: () => Date.now() };
    this.#historySize = Math.max(0, options.historySize ?? DEFAULT_HISTORY_SIZE);
  }

  /** The current revision: what a list returns as its `metadata.resourceVersion`. */
  get resourceVersion(): number {
    return this.#revision;
  }

  /** The newest revision no longer in the history; watches must resume from this or later. */
  get compactedResourceVersion(): number {
    return this.#compacted;
  }

  setHistorySize(size: number): void {
    this.#historySize = Math.max(0, size);
    this.#trim();
  }

  /** Forgets the whole history now, as an etcd compaction would: every resuming watch gets 410. */
  compact(): void {
    this.#history = [];
    this.#compacted = this.#revision;
  }

  apply(object: KubeObject): StoredObject {
    const { resource, meta } = identify(object);
    const existing = this.#get(resource.kind, meta.namespace, meta.name);
    const candidate = this.#complete(resource, object, meta, existing);
    if (existing !== undefined && sameContent(existing, candidate)) return existing;
    return this.#write(resource, candidate, existing);
  }

  /** POST: fails if the object exists. */
  create(object: KubeObject): WriteResult {
    const identified = tryIdentify(object);
    if (!identified.ok) return identified;
    const { resource, meta } = identified;
    if (this.#get(resource.kind, meta.namespace, meta.name) !== undefined) {
      return { ok: false, reason: 'AlreadyExists', message: `${resource.plural} "${meta.name}" already exists` };
    }
    return { ok: true, object: this.#write(resource, this.#complete(resource, object, meta, undefined), undefined) };
  }

  /**
   * PUT: replaces an existing object. When the object carries a resourceVersion it must be the current
   * one (optimistic concurrency, 409 Conflict otherwise); without one the update is unconditional.
   */
  replace(object: KubeObject): WriteResult {
    const identified = tryIdentify(object);
    if (!identified.ok) return identified;
    const { resource, meta } = identified;
    const existing = this.#get(resource.kind, meta.namespace, meta.name);
    if (existing === undefined) return { ok: false, reason: 'NotFound', message: `${resource.plural} "${meta.name}" not found` };
    const asked = meta.resourceVersion;
    if (asked !== undefined && asked !== '' && asked !== existing.metadata.resourceVersion) {
      return {
        ok: false,
        reason: 'Conflict',
        message: `Operation cannot be fulfilled on ${resource.plural}${groupSuffix(resource)} "${meta.name}": the object has been modified; please apply your changes to the latest version and try again`,
      };
    }
    const candidate = this.#complete(resource, object, meta, existing);
    if (sameContent(existing, candidate)) return { ok: true, object: existing };
    return { ok: true, object: this.#write(resource, candidate, existing) };
  }

  delete(kind: KubeKind, namespace: string | undefined, name: string): boolean {
    return this.remove(kind, namespace, name) !== undefined;
  }

  /** Deletes and returns the last state of the object, stamped with the deletion's revision. */
  remove(kind: string, namespace: string | undefined, name: string): StoredObject | undefined {
    const resource = resourceForKind(kind);
    if (resource === undefined) return undefined;
    const namespaceKey = resource.namespaced ? namespace : undefined;
    const existing = this.#get(kind, namespaceKey, name);
    if (existing === undefined) return undefined;
    this.#objects.get(kind)?.delete(objectKey(namespaceKey, name));
    this.#revision++;
    const tombstone = deepFreeze({ ...existing, metadata: { ...existing.metadata, resourceVersion: String(this.#revision) } });
    this.#record({ type: 'DELETED', kind, resourceVersion: this.#revision, object: tombstone, previous: existing });
    return tombstone;
  }

  get(kind: string, namespace: string | undefined, name: string): StoredObject | undefined {
    const resource = resourceForKind(kind);
    if (resource === undefined) return undefined;
    return this.#get(kind, resource.namespaced ? namespace : undefined, name);
  }

  /** Objects of a kind, in one namespace or all, ordered by namespace and name as the API server lists them. */
  list(kind: string, namespace?: string): readonly StoredObject[] {
    const objects = [...(this.#objects.get(kind)?.values() ?? [])];
    const selected = namespace === undefined ? objects : objects.filter((object) => object.metadata.namespace === namespace);
    return selected.sort((a, b) => compareKeys(objectKey(a.metadata.namespace, a.metadata.name), objectKey(b.metadata.namespace, b.metadata.name)));
  }

  /**
   * Objects of a kind as they were at `revision` (a consistent snapshot, as etcd serves a read at a
   * revision), ordered as `list`; undefined when the history no longer reaches back that far (410).
   * Rebuilt by undoing the kind's later changes, newest first.
   */
  listAt(kind: string, namespace: string | undefined, revision: number): readonly StoredObject[] | undefined {
    if (revision >= this.#revision) return this.list(kind, namespace);
    if (revision < this.#compacted) return undefined;
    const state = new Map<string, StoredObject>();
    for (const object of this.#objects.get(kind)?.values() ?? []) state.set(objectKey(object.metadata.namespace, object.metadata.name), object);
    for (let index = this.#history.length - 1; index >= 0; index--) {
      const event = this.#history[index];
      if (event === undefined || event.resourceVersion <= revision) break;
      if (event.kind !== kind) continue;
      const key = objectKey(event.object.metadata.namespace, event.object.metadata.name);
      if (event.type === 'ADDED' || event.previous === undefined) state.delete(key);
      else state.set(key, event.previous);
    }
    const selected = [...state.values()].filter((object) => namespace === undefined || object.metadata.namespace === namespace);
    return selected.sort((a, b) => compareKeys(objectKey(a.metadata.namespace, a.metadata.name), objectKey(b.metadata.namespace, b.metadata.name)));
  }

  /**
   * The changes of a kind after `revision`, oldest first; undefined when some of them have been
   * compacted away (the caller answers 410 Gone).
   */
  changesSince(kind: string, revision: number): readonly StoreEvent[] | undefined {
    if (revision < this.#compacted) return undefined;
    return this.#history.filter((event) => event.kind === kind && event.resourceVersion > revision);
  }

  /** Calls `watcher` synchronously for every later change of the kind; returns the unsubscribe function. */
  watch(kind: string, watcher: StoreWatcher): () => void {
    let watchers = this.#watchers.get(kind);
    if (watchers === undefined) {
      watchers = new Set();
      this.#watchers.set(kind, watchers);
    }
    watchers.add(watcher);
    return () => {
      this.#watchers.get(kind)?.delete(watcher);
    };
  }

  #get(kind: string, namespace: string | undefined, name: string): StoredObject | undefined {
    return this.#objects.get(kind)?.get(objectKey(namespace, name));
  }

  /** Fills in what the server owns: apiVersion, uid, creationTimestamp (kept across updates). */
  #complete(resource: KubeResource, object: KubeObject, meta: Identity, existing: StoredObject | undefined): StoredObject {
    const copy = structuredClone(object);
    const metadata: Record<string, unknown> = { ...(copy.metadata ?? {}) };
    if (resource.namespaced) metadata.namespace = meta.namespace;
    else delete metadata.namespace;
    metadata.uid = existing?.metadata.uid ?? (typeof metadata.uid === 'string' ? metadata.uid : randomUUID());
    metadata.creationTimestamp =
      existing?.metadata.creationTimestamp ??
      (typeof metadata.creationTimestamp === 'string' ? metadata.creationTimestamp : kubeTimestamp(this.#clock.now()));
    metadata.resourceVersion = existing?.metadata.resourceVersion ?? '0';
    return { ...copy, apiVersion: apiVersionOf(resource), kind: resource.kind, metadata } as StoredObject;
  }

  #write(resource: KubeResource, candidate: StoredObject, previous: StoredObject | undefined): StoredObject {
    this.#revision++;
    const stored = deepFreeze({ ...candidate, metadata: { ...candidate.metadata, resourceVersion: String(this.#revision) } });
    let objects = this.#objects.get(resource.kind);
    if (objects === undefined) {
      objects = new Map();
      this.#objects.set(resource.kind, objects);
    }
    objects.set(objectKey(stored.metadata.namespace, stored.metadata.name), stored);
    const type = previous === undefined ? 'ADDED' : 'MODIFIED';
    this.#record({ type, kind: resource.kind, resourceVersion: this.#revision, object: stored, previous });
    return stored;
  }

  #record(event: StoreEvent): void {
    this.#history.push(event);
    this.#trim();
    for (const watcher of [...(this.#watchers.get(event.kind) ?? [])]) watcher(event);
  }

  #trim(): void {
    const excess = this.#history.length - this.#historySize;
    if (excess <= 0) return;
    const dropped = this.#history.splice(0, excess);
    const last = dropped[dropped.length - 1];
    if (last !== undefined) this.#compacted = last.resourceVersion;
  }
}

interface Identity {
  readonly name: string;
  readonly namespace: string | undefined;
  readonly resourceVersion: string | undefined;
}

interface Identified {
  readonly ok: true;
  readonly resource: KubeResource;
  readonly meta: Identity;
}

function tryIdentify(object: KubeObject): Identified | { readonly ok: false; readonly reason: 'Invalid'; readonly message: string } {
  const resource = typeof object.kind === 'string' ? resourceForKind(object.kind) : undefined;
  if (resource === undefined) return { ok: false, reason: 'Invalid', message: `kind ${JSON.stringify(object.kind)} is not served by the emulator` };
  if (object.apiVersion !== undefined && object.apiVersion !== apiVersionOf(resource)) {
    return { ok: false, reason: 'Invalid', message: `apiVersion ${JSON.stringify(object.apiVersion)} does not serve kind ${resource.kind}` };
  }
  const metadata: KubeObjectMeta | undefined = isPlainObject(object.metadata) ? object.metadata : undefined;
  const name = metadata?.name;
  if (typeof name !== 'string' || name === '') return { ok: false, reason: 'Invalid', message: 'metadata.name: Required value: name is required' };
  const namespace = metadata?.namespace;
  if (resource.namespaced && (typeof namespace !== 'string' || namespace === '')) {
    return { ok: false, reason: 'Invalid', message: `metadata.namespace: Required value: ${resource.kind} is namespaced` };
  }
  const resourceVersion = typeof metadata?.resourceVersion === 'string' ? metadata.resourceVersion : undefined;
  return { ok: true, resource, meta: { name, namespace: resource.namespaced ? namespace : undefined, resourceVersion } };
}

/** Seeding a malformed object is a bug in the caller (a world or a test), so `apply` throws. */
function identify(object: KubeObject): Identified {
  const identified = tryIdentify(object);
  if (!identified.ok) throw new TypeError(`cannot store object: ${identified.message}`);
  return identified;
}

export function objectKey(namespace: string | undefined, name: string): string {
  return namespace === undefined ? name : `${namespace}/${name}`;
}

function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function groupSuffix(resource: KubeResource): string {
  return resource.group === '' ? '' : `.${resource.group}`;
}

/** Equal but for the resourceVersion: applying it again changes nothing and must not wake watchers. */
function sameContent(existing: StoredObject, candidate: StoredObject): boolean {
  const strip = (object: StoredObject): string => JSON.stringify({ ...object, metadata: { ...object.metadata, resourceVersion: undefined } });
  return strip(existing) === strip(candidate);
}

/** RFC 3339 in UTC with second precision, as the API server writes metav1.Time. */
export function kubeTimestamp(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
