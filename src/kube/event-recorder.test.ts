import { afterEach, describe, expect, it } from 'vitest';
import { KubeConfig } from '@kubernetes/client-node';
import { startKubeEmulator } from '../../simulator/kube/kube-emulator.ts';
import type { KubeEmulator } from '../../simulator/kube/kube-emulator.ts';
import type { StoredObject } from '../../simulator/kube/kube-object.ts';
import { serviceObject } from '../../simulator/kube/kube-fixtures.ts';
import type { Clock } from '../domain/clock.ts';
import type { Problem } from '../domain/problem.ts';
import { parseServiceAnnotations } from '../domain/slo-annotations.ts';
import { EventRecorder, MAX_EVENT_MESSAGE_LENGTH, namespaceReference, serviceReference } from './event-recorder.ts';
import type { EventRecorderEvent, EventRecorderOptions } from './event-recorder.ts';
import { createEventSink } from './event-sink.ts';
import type { InvolvedObject } from './event-sink.ts';
import { KUBE_ERROR_CODES } from './kube-error.ts';
import { toService } from './to-service.ts';

const START = Date.parse('2025-01-01T00:00:00Z');
const FIVE_MINUTES = 300_000;

let emulator: KubeEmulator | undefined;

afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

interface Harness {
  readonly server: KubeEmulator;
  readonly recorder: EventRecorder;
  readonly clock: Clock & { advance(ms: number): void };
  readonly reports: EventRecorderEvent[];
}

async function harness(options: Partial<EventRecorderOptions> = {}): Promise<Harness> {
  const server = await startKubeEmulator({ token: 'events' });
  emulator = server;
  const config = new KubeConfig();
  config.loadFromString(server.kubeconfig());
  let now = START;
  const clock = {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
  const reports: EventRecorderEvent[] = [];
  const recorder = new EventRecorder({ sink: createEventSink(config), clock, reportingInstance: 'isthmus-7d9f-abcde', onEvent: (event) => reports.push(event), ...options });
  return { server, recorder, clock, reports };
}

/** A Service as the informer hands it over: converted from the stored object, uid and resourceVersion included. */
function cart(server: KubeEmulator, annotations: Record<string, string>): InvolvedObject {
  const stored = server.store.apply(serviceObject({ namespace: 'shop', name: 'cart', clusterIps: ['10.96.0.10'], annotations }));
  const service = toService(stored);
  if (service === undefined) throw new Error('unreachable');
  return serviceReference(service);
}

function problems(annotations: Record<string, string>): readonly Problem[] {
  return parseServiceAnnotations(annotations).problems;
}

function byReason(server: KubeEmulator, reason: string): StoredObject[] {
  return server.events().filter((event) => event.reason === reason);
}

describe('EventRecorder against the API emulator, with @kubernetes/client-node', () => {
  it('writes a core/v1 Event per problem, shaped as client-go writes them', async () => {
    const { server, recorder } = await harness();
    const annotations = { 'isthmus.io/max-latency': '50 ms', 'isthmus.io/max-latncy': '50ms' };
    const service = cart(server, annotations);
    recorder.recordProblems(service, problems(annotations));
    await recorder.flush();
    const events = server.events('shop');
    expect(events.map((event) => event.reason).sort()).toEqual(['InvalidSLO', 'UnknownKey']);
    const stored = server.store.get('Service', 'shop', 'cart');
    const invalid = byReason(server, 'InvalidSLO')[0];
    expect(invalid).toMatchObject({
      metadata: { namespace: 'shop' },
      involvedObject: { kind: 'Service', apiVersion: 'v1', namespace: 'shop', name: 'cart', uid: stored?.metadata.uid, resourceVersion: stored?.metadata.resourceVersion },
      type: 'Warning',
      reason: 'InvalidSLO',
      source: { component: 'isthmus' },
      reportingComponent: 'isthmus.io/bridge',
      reportingInstance: 'isthmus-7d9f-abcde',
      firstTimestamp: '2025-01-01T00:00:00.000Z',
      lastTimestamp: '2025-01-01T00:00:00.000Z',
      count: 1,
    });
    expect(invalid?.message).toContain('isthmus.io/max-latency: "50 ms"');
    expect(invalid?.metadata.name).toMatch(/^cart\.[0-9a-f]+$/);
    expect(new Set(events.map((event) => event.metadata.name)).size).toBe(2);
    expect(recorder.stats).toEqual({ created: 2, patched: 0, dropped: 0, failed: 0 });
  });

  it('deduplicates: the same problem twice is one Event with count 2 and a later lastTimestamp', async () => {
    const { server, recorder, clock, reports } = await harness();
    const annotations = { 'isthmus.io/max-loss': '150%' };
    recorder.recordProblems(cart(server, annotations), problems(annotations));
    clock.advance(61_000);
    // An edit elsewhere on the Service (a new resourceVersion) that keeps the bad value: still the same Event.
    const edited = { ...annotations, 'isthmus.io/objective': '99.5%' };
    recorder.recordProblems(cart(server, edited), problems(edited).filter((problem) => problem.key === 'isthmus.io/max-loss'));
    await recorder.flush();
    const events = byReason(server, 'InvalidSLO');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ count: 2, firstTimestamp: '2025-01-01T00:00:00.000Z', lastTimestamp: '2025-01-01T00:01:01Z' });
    expect(reports.map((report) => report.type)).toEqual(['created', 'patched']);
    const patches = server.requests.filter((request) => request.verb === 'patch' && request.resource === 'events');
    expect(patches).toHaveLength(1);
    // A different message about the same key is a different Event.
    const other = { 'isthmus.io/max-loss': '200%' };
    recorder.recordProblems(cart(server, other), problems(other));
    await recorder.flush();
    expect(byReason(server, 'InvalidSLO')).toHaveLength(2);
  });

  it('rate-limits per object: a burst of 25, then one more every 5 minutes, on the injected clock', async () => {
    const { server, recorder, clock, reports } = await harness();
    const service = cart(server, {});
    const other: InvolvedObject = { ...service, name: 'ledger', uid: 'other-uid' };
    for (let i = 0; i < 30; i++) recorder.record(service, 'Warning', 'InvalidSLO', `problem ${String(i)}`);
    recorder.record(other, 'Warning', 'InvalidSLO', 'another object has its own bucket');
    await recorder.flush();
    expect(server.events('shop').filter((event) => event.involvedObject !== undefined && (event.involvedObject as { name: string }).name === 'cart')).toHaveLength(25);
    expect(recorder.stats).toMatchObject({ created: 26, dropped: 5 });
    expect(reports.find((report) => report.type === 'dropped')).toMatchObject({ object: 'Service shop/cart', why: 'rate-limited' });

    clock.advance(FIVE_MINUTES - 1000);
    recorder.record(service, 'Warning', 'InvalidSLO', 'still too early');
    clock.advance(1000);
    recorder.record(service, 'Warning', 'InvalidSLO', 'one token refilled');
    recorder.record(service, 'Warning', 'InvalidSLO', 'and no more');
    await recorder.flush();
    const messages = server.events('shop').map((event) => event.message);
    expect(messages).toContain('one token refilled');
    expect(messages).not.toContain('still too early');
    expect(messages).not.toContain('and no more');
    expect(recorder.stats).toMatchObject({ created: 27, dropped: 7 });
  });

  it('counts occurrences dropped by the rate limit in the next patch, as client-go does', async () => {
    const { server, recorder, clock } = await harness({ burst: 1 });
    const service = cart(server, {});
    recorder.record(service, 'Warning', 'InvalidSLO', 'same');
    recorder.record(service, 'Warning', 'InvalidSLO', 'same');
    recorder.record(service, 'Warning', 'InvalidSLO', 'same');
    clock.advance(FIVE_MINUTES);
    recorder.record(service, 'Warning', 'InvalidSLO', 'same');
    await recorder.flush();
    expect(server.events('shop')).toHaveLength(1);
    expect(server.events('shop')[0]).toMatchObject({ count: 4, lastTimestamp: '2025-01-01T00:05:00Z' });
  });

  it('logs and counts write failures without throwing, and recreates an Event that is gone', async () => {
    const warnings: string[] = [];
    const log = { warn: (_: object, message?: string) => warnings.push(message ?? ''), info: () => undefined, debug: () => undefined };
    const { server, recorder, reports } = await harness({ log });
    const service = cart(server, {});
    server.faults.failNext(1, 500, { match: { verb: 'create', resource: 'events' } });
    recorder.record(service, 'Warning', 'ConflictingKeys', 'pin and tunnels');
    await recorder.flush();
    expect(server.events('shop')).toHaveLength(0);
    expect(recorder.stats).toMatchObject({ created: 0, failed: 1 });
    expect(reports[0]).toMatchObject({ type: 'failed', operation: 'create', reason: 'ConflictingKeys', error: { code: KUBE_ERROR_CODES.unavailable } });
    expect(warnings[0]).toMatch(/could not create an Event/);
    // The next occurrence patches an Event that was never created: 404, so it is created, with its count.
    recorder.record(service, 'Warning', 'ConflictingKeys', 'pin and tunnels');
    await recorder.flush();
    expect(server.events('shop')).toHaveLength(1);
    expect(server.events('shop')[0]).toMatchObject({ count: 2 });
    // Deleted meanwhile (Events expire after an hour on a real cluster): recreated under the same name.
    const name = server.events('shop')[0]?.metadata.name ?? '';
    server.store.delete('Event', 'shop', name);
    recorder.record(service, 'Warning', 'ConflictingKeys', 'pin and tunnels');
    await recorder.flush();
    expect(server.events('shop')).toMatchObject([{ metadata: { name }, count: 3 }]);
    // A patch that fails otherwise is counted too.
    server.faults.failNext(1, 503, { match: { verb: 'patch', resource: 'events' } });
    recorder.record(service, 'Warning', 'ConflictingKeys', 'pin and tunnels');
    await recorder.flush();
    expect(recorder.stats).toMatchObject({ created: 2, patched: 0, failed: 2 });
  });

  it('puts Events about a Namespace in default, and keeps messages bounded', async () => {
    const { server, recorder } = await harness();
    recorder.record(namespaceReference({ name: 'analytics', labels: {}, annotations: {}, uid: 'ns-uid' }), 'Warning', 'TunnelNotAllowed', 'x'.repeat(5000));
    await recorder.flush();
    const [event] = server.events('default');
    expect(event).toMatchObject({ involvedObject: { kind: 'Namespace', name: 'analytics', uid: 'ns-uid' }, reason: 'TunnelNotAllowed' });
    expect(event?.involvedObject).not.toHaveProperty('namespace');
    expect(event?.metadata.name).toMatch(/^analytics\./);
    expect(String(event?.message).length).toBe(MAX_EVENT_MESSAGE_LENGTH);
  });

  it('drops Events beyond the queue bound instead of buffering without limit', async () => {
    const { server, recorder, reports } = await harness({ maxQueued: 2, burst: 100 });
    const service = cart(server, {});
    for (let i = 0; i < 5; i++) recorder.record(service, 'Normal', 'Synced', `sync ${String(i)}`);
    await recorder.flush();
    expect(server.events('shop')).toHaveLength(2);
    expect(reports.filter((report) => report.type === 'dropped' && report.why === 'queue-full')).toHaveLength(3);
  });
});
