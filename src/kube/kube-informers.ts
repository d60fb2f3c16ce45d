import { CoreV1Api, DiscoveryV1Api, Watch } from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Clock } from '../domain/clock.ts';
import type { ClusterNode } from '../domain/cluster-node.ts';
import type { EndpointSlice } from '../domain/endpoint-slice.ts';
import type { Namespace } from '../domain/namespace.ts';
import type { Service } from '../domain/service.ts';
import { KubeInformer } from './kube-informer.ts';
import type { InformerEvent, WatchPort } from './kube-informer.ts';
import { DEFAULT_LIST_PAGE_SIZE, listAllPages } from './list-pages.ts';
import type { ListPage, PageRequest } from './list-pages.ts';
import type { RetryBackoff } from './retry-backoff.ts';
import { createSitePlacer, DEFAULT_SITE_LABEL } from './site-placer.ts';
import type { SiteRange } from './site-placer.ts';
import type { Sleep } from '../domain/clock.ts';
import { toClusterNode } from './to-cluster-node.ts';
import { toEndpointSlice } from './to-endpoint-slice.ts';
import { toNamespace } from './to-namespace.ts';
import { toService } from './to-service.ts';

export interface KubeInformersOptions {
  readonly kubeConfig: KubeConfig;
  /** Node label holding the site-id. Default `isthmus.io/site-id`. */
  readonly siteLabel?: string;
  readonly siteRanges?: readonly SiteRange[];
  /** Objects per list request (`limit`), following `continue` tokens; 0 lists in one request. Default 500. */
  readonly listPageSize?: number;
  /** Full re-list period (`kubernetes.resyncInterval`); 0 turns it off. Default 0. */
  readonly resyncIntervalMs?: number;
  readonly clock?: Clock;
  readonly sleep?: Sleep;
  readonly random?: () => number;
  readonly backoff?: RetryBackoff;
  readonly watchTimeoutSeconds?: number;
  readonly minHealthyWatchMs?: number;
  /** Substitutes client-node's Watch (tests). */
  readonly watch?: WatchPort;
  readonly onEvent?: (event: InformerEvent) => void;
}

/** The four cluster-wide informers Isthmus runs; each is the ReadStore port of its kind. */
export interface KubeInformers {
  readonly services: KubeInformer<Service>;
  readonly endpointSlices: KubeInformer<EndpointSlice>;
  readonly nodes: KubeInformer<ClusterNode>;
  readonly namespaces: KubeInformer<Namespace>;
  readonly all: readonly KubeInformer<unknown>[];
  start(): void;
  stop(): Promise<void>;
  /** True once every informer has listed; false if stopped (or `signal` aborts) first. */
  whenSynced(signal?: AbortSignal): Promise<boolean>;
}

/**
 * Services, EndpointSlices, Nodes and Namespaces, cluster-wide, through @kubernetes/client-node's typed
 * list calls and `Watch`, converted to domain types at this edge. RBAC needed: get/list/watch on
 * services, nodes, namespaces (core) and endpointslices (discovery.k8s.io).
 */
export function createKubeInformers(options: KubeInformersOptions): KubeInformers {
  const core = options.kubeConfig.makeApiClient(CoreV1Api);
  const discovery = options.kubeConfig.makeApiClient(DiscoveryV1Api);
  const watch = options.watch ?? new Watch(options.kubeConfig);
  const pageSize = options.listPageSize ?? DEFAULT_LIST_PAGE_SIZE;
  const placeNode = createSitePlacer({ siteLabel: options.siteLabel ?? DEFAULT_SITE_LABEL, siteRanges: options.siteRanges ?? [] });
  const common = {
    watch,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
    ...(options.random === undefined ? {} : { random: options.random }),
    ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
    ...(options.resyncIntervalMs === undefined ? {} : { resyncIntervalMs: options.resyncIntervalMs }),
    ...(options.watchTimeoutSeconds === undefined ? {} : { watchTimeoutSeconds: options.watchTimeoutSeconds }),
    ...(options.minHealthyWatchMs === undefined ? {} : { minHealthyWatchMs: options.minHealthyWatchMs }),
    ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
  };

  const services = new KubeInformer<Service>({
    ...common,
    resource: 'services',
    watchPath: '/api/v1/services',
    list: () => listAllPages(async (request) => toPage(await core.listServiceForAllNamespaces(pageParameters(request))), pageSize),
    convert: toService,
  });
  const endpointSlices = new KubeInformer<EndpointSlice>({
    ...common,
    resource: 'endpointslices',
    watchPath: '/apis/discovery.k8s.io/v1/endpointslices',
    list: () => listAllPages(async (request) => toPage(await discovery.listEndpointSliceForAllNamespaces(pageParameters(request))), pageSize),
    convert: toEndpointSlice,
  });
  const nodes = new KubeInformer<ClusterNode>({
    ...common,
    resource: 'nodes',
    watchPath: '/api/v1/nodes',
    list: () => listAllPages(async (request) => toPage(await core.listNode(pageParameters(request))), pageSize),
    convert: (object) => toClusterNode(object, placeNode),
  });
  const namespaces = new KubeInformer<Namespace>({
    ...common,
    resource: 'namespaces',
    watchPath: '/api/v1/namespaces',
    list: () => listAllPages(async (request) => toPage(await core.listNamespace(pageParameters(request))), pageSize),
    convert: toNamespace,
  });
  const all: readonly KubeInformer<unknown>[] = [services, endpointSlices, nodes, namespaces];

  return {
    services,
    endpointSlices,
    nodes,
    namespaces,
    all,
    start: () => {
      for (const informer of all) informer.start();
    },
    stop: async () => {
      await Promise.all(all.map((informer) => informer.stop()));
    },
    whenSynced: async (signal) => (await Promise.all(all.map((informer) => informer.whenSynced(signal)))).every(Boolean),
  };
}

/** The typed list calls' `limit` and `_continue`, set only when paging. */
function pageParameters(request: PageRequest): { limit?: number; _continue?: string } {
  return { ...(request.limit === undefined ? {} : { limit: request.limit }), ...(request.continueToken === undefined ? {} : { _continue: request.continueToken }) };
}

function toPage(list: { readonly items: readonly unknown[]; readonly metadata?: { readonly resourceVersion?: string; readonly _continue?: string } }): ListPage {
  return { items: list.items, resourceVersion: list.metadata?.resourceVersion ?? '', continueToken: list.metadata?._continue };
}
