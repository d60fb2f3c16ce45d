import type { EndpointSlice } from '../domain/endpoint-slice.ts';
import type { ClusterNode } from '../domain/cluster-node.ts';
import type { Namespace } from '../domain/namespace.ts';
import type { Service } from '../domain/service.ts';

/**
 * Why a key was notified. Level-triggered consumers re-read the store and need not care; `resync` means
 * nothing changed (a periodic full resync re-announces every key so drift elsewhere gets corrected).
 */
export type StoreChangeType = 'added' | 'updated' | 'deleted' | 'resync';

export interface StoreChange {
  readonly type: StoreChangeType;
  /** `namespace/name`, or `name` for cluster-scoped objects. */
  readonly key: string;
}

export type StoreListener = (change: StoreChange) => void;

/**
 * The read side of an informer, the port the rest of Isthmus depends on: the current objects by key,
 * and change notifications carrying keys (never the objects: a listener re-reads `get(key)`, so it always
 * acts on the latest state, and undefined means deleted).
 */
export interface ReadStore<T> {
  get(key: string): T | undefined;
  /** Every object, in key order. */
  list(): readonly T[];
  keys(): readonly string[];
  /** True once the first list has been applied; before that the store is empty, not "nothing exists". */
  hasSynced(): boolean;
  /** Returns the unsubscribe function. Listeners run synchronously; one that throws does not stop others. */
  subscribe(listener: StoreListener): () => void;
}

export type ServiceStore = ReadStore<Service>;
export type EndpointSliceStore = ReadStore<EndpointSlice>;
export type NodeStore = ReadStore<ClusterNode>;
export type NamespaceStore = ReadStore<Namespace>;
