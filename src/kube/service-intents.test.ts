import { afterEach, describe, expect, it } from 'vitest';
import { KubeConfig } from '@kubernetes/client-node';
import { startKubeEmulator } from '../../simulator/kube/kube-emulator.ts';
import type { KubeEmulator } from '../../simulator/kube/kube-emulator.ts';
import { namespaceObject, serviceObject } from '../../simulator/kube/kube-fixtures.ts';
import type { KubernetesConfig } from '../config/config-schema.ts';
import type { Namespace } from '../domain/namespace.ts';
import type { Problem } from '../domain/problem.ts';
import type { Service } from '../domain/service.ts';
import type { TenancyConfig } from '../domain/tenancy.ts';
import { EventRecorder, namespaceReference, serviceReference } from './event-recorder.ts';
import { createEventSink } from './event-sink.ts';
import { createKubeInformers } from './kube-informers.ts';
import type { KubeInformers } from './kube-informers.ts';
import type { ReadStore, StoreChangeType, StoreListener } from './read-store.ts';
import { ServiceIntents } from './service-intents.ts';

/** A ReadStore over a Map, for unit tests: `set` and `remove` notify like an informer. */
class MemoryStore<T> implements ReadStore<T> {
  readonly #items = new Map<string, T>();
  readonly #listeners = new Set<StoreListener>();
  synced = true;

  get(key: string): T | undefined {
    return this.#items.get(key);
  }

  list(): readonly T[] {
    return this.keys().flatMap((key) => {
      const item = this.#items.get(key);
      return item === undefined ? [] : [item];
    });
  }

  keys(): readonly string[] {
    return [...this.#items.keys()].sort();
  }

  hasSynced(): boolean {
    return this.synced;
  }

  subscribe(listener: StoreListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  set(key: string, item: T): void {
    const type = this.#items.has(key) ? 'updated' : 'added';
    this.#items.set(key, item);
    this.notify(type, key);
  }

  remove(key: string): void {
    if (this.#items.delete(key)) this.notify('deleted', key);
  }

  notify(type: StoreChangeType, key: string): void {
    for (const listener of this.#listeners) listener({ type, key });
  }
}

function service(namespace: string, name: string, annotations: Record<string, string>): Service {
  return { namespace, name, clusterIps: [], loadBalancerIps: [], ports: [], annotations };
}

function namespace(name: string, allowed?: string, labels: Record<string, string> = {}): Namespace {
  return { name, labels, annotations: allowed === undefined ? {} : { 'isthmus.io/allowed-tunnels': allowed } };
}

interface Setup {
  readonly services: MemoryStore<Service>;
  readonly namespaces: MemoryStore<Namespace>;
  readonly intents: ServiceIntents;
  readonly reported: string[];
}

function setup(tenancy: ConstructorParameters<typeof ServiceIntents>[0]['tenancy'] = {}): Setup {
  const services = new MemoryStore<Service>();
  const namespaces = new MemoryStore<Namespace>();
  const reported: string[] = [];
  const codes = (problems: readonly Problem[]): string => problems.map((problem) => `${problem.severity}:${problem.code}`).join(',');
  const intents = new ServiceIntents({
    services,
    namespaces,
    tenancy,
    onProblems: (subject, problems) => reported.push(`${subject.namespace}/${subject.name} ${codes(problems)}`),
    onNamespaceProblems: (subject, problems) => reported.push(`ns ${subject.name} ${codes(problems)}`),
  });
  return { services, namespaces, intents, reported };
}

const SLO = { 'isthmus.io/max-latency': '50ms' };

describe('ServiceIntents', () => {
  it('resolves each Service from its annotations within its namespace colors', () => {
    const { services, namespaces, intents } = setup({ default: ['mpls', 'biz-internet', 'lte'] });
    namespaces.set('shop', namespace('shop', 'biz-internet,mpls'));
    services.set('shop/cart', service('shop', 'cart', SLO));
    services.set('shop/web', service('shop', 'web', {}));
    services.set('other/api', service('other', 'api', { ...SLO, 'isthmus.io/tunnels': 'lte,3g' }));
    expect(intents.get('shop/cart')).toMatchObject({ key: 'shop/cart', intent: { mode: 'auto', candidates: ['biz-internet', 'mpls'] }, problems: [], allowed: ['biz-internet', 'mpls'] });
    expect(intents.get('shop/web')).toMatchObject({ intent: { mode: 'unmanaged' }, problems: [] });
    expect(intents.get('other/api')).toMatchObject({ intent: { mode: 'auto', candidates: ['lte'] }, problems: [{ severity: 'warning', code: 'TunnelNotAllowed' }] });
    expect(intents.get('shop/none')).toBeUndefined();
  });

  it('returns the cached result while neither the Service nor its namespace colors change', () => {
    const { services, namespaces, intents, reported } = setup();
    namespaces.set('shop', namespace('shop', 'mpls'));
    services.set('shop/cart', service('shop', 'cart', { ...SLO, 'isthmus.io/tunnels': 'lte' }));
    const first = intents.get('shop/cart');
    expect(intents.get('shop/cart')).toBe(first);
    namespaces.set('shop', namespace('shop', 'mpls', { team: 'a' }));
    expect(intents.get('shop/cart')).toBe(first);
    expect(reported).toEqual(['shop/cart error:TunnelNotAllowed']);
  });

  it('re-evaluates a Service when its annotations change, and reports its problems once per version', () => {
    const { services, namespaces, intents, reported } = setup();
    namespaces.set('shop', namespace('shop'));
    services.set('shop/cart', service('shop', 'cart', { 'isthmus.io/max-latency': 'fast' }));
    expect(intents.serviceChanged('shop/cart')).toEqual(['shop/cart']);
    expect(intents.get('shop/cart')?.intent.mode).toBe('unmanaged');
    services.set('shop/cart', service('shop', 'cart', SLO));
    expect(intents.get('shop/cart')?.intent.mode).toBe('auto');
    services.set('shop/cart', service('shop', 'cart', { 'isthmus.io/max-latency': 'fast' }));
    intents.get('shop/cart');
    intents.get('shop/cart');
    expect(reported).toEqual(['shop/cart error:InvalidSLO', 'shop/cart error:InvalidSLO']);
    services.remove('shop/cart');
    expect(intents.serviceChanged('shop/cart')).toEqual(['shop/cart']);
    expect(intents.get('shop/cart')).toBeUndefined();
  });

  it('re-evaluates every Service of a namespace whose colors change, and only those', () => {
    const { services, namespaces, intents } = setup();
    const enqueued: string[][] = [];
    namespaces.set('shop', namespace('shop'));
    namespaces.set('other', namespace('other'));
    services.set('shop/cart', service('shop', 'cart', SLO));
    services.set('shop/web', service('shop', 'web', { 'isthmus.io/tunnel': 'lte' }));
    services.set('shopping/x', service('shopping', 'x', SLO));
    services.set('other/api', service('other', 'api', SLO));
    const disconnect = intents.connect((keys) => enqueued.push([...keys]));
    expect(enqueued).toEqual([['other/api', 'shop/cart', 'shop/web', 'shopping/x']]);
    enqueued.length = 0;

    namespaces.set('shop', namespace('shop', 'mpls'));
    expect(enqueued).toEqual([['shop/cart', 'shop/web']]);
    expect(intents.get('shop/cart')?.intent).toMatchObject({ mode: 'auto', candidates: ['mpls'] });
    expect(intents.get('shop/web')).toMatchObject({ intent: { mode: 'unmanaged' }, problems: [{ code: 'TunnelNotAllowed', key: 'isthmus.io/tunnel' }] });
    // A label edit leaves the colors alone: nothing to do.
    namespaces.set('shop', namespace('shop', 'mpls', { team: 'a' }));
    expect(enqueued).toHaveLength(1);
    // A resync announces them all anyway; a Service change enqueues that Service.
    namespaces.notify('resync', 'shop');
    expect(enqueued[1]).toEqual(['shop/cart', 'shop/web']);
    services.set('other/api', service('other', 'api', {}));
    expect(enqueued[2]).toEqual(['other/api']);
    // Removing the annotation widens back to what configuration allows (here: everything).
    namespaces.remove('shop');
    expect(enqueued[3]).toEqual(['shop/cart', 'shop/web']);
    expect(intents.get('shop/web')?.intent).toMatchObject({ mode: 'pinned', color: 'lte' });
    disconnect();
    namespaces.set('shop', namespace('shop', 'mpls'));
    expect(enqueued).toHaveLength(4);
  });

  it('does not miss Services when a read already saw the new Namespace before its notification', () => {
    const { services, namespaces, intents } = setup();
    namespaces.set('shop', namespace('shop'));
    services.set('shop/a', service('shop', 'a', SLO));
    services.set('shop/b', service('shop', 'b', SLO));
    intents.get('shop/a');
    intents.get('shop/b');
    // The store changes (nobody is connected), a reconcile of shop/a reads it, then the notification comes.
    namespaces.set('shop', namespace('shop', 'mpls'));
    intents.get('shop/a');
    expect(intents.namespaceChanged('shop')).toEqual(['shop/b']);
    expect(intents.get('shop/b')?.intent).toMatchObject({ candidates: ['mpls'] });
  });

  it('never widens before the Namespaces are listed: Services are not steered until then', () => {
    const { services, namespaces, intents, reported } = setup();
    namespaces.synced = false;
    services.set('analytics/ingest', service('analytics', 'ingest', { ...SLO, 'isthmus.io/tunnels': 'mpls' }));
    expect(intents.get('analytics/ingest')).toMatchObject({ intent: { mode: 'unmanaged' }, problems: [], allowed: [] });
    namespaces.synced = true;
    namespaces.set('analytics', namespace('analytics', 'biz-internet'));
    expect(intents.get('analytics/ingest')).toMatchObject({ intent: { mode: 'unmanaged' }, problems: [{ severity: 'error', code: 'TunnelNotAllowed' }] });
    expect(reported).toEqual(['analytics/ingest error:TunnelNotAllowed']);
  });

  it('keeps one bad Service from affecting others, and survives throwing observers', () => {
    const services = new MemoryStore<Service>();
    const namespaces = new MemoryStore<Namespace>();
    const intents = new ServiceIntents({
      services,
      namespaces,
      tenancy: {},
      onProblems: () => {
        throw new Error('cannot write Events');
      },
    });
    services.set('a/bad', service('a', 'bad', { 'isthmus.io/max-latency': '\u0000'.repeat(10_000), 'isthmus.io/tunnels': ',,,mpls,MPLS' }));
    // A value no parser expects: annotations that are not strings (a broken conversion upstream).
    services.set('a/worse', { ...service('a', 'worse', {}), annotations: null as unknown as Record<string, string> });
    services.set('a/good', service('a', 'good', SLO));
    expect(intents.get('a/bad')?.intent.mode).toBe('unmanaged');
    expect(intents.get('a/worse')).toMatchObject({ intent: { mode: 'unmanaged' }, problems: [{ severity: 'error', code: 'InternalError' }] });
    expect(intents.get('a/good')?.intent.mode).toBe('auto');
  });

  it('takes the configuration section as it is validated', () => {
    const section: KubernetesConfig['allowedTunnels'] = { default: ['mpls'], namespaces: { lab: [] } };
    const tenancy: TenancyConfig = section;
    const { services, intents } = setup(tenancy);
    services.set('lab/x', service('lab', 'x', SLO));
    services.set('shop/y', service('shop', 'y', SLO));
    expect(intents.get('lab/x')?.intent.mode).toBe('unmanaged');
    expect(intents.get('shop/y')?.intent).toMatchObject({ mode: 'auto', candidates: ['mpls'] });
  });

  it('reports a Namespace annotation that asks for more than configuration allows, on the Namespace', () => {
    const { services, namespaces, intents, reported } = setup({ namespaces: { shop: ['mpls'] } });
    namespaces.set('shop', namespace('shop', 'mpls,lte'));
    services.set('shop/cart', service('shop', 'cart', SLO));
    expect(intents.get('shop/cart')?.allowed).toEqual(['mpls']);
    expect(reported).toEqual(['ns shop warning:TunnelNotAllowed']);
  });
});

describe('ServiceIntents on informers against the API emulator, with Events', () => {
  let server: KubeEmulator | undefined;
  let informers: KubeInformers | undefined;

  afterEach(async () => {
    await informers?.stop();
    await server?.close();
    informers = undefined;
    server = undefined;
  });

  it('re-evaluates intents on annotation edits and writes Events for bad annotations', async () => {
    server = await startKubeEmulator();
    const emulator = server;
    emulator.store.apply(namespaceObject({ name: 'analytics', annotations: { 'isthmus.io/allowed-tunnels': 'public-internet,biz-internet' } }));
    emulator.store.apply(namespaceObject({ name: 'shop' }));
    emulator.store.apply(serviceObject({ namespace: 'analytics', name: 'ingest', clusterIps: ['10.96.22.10'], annotations: { 'isthmus.io/max-latency': '150ms', 'isthmus.io/tunnels': 'mpls,biz-internet' } }));
    emulator.store.apply(serviceObject({ namespace: 'shop', name: 'cart', clusterIps: ['10.96.20.12'], annotations: { 'isthmus.io/max-latency': '80ms' } }));
    const config = new KubeConfig();
    config.loadFromString(emulator.kubeconfig());
    informers = createKubeInformers({ kubeConfig: config });
    const stores = informers;
    stores.start();
    expect(await stores.whenSynced()).toBe(true);

    let now = Date.parse('2025-01-01T00:00:00Z');
    const recorder = new EventRecorder({ sink: createEventSink(config), clock: { now: () => now }, reportingInstance: 'test' });
    const intents = new ServiceIntents({
      services: stores.services,
      namespaces: stores.namespaces,
      tenancy: {},
      onProblems: (subject, problems) => {
        recorder.recordProblems(serviceReference(subject), problems);
      },
      onNamespaceProblems: (subject, problems) => {
        recorder.recordProblems(namespaceReference(subject), problems);
      },
    });
    const enqueued: string[] = [];
    const disconnect = intents.connect((keys) => enqueued.push(...keys));
    expect(intents.get('analytics/ingest')?.intent).toMatchObject({ mode: 'auto', candidates: ['biz-internet'] });
    expect(intents.get('shop/cart')?.intent).toMatchObject({ mode: 'auto', candidates: undefined });
    await recorder.flush();
    expect(emulator.events('analytics').map((event) => `${String(event.type)} ${String(event.reason)}`)).toEqual(['Warning TunnelNotAllowed']);

    // The owner of cart makes a typo: re-evaluated, not steered, and told so.
    now += 1000;
    enqueued.length = 0;
    emulator.store.apply(serviceObject({ namespace: 'shop', name: 'cart', clusterIps: ['10.96.20.12'], annotations: { 'isthmus.io/max-latency': '80 ms' } }));
    await eventually(() => intents.get('shop/cart')?.intent.mode === 'unmanaged');
    expect(enqueued).toContain('shop/cart');
    // The same mistake in a later edit: the same Event, counted twice.
    now += 1000;
    emulator.store.apply(serviceObject({ namespace: 'shop', name: 'cart', clusterIps: ['10.96.20.12'], annotations: { 'isthmus.io/max-latency': '80 ms', owner: 'team-a' } }));
    await eventually(() => stores.services.get('shop/cart')?.annotations.owner === 'team-a');
    await recorder.flush();
    const cartEvents = emulator.events('shop');
    expect(cartEvents).toHaveLength(1);
    expect(cartEvents[0]).toMatchObject({ reason: 'InvalidSLO', count: 2, involvedObject: { name: 'cart', uid: emulator.store.get('Service', 'shop', 'cart')?.metadata.uid } });

    // The administrator narrows analytics to public-internet only: ingest can no longer be steered.
    enqueued.length = 0;
    emulator.store.apply(namespaceObject({ name: 'analytics', annotations: { 'isthmus.io/allowed-tunnels': 'public-internet' } }));
    await eventually(() => enqueued.includes('analytics/ingest'));
    expect(intents.get('analytics/ingest')).toMatchObject({ intent: { mode: 'unmanaged' }, problems: [{ severity: 'error', code: 'TunnelNotAllowed' }] });
    await recorder.flush();
    expect(emulator.events('analytics')).toHaveLength(2);
    expect(recorder.stats).toMatchObject({ created: 3, patched: 1, failed: 0 });
    disconnect();
  });
});

async function eventually(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
