/**
 * The Hubble client against the Hubble emulator over real gRPC on 127.0.0.1 (and a Unix socket): the
 * world's flows are the ground truth every delivery is checked against. The world runs on a manual
 * clock, so flows appear only when a test advances it; real time is only the network's.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHubbleEmulator } from '../../simulator/hubble/hubble-emulator.ts';
import type { HubbleEmulator, HubbleEmulatorOptions } from '../../simulator/hubble/hubble-emulator.ts';
import { hubbleTestWorld } from '../../simulator/hubble/hubble-test-world.ts';
import type { World } from '../../simulator/world/world.ts';
import { decodeHubble } from './hubble-codec.ts';
import { HubbleClient } from './hubble-client.ts';
import type { HubbleClientOptions, HubbleResponse } from './hubble-client.ts';
import { isHubbleError } from './hubble-error.ts';
import type { HubbleEvent } from './hubble-event.ts';

const FAST_BACKOFF = { baseMs: 10, maxMs: 40 };
/** History the emulator starts with: well within its rings (about 80 flows a second on the busier node). */
const HISTORY_MS = 20_000;
const open: { emulator?: HubbleEmulator; clients: HubbleClient[]; aborts: AbortController[] } = { clients: [], aborts: [] };

afterEach(async () => {
  for (const abort of open.aborts.splice(0)) abort.abort();
  for (const client of open.clients.splice(0)) client.close();
  await open.emulator?.close();
  open.emulator = undefined;
});

async function emulate(options: Partial<HubbleEmulatorOptions> = {}): Promise<{ world: World; emulator: HubbleEmulator }> {
  const world = options.world ?? hubbleTestWorld();
  const emulator = await startHubbleEmulator({ prefillMs: HISTORY_MS, ...options, world });
  open.emulator = emulator;
  return { world, emulator };
}

function client(emulator: HubbleEmulator | string, options: HubbleClientOptions = {}): HubbleClient {
  const created = new HubbleClient({
    address: typeof emulator === 'string' ? emulator : emulator.address,
    backoff: FAST_BACKOFF,
    statusIntervalMs: 0,
    connectTimeoutMs: 3000,
    ...options,
  });
  open.clients.push(created);
  return created;
}

function abortable(): AbortController {
  const controller = new AbortController();
  open.aborts.push(controller);
  return controller;
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 8000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Consumes events in the background into an array, until aborted. */
function consume(source: AsyncIterable<HubbleEvent>): { readonly events: HubbleEvent[]; readonly done: Promise<unknown> } {
  const events: HubbleEvent[] = [];
  const done = (async () => {
    for await (const event of source) events.push(event);
  })().catch((error: unknown) => error);
  return { events, done };
}

async function drain(source: AsyncIterable<HubbleEvent>): Promise<HubbleEvent[]> {
  const events: HubbleEvent[] = [];
  for await (const event of source) events.push(event);
  return events;
}

const uuids = (events: readonly HubbleEvent[]): string[] => events.flatMap((event) => (event.kind === 'flow' ? [event.flow.uuid] : []));

/** Advances simulated time in steps, giving the network a moment between them. */
async function advance(world: World, totalMs: number, stepMs = 500): Promise<void> {
  for (let done = 0; done < totalMs; done += stepMs) {
    await world.clock.advance(Math.min(stepMs, totalMs - done));
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

async function failureOf(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!isHubbleError(error)) throw new Error(`expected a HubbleError, got ${String(error)}`);
  return { code: error.code, message: error.message };
}

describe('HubbleClient following the emulator', () => {
  it('delivers every flow of the world as simulated time advances, in order, after Relay\'s node status', async () => {
    const { world, emulator } = await emulate();
    const follower = client(emulator);
    const abort = abortable();
    const { events, done } = consume(follower.events(abort.signal));
    await waitFor(() => follower.health().connected, 'the stream to be answered');
    const fromMs = emulator.observer.pumpedToMs;
    await advance(world, 10_000);
    const truth = [...world.flowsBetween(fromMs, emulator.observer.pumpedToMs)].map((flow) => flow.uuid);
    await waitFor(() => uuids(events).length >= truth.length, `${truth.length} flows`);
    expect(uuids(events)).toEqual(truth);
    expect(events[0]).toMatchObject({ kind: 'node_status', state: 'NODE_CONNECTED', nodeNames: ['worker-a', 'worker-b'] });
    const health = follower.health();
    expect(health).toMatchObject({ connected: true, reconnects: 0, flows: truth.length, duplicatesDropped: 0, lostEvents: {}, nodeStatus: { NODE_CONNECTED: 1 } });
    abort.abort();
    expect(await done).toBeUndefined();
    expect(follower.health().connected).toBe(false);
  });

  it('reconnects after the emulator drops every stream, resumes from the seam, and delivers no duplicate and no gap', async () => {
    const { world, emulator } = await emulate();
    const follower = client(emulator);
    const abort = abortable();
    const { events, done } = consume(follower.events(abort.signal));
    await waitFor(() => follower.health().connected, 'the stream to be answered');
    const fromMs = emulator.observer.pumpedToMs;
    await advance(world, 5000);
    await waitFor(() => uuids(events).length > 200, 'flows before the fault');
    // Relay goes away and refuses the next two calls; the world goes on meanwhile.
    expect(emulator.faults.disconnect({ refuseCalls: 2 })).toBe(1);
    await advance(world, 5000);
    await waitFor(() => follower.health().reconnects >= 3 && follower.health().connected, 'the stream to come back');
    await advance(world, 5000);
    const truth = [...world.flowsBetween(fromMs, emulator.observer.pumpedToMs)].map((flow) => flow.uuid);
    await waitFor(() => uuids(events).length >= truth.length, `${truth.length} flows`);
    expect(uuids(events)).toEqual(truth);
    const health = follower.health();
    expect(health.reconnects).toBe(3);
    expect(health.lastError).toMatchObject({ code: 'ISTHMUS_E_HUBBLE_UNAVAILABLE', message: expect.stringMatching(/fault injected/) as unknown });
    expect(health.consecutiveFailures).toBe(0);
    // The seam flow (and any others at its nanosecond) came twice, and was dropped.
    expect(health.duplicatesDropped).toBeGreaterThanOrEqual(1);
    abort.abort();
    await done;
  });

  it('counts the events a slow consumer lost to the ring buffer, exactly, and never queues more than its mark', async () => {
    const { world, emulator } = await emulate({ ringCapacity: 64, prefillMs: 0 });
    const follower = client(emulator, { highWaterMark: 8 });
    const abort = abortable();
    const iterator = follower.events(abort.signal)[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.value).toMatchObject({ kind: 'node_status' });
    const fromMs = emulator.observer.pumpedToMs;
    // The consumer stops reading; the world produces thousands of flows meanwhile.
    await advance(world, 30_000, 1000);
    const truth = [...world.flowsBetween(fromMs, emulator.observer.pumpedToMs)];
    expect(truth.length).toBeGreaterThan(2000);
    const received: HubbleEvent[] = [];
    let lost = 0;
    let delivered = 0;
    while (delivered + lost < truth.length) {
      const next = await iterator.next();
      if (next.done === true) break;
      received.push(next.value);
      if (next.value.kind === 'flow') delivered++;
      else if (next.value.kind === 'lost_events') lost += next.value.numEventsLost;
    }
    expect(delivered + lost).toBe(truth.length);
    expect(lost).toBeGreaterThan(truth.length / 2);
    const lostEvents = received.filter((event) => event.kind === 'lost_events');
    expect(lostEvents.every((event) => event.source === 'HUBBLE_RING_BUFFER')).toBe(true);
    // What did arrive is the world's, in order: a subsequence of the truth.
    const order = new Map(truth.map((flow, index) => [flow.uuid, index]));
    const positions = uuids(received).map((uuid) => order.get(uuid) ?? -1);
    expect(positions.every((position, index) => position >= 0 && (index === 0 || position > (positions[index - 1] ?? -1)))).toBe(true);
    expect(follower.health().lostEvents).toEqual({ HUBBLE_RING_BUFFER: lost });
    abort.abort();
    await iterator.return(undefined);
    expect(follower.counters.pauses).toBeGreaterThan(0);
    expect(follower.counters.maxQueued).toBeLessThanOrEqual(8);
  });

  it('logs and counts node status: a node Relay loses, and regains', async () => {
    const { world, emulator } = await emulate();
    const logged: string[] = [];
    const note = (_fields: object, message?: string): void => {
      logged.push(message ?? '');
    };
    const follower = client(emulator, { logger: { info: note, warn: note, debug: () => undefined } });
    const abort = abortable();
    const { events, done } = consume(follower.events(abort.signal));
    await waitFor(() => follower.health().connected, 'the stream to be answered');
    emulator.faults.setNodeAvailable('worker-b', false);
    await advance(world, 1000);
    emulator.faults.setNodeAvailable('worker-b', true);
    await advance(world, 1000);
    await waitFor(() => events.filter((event) => event.kind === 'node_status').length === 3, 'three node status items');
    expect(events.flatMap((event) => (event.kind === 'node_status' ? [`${event.state} ${event.nodeNames.join(',')}`] : []))).toEqual([
      'NODE_CONNECTED worker-a,worker-b',
      'NODE_UNAVAILABLE worker-b',
      'NODE_CONNECTED worker-b',
    ]);
    expect(follower.health().nodeStatus).toEqual({ NODE_CONNECTED: 2, NODE_UNAVAILABLE: 1 });
    expect(logged).toEqual(expect.arrayContaining(['Hubble nodes NODE_UNAVAILABLE: worker-b', 'Hubble nodes connected: worker-b']));
    abort.abort();
    await done;
  });
});

describe('HubbleClient requests', () => {
  it('asks by default only for the fields the bridge decodes (field_mask), which decode to the world\'s flows', async () => {
    const { world, emulator } = await emulate();
    const follower = new HubbleClient({ address: emulator.address, statusIntervalMs: 0 });
    open.clients.push(follower);
    const abort = abortable();
    const responses: HubbleResponse[] = [];
    const done = (async () => {
      for await (const response of follower.responses(abort.signal)) responses.push(response);
    })();
    await waitFor(() => follower.health().connected, 'the stream to be answered');
    const fromMs = emulator.observer.pumpedToMs;
    await advance(world, 3000);
    const truth = [...world.flowsBetween(fromMs, emulator.observer.pumpedToMs)];
    await waitFor(() => responses.filter((response) => response.event.kind === 'flow').length >= truth.length, `${truth.length} flows`);
    abort.abort();
    await done;
    const flows = responses.flatMap((response) => (response.event.kind === 'flow' ? [{ flow: response.event.flow, bytes: response.bytes }] : []));
    expect(flows.map(({ flow }) => flow.uuid)).toEqual(truth.map((flow) => flow.uuid));
    for (const [index, { flow, bytes }] of flows.entries()) {
      const json = decodeHubble('observer.GetFlowsResponse', bytes);
      for (const absent of ['ethernet', 'Summary', 'event_type', 'emitter', 'node_labels', 'trace_observation_point']) expect(json.flow).not.toHaveProperty(absent);
      const expected = truth[index];
      if (expected === undefined) throw new Error('no such flow');
      expect(flow).toMatchObject({ timeNs: expected.timeNs, verdict: expected.verdict, dropReason: expected.dropReason, nodeName: expected.nodeName, type: expected.type, protocol: expected.protocol, trafficDirection: expected.trafficDirection, isReply: expected.isReply });
      if (expected.destination.podName !== '') expect([flow.source, flow.destination]).toEqual([expected.source, expected.destination]);
    }
  });

  it('leaves every unrequested field out of the bytes', async () => {
    const { emulator } = await emulate();
    const responses: HubbleResponse[] = [];
    for await (const response of client(emulator, { request: { number: 200n, fieldMask: ['time', 'uuid', 'verdict', 'source.pod_name'] } }).responses()) responses.push(response);
    const flows = responses.filter((response) => response.event.kind === 'flow');
    expect(flows).toHaveLength(200);
    for (const { bytes } of flows) {
      const flow = decodeHubble('observer.GetFlowsResponse', bytes).flow as Record<string, unknown>;
      expect(Object.keys(flow).sort()).toEqual(['source', 'time', 'uuid', 'verdict']);
      expect(flow.source).toEqual({ pod_name: expect.any(String) as unknown });
    }
  });

  it('sends allow and deny filters, which the server applies', async () => {
    const { world, emulator } = await emulate();
    const now = world.clock.now();
    const history = [...world.flowsBetween(now - HISTORY_MS, now)];
    const request = {
      number: 100_000n,
      whitelist: [{ verdict: ['DROPPED' as const] }, { destination_port: ['53'] }],
      blacklist: [{ drop_reason_desc: ['SERVICE_BACKEND_NOT_FOUND'] }],
    };
    const events = await drain(client(emulator, { request }).events());
    const expected = history.filter((flow) => (flow.verdict === 'DROPPED' || flow.destination.port === 53) && flow.dropReason !== 'SERVICE_BACKEND_NOT_FOUND');
    expect(uuids(events)).toEqual(expected.map((flow) => flow.uuid));
    expect(expected.some((flow) => flow.dropReason === 'POLICY_DENIED')).toBe(true);
    const onB = await drain(client(emulator, { request: { number: 100_000n, whitelist: [{ node_name: ['worker-b'] }] } }).events());
    expect(uuids(onB)).toEqual(history.filter((flow) => flow.nodeName === 'worker-b').map((flow) => flow.uuid));
  });

  it('stops, with a terminal error, when the server refuses the request, even when following', async () => {
    const { emulator } = await emulate();
    const follower = client(emulator, { request: { follow: true, whitelist: [{ source_fqdn: ['*.example.com'] }] } });
    expect(await failureOf(drain(follower.events()))).toEqual({
      code: 'ISTHMUS_E_HUBBLE_REJECTED',
      message: `Hubble at ${emulator.address} refused the request (UNIMPLEMENTED): the Hubble emulator does not filter on source_fqdn`,
    });
    expect(follower.health().reconnects).toBe(0);
  });

  it('reads a bounded request to its end: the newest N, and ends', async () => {
    const { world, emulator } = await emulate();
    const events = await drain(client(emulator, { request: { number: 20n } }).events());
    const now = world.clock.now();
    const truth = [...world.flowsBetween(now - HISTORY_MS, now)].slice(-20).map((flow) => flow.uuid);
    expect(uuids(events)).toEqual(truth);
  });

  it('reaches a node\'s Unix socket', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'isthmus-hubble-sock-'));
    try {
      const { emulator } = await emulate({ socketPath: join(dir, 'hubble.sock') });
      expect(emulator.address).toBe(`unix://${dir}/hubble.sock`);
      expect(uuids(await drain(client(emulator, { request: { number: 5n } }).events()))).toHaveLength(5);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('HubbleClient status', () => {
  it('reads ServerStatus and GetNodes into health(), polled while streaming', async () => {
    const { world, emulator } = await emulate({ ringCapacity: 1023 });
    const follower = client(emulator, { statusIntervalMs: 20 });
    const abort = abortable();
    const { done } = consume(follower.events(abort.signal));
    await waitFor(() => follower.health().server !== undefined, 'a status answer');
    const now = world.clock.now();
    const history = [...world.flowsBetween(now - HISTORY_MS, now)];
    const perNode = (name: string): number => history.filter((flow) => flow.nodeName === name).length;
    // worker-a saw more than its ring holds: the oldest were overwritten.
    expect(perNode('worker-a')).toBeGreaterThan(1023);
    const held = 1023 + perNode('worker-b');
    expect(follower.health().server).toMatchObject({
      version: '1.19.4',
      numFlows: held,
      maxFlows: 2046,
      seenFlows: history.length,
      nodesConnected: 2,
      nodesUnavailable: 0,
      unavailableNodes: [],
      nodes: [
        { name: 'worker-a', state: 'NODE_CONNECTED', address: '172.18.0.2:4244', numFlows: 1023, maxFlows: 1023, seenFlows: perNode('worker-a') },
        { name: 'worker-b', state: 'NODE_CONNECTED', address: '172.18.0.3:4244', numFlows: perNode('worker-b'), maxFlows: 1023 },
      ],
    });
    expect(follower.health().server?.flowsRate).toBeCloseTo(history.length / (HISTORY_MS / 1000), 5);
    emulator.faults.setNodeAvailable('worker-b', false);
    const status = await follower.serverStatus();
    expect(status).toMatchObject({ nodesConnected: 1, nodesUnavailable: 1, unavailableNodes: ['worker-b'] });
    expect(status.nodes.map((node) => node.state)).toEqual(['NODE_CONNECTED', 'NODE_UNAVAILABLE']);
    abort.abort();
    await done;
  });
});

describe('HubbleClient failures', () => {
  it('reports a refused connection in one line, at once, when asked not to retry', async () => {
    const started = Date.now();
    const failure = await failureOf(drain(client('127.0.0.1:1', { retryInitialConnect: false }).events()));
    expect(failure).toEqual({ code: 'ISTHMUS_E_HUBBLE_UNAVAILABLE', message: 'cannot connect to Hubble at 127.0.0.1:1: connection refused' });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('keeps retrying a Hubble that is not there yet (a bridge waits), and stops quietly on abort', async () => {
    const waiting = client('127.0.0.1:1');
    const abort = abortable();
    const { done } = consume(waiting.events(abort.signal));
    await waitFor(() => waiting.health().reconnects >= 3, 'three reconnects');
    expect(waiting.health()).toMatchObject({ connected: false, lastError: { code: 'ISTHMUS_E_HUBBLE_UNAVAILABLE' } });
    expect(waiting.health().consecutiveFailures).toBeGreaterThanOrEqual(3);
    abort.abort();
    expect(await done).toBeUndefined();
  });

  it('waits out an exponential backoff through the injected sleep, with the injected jitter and clock', async () => {
    const delays: number[] = [];
    const abort = abortable();
    const waiting = client('127.0.0.1:1', {
      backoff: { baseMs: 100, maxMs: 400 },
      random: () => 0.5,
      clock: { now: () => 42 },
      sleep: (ms) => {
        delays.push(ms);
        if (delays.length === 5) abort.abort();
        return Promise.resolve();
      },
    });
    await drain(waiting.events(abort.signal));
    // Equal jitter: half of each step fixed, half random (here half of that half).
    expect(delays).toEqual([75, 150, 300, 300, 300]);
    expect(waiting.health()).toMatchObject({ reconnects: 4, consecutiveFailures: 5, lastError: { at: 42 } });
  });

  it('refuses an address it cannot use before connecting', () => {
    expect(() => new HubbleClient({ address: 'https://relay:443' })).toThrow(/not a URL/);
  });
});


interface Pki {
  readonly dir: string;
  readonly ca: Buffer;
  readonly server: { readonly key: Buffer; readonly cert: Buffer };
  readonly client: { readonly key: Buffer; readonly cert: Buffer };
  readonly otherCa: Buffer;
}

/** A throwaway CA, a server certificate for 127.0.0.1 and relay.hubble.test, a client certificate, and an unrelated CA. */
function makePki(): Pki {
  const dir = mkdtempSync(join(tmpdir(), 'isthmus-hubble-tls-'));
  const run = (args: readonly string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  };
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const ca = (name: string): void => {
    run(['req', '-x509', ...ec, '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '1', '-subj', `/CN=${name}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  };
  ca('ca');
  ca('other-ca');
  const leaf = (name: string, extensions: string): { key: Buffer; cert: Buffer } => {
    writeFileSync(join(dir, `${name}.ext`), `${extensions}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\n`);
    run(['req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`]);
    run(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '1', '-extfile', `${name}.ext`]);
    return { key: readFileSync(join(dir, `${name}.key`)), cert: readFileSync(join(dir, `${name}.pem`)) };
  };
  return {
    dir,
    ca: readFileSync(join(dir, 'ca.pem')),
    otherCa: readFileSync(join(dir, 'other-ca.pem')),
    server: leaf('server', 'subjectAltName=IP:127.0.0.1,DNS:relay.hubble.test\nextendedKeyUsage=serverAuth'),
    client: leaf('client', 'extendedKeyUsage=clientAuth'),
  };
}


describe('HubbleClient over TLS and mTLS', () => {
  let pki: Pki;
  beforeAll(() => {
    pki = makePki();
  });
  afterAll(() => {
    rmSync(pki.dir, { recursive: true, force: true });
  });

  const once = (emulator: HubbleEmulator, options: HubbleClientOptions): Promise<HubbleEvent[]> =>
    drain(client(emulator, { request: { number: 3n }, retryInitialConnect: false, ...options }).events());

  it('talks TLS with the CA that signed the server, checks the name, and says why it cannot otherwise', async () => {
    const { emulator } = await emulate({ tls: pki.server });
    expect(emulator.tls).toBe(true);
    expect(uuids(await once(emulator, { tls: { ca: pki.ca } }))).toHaveLength(3);
    expect(uuids(await once(emulator, { tls: { ca: pki.ca, serverName: 'relay.hubble.test' } }))).toHaveLength(3);
    expect(await failureOf(once(emulator, { tls: { ca: pki.otherCa } }))).toMatchObject({ code: 'ISTHMUS_E_HUBBLE_TLS', message: expect.stringMatching(/^TLS with 127\.0\.0\.1:\d+ failed: .*certificate/) as unknown });
    expect(await failureOf(once(emulator, { tls: { ca: pki.ca, serverName: 'elsewhere.test' } }))).toMatchObject({ code: 'ISTHMUS_E_HUBBLE_TLS', message: expect.stringMatching(/altnames/) as unknown });
    expect(await failureOf(once(emulator, {}))).toMatchObject({ code: 'ISTHMUS_E_HUBBLE_UNAVAILABLE', message: expect.stringMatching(/expect TLS/) as unknown });
  });

  it('presents a client certificate to a server that requires one (mTLS)', async () => {
    const { emulator } = await emulate({ tls: { ...pki.server, clientCa: pki.ca } });
    expect(emulator.mtls).toBe(true);
    expect(uuids(await once(emulator, { tls: { ca: pki.ca, cert: pki.client.cert, key: pki.client.key } }))).toHaveLength(3);
    expect(await failureOf(once(emulator, { tls: { ca: pki.ca } }))).toMatchObject({ code: 'ISTHMUS_E_HUBBLE_TLS', message: expect.stringMatching(/certificate required/) as unknown });
  });

  it('says TLS is the problem when it meets a plaintext server', async () => {
    const { emulator } = await emulate();
    expect(await failureOf(once(emulator, { tls: { ca: pki.ca } }))).toMatchObject({ code: 'ISTHMUS_E_HUBBLE_TLS', message: expect.stringMatching(/wrong version number/) as unknown });
  });
});
