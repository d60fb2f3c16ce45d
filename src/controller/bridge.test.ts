import { describe, expect, it } from 'vitest';
import type { ClusterNode } from '../domain/cluster-node.ts';
import type { Color } from '../domain/color.ts';
import type { EndpointSlice } from '../domain/endpoint-slice.ts';
import type { FlowSource, FlowSourceEvent, FlowSourceHealth } from '../domain/flow-source.ts';
import type { Namespace } from '../domain/namespace.ts';
import type { Service } from '../domain/service.ts';
import type { TunnelReading, TunnelsChangedListener, TunnelStatsSource } from '../domain/tunnel-stats-source.ts';
import type { ReadStore, StoreListener } from '../kube/read-store.ts';
import { ServiceIntents } from '../kube/service-intents.ts';
import { testFlow, T0_MS } from '../correlate/testdata/test-flow.ts';
import type { RepeatTimer } from '../vmanage/interval-schedule.ts';
import type { Assignment } from '../domain/assignment.ts';
import { startBridge } from './bridge.ts';
import type { BridgeParts } from './bridge.ts';
import { Leadership } from './leadership.ts';
import { getService, listServices, listTunnels } from './api-v1.ts';

class MemoryStore<T> implements ReadStore<T> {
  readonly #items = new Map<string, T>();
  readonly #listeners = new Set<StoreListener>();
  get(key: string): T | undefined {
    return this.#items.get(key);
  }
  list(): readonly T[] {
    return [...this.#items.values()];
  }
  keys(): readonly string[] {
    return [...this.#items.keys()].sort();
  }
  hasSynced(): boolean {
    return true;
  }
  subscribe(listener: StoreListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  set(key: string, item: T): void {
    const type = this.#items.has(key) ? 'updated' : 'added';
    this.#items.set(key, item);
    for (const listener of this.#listeners) listener({ type, key });
  }
  delete(key: string): void {
    this.#items.delete(key);
    for (const listener of this.#listeners) listener({ type: 'deleted', key });
  }
}

/** Flows pushed by the test; `health` says connected once the stream is read. */
class TestFlowSource implements FlowSource {
  readonly #queue: FlowSourceEvent[] = [];
  #wake: (() => void) | undefined;
  connected = false;
  reconnects = 0;
  lost: Record<string, number> = {};
  push(event: FlowSourceEvent): void {
    this.#queue.push(event);
    this.#wake?.();
  }
  async *events(signal?: AbortSignal): AsyncIterable<FlowSourceEvent> {
    this.connected = true;
    signal?.addEventListener('abort', () => this.#wake?.());
    while (signal?.aborted !== true) {
      const next = this.#queue.shift();
      if (next !== undefined) {
        yield next;
        continue;
      }
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }
  health(): FlowSourceHealth {
    return { connected: this.connected, connectedSince: undefined, lastError: undefined, consecutiveFailures: 0, reconnects: this.reconnects, flows: 0, duplicatesDropped: 0, lostEvents: this.lost, nodeStatus: {}, decodeErrors: 0, server: undefined };
  }
}

class TestTunnels implements TunnelStatsSource {
  current: TunnelReading[] = [];
  readonly #listeners = new Set<TunnelsChangedListener>();
  readings(): readonly TunnelReading[] {
    return this.current;
  }
  reading(): TunnelReading | undefined {
    return undefined;
  }
  history(): readonly never[] {
    return [];
  }
  windowMeasure(): undefined {
    return undefined;
  }
  health() {
    return { status: 'ok' as const, lastSuccessAt: T0_MS, lastAttemptAt: T0_MS, lastError: undefined, consecutiveFailures: 0, gapMs: 0 };
  }
  subscribe(listener: TunnelsChangedListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

function reading(from: number, to: number, color: Color, latencySeconds: number, localIp: string, remoteIp: string): TunnelReading {
  const key = { local: { systemIp: localIp, color }, remote: { systemIp: remoteIp, color } };
  return {
    tunnel: { key, name: `${localIp}:${color}-${remoteIp}:${color}`, localSiteId: from, remoteSiteId: to, localHostName: undefined, remoteHostName: undefined },
    state: 'up',
    latest: { time: T0_MS, latencySeconds, jitterSeconds: 0.002, lossRatio: 0, state: 'up' },
    lastSeen: T0_MS,
    stale: false,
  };
}

const node = (name: string, siteId: number, ip: string): ClusterNode => ({ name, siteId, internalIps: [ip], podCidrs: [], labels: { 'isthmus.io/site-id': String(siteId) } });
const service = (name: string, ip: string, annotations: Record<string, string>): Service => ({ namespace: 'shop', name, clusterIps: [ip], loadBalancerIps: [], ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }], annotations });
const slice = (name: string, ip: string, nodeName: string): EndpointSlice => ({
  namespace: 'shop',
  name: `${name}-1`,
  serviceName: name,
  addressType: 'IPv4',
  ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  endpoints: [{ ip, ready: true, podName: `${name}-pod`, namespace: 'shop', nodeName }],
});

function setup(extra: Pick<BridgeParts, 'leadership' | 'push'> = {}) {
  const services = new MemoryStore<Service>();
  const endpointSlices = new MemoryStore<EndpointSlice>();
  const nodes = new MemoryStore<ClusterNode>();
  const namespaces = new MemoryStore<Namespace>();
  nodes.set('paris', node('paris', 100, '172.18.0.2'));
  nodes.set('frankfurt', node('frankfurt', 200, '172.18.0.3'));
  namespaces.set('shop', { name: 'shop', labels: {}, annotations: {} });
  services.set('shop/payments', service('payments', '10.96.0.20', { 'isthmus.io/max-latency': '50ms', 'isthmus.io/tunnels': 'biz-internet,public-internet' }));
  services.set('shop/ledger', service('ledger', '10.96.0.30', { 'isthmus.io/tunnel': 'mpls' }));
  services.set('shop/catalog', service('catalog', '10.96.0.10', {}));
  endpointSlices.set('shop/payments-1', slice('payments', '10.244.2.20', 'frankfurt'));
  endpointSlices.set('shop/client-1', { ...slice('client', '10.244.1.5', 'paris'), serviceName: undefined });
  const intents = new ServiceIntents({ services, namespaces, tenancy: {} });
  const flows = new TestFlowSource();
  const tunnels = new TestTunnels();
  let now = T0_MS + 30_000;
  const ticks: (() => void)[] = [];
  const timer: RepeatTimer = {
    repeat: (_ms, callback) => {
      ticks.push(callback);
      return () => undefined;
    },
  };
  const bridge = startBridge({ stores: { services, endpointSlices, nodes, namespaces }, intents, flows, tunnels, clock: { now: () => now }, timer, defaultColor: 'public-internet', ...extra });
  return { bridge, services, flows, tunnels, tick: () => {
      for (const tick of ticks) tick();
    },
    advance: (ms: number) => (now += ms),
  };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('startBridge', () => {
  it('assigns pins and preferred candidates, leaves unmanaged Services on the default, and judges paths', async () => {
    const { bridge, flows, tunnels, tick: evaluate } = setup();
    expect(bridge.assignments().map((a) => `${a.service.name}:${a.color}:${a.mode}`).sort()).toEqual(['ledger:mpls:pinned', 'payments:biz-internet:auto']);
    expect(bridge.colorOf('shop/catalog')).toBe('public-internet');

    for (let i = 0; i < 4; i++) {
      flows.push({ kind: 'flow', nodeName: 'paris', timeNs: undefined, flow: testFlow({ src: { ip: '10.244.1.5', port: 40000 + i }, dst: { ip: '10.244.2.20', port: 8080 }, nodeName: 'paris', direction: 'EGRESS', timeMs: T0_MS + 20_000 + i }) });
    }
    await tick();
    tunnels.current = [reading(100, 200, 'biz-internet', 0.03, '10.0.0.1', '10.0.0.2'), reading(100, 200, 'public-internet', 0.09, '10.0.0.1', '10.0.0.2')];
    evaluate();
    const payments = bridge.service('shop/payments');
    expect(payments).toMatchObject({ mode: 'auto', color: 'biz-internet', flows: 4, path: { verdict: 'meets', compliant: 1, worst: { latencySeconds: 0.03 } } });
    expect(payments?.sitePairs).toEqual([{ srcSite: 100, dstSite: 200, flows: 4, verdicts: { FORWARDED: 4 }, colors: { 'biz-internet': 4 } }]);
    expect([...bridge.telemetry.serviceFlows()]).toEqual([{ service: { namespace: 'shop', name: 'payments' }, srcSite: 100, dstSite: 200, color: 'biz-internet', verdict: 'FORWARDED', count: 4 }]);
    expect([...bridge.telemetry.servicePaths()].find((path) => path.service.name === 'payments')).toMatchObject({ color: 'biz-internet', latencySeconds: 0.03, compliant: true });
    expect([...bridge.telemetry.serviceSlos()].map((slo) => slo.service.name)).toEqual(['payments']);
    expect(bridge.telemetry.hubbleFlows()).toBe(4);
    expect(bridge.telemetry.hubbleConnected()).toBe(true);

    // The biz-internet path degrades: one event when the SLI flips, none while it stays.
    tunnels.current = [reading(100, 200, 'biz-internet', 0.08, '10.0.0.1', '10.0.0.2')];
    evaluate();
    evaluate();
    tunnels.current = [reading(100, 200, 'biz-internet', 0.02, '10.0.0.1', '10.0.0.2')];
    evaluate();
    expect(bridge.recentEvents().map((event) => event.type)).toEqual(['assignment', 'assignment', 'hubble-connected', 'slo-violated', 'slo-recovered']);
    expect(bridge.recentEvents().at(-2)?.message).toBe('shop/payments: SLO violated on biz-internet (80 ms, 2 ms jitter, 0.00% loss)');
    await bridge.close();
  });

  it('follows annotation edits and deletions, level-triggered', async () => {
    const { bridge, services } = setup();
    services.set('shop/payments', service('payments', '10.96.0.20', { 'isthmus.io/tunnel': 'public-internet' }));
    expect(bridge.assignments().find((a) => a.service.name === 'payments')).toMatchObject({ color: 'public-internet', mode: 'pinned' });
    services.delete('shop/ledger');
    expect(bridge.assignments().map((a) => a.service.name)).toEqual(['payments']);
    expect([...bridge.telemetry.remaps()].map((remap) => `${remap.service.name} ${remap.from ?? ''}→${remap.to} ${remap.reason}`).sort()).toEqual([
      'ledger →mpls pinned',
      'payments biz-internet→public-internet pinned',
      'payments →biz-internet initial',
    ]);
    expect(bridge.recentEvents().at(-1)?.message).toBe('shop/ledger: no longer steered (Service deleted); its traffic takes the fabric default');
    await bridge.close();
  });

  it('answers the JSON API with stable fields and 404s', async () => {
    const { bridge, tunnels, tick: evaluate } = setup();
    tunnels.current = [reading(100, 200, 'mpls', 0.02, '10.0.0.1', '10.0.0.2')];
    evaluate();
    const list = listServices(bridge);
    expect(list.status).toBe(200);
    const body = list.body as { time: string; services: { name: string }[] };
    expect(body.time).toBe('2025-01-01T00:00:30.000Z');
    expect(body.services.map((entry) => entry.name)).toEqual(['catalog', 'ledger', 'payments']);
    expect(getService(bridge, 'shop/payments').body).toMatchObject({
      service: {
        namespace: 'shop',
        name: 'payments',
        intent: 'auto',
        slo: { maxLatencySeconds: 0.05, maxJitterSeconds: null, maxLossRatio: null, objective: 0.99 },
        color: 'biz-internet',
        assignment: { color: 'biz-internet', mode: 'auto', reason: 'initial', since: '2025-01-01T00:00:30.000Z' },
        compliance: { sli: null, verdict: 'no-pairs' },
        flows: 0,
        sitePairs: [],
      },
    });
    expect(getService(bridge, 'shop/nope')).toEqual({ status: 404, body: { error: 'no Service shop/nope', namespace: 'shop', name: 'nope' } });
    expect(getService(bridge, 'shop').status).toBe(404);
    expect(listTunnels(bridge).body).toMatchObject({
      source: { status: 'ok', lastError: null },
      tunnels: [{ name: '10.0.0.1:mpls-10.0.0.2:mpls', localSiteId: 100, state: 'up', latencySeconds: 0.02, sampleTime: '2025-01-01T00:00:00.000Z', stale: false }],
    });
    await bridge.close();
  });

  it('decides and pushes only while leading, and stops at once when leadership is lost', async () => {
    const leadership = new Leadership('pod-a_x', { elected: true });
    const pushes: { readonly assignments: readonly Assignment[]; readonly term: AbortSignal }[] = [];
    const { bridge, services, tick: evaluate } = setup({ leadership, push: (assignments, term) => void pushes.push({ assignments, term }) });
    // A follower decides nothing (not even on intent changes) and pushes nothing.
    services.set('shop/payments', service('payments', '10.96.0.20', { 'isthmus.io/tunnel': 'public-internet' }));
    evaluate();
    expect(bridge.assignments()).toEqual([]);
    expect(pushes).toHaveLength(0);
    expect(bridge.telemetry.leader()).toBe(false);
    expect(bridge.readiness().leadership?.()).toEqual({ ready: true, detail: 'follower (pod-a_x); no leader observed' });

    // Gaining leadership decides and pushes at once, with the term's signal.
    leadership.setLeading(true);
    expect(bridge.assignments().map((a) => `${a.service.name}:${a.color}`).sort()).toEqual(['ledger:mpls', 'payments:public-internet']);
    expect(pushes).toHaveLength(1);
    expect(pushes[0]?.assignments).toHaveLength(2);
    expect(pushes[0]?.term.aborted).toBe(false);
    expect(bridge.telemetry.leader()).toBe(true);
    evaluate();
    expect(pushes).toHaveLength(2);

    // Losing it aborts the term (a push in flight stops) and drops the assignments without events.
    const events = bridge.recentEvents().length;
    leadership.setLeading(false);
    leadership.observeLeader('pod-b_y');
    expect(pushes.every((push) => push.term.aborted)).toBe(true);
    expect(bridge.assignments()).toEqual([]);
    evaluate();
    services.set('shop/payments', service('payments', '10.96.0.20', { 'isthmus.io/tunnel': 'mpls' }));
    expect(pushes).toHaveLength(2);
    expect(bridge.assignments()).toEqual([]);
    expect(bridge.recentEvents()).toHaveLength(events);
    expect(bridge.readiness().leadership?.()).toEqual({ ready: true, detail: 'follower (pod-a_x); leader pod-b_y' });
    await bridge.close();
  });

  it('leads alone without leader election', async () => {
    const { bridge } = setup();
    expect(bridge.leadership.isLeader()).toBe(true);
    expect(bridge.telemetry.leader()).toBe(true);
    expect(bridge.readiness().leadership?.()).toEqual({ ready: true, detail: 'leader (standalone, leader election disabled)' });
    await bridge.close();
  });
});
