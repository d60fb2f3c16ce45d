import { afterEach, describe, expect, it } from 'vitest';
import { KubeConfig } from '@kubernetes/client-node';
import { fileURLToPath } from 'node:url';
import { createKubeInformers } from '../../src/kube/kube-informers.ts';
import type { KubeInformers } from '../../src/kube/kube-informers.ts';
import type { StoreChange } from '../../src/kube/read-store.ts';
import { loadScenario } from '../world/load-scenario.ts';
import { SimClock } from '../world/sim-clock.ts';
import type { World } from '../world/world.ts';
import { createWorld } from '../world/world.ts';
import { startKubeEmulator } from './kube-emulator.ts';
import type { KubeEmulator } from './kube-emulator.ts';
import { KubeObjectStore } from './kube-object-store.ts';
import { endpointSliceName, feedWorldToKube } from './world-kube-feed.ts';
import type { WorldKubeFeed } from './world-kube-feed.ts';

const MINUTE = 60_000;
const BROWNOUT = fileURLToPath(new URL('../scenarios/brownout.yaml', import.meta.url));

let emulator: KubeEmulator | undefined;
let informers: KubeInformers | undefined;
let feed: WorldKubeFeed | undefined;
let world: World | undefined;

afterEach(async () => {
  feed?.close();
  world?.close();
  await informers?.stop();
  await emulator?.close();
  feed = undefined;
  world = undefined;
  informers = undefined;
  emulator = undefined;
});

async function brownout(): Promise<{ world: World; clock: SimClock }> {
  const loaded = await loadScenario(BROWNOUT);
  if (!loaded.ok) throw new Error(loaded.problems.map((problem) => problem.message).join('\n'));
  const clock = SimClock.manual(loaded.scenario.startMs);
  world = createWorld(loaded.scenario, { clock });
  return { world, clock };
}

async function eventually(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('feedWorldToKube', () => {
  it('writes the cluster of a scenario as Kubernetes objects', async () => {
    const { world: sim } = await brownout();
    const store = new KubeObjectStore();
    feed = feedWorldToKube(sim, store);
    expect(store.list('Namespace').map((namespace) => namespace.metadata.name)).toEqual(['analytics', 'legacy', 'payments', 'shop', 'video']);
    expect(store.get('Namespace', undefined, 'analytics')?.metadata.annotations).toEqual({ 'isthmus.io/allowed-tunnels': 'public-internet,biz-internet' });
    expect(store.get('Node', undefined, 'worker-london-1')).toMatchObject({
      metadata: { labels: { 'isthmus.io/site-id': '300', 'kubernetes.io/hostname': 'worker-london-1' } },
      spec: { podCIDR: '10.244.4.0/24' },
      status: { addresses: [{ type: 'InternalIP', address: '172.18.0.5' }, { type: 'Hostname', address: 'worker-london-1' }] },
    });
    expect(store.get('Service', 'payments', 'authorize')).toMatchObject({
      metadata: { annotations: { 'isthmus.io/max-latency': '30ms', 'isthmus.io/tunnels': 'mpls,biz-internet' } },
      spec: { clusterIP: '10.96.21.10', clusterIPs: ['10.96.21.10'], ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 8443 }] },
    });
    expect(store.get('Service', 'legacy', 'erp')?.metadata.annotations).toEqual({ 'policy.sdwan.cisco.com/tunnel': 'biz-internet' });
    const checkout = sim.cluster.services.find((service) => service.name === 'checkout');
    if (checkout === undefined) throw new Error('no checkout');
    const slice = store.get('EndpointSlice', 'shop', endpointSliceName(checkout));
    expect(slice).toMatchObject({
      metadata: { labels: { 'kubernetes.io/service-name': 'checkout' }, ownerReferences: [{ kind: 'Service', uid: checkout.uid }] },
      addressType: 'IPv4',
    });
    const endpoints = slice?.endpoints as { addresses: string[]; nodeName: string; conditions: { ready: boolean }; targetRef: { kind: string; name: string } }[];
    expect(endpoints).toHaveLength(2);
    expect(endpoints.every((endpoint) => endpoint.nodeName === 'worker-frankfurt-1' && endpoint.conditions.ready && endpoint.targetRef.kind === 'Pod')).toBe(true);
    expect(endpoints.map((endpoint) => endpoint.addresses[0])).toEqual(sim.cluster.servicePodsAt(checkout.index, sim.clock.now()).map((pod) => pod.ip));
    // Re-applying the same state changes nothing.
    const revision = store.resourceVersion;
    feed.sync();
    expect(store.resourceVersion).toBe(revision);
  });

  it('serves the brownout scenario to informers on the real client, and follows scale events and annotation edits', async () => {
    const { world: sim, clock } = await brownout();
    const server = await startKubeEmulator({ clock });
    emulator = server;
    feed = feedWorldToKube(sim, server.store);
    const config = new KubeConfig();
    config.loadFromString(server.kubeconfig());
    const stores = createKubeInformers({ kubeConfig: config, listPageSize: 4 });
    informers = stores;
    const sliceChanges: StoreChange[] = [];
    const serviceChanges: StoreChange[] = [];
    stores.endpointSlices.subscribe((change) => sliceChanges.push(change));
    stores.services.subscribe((change) => serviceChanges.push(change));
    stores.start();
    expect(await stores.whenSynced()).toBe(true);
    expect(stores.namespaces.keys()).toHaveLength(5);
    expect(stores.nodes.keys()).toHaveLength(5);
    expect(stores.services.keys()).toHaveLength(11);
    expect(stores.endpointSlices.keys()).toHaveLength(11);
    expect(stores.nodes.get('worker-madrid-1')).toMatchObject({ siteId: 400, internalIps: ['172.18.0.6'], podCidrs: ['10.244.5.0/24'] });
    const checkout = sim.cluster.services.find((service) => service.name === 'checkout');
    if (checkout === undefined) throw new Error('no checkout');
    const sliceKey = `shop/${endpointSliceName(checkout)}`;
    expect(stores.endpointSlices.get(sliceKey)?.endpoints).toHaveLength(2);
    await eventually(() => server.openWatches === 4);
    sliceChanges.length = 0;

    // Black Friday at 25 minutes: checkout scales to 4 replicas.
    await clock.advanceTo(sim.startMs + 25 * MINUTE + 1000);
    await eventually(() => stores.endpointSlices.get(sliceKey)?.endpoints.length === 4);
    expect(sliceChanges).toEqual([{ type: 'updated', key: sliceKey }]);
    const endpoints = stores.endpointSlices.get(sliceKey)?.endpoints ?? [];
    expect(endpoints.every((endpoint) => endpoint.ready && endpoint.nodeName === 'worker-frankfurt-1' && endpoint.podName?.startsWith('checkout-') === true)).toBe(true);

    // At 45 minutes the payments team tightens authorize's SLO.
    expect(stores.services.get('payments/authorize')?.annotations['isthmus.io/max-latency']).toBe('30ms');
    await clock.advanceTo(sim.startMs + 45 * MINUTE + 1000);
    await eventually(() => stores.services.get('payments/authorize')?.annotations['isthmus.io/max-latency'] === '25ms');
    expect(serviceChanges.filter((change) => change.type === 'updated').map((change) => change.key)).toEqual(['payments/authorize']);

    // And back to 2 at 85 minutes.
    await clock.advanceTo(sim.startMs + 85 * MINUTE + 1000);
    await eventually(() => stores.endpointSlices.get(sliceKey)?.endpoints.length === 2);
    expect(sliceChanges.map((change) => change.type)).toEqual(['updated', 'updated']);
    expect(server.store.get('Service', 'payments', 'authorize')?.metadata.creationTimestamp).toBe('2025-01-01T00:00:00Z');
  });

  it('stops following when closed, and leaves objects it did not write alone', async () => {
    const { world: sim, clock } = await brownout();
    const store = new KubeObjectStore();
    feed = feedWorldToKube(sim, store);
    store.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'not-from-the-world' } });
    feed.close();
    const revision = store.resourceVersion;
    await clock.advanceTo(sim.startMs + 30 * MINUTE);
    expect(store.resourceVersion).toBe(revision);
    // Objects written by someone else are left alone by a sync.
    feed.sync(clock.now());
    expect(store.get('Namespace', undefined, 'not-from-the-world')).toBeDefined();
  });
});
