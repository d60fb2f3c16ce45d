import { afterEach, describe, expect, it } from 'vitest';
import { KubeConfig } from '@kubernetes/client-node';
import { startKubeEmulator } from '../../simulator/kube/kube-emulator.ts';
import type { KubeEmulator, KubeEmulatorOptions } from '../../simulator/kube/kube-emulator.ts';
import { endpointSliceObject, namespaceObject, nodeObject, serviceObject } from '../../simulator/kube/kube-fixtures.ts';
import { Inventory } from './inventory.ts';
import { feedInventory } from './feed-inventory.ts';
import { KUBE_ERROR_CODES } from './kube-error.ts';
import type { InformerEvent } from './kube-informer.ts';
import { createKubeInformers } from './kube-informers.ts';
import type { KubeInformers, KubeInformersOptions } from './kube-informers.ts';
import type { StoreChange } from './read-store.ts';
import type { Sleep } from '../domain/clock.ts';

const TOKEN = 'informer-test-token';

let emulator: KubeEmulator | undefined;
let informers: KubeInformers | undefined;

afterEach(async () => {
  await informers?.stop();
  informers = undefined;
  await emulator?.close();
  emulator = undefined;
});

interface Harness {
  readonly server: KubeEmulator;
  readonly informers: KubeInformers;
  readonly events: InformerEvent[];
  readonly delays: number[];
  /** Change notifications per resource, as `type key`. */
  readonly changes: Record<string, string[]>;
}

/** Backoff waits return at once (recorded); other waits (resync) stay pending until released or stopped. */
function fakeSleep(delays: number[], resyncMs: number): { sleep: Sleep; releaseResync: () => void } {
  const pending = new Set<() => void>();
  const sleep: Sleep = (ms, signal) => {
    if (ms !== resyncMs) {
      delays.push(ms);
      // A macrotask, not a microtask: a failing loop must still let sockets and timers run.
      return new Promise((resolve) => setImmediate(resolve));
    }
    return new Promise((resolve) => {
      const release = (): void => {
        pending.delete(release);
        resolve();
      };
      pending.add(release);
      signal?.addEventListener('abort', release, { once: true });
    });
  };
  return {
    sleep,
    releaseResync: () => {
      for (const release of [...pending]) release();
    },
  };
}

async function harness(
  seed: (server: KubeEmulator) => void,
  options: { emulator?: KubeEmulatorOptions; informers?: Partial<KubeInformersOptions>; start?: boolean } = {},
): Promise<Harness & { releaseResync: () => void }> {
  const server = await startKubeEmulator({ token: TOKEN, ...options.emulator });
  emulator = server;
  seed(server);
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(server.kubeconfig());
  const events: InformerEvent[] = [];
  const delays: number[] = [];
  const resyncMs = options.informers?.resyncIntervalMs ?? 0;
  const { sleep, releaseResync } = fakeSleep(delays, resyncMs);
  const created = createKubeInformers({
    kubeConfig,
    sleep,
    random: () => 0.5,
    onEvent: (event) => events.push(event),
    ...options.informers,
  });
  informers = created;
  const changes: Record<string, string[]> = {};
  for (const informer of created.all) {
    const log: string[] = [];
    changes[informer.resource] = log;
    informer.subscribe((change: StoreChange) => log.push(`${change.type} ${change.key}`));
  }
  if (options.start ?? true) {
    created.start();
    expect(await withTimeout(created.whenSynced(), 3000)).toBe(true);
  }
  return { server, informers: created, events, delays, changes, releaseResync };
}

function seedCluster(server: KubeEmulator): void {
  server.store.apply(namespaceObject({ name: 'shop', annotations: { 'isthmus.io/allowed-tunnels': 'mpls' } }));
  server.store.apply(namespaceObject({ name: 'billing' }));
  server.store.apply(nodeObject({ name: 'node-a', internalIps: ['10.0.1.5'], labels: { 'isthmus.io/site-id': '100' }, podCidrs: ['10.244.1.0/24'] }));
  server.store.apply(nodeObject({ name: 'node-b', internalIps: ['10.0.2.5'], labels: { 'isthmus.io/site-id': '200' } }));
  server.store.apply(serviceObject({ namespace: 'shop', name: 'cart', clusterIps: ['10.96.0.10'], loadBalancerIps: ['203.0.113.7'], ports: [{ name: 'http', port: 80, targetPort: 8080 }], annotations: { 'isthmus.io/max-latency': '50ms' } }));
  server.store.apply(serviceObject({ namespace: 'billing', name: 'ledger', clusterIps: ['10.96.0.11'] }));
  server.store.apply(
    endpointSliceObject({
      namespace: 'shop',
      name: 'cart-abc',
      serviceName: 'cart',
      ports: [{ name: 'http', port: 8080 }],
      endpoints: [
        { ip: '10.244.1.2', nodeName: 'node-a', podName: 'cart-1' },
        { ip: '10.244.2.2', nodeName: 'node-b', podName: 'cart-2', ready: false },
      ],
    }),
  );
}

async function eventually(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      resolve('timeout');
    }, ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function lists(server: KubeEmulator, resource: string): number {
  return server.requests.filter((request) => request.verb === 'list' && request.resource === resource && request.status === 200).length;
}

describe('Kubernetes informers against the API emulator', () => {
  it('lists every kind at start and converts to domain types', async () => {
    const { server, informers: stores, changes } = await harness(seedCluster);
    expect(stores.services.keys()).toEqual(['billing/ledger', 'shop/cart']);
    const cart = server.store.get('Service', 'shop', 'cart');
    expect(stores.services.get('shop/cart')).toEqual({
      namespace: 'shop',
      name: 'cart',
      clusterIps: ['10.96.0.10'],
      loadBalancerIps: ['203.0.113.7'],
      ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }],
      annotations: { 'isthmus.io/max-latency': '50ms' },
      uid: cart?.metadata.uid,
      resourceVersion: cart?.metadata.resourceVersion,
    });
    expect(stores.endpointSlices.get('shop/cart-abc')).toEqual({
      namespace: 'shop',
      name: 'cart-abc',
      serviceName: 'cart',
      addressType: 'IPv4',
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      endpoints: [
        { ip: '10.244.1.2', ready: true, podName: 'cart-1', namespace: 'shop', nodeName: 'node-a' },
        { ip: '10.244.2.2', ready: false, podName: 'cart-2', namespace: 'shop', nodeName: 'node-b' },
      ],
    });
    expect(stores.nodes.get('node-a')).toMatchObject({ name: 'node-a', siteId: 100, internalIps: ['10.0.1.5'], podCidrs: ['10.244.1.0/24'] });
    expect(stores.namespaces.get('shop')?.annotations).toEqual({ 'isthmus.io/allowed-tunnels': 'mpls' });
    expect(stores.namespaces.list().map((namespace) => namespace.name)).toEqual(['billing', 'shop']);
    expect(changes.services).toEqual(['added billing/ledger', 'added shop/cart']);
    expect(stores.services.hasSynced()).toBe(true);
  });

  it('propagates ADDED, MODIFIED and DELETED from the watch, each once', async () => {
    const { server, informers: stores, changes } = await harness(seedCluster);
    await eventually(() => server.openWatches === 4);
    server.store.apply(serviceObject({ namespace: 'shop', name: 'web', clusterIps: ['10.96.0.12'] }));
    server.store.apply(serviceObject({ namespace: 'shop', name: 'cart', clusterIps: ['10.96.0.10'], annotations: { 'isthmus.io/tunnel': 'mpls' } }));
    server.store.delete('Service', 'billing', 'ledger');
    server.store.apply(nodeObject({ name: 'node-a', internalIps: ['10.0.1.5'], labels: { 'isthmus.io/site-id': '150' } }));
    await eventually(() => changes.services?.length === 5 && changes.nodes?.length === 3);
    expect(changes.services?.slice(2)).toEqual(['added shop/web', 'updated shop/cart', 'deleted billing/ledger']);
    expect(changes.nodes?.slice(2)).toEqual(['updated node-a']);
    expect(stores.services.get('shop/cart')?.annotations).toEqual({ 'isthmus.io/tunnel': 'mpls' });
    expect(stores.services.get('billing/ledger')).toBeUndefined();
    expect(stores.nodes.get('node-a')?.siteId).toBe(150);
    expect(stores.services.resourceVersion).toBe(String(server.store.resourceVersion - 1));
    expect(lists(server, 'services')).toBe(1);
  });

  it('re-lists after 410 Gone and reports exactly what changed meanwhile: nothing lost, nothing duplicated', async () => {
    for (const expiredWatchResponse of ['error-event', 'http-410'] as const) {
      const { server, informers: stores, changes, events } = await harness(seedCluster, { emulator: { expiredWatchResponse } });
      await stores.stop();
      server.store.apply(serviceObject({ namespace: 'shop', name: 'web', clusterIps: ['10.96.0.12'] }));
      server.store.apply(serviceObject({ namespace: 'shop', name: 'cart', clusterIps: ['10.96.0.13'] }));
      server.store.delete('Service', 'billing', 'ledger');
      server.store.compact();
      stores.start();
      await eventually(() => events.some((event) => event.type === 'listed' && event.resource === 'services' && event.reason === 'expired'));
      await eventually(() => changes.services?.length === 5);
      expect(changes.services?.slice(2).sort()).toEqual(['added shop/web', 'deleted billing/ledger', 'updated shop/cart']);
      expect(stores.services.keys()).toEqual(['shop/cart', 'shop/web']);
      expect(stores.services.get('shop/cart')?.clusterIps).toEqual(['10.96.0.13']);
      // Unchanged kinds re-listed too (their history is gone as well) and announced nothing.
      await eventually(() => events.some((event) => event.type === 'listed' && event.resource === 'nodes' && event.reason === 'expired'));
      expect(changes.nodes).toEqual(['added node-a', 'added node-b']);
      expect(events.find((event) => event.type === 'listed' && event.resource === 'nodes' && event.reason === 'expired')).toMatchObject({ added: 0, updated: 0, deleted: 0 });
      expect(lists(server, 'nodes')).toBe(2);
      await informers?.stop();
      await server.close();
    }
  });

  it('re-lists when a live watch is refused with 410 on reconnect', async () => {
    const { server, informers: stores, changes } = await harness(seedCluster);
    await eventually(() => server.openWatches === 4);
    server.faults.expireNextWatch();
    server.faults.dropWatches({ abrupt: false });
    await eventually(() => server.requests.filter((request) => request.verb === 'list' && request.status === 200).length === 5);
    await eventually(() => server.openWatches === 4);
    server.store.apply(serviceObject({ namespace: 'shop', name: 'after', clusterIps: ['10.96.0.20'] }));
    await eventually(() => stores.services.get('shop/after') !== undefined);
    expect(changes.services).toEqual(['added billing/ledger', 'added shop/cart', 'added shop/after']);
  });

  it('reconnects after a dropped watch and resumes from the last resourceVersion without re-listing', async () => {
    const { server, informers: stores, changes } = await harness(seedCluster);
    await eventually(() => server.openWatches === 4);
    server.faults.dropWatches({ abrupt: true });
    // A change while no watch is open arrives with the resumed watch.
    server.store.apply(serviceObject({ namespace: 'shop', name: 'web', clusterIps: ['10.96.0.12'] }));
    await eventually(() => stores.services.get('shop/web') !== undefined);
    await eventually(() => server.openWatches === 4);
    server.faults.dropWatches();
    await eventually(() => server.requests.filter((request) => request.verb === 'watch').length >= 12);
    server.store.delete('Service', 'shop', 'web');
    await eventually(() => stores.services.get('shop/web') === undefined);
    expect(changes.services).toEqual(['added billing/ledger', 'added shop/cart', 'added shop/web', 'deleted shop/web']);
    expect(lists(server, 'services')).toBe(1);
    const resumed = server.requests.filter((request) => request.verb === 'watch' && request.resource === 'services');
    expect(resumed.length).toBeGreaterThanOrEqual(3);
    expect(resumed.every((request) => /resourceVersion=\d+/.test(request.query) && request.query.includes('allowWatchBookmarks=true'))).toBe(true);
  });

  it('backs off on 500 and 429 from lists, honours Retry-After, then recovers', async () => {
    const { server, informers: stores, events, delays } = await harness(
      (server) => {
        seedCluster(server);
        server.faults.failNext(3, 500, { match: { verb: 'list', resource: 'services' } });
        server.faults.failNext(1, 429, { match: { verb: 'list', resource: 'services' }, retryAfterSeconds: 5 });
      },
      { start: true },
    );
    expect(stores.services.keys()).toEqual(['billing/ledger', 'shop/cart']);
    const retries = events.filter((event) => event.type === 'retrying' && event.resource === 'services');
    expect(retries.map((event) => (event.type === 'retrying' ? [event.operation, event.error.code, event.attempt, event.delayMs] : []))).toEqual([
      ['list', KUBE_ERROR_CODES.unavailable, 1, 750],
      ['list', KUBE_ERROR_CODES.unavailable, 2, 1500],
      ['list', KUBE_ERROR_CODES.unavailable, 3, 3000],
      ['list', KUBE_ERROR_CODES.throttled, 4, 6000],
    ]);
    expect(delays).toEqual([750, 1500, 3000, 6000]);
    expect(server.requests.filter((request) => request.resource === 'services' && request.verb === 'list').map((request) => request.status)).toEqual([500, 500, 500, 429, 200]);
  });

  it('honours a Retry-After longer than the backoff step, capped at the maximum', async () => {
    const { events } = await harness((server) => {
      seedCluster(server);
      server.faults.failNext(1, 429, { match: { verb: 'list', resource: 'nodes' }, retryAfterSeconds: 5 });
      server.faults.failNext(1, 429, { match: { verb: 'list', resource: 'nodes' }, retryAfterSeconds: 600 });
    });
    const delays = events.flatMap((event) => (event.type === 'retrying' && event.resource === 'nodes' ? [event.delayMs] : []));
    expect(delays).toEqual([5000, 30_000]);
  });

  it('backs off on failing watches and recovers without losing changes', async () => {
    const { server, informers: stores, events } = await harness(seedCluster);
    await eventually(() => server.openWatches === 4);
    server.faults.failNext(2, 500, { match: { verb: 'watch', resource: 'services' } });
    server.faults.dropWatches({ abrupt: true });
    server.store.apply(serviceObject({ namespace: 'shop', name: 'web', clusterIps: ['10.96.0.12'] }));
    await eventually(() => stores.services.get('shop/web') !== undefined);
    const watchRetries = events.filter((event) => event.type === 'retrying' && event.resource === 'services' && event.operation === 'watch');
    // The reset itself, then the two 500s.
    expect(watchRetries.map((event) => (event.type === 'retrying' ? event.error.code : ''))).toEqual([KUBE_ERROR_CODES.unreachable, KUBE_ERROR_CODES.unavailable, KUBE_ERROR_CODES.unavailable]);
    expect(watchRetries.map((event) => (event.type === 'retrying' ? event.delayMs : 0))).toEqual([750, 1500, 3000]);
    expect(lists(server, 'services')).toBe(1);
  });

  it('resyncs periodically: re-lists, repairs drift the watch missed, and announces every key', async () => {
    const { server, informers: stores, changes, events, releaseResync } = await harness(seedCluster, { informers: { resyncIntervalMs: 60_000 } });
    await eventually(() => server.openWatches === 4);
    server.faults.loseWatchEvents(1);
    server.store.apply(serviceObject({ namespace: 'shop', name: 'lost', clusterIps: ['10.96.0.30'] }));
    server.store.apply(serviceObject({ namespace: 'shop', name: 'seen', clusterIps: ['10.96.0.31'] }));
    await eventually(() => stores.services.get('shop/seen') !== undefined);
    expect(stores.services.get('shop/lost')).toBeUndefined();
    releaseResync();
    await eventually(() => events.filter((event) => event.type === 'listed' && event.reason === 'resync').length === 4);
    await eventually(() => stores.services.get('shop/lost') !== undefined);
    expect(changes.services?.slice(3).sort()).toEqual(['added shop/lost', 'resync billing/ledger', 'resync shop/cart', 'resync shop/seen']);
    expect(changes.namespaces?.slice(2)).toEqual(['resync billing', 'resync shop']);
    await eventually(() => server.openWatches === 4);
    server.store.delete('Service', 'shop', 'lost');
    await eventually(() => stores.services.get('shop/lost') === undefined);
  });

  it('reports "not synced" when stopped before the first list succeeds', async () => {
    const { server, informers: stores } = await harness(
      (server) => {
        server.faults.failNext(1000, 403, { match: { resource: 'nodes' } });
      },
      { start: false },
    );
    stores.start();
    const synced = stores.whenSynced();
    await eventually(() => server.requests.filter((request) => request.resource === 'nodes').length >= 3);
    await stores.stop();
    expect(await synced).toBe(false);
    expect(stores.nodes.hasSynced()).toBe(false);
    expect(stores.services.hasSynced()).toBe(true);
  });

  it('pages the initial list with limit and continue when there are more objects than a page', async () => {
    const { server, informers: stores, changes } = await harness(
      (server) => {
        seedCluster(server);
        for (let i = 0; i < 42; i++) server.store.apply(serviceObject({ namespace: 'bulk', name: `svc-${String(i).padStart(2, '0')}`, clusterIps: [`10.96.5.${String(i)}`] }));
      },
      { informers: { listPageSize: 10 } },
    );
    expect(stores.services.keys()).toHaveLength(44);
    expect(changes.services).toHaveLength(44);
    const serviceLists = server.requests.filter((request) => request.verb === 'list' && request.resource === 'services');
    expect(serviceLists).toHaveLength(5);
    expect(serviceLists.every((request) => request.query.includes('limit=10'))).toBe(true);
    expect(serviceLists.slice(1).every((request) => request.query.includes('continue='))).toBe(true);
    // The watch resumes from the snapshot of the first page: a later change arrives once.
    await eventually(() => server.openWatches === 4);
    server.store.delete('Service', 'bulk', 'svc-00');
    await eventually(() => stores.services.get('bulk/svc-00') === undefined);
    expect(changes.services?.at(-1)).toBe('deleted bulk/svc-00');
  });

  it('follows pod churn: endpoints added and removed, and a pod address reused by another pod', async () => {
    const { server, informers: stores } = await harness(seedCluster);
    const inventory = new Inventory();
    const enqueued: string[] = [];
    const disconnect = feedInventory(stores, inventory, (keys) => enqueued.push(...keys));
    await eventually(() => server.openWatches === 4);
    const cart = (endpoints: { ip: string; nodeName: string; podName: string; ready?: boolean }[]): void => {
      server.store.apply(endpointSliceObject({ namespace: 'shop', name: 'cart-abc', serviceName: 'cart', ports: [{ name: 'http', port: 8080 }], endpoints }));
    };
    cart([
      { ip: '10.244.1.2', nodeName: 'node-a', podName: 'cart-1' },
      { ip: '10.244.1.3', nodeName: 'node-a', podName: 'cart-3' },
      { ip: '10.244.2.3', nodeName: 'node-b', podName: 'cart-4' },
    ]);
    await eventually(() => inventory.readyEndpoints('shop/cart').count === 3);
    expect([...inventory.readyEndpoints('shop/cart').bySite.keys()]).toEqual([100, 200]);
    cart([{ ip: '10.244.2.3', nodeName: 'node-b', podName: 'cart-4' }]);
    await eventually(() => inventory.readyEndpoints('shop/cart').count === 1);
    expect(inventory.pod('10.244.1.2')).toBeUndefined();
    expect(inventory.pod('10.244.1.3')).toBeUndefined();
    // A new pod of another Service gets a freed address.
    server.store.apply(endpointSliceObject({ namespace: 'billing', name: 'ledger-x', serviceName: 'ledger', endpoints: [{ ip: '10.244.1.2', nodeName: 'node-a', podName: 'ledger-1' }] }));
    await eventually(() => inventory.pod('10.244.1.2') !== undefined);
    expect(inventory.pod('10.244.1.2')).toMatchObject({ podName: 'ledger-1', namespace: 'billing', services: ['billing/ledger'] });
    expect(enqueued.filter((key) => key === 'shop/cart').length).toBeGreaterThanOrEqual(3);
    disconnect();
  });

  it('feeds the inventory from the informers, and keeps it current', async () => {
    const { server, informers: stores } = await harness(seedCluster);
    const inventory = new Inventory();
    const enqueued: string[] = [];
    const disconnect = feedInventory(stores, inventory, (keys) => enqueued.push(...keys));
    expect(inventory.pod('10.244.1.2')).toMatchObject({ podName: 'cart-1', nodeName: 'node-a', siteId: 100, services: ['shop/cart'] });
    expect(inventory.serviceAt('203.0.113.7')).toBe('shop/cart');
    expect([...inventory.readyEndpoints('shop/cart').bySite.keys()]).toEqual([100]);
    server.store.apply(nodeObject({ name: 'node-a', internalIps: ['10.0.1.5'], labels: { 'isthmus.io/site-id': '300' } }));
    await eventually(() => inventory.siteOfIp('10.244.1.2') === 300);
    expect(enqueued.at(-1)).toBe('shop/cart');
    server.store.delete('EndpointSlice', 'shop', 'cart-abc');
    await eventually(() => inventory.pod('10.244.1.2') === undefined);
    disconnect();
  });
});
