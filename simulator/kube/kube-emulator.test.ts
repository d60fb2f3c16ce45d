import { afterEach, describe, expect, it } from 'vitest';
import { CoordinationV1Api, CoreV1Api, CoreV1Event, KubeConfig, PatchStrategy, setHeaderOptions, V1Lease, V1LeaseSpec, V1ObjectMeta, V1ObjectReference } from '@kubernetes/client-node';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKubeEmulator } from './kube-emulator.ts';
import { writeKubeconfig } from './kubeconfig.ts';
import type { KubeEmulator, KubeEmulatorOptions } from './kube-emulator.ts';
import { endpointSliceObject, namespaceObject, nodeObject, serviceObject } from './kube-fixtures.ts';

let emulator: KubeEmulator | undefined;

afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function start(options: KubeEmulatorOptions = {}): Promise<KubeEmulator> {
  emulator = await startKubeEmulator(options);
  return emulator;
}

async function getJson(server: KubeEmulator, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(`${server.url}${path}`, { headers });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, headers: response.headers };
}

interface WatchLine {
  readonly type: string;
  readonly object: { readonly kind?: string; readonly code?: number; readonly reason?: string; readonly metadata?: { readonly name?: string; readonly resourceVersion?: string } };
}

/** Opens a watch and collects events until `count` arrived, the stream ended, or the time is up. */
async function collectWatch(server: KubeEmulator, path: string, count: number, act: () => void = () => undefined, timeoutMs = 2000): Promise<{ status: number; events: WatchLine[]; ended: boolean }> {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort();
  }, timeoutMs);
  const response = await fetch(`${server.url}${path}`, { signal: controller.signal });
  const events: WatchLine[] = [];
  let ended = false;
  if (response.body === null) throw new Error('no body');
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  act();
  try {
    while (events.length < count) {
      const chunk = await reader.read();
      if (chunk.done) {
        ended = true;
        break;
      }
      buffer += chunk.value;
      let newline = buffer.indexOf('\n');
      while (newline >= 0) {
        events.push(JSON.parse(buffer.slice(0, newline)) as WatchLine);
        buffer = buffer.slice(newline + 1);
        newline = buffer.indexOf('\n');
      }
    }
  } catch {
    // aborted by the timer
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return { status: response.status, events, ended };
}

function seed(server: KubeEmulator): void {
  server.store.apply(namespaceObject({ name: 'shop' }));
  server.store.apply(serviceObject({ namespace: 'shop', name: 'cart', clusterIps: ['10.96.0.10'], ports: [{ name: 'http', port: 80 }] }));
  server.store.apply(serviceObject({ namespace: 'billing', name: 'ledger', clusterIps: ['10.96.0.11'] }));
  server.store.apply(nodeObject({ name: 'node-a', internalIps: ['10.0.1.5'], labels: { 'isthmus.io/site-id': '100' } }));
  server.store.apply(endpointSliceObject({ namespace: 'shop', name: 'cart-abc', serviceName: 'cart', endpoints: [{ ip: '10.244.1.2', nodeName: 'node-a', podName: 'cart-1' }] }));
}

describe('Kubernetes API emulator: lists and objects', () => {
  it('serves lists in the API server shape: list kind, resourceVersion, items without type meta', async () => {
    const server = await start();
    seed(server);
    const { status, body } = await getJson(server, '/api/v1/services');
    expect(status).toBe(200);
    expect(body.kind).toBe('ServiceList');
    expect(body.apiVersion).toBe('v1');
    expect(body.metadata).toEqual({ resourceVersion: String(server.store.resourceVersion) });
    const items = body.items as { metadata: { name: string; namespace: string; uid: string; resourceVersion: string }; kind?: string }[];
    expect(items.map((item) => `${item.metadata.namespace}/${item.metadata.name}`)).toEqual(['billing/ledger', 'shop/cart']);
    expect(items[0]?.kind).toBeUndefined();
    expect(items[0]?.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);

    const slices = await getJson(server, '/apis/discovery.k8s.io/v1/namespaces/shop/endpointslices');
    expect(slices.body.kind).toBe('EndpointSliceList');
    expect(slices.body.apiVersion).toBe('discovery.k8s.io/v1');
    expect((slices.body.items as unknown[]).length).toBe(1);
    expect((await getJson(server, '/api/v1/namespaces/shop/services')).body.items).toHaveLength(1);
    expect((await getJson(server, '/api/v1/nodes')).body.kind).toBe('NodeList');
    expect((await getJson(server, '/api/v1/namespaces')).body.kind).toBe('NamespaceList');
  });

  it('serves single objects with their type meta, and 404 Status for unknown ones', async () => {
    const server = await start();
    seed(server);
    const found = await getJson(server, '/api/v1/namespaces/shop/services/cart');
    expect(found.body).toMatchObject({ kind: 'Service', apiVersion: 'v1', metadata: { name: 'cart', namespace: 'shop' } });
    const node = await getJson(server, '/api/v1/nodes/node-a');
    expect(node.body).toMatchObject({ kind: 'Node', metadata: { name: 'node-a' } });
    const missing = await getJson(server, '/api/v1/namespaces/shop/services/nope');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404 });
    expect((await getJson(server, '/api/v1/services/cart')).status).toBe(404);
    expect((await getJson(server, '/apis/example.com/v1/widgets')).status).toBe(404);
  });

  it('filters by label and field selectors, and refuses the ones it does not understand', async () => {
    const server = await start();
    seed(server);
    const bySite = await getJson(server, '/api/v1/nodes?labelSelector=isthmus.io%2Fsite-id%3D100');
    expect(bySite.body.items).toHaveLength(1);
    const none = await getJson(server, '/api/v1/nodes?labelSelector=isthmus.io%2Fsite-id!%3D100');
    expect(none.body.items).toHaveLength(0);
    const byName = await getJson(server, '/api/v1/services?fieldSelector=metadata.name%3Dledger');
    expect((byName.body.items as { metadata: { name: string } }[]).map((item) => item.metadata.name)).toEqual(['ledger']);
    expect((await getJson(server, '/api/v1/services?labelSelector=app+in+(a,b)')).status).toBe(400);
    expect((await getJson(server, '/api/v1/services?fieldSelector=spec.type%3DClusterIP')).status).toBe(400);
  });

  it('honours resourceVersionMatch: too new is 504, an exact past read is the past, or 410 once compacted', async () => {
    const server = await start();
    seed(server);
    const current = server.store.resourceVersion;
    expect((await getJson(server, `/api/v1/services?resourceVersion=${String(current)}&resourceVersionMatch=NotOlderThan`)).status).toBe(200);
    expect((await getJson(server, `/api/v1/services?resourceVersion=${String(current + 5)}&resourceVersionMatch=NotOlderThan`)).status).toBe(504);
    // Revision 2 is right after shop/cart was created, before billing/ledger.
    const past = await getJson(server, `/api/v1/services?resourceVersion=2&resourceVersionMatch=Exact`);
    expect(past.status).toBe(200);
    expect(past.body.metadata).toEqual({ resourceVersion: '2' });
    expect((past.body.items as { metadata: { name: string } }[]).map((item) => item.metadata.name)).toEqual(['cart']);
    server.store.compact();
    const exact = await getJson(server, `/api/v1/services?resourceVersion=1&resourceVersionMatch=Exact`);
    expect(exact.status).toBe(410);
    expect(exact.body).toMatchObject({ reason: 'Expired', code: 410 });
    expect((await getJson(server, '/api/v1/services?resourceVersionMatch=Exact')).status).toBe(400);
  });

  it('pages lists with limit and continue over one consistent snapshot', async () => {
    const server = await start();
    for (let i = 0; i < 7; i++) server.store.apply(serviceObject({ namespace: 'shop', name: `svc-${String(i)}`, clusterIps: [`10.96.1.${String(i)}`] }));
    const snapshot = String(server.store.resourceVersion);
    const first = await getJson(server, '/api/v1/services?limit=3');
    const firstMeta = first.body.metadata as { resourceVersion: string; continue?: string; remainingItemCount?: number };
    expect(names(first.body)).toEqual(['svc-0', 'svc-1', 'svc-2']);
    expect(firstMeta).toMatchObject({ resourceVersion: snapshot, remainingItemCount: 4 });
    const token = JSON.parse(Buffer.from(firstMeta.continue ?? '', 'base64url').toString()) as unknown;
    expect(token).toEqual({ v: 'meta.k8s.io/v1', rv: Number(snapshot), start: 'shop/svc-2\u0000' });
    // Changes after the first page do not show in later ones: created, modified and deleted alike.
    server.store.apply(serviceObject({ namespace: 'shop', name: 'svc-25', clusterIps: ['10.96.1.99'] }));
    server.store.apply(serviceObject({ namespace: 'shop', name: 'svc-4', clusterIps: ['10.96.2.4'] }));
    server.store.delete('Service', 'shop', 'svc-5');
    const second = await getJson(server, `/api/v1/services?limit=3&continue=${firstMeta.continue ?? ''}`);
    const secondMeta = second.body.metadata as { resourceVersion: string; continue?: string };
    expect(names(second.body)).toEqual(['svc-3', 'svc-4', 'svc-5']);
    expect((second.body.items as { spec: { clusterIP: string } }[])[1]?.spec.clusterIP).toBe('10.96.1.4');
    expect(secondMeta.resourceVersion).toBe(snapshot);
    const third = await getJson(server, `/api/v1/services?limit=3&continue=${secondMeta.continue ?? ''}`);
    expect(names(third.body)).toEqual(['svc-6']);
    expect(third.body.metadata).toEqual({ resourceVersion: snapshot });
    // Without a limit, or with resourceVersion=0 (the watch cache), everything comes at once.
    expect(names((await getJson(server, '/api/v1/services')).body)).toHaveLength(7);
    expect(names((await getJson(server, '/api/v1/services?limit=2&resourceVersion=0')).body)).toHaveLength(7);
  });

  it('pages after selectors, without a remaining count, and within a namespace', async () => {
    const server = await start();
    for (let i = 0; i < 5; i++) server.store.apply(nodeObject({ name: `n${String(i)}`, labels: { zone: i % 2 === 0 ? 'a' : 'b' } }));
    server.store.apply(serviceObject({ namespace: 'a', name: 'x' }));
    server.store.apply(serviceObject({ namespace: 'b', name: 'y' }));
    server.store.apply(serviceObject({ namespace: 'b', name: 'z' }));
    const first = await getJson(server, '/api/v1/nodes?labelSelector=zone%3Da&limit=2');
    expect(names(first.body)).toEqual(['n0', 'n2']);
    const meta = first.body.metadata as { continue?: string; remainingItemCount?: number };
    expect(meta.remainingItemCount).toBeUndefined();
    expect(names((await getJson(server, `/api/v1/nodes?labelSelector=zone%3Da&limit=2&continue=${meta.continue ?? ''}`)).body)).toEqual(['n4']);
    const inB = await getJson(server, '/api/v1/namespaces/b/services?limit=1');
    expect(names(inB.body)).toEqual(['y']);
    const next = (inB.body.metadata as { continue?: string }).continue ?? '';
    expect(names((await getJson(server, `/api/v1/namespaces/b/services?limit=1&continue=${next}`)).body)).toEqual(['z']);
  });

  it('answers a continue from a compacted snapshot with 410 and a token that continues inconsistently', async () => {
    const server = await start();
    for (let i = 0; i < 4; i++) server.store.apply(nodeObject({ name: `n${String(i)}` }));
    const first = await getJson(server, '/api/v1/nodes?limit=2');
    const token = (first.body.metadata as { continue?: string }).continue ?? '';
    server.store.apply(nodeObject({ name: 'n1a' }));
    server.store.apply(nodeObject({ name: 'n0-late' }));
    server.store.compact();
    const expired = await getJson(server, `/api/v1/nodes?limit=2&continue=${token}`);
    expect(expired.status).toBe(410);
    expect(expired.body).toMatchObject({ kind: 'Status', reason: 'Expired', code: 410 });
    expect(expired.body.message).toContain('too old to display a consistent list result');
    const fresh = (expired.body.metadata as { continue?: string }).continue ?? '';
    expect(JSON.parse(Buffer.from(fresh, 'base64url').toString())).toEqual({ v: 'meta.k8s.io/v1', rv: -1, start: 'n1\u0000' });
    // The inconsistent continuation reads the latest state from where the first page ended.
    const rest = await getJson(server, `/api/v1/nodes?continue=${fresh}`);
    expect(rest.status).toBe(200);
    expect(names(rest.body)).toEqual(['n1a', 'n2', 'n3']);
    expect(rest.body.metadata).toEqual({ resourceVersion: String(server.store.resourceVersion) });
  });

  it('refuses malformed paging requests with 400', async () => {
    const server = await start();
    expect((await getJson(server, '/api/v1/nodes?limit=-1')).status).toBe(400);
    expect((await getJson(server, '/api/v1/nodes?continue=bm90LWpzb24')).status).toBe(400);
    const token = Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: 1, start: 'a' })).toString('base64url');
    expect((await getJson(server, `/api/v1/nodes?continue=${token}&resourceVersion=5`)).body).toMatchObject({ code: 400, message: 'specifying resource version is not allowed when using continue' });
  });

  it('gives every change a new, increasing resourceVersion; re-applying an unchanged object is a no-op', async () => {
    const server = await start();
    const first = server.store.apply(serviceObject({ namespace: 'a', name: 's', clusterIps: ['10.96.0.1'] }));
    const again = server.store.apply(serviceObject({ namespace: 'a', name: 's', clusterIps: ['10.96.0.1'] }));
    expect(again.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
    const changed = server.store.apply(serviceObject({ namespace: 'a', name: 's', clusterIps: ['10.96.0.2'] }));
    expect(Number(changed.metadata.resourceVersion)).toBeGreaterThan(Number(first.metadata.resourceVersion));
    expect(changed.metadata.uid).toBe(first.metadata.uid);
    expect(server.store.delete('Service', 'a', 's')).toBe(true);
    expect(server.store.delete('Service', 'a', 's')).toBe(false);
    expect(server.store.resourceVersion).toBe(Number(changed.metadata.resourceVersion) + 1);
    expect(() => server.store.apply({ kind: 'Widget', metadata: { name: 'x' } })).toThrow(/not served/);
    expect(() => server.store.apply({ kind: 'Service', metadata: { name: 'x' } })).toThrow(/namespaced/);
  });

  it('serves discovery, version and health', async () => {
    const server = await start();
    expect((await getJson(server, '/version')).body).toMatchObject({ major: '1' });
    expect((await getJson(server, '/api')).body).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const groups = (await getJson(server, '/apis')).body.groups as { name: string }[];
    expect(groups.map((group) => group.name).sort()).toEqual(['coordination.k8s.io', 'discovery.k8s.io']);
    const core = (await getJson(server, '/api/v1')).body.resources as { name: string; namespaced: boolean }[];
    expect(core.find((resource) => resource.name === 'nodes')?.namespaced).toBe(false);
    expect(await (await fetch(`${server.url}/healthz`)).text()).toBe('ok');
  });
});

describe('Kubernetes API emulator: watches', () => {
  it('streams ADDED for the current state, then live ADDED/MODIFIED/DELETED with resourceVersions', async () => {
    const server = await start();
    seed(server);
    const { status, events } = await collectWatch(server, '/api/v1/services?watch=true', 5, () => {
      server.store.apply(serviceObject({ namespace: 'shop', name: 'cart', clusterIps: ['10.96.0.10'], annotations: { 'isthmus.io/max-latency': '50ms' } }));
      server.store.apply(serviceObject({ namespace: 'shop', name: 'new', clusterIps: ['10.96.0.12'] }));
      server.store.delete('Service', 'billing', 'ledger');
    });
    expect(status).toBe(200);
    expect(events.map((event) => `${event.type} ${event.object.metadata?.name ?? ''}`)).toEqual(['ADDED ledger', 'ADDED cart', 'MODIFIED cart', 'ADDED new', 'DELETED ledger']);
    const versions = events.slice(2).map((event) => Number(event.object.metadata?.resourceVersion));
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(events[4]?.object.kind).toBe('Service');
  });

  it('resumes from a resourceVersion with exactly the later changes, scoped to the namespace', async () => {
    const server = await start();
    seed(server);
    const from = server.store.resourceVersion;
    server.store.apply(serviceObject({ namespace: 'shop', name: 'cart', clusterIps: ['10.96.0.99'] }));
    server.store.apply(serviceObject({ namespace: 'billing', name: 'ledger', clusterIps: ['10.96.0.98'] }));
    server.store.apply(nodeObject({ name: 'node-b' }));
    const { events } = await collectWatch(server, `/api/v1/namespaces/shop/services?watch=1&resourceVersion=${String(from)}`, 1, undefined, 500);
    expect(events.map((event) => `${event.type} ${event.object.metadata?.name ?? ''}`)).toEqual(['MODIFIED cart']);
  });

  it('answers a watch from a compacted resourceVersion with an ERROR event carrying 410 Expired', async () => {
    const server = await start({ historySize: 2 });
    seed(server);
    const { status, events, ended } = await collectWatch(server, '/api/v1/services?watch=true&resourceVersion=1', 5);
    expect(status).toBe(200);
    expect(ended).toBe(true);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } });
  });

  it('can answer an expired watch with HTTP 410 instead', async () => {
    const server = await start({ historySize: 2, expiredWatchResponse: 'http-410' });
    seed(server);
    const response = await getJson(server, '/api/v1/services?watch=true&resourceVersion=1');
    expect(response.status).toBe(410);
    expect(response.body).toMatchObject({ kind: 'Status', reason: 'Expired', code: 410 });
  });

  it('forces 410 on the next resuming watch on demand, and after a compaction', async () => {
    const server = await start();
    seed(server);
    const current = String(server.store.resourceVersion);
    server.faults.expireNextWatch();
    expect((await collectWatch(server, `/api/v1/nodes?watch=true&resourceVersion=${current}`, 1)).events[0]?.type).toBe('ERROR');
    expect((await collectWatch(server, `/api/v1/nodes?watch=true&resourceVersion=${current}`, 1, undefined, 300)).events).toEqual([]);
    server.store.apply(nodeObject({ name: 'node-c' }));
    server.store.compact();
    expect((await collectWatch(server, `/api/v1/nodes?watch=true&resourceVersion=${current}`, 1)).events[0]?.object.code).toBe(410);
  });

  it('sends BOOKMARKs when allowed and closes the stream at timeoutSeconds', async () => {
    const server = await start({ bookmarkIntervalMs: 50 });
    const { events, ended } = await collectWatch(server, '/api/v1/namespaces?watch=true&allowWatchBookmarks=true&timeoutSeconds=1', 100, undefined, 3000);
    expect(ended).toBe(true);
    expect(events.length).toBeGreaterThan(3);
    expect(events.every((event) => event.type === 'BOOKMARK' && event.object.kind === 'Namespace')).toBe(true);
    expect(events[0]?.object.metadata?.resourceVersion).toBe(String(server.store.resourceVersion));
  });

  it('reports objects leaving and entering a label selector as DELETED and ADDED', async () => {
    const server = await start();
    server.store.apply(nodeObject({ name: 'n1', labels: { zone: 'a' } }));
    const { events } = await collectWatch(server, '/api/v1/nodes?watch=true&labelSelector=zone%3Da', 3, () => {
      server.store.apply(nodeObject({ name: 'n1', labels: { zone: 'b' } }));
      server.store.apply(nodeObject({ name: 'n1', labels: { zone: 'a' } }));
    });
    expect(events.map((event) => event.type)).toEqual(['ADDED', 'DELETED', 'ADDED']);
  });

  it('drops every open watch on demand, cleanly or abruptly', async () => {
    const server = await start();
    const clean = collectWatch(server, '/api/v1/nodes?watch=true', 10, undefined, 2000);
    await waitFor(() => server.openWatches === 1);
    expect(server.faults.dropWatches()).toBe(1);
    expect((await clean).ended).toBe(true);
    const abrupt = collectWatch(server, '/api/v1/nodes?watch=true', 10, undefined, 2000);
    await waitFor(() => server.openWatches === 1);
    expect(server.faults.dropWatches({ abrupt: true })).toBe(1);
    expect((await abrupt).ended).toBe(false);
    expect(server.openWatches).toBe(0);
  });
});

describe('Kubernetes API emulator: faults and auth', () => {
  it('fails the next N matching requests with a Status and Retry-After, then recovers', async () => {
    const server = await start();
    server.faults.failNext(2, 429, { retryAfterSeconds: 3, match: { verb: 'list', resource: 'services' } });
    expect((await getJson(server, '/api/v1/nodes')).status).toBe(200);
    const throttled = await getJson(server, '/api/v1/services');
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('3');
    expect(throttled.body).toMatchObject({ kind: 'Status', reason: 'TooManyRequests', code: 429, details: { retryAfterSeconds: 3 } });
    expect((await getJson(server, '/api/v1/services')).status).toBe(429);
    expect((await getJson(server, '/api/v1/services')).status).toBe(200);
    server.faults.failNext(1, 500);
    expect((await getJson(server, '/api/v1/namespaces')).body).toMatchObject({ reason: 'InternalError', code: 500 });
    expect(server.requests.filter((request) => request.verb === 'list').map((request) => request.status)).toEqual([200, 429, 429, 200, 500]);
  });

  it('delays responses', async () => {
    const server = await start();
    server.faults.setLatencyMs(150);
    const started = performance.now();
    await getJson(server, '/api/v1/nodes');
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    server.faults.reset();
    expect(server.faults.latencyMs).toBe(0);
  });

  it('requires the bearer token when configured', async () => {
    const server = await start({ token: 'sesame' });
    expect((await getJson(server, '/api/v1/nodes')).status).toBe(401);
    expect((await getJson(server, '/api/v1/nodes', { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await getJson(server, '/api/v1/nodes', { authorization: 'Bearer sesame' })).status).toBe(200);
  });
});

describe('Kubernetes API emulator: writes through @kubernetes/client-node', () => {
  function clients(server: KubeEmulator): { core: CoreV1Api; coordination: CoordinationV1Api } {
    const config = new KubeConfig();
    config.loadFromString(server.kubeconfig());
    return { core: config.makeApiClient(CoreV1Api), coordination: config.makeApiClient(CoordinationV1Api) };
  }

  it('creates, reads and updates Leases with optimistic concurrency (409 on a stale resourceVersion)', async () => {
    const server = await start({ token: 'lease-token' });
    const { coordination } = clients(server);
    const lease = instance(V1Lease, {
      metadata: instance(V1ObjectMeta, { name: 'isthmus', namespace: 'kube-system' }),
      spec: instance(V1LeaseSpec, { holderIdentity: 'a', leaseDurationSeconds: 15 }),
    });
    const created = await coordination.createNamespacedLease({ namespace: 'kube-system', body: lease });
    expect(created.metadata?.resourceVersion).toBeDefined();
    await expect(coordination.createNamespacedLease({ namespace: 'kube-system', body: lease })).rejects.toMatchObject({ code: 409 });
    const read = await coordination.readNamespacedLease({ namespace: 'kube-system', name: 'isthmus' });
    const staleVersion = read.metadata?.resourceVersion;
    expect(read.spec?.holderIdentity).toBe('a');
    if (read.spec !== undefined) read.spec.holderIdentity = 'b';
    const updated = await coordination.replaceNamespacedLease({ namespace: 'kube-system', name: 'isthmus', body: read });
    expect(updated.spec?.holderIdentity).toBe('b');
    if (read.spec !== undefined) read.spec.holderIdentity = 'c';
    if (read.metadata !== undefined) read.metadata.resourceVersion = staleVersion;
    const stale = coordination.replaceNamespacedLease({ namespace: 'kube-system', name: 'isthmus', body: read });
    await expect(stale).rejects.toMatchObject({ code: 409, body: expect.stringContaining('Conflict') as unknown });
    await expect(coordination.readNamespacedLease({ namespace: 'kube-system', name: 'other' })).rejects.toMatchObject({ code: 404 });
    expect(server.store.get('Lease', 'kube-system', 'isthmus')).toMatchObject({ spec: { holderIdentity: 'b' } });
  });

  it('writes a kubeconfig file that client-node loads and uses', async () => {
    const server = await start({ token: 'file-token' });
    server.store.apply(nodeObject({ name: 'n1' }));
    const directory = await mkdtemp(join(tmpdir(), 'isthmus-kubeconfig-'));
    try {
      const path = join(directory, 'config');
      await writeKubeconfig(path, { server: server.url, token: 'file-token', namespace: 'shop' });
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      const config = new KubeConfig();
      config.loadFromFile(path);
      expect(config.getContextObject(config.getCurrentContext())?.namespace).toBe('shop');
      const nodes = await config.makeApiClient(CoreV1Api).listNode();
      expect(nodes.items.map((node) => node.metadata?.name)).toEqual(['n1']);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('records core/v1 Events created and patched by a client', async () => {
    const server = await start();
    const { core } = clients(server);
    await core.createNamespacedEvent({
      namespace: 'shop',
      body: instance(CoreV1Event, {
        metadata: instance(V1ObjectMeta, { name: 'cart.1', namespace: 'shop' }),
        involvedObject: instance(V1ObjectReference, { kind: 'Service', namespace: 'shop', name: 'cart' }),
        reason: 'TunnelsClipped',
        message: 'asked for lte',
        type: 'Warning',
        count: 1,
      }),
    });
    await core.patchNamespacedEvent({ namespace: 'shop', name: 'cart.1', body: [{ op: 'replace', path: '/count', value: 2 }] });
    await core.patchNamespacedEvent(
      { namespace: 'shop', name: 'cart.1', body: { message: 'asked for lte again' } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const events = server.events('shop');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ reason: 'TunnelsClipped', count: 2, message: 'asked for lte again', involvedObject: { name: 'cart' } });
    await expect(core.patchNamespacedEvent({ namespace: 'shop', name: 'cart.1', body: [{ op: 'replace', path: '/nope/deeper', value: 1 }] })).rejects.toMatchObject({ code: 422 });
  });
});

function names(list: Record<string, unknown>): string[] {
  return (list.items as { metadata: { name: string } }[]).map((item) => item.metadata.name);
}

/** client-node's models are classes; build instances rather than look-alike literals. */
function instance<T extends object>(constructor: new () => T, fields: Partial<T>): T {
  return Object.assign(new constructor(), fields);
}

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
