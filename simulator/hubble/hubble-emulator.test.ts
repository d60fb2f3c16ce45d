/**
 * GetFlows as the emulator serves it (number, first, since, until, follow, refusals) and its faults
 * (burst, stall, malformed frames, disconnect), over real gRPC through the bridge's own client. The
 * world runs on a manual clock: flows appear only when a test advances it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { HubbleClient } from '../../src/hubble/hubble-client.ts';
import type { HubbleClientOptions } from '../../src/hubble/hubble-client.ts';
import { isHubbleError } from '../../src/hubble/hubble-error.ts';
import type { HubbleEvent } from '../../src/hubble/hubble-event.ts';
import type { GetFlowsRequest } from '../../src/hubble/get-flows-request.ts';
import type { World } from '../world/world.ts';
import { startHubbleEmulator } from './hubble-emulator.ts';
import type { HubbleEmulator, HubbleEmulatorOptions } from './hubble-emulator.ts';
import { hubbleTestWorld } from './hubble-test-world.ts';

const HISTORY_MS = 20_000;
const NS_PER_MS = 1_000_000n;
const cleanup: (() => unknown)[] = [];

afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function emulate(options: Partial<HubbleEmulatorOptions> = {}): Promise<{ world: World; emulator: HubbleEmulator; now: number }> {
  const world = hubbleTestWorld();
  const emulator = await startHubbleEmulator({ prefillMs: HISTORY_MS, ...options, world });
  cleanup.push(() => emulator.close());
  return { world, emulator, now: world.clock.now() };
}

function client(emulator: HubbleEmulator, request: GetFlowsRequest, options: HubbleClientOptions = {}): HubbleClient {
  const created = new HubbleClient({ address: emulator.address, request, statusIntervalMs: 0, backoff: { baseMs: 10, maxMs: 40 }, retryInitialConnect: false, ...options });
  cleanup.push(() => {
    created.close();
  });
  return created;
}

async function drain(source: AsyncIterable<HubbleEvent>): Promise<HubbleEvent[]> {
  const events: HubbleEvent[] = [];
  for await (const event of source) events.push(event);
  return events;
}

function follow(emulator: HubbleEmulator, request: GetFlowsRequest): { readonly client: HubbleClient; readonly events: HubbleEvent[]; readonly done: Promise<unknown> } {
  const follower = client(emulator, request);
  const abort = new AbortController();
  cleanup.push(() => {
    abort.abort();
  });
  const events: HubbleEvent[] = [];
  const done = (async () => {
    for await (const event of follower.events(abort.signal)) events.push(event);
  })().catch((error: unknown) => error);
  return { client: follower, events, done };
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 8000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const settle = (ms = 50): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const uuids = (events: readonly HubbleEvent[]): string[] => events.flatMap((event) => (event.kind === 'flow' ? [event.flow.uuid] : []));
const ns = (ms: number): bigint => BigInt(ms) * NS_PER_MS;

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!isHubbleError(error)) throw new Error(`expected a HubbleError, got ${String(error)}`);
  return `${error.code}: ${error.message}`;
}

describe('Hubble emulator GetFlows', () => {
  it('holds the world\'s recent history in its rings, and adds flows only as simulated time advances', async () => {
    const { world, emulator, now } = await emulate();
    const history = [...world.flowsBetween(now - HISTORY_MS, now)];
    expect(emulator.observer.rings.reduce((sum, ring) => sum + ring.size, 0)).toBe(history.length);
    expect(emulator.observer.pumpedToMs).toBe(now);
    await settle(30);
    expect(emulator.observer.pumpedToMs).toBe(now);
    // Nobody is reading: time passes, nothing is generated until a call comes.
    await world.clock.advance(1000);
    expect(emulator.observer.pumpedToMs).toBe(now);
    const last = await drain(client(emulator, { number: 1n }).events());
    expect(emulator.observer.pumpedToMs).toBe(now + 1000);
    expect(uuids(last)).toEqual([...world.flowsBetween(now, now + 1000)].slice(-1).map((flow) => flow.uuid));
    // After a long idle spell, the rings hold the last minute, as a running Hubble's would.
    await world.clock.advance(10 * 60_000);
    await client(emulator, {}).serverStatus();
    const recent = [...world.flowsBetween(world.clock.now() - 60_000, world.clock.now())];
    expect(emulator.observer.rings.find((ring) => ring.name === 'worker-b')?.at((emulator.observer.rings[1]?.written ?? 0) - 1)).toMatchObject({
      flow: { uuid: recent.filter((flow) => flow.nodeName === 'worker-b').at(-1)?.uuid },
    });
  });

  it('answers `first` with the oldest flows, `number` alone with the newest, and 0 with none', async () => {
    const { world, emulator, now } = await emulate();
    const history = [...world.flowsBetween(now - HISTORY_MS, now)].map((flow) => flow.uuid);
    expect(uuids(await drain(client(emulator, { first: true, number: 5n }).events()))).toEqual(history.slice(0, 5));
    expect(uuids(await drain(client(emulator, { number: 7n }).events()))).toEqual(history.slice(-7));
    const none = await drain(client(emulator, {}).events());
    expect(none.map((event) => event.kind)).toEqual(['node_status']);
  });

  it('answers `since` and `until` with the flows between them (inclusive), and `number` caps them', async () => {
    const { world, emulator, now } = await emulate();
    const fromMs = now - 15_000;
    const toMs = now - 12_000;
    const truth = [...world.flowsBetween(fromMs, toMs + 1)].filter((flow) => flow.timeNs <= ns(toMs)).map((flow) => flow.uuid);
    expect(truth.length).toBeGreaterThan(100);
    expect(uuids(await drain(client(emulator, { sinceNs: ns(fromMs), untilNs: ns(toMs) }).events()))).toEqual(truth);
    expect(uuids(await drain(client(emulator, { sinceNs: ns(fromMs), number: 10n }).events()))).toEqual(truth.slice(0, 10));
  });

  it('follows from `since` through history into new flows, and ends a followed stream past `until`', async () => {
    const { world, emulator, now } = await emulate();
    const stream = follow(emulator, { follow: true, sinceNs: ns(now - 2000), untilNs: ns(now + 3000) });
    await waitFor(() => stream.events.length > 1, 'history');
    await world.clock.advance(2000);
    await settle();
    await world.clock.advance(2000);
    expect(await stream.done).toBeUndefined();
    const truth = [...world.flowsBetween(now - 2000, now + 3000)].map((flow) => flow.uuid);
    expect(uuids(stream.events)).toEqual(truth);
  });

  it('refuses what Hubble refuses, with its status codes', async () => {
    const { emulator } = await emulate();
    expect(await refusal(drain(client(emulator, { first: true, follow: true }).events()))).toMatch(/REJECTED: .*\(INVALID_ARGUMENT\): first cannot be specified with follow$/);
    expect(await refusal(drain(client(emulator, { number: 1n, fieldMask: ['source.id'] }).events()))).toMatch(/\(INVALID_ARGUMENT\): invalid field mask path "source.id": Endpoint has no field "id"$/);
    expect(await refusal(drain(client(emulator, { number: 1n, whitelist: [{ destination_ip: ['10.0.0.0/40'] }] }).events()))).toMatch(/\(INVALID_ARGUMENT\): "10.0.0.0\/40" is not an IP address or IPv4 CIDR$/);
    expect(await refusal(drain(client(emulator, { number: 1n, blacklist: [{ dns_query: ['.*'] }] }).events()))).toMatch(/\(UNIMPLEMENTED\): the Hubble emulator does not filter on dns_query$/);
  });
});

describe('Hubble emulator faults', () => {
  it('bursts extra flows; what exceeds the observer queue is reported as OBSERVER_EVENTS_QUEUE lost events', async () => {
    const { emulator } = await emulate({ eventsQueueSize: 100 });
    const stream = follow(emulator, { follow: true });
    await waitFor(() => stream.client.health().connected, 'the stream');
    expect(emulator.faults.burst(150, 'worker-a')).toEqual({ accepted: 100, lost: 50 });
    await waitFor(() => stream.events.some((event) => event.kind === 'lost_events'), 'the lost event');
    const burst = uuids(stream.events);
    expect(burst).toHaveLength(100);
    expect(new Set(burst).size).toBe(100);
    expect(burst.every((uuid) => uuid.startsWith('b0000000-'))).toBe(true);
    expect(stream.events.at(-1)).toMatchObject({ kind: 'lost_events', source: 'OBSERVER_EVENTS_QUEUE', numEventsLost: 50, nodeName: 'worker-a' });
    expect(emulator.observer.burstFlows).toBe(100);
    expect(() => emulator.faults.burst(1, 'nowhere')).toThrow(RangeError);
  });

  it('stalls every stream for simulated time while the rings fill; a small ring then costs lost events', async () => {
    const { world, emulator } = await emulate({ ringCapacity: 100 });
    const stream = follow(emulator, { follow: true });
    await waitFor(() => stream.client.health().connected, 'the stream');
    const fromMs = emulator.observer.pumpedToMs;
    emulator.faults.stall(5000);
    await world.clock.advance(3000);
    await settle();
    expect(uuids(stream.events)).toEqual([]);
    await world.clock.advance(3000);
    const truth = [...world.flowsBetween(fromMs, emulator.observer.pumpedToMs)];
    const lost = (): number => stream.events.reduce((sum, event) => sum + (event.kind === 'lost_events' ? event.numEventsLost : 0), 0);
    await waitFor(() => uuids(stream.events).length + lost() === truth.length, 'every flow delivered or reported lost');
    expect(lost()).toBeGreaterThan(0);
    expect(stream.events.flatMap((event) => (event.kind === 'lost_events' ? [event.source] : [])).every((source) => source === 'HUBBLE_RING_BUFFER')).toBe(true);
  });

  it('sends frames that do not decode before the next flows; the client counts and skips them, and the stream goes on', async () => {
    const { world, emulator } = await emulate();
    const stream = follow(emulator, { follow: true });
    await waitFor(() => stream.client.health().connected, 'the stream');
    const fromMs = emulator.observer.pumpedToMs;
    emulator.faults.sendMalformedFrames(3);
    await world.clock.advance(2000);
    const truth = [...world.flowsBetween(fromMs, emulator.observer.pumpedToMs)].map((flow) => flow.uuid);
    expect(truth.length).toBeGreaterThan(3);
    await waitFor(() => uuids(stream.events).length === truth.length, 'every flow after the malformed frames');
    expect(uuids(stream.events)).toEqual(truth);
    expect(stream.client.health()).toMatchObject({ decodeErrors: 3, connected: true, reconnects: 0 });
    expect(emulator.faults.takeMalformedFrame()).toBe(false);
  });

  it('sends a flow past the receive limit, and again on every resend; the client skips past it and the stream goes on', async () => {
    const { world, emulator } = await emulate();
    const stream = follow(emulator, { follow: true });
    await waitFor(() => stream.client.health().connected, 'the stream');
    // Flows first, so that the client has a point to resume from.
    const startMs = emulator.observer.pumpedToMs;
    await world.clock.advance(500);
    const before = [...world.flowsBetween(startMs, emulator.observer.pumpedToMs)].map((flow) => flow.uuid);
    await waitFor(() => uuids(stream.events).length === before.length, 'the flows before the fault');
    const fromMs = emulator.observer.pumpedToMs;
    emulator.faults.sendOversizedFlows(1);
    await world.clock.advance(2000);
    const truth = [...world.flowsBetween(fromMs, emulator.observer.pumpedToMs)].map((flow) => flow.uuid);
    expect(truth.length).toBeGreaterThan(3);
    const lastFlow = truth.at(-1);
    await waitFor(() => lastFlow !== undefined && uuids(stream.events).includes(lastFlow), 'the flows after the oversized one');
    // Without skipping ahead the client would receive the oversized flow again at every reconnection,
    // and never a flow after it. Skipping costs the oversized flow and those in the step skipped.
    const received = uuids(stream.events);
    const missing = truth.filter((uuid) => !received.includes(uuid));
    expect(missing.length).toBeGreaterThanOrEqual(1);
    expect(missing.length).toBeLessThan(truth.length / 2);
    expect(new Set(received).size).toBe(received.length);
    expect(stream.client.health().decodeErrors).toBeGreaterThanOrEqual(1);
    expect(stream.client.health().reconnects).toBeGreaterThanOrEqual(1);
  });

  it('drops every stream with UNAVAILABLE and refuses the next calls, ServerStatus included', async () => {
    const { emulator } = await emulate();
    const stream = follow(emulator, { follow: true });
    await waitFor(() => stream.client.health().connected, 'the stream');
    expect(emulator.activeStreams).toBe(1);
    expect(emulator.faults.disconnect({ refuseCalls: 1, details: 'relay restarting' })).toBe(1);
    await waitFor(() => stream.client.health().lastError !== undefined, 'the failure');
    expect(stream.client.health().lastError?.message).toMatch(/relay restarting/);
    await waitFor(() => emulator.activeStreams === 1 && stream.client.health().connected, 'the reconnection');
    emulator.faults.disconnect({ refuseCalls: 1 });
    const status = client(emulator, {});
    expect(await refusal(status.serverStatus())).toMatch(/UNAVAILABLE: .*refusing calls/);
    expect((await status.serverStatus()).nodesConnected).toBe(2);
  });
});
