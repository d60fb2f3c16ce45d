/**
 * A Hubble server that sends a message past the gRPC receive limit (grpc-js' default, 4 MiB: the client
 * sets no other) or a frame that does not decode: the client neither crashes nor buffers the oversized
 * message; a bad frame is counted and skipped, the flows around it still arrive, and an oversized one
 * ends the stream with a HubbleError that says what happened.
 */
import { Server, ServerCredentials } from '@grpc/grpc-js';
import type { ServerWritableStream } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { parseFlowJson } from '../../src/hubble/flow-json.ts';
import { HubbleClient } from '../../src/hubble/hubble-client.ts';
import { isHubbleError } from '../../src/hubble/hubble-error.ts';
import type { HubbleEvent } from '../../src/hubble/hubble-event.ts';
import { OBSERVER_SERVICE } from '../../src/hubble/observer-service.ts';
import { readHubbleSamples } from '../hubble/hubble-samples.ts';
import { tag, varint } from '../hubble/wire.ts';

const GRPC_DEFAULT_MAX_RECEIVE = 4 * 1024 * 1024;
const samples = readHubbleSamples().filter((sample) => sample.envelope === 'observer.GetFlowsResponse');

function validFrame(index: number): Buffer {
  const sample = samples[index % samples.length];
  if (sample === undefined) throw new Error('no Hubble samples');
  return Buffer.from(parseFlowJson(sample.text));
}

/** A GetFlowsResponse whose flow carries a uuid of `size` bytes. */
function flowWithUuid(size: number): Buffer {
  const uuid = Buffer.alloc(size, 'u');
  const uuidField = Buffer.concat([Buffer.from([...tag(34, 2), ...varint(uuid.length)]), uuid]);
  return Buffer.concat([Buffer.from([...tag(1, 2), ...varint(uuidField.length)]), uuidField]);
}

let server: Server | undefined;
afterEach(() => {
  server?.forceShutdown();
  server = undefined;
});

/** An Observer that answers GetFlows with these frames, then ends the stream. */
async function serve(frames: readonly Buffer[]): Promise<string> {
  server = new Server({ 'grpc.max_send_message_length': -1 });
  server.addService(OBSERVER_SERVICE, {
    GetFlows: (call: ServerWritableStream<Buffer, Buffer>) => {
      for (const frame of frames) call.write(frame);
      call.end();
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server?.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => {
      if (error) reject(error);
      else resolve(bound);
    });
  });
  return `127.0.0.1:${String(port)}`;
}

async function read(address: string): Promise<{ events: HubbleEvent[]; error: unknown; client: HubbleClient }> {
  const client = new HubbleClient({ address, request: { number: 10n }, retryInitialConnect: false, statusIntervalMs: 0, connectTimeoutMs: 3000 });
  const events: HubbleEvent[] = [];
  let error: unknown;
  try {
    for await (const event of client.events()) events.push(event);
  } catch (caught) {
    error = caught;
  } finally {
    client.close();
  }
  return { events, error, client };
}

describe('Hubble client under hostile frames', () => {
  it('skips and counts a frame that does not decode; the flows around it arrive', async () => {
    const address = await serve([validFrame(0), Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f]), Buffer.from([0x0f]), validFrame(1)]);
    const { events, error, client } = await read(address);
    expect(error).toBeUndefined();
    expect(events.filter((event) => event.kind === 'flow')).toHaveLength(2);
    expect(client.health().decodeErrors).toBe(2);
  });

  it('decodes a large frame under the receive limit', async () => {
    const address = await serve([flowWithUuid(GRPC_DEFAULT_MAX_RECEIVE - 1024), validFrame(0)]);
    const { events, error } = await read(address);
    expect(error).toBeUndefined();
    expect(events.filter((event) => event.kind === 'flow')).toHaveLength(2);
  });

  it('refuses a frame past the receive limit with a clear HubbleError after the flows before it', async () => {
    const address = await serve([validFrame(0), flowWithUuid(GRPC_DEFAULT_MAX_RECEIVE + 1024), validFrame(1)]);
    const { events, error } = await read(address);
    expect(events.filter((event) => event.kind === 'flow')).toHaveLength(1);
    expect(isHubbleError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'ISTHMUS_E_HUBBLE_UNAVAILABLE' });
    expect(error instanceof Error ? error.message : '').toMatch(/Received message larger than max \(\d+ vs 4194304\)/);
  });
});
