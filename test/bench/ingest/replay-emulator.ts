/**
 * The Hubble side of the ingest benchmark, run as a child process (`fork`) so that it has its own core
 * and its memory is not counted in the bridge's RSS. It builds the world, hands the parent the cluster's
 * Kubernetes objects, encodes the window's flows once as GetFlowsResponse frames, and then serves
 * `observer.Observer/GetFlows` over loopback by replaying those frames: HTTP/2 straight from node:http2,
 * with the gRPC framing (flag byte, 32-bit length) done once up front, so that serving costs a buffer
 * write per 64 KiB rather than a protobuf encoding per flow, and the bridge is the only side doing
 * per-message work.
 *
 * A call's `number` is how many frames it gets (cycling through the set); it then ends with status OK,
 * like a bounded GetFlows. Messages to the parent: `objects` (path of the NDJSON file), `ready` (port,
 * frame file). The parent ends it with `stop`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http2';
import type { ServerHttp2Stream } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { decodeGetFlowsRequest } from '../../../src/hubble/get-flows-request.ts';
import { OBSERVER_METHODS } from '../../../src/hubble/observer-service.ts';
import { frameBody, frameOffsets, splitBody } from './grpc-frames.ts';
import { createIngestWorld, encodeFlowFrames, FULL_SIZE, kubeObjectLines, QUICK_SIZE } from './ingest-world.ts';

/** What the child tells the parent. */
export type ReplayMessage =
  | { readonly type: 'objects'; readonly path: string }
  | { readonly type: 'ready'; readonly port: number; readonly framesPath: string; readonly frames: number; readonly bytes: number; readonly encodeMs: number };

/** Bytes handed to HTTP/2 per write. */
const CHUNK = 64 * 1024;

async function main(): Promise<void> {
  const [sizeName, directory] = process.argv.slice(2);
  if (directory === undefined || process.send === undefined) throw new Error('usage: fork(replay-emulator.ts, [quick|full|FRAMES-FILE, directory])');
  const send = (message: ReplayMessage): void => {
    process.send?.(message);
  };
  let body: Buffer;
  let offsets: Uint32Array;
  let framesPath: string;
  let encodeMs = 0;
  if (sizeName === 'quick' || sizeName === 'full') {
    const size = sizeName === 'quick' ? QUICK_SIZE : FULL_SIZE;
    const world = createIngestWorld(size);
    const objectsPath = join(directory, 'objects.ndjson');
    writeFileSync(objectsPath, kubeObjectLines(world));
    send({ type: 'objects', path: objectsPath });
    const started = performance.now();
    ({ body, offsets } = frameBody(encodeFlowFrames(world, size.windowMs)));
    encodeMs = performance.now() - started;
    world.world.close();
    framesPath = join(directory, 'frames.bin');
    writeFileSync(framesPath, body);
  } else {
    // A frame file from an earlier run (profiling the bridge side without rebuilding the world).
    framesPath = sizeName ?? '';
    body = readFileSync(framesPath);
    offsets = frameOffsets(body);
  }
  const frameCount = offsets.length - 1;

  const server = createServer();
  server.on('stream', (stream, headers) => {
    if (headers[':path'] !== OBSERVER_METHODS.getFlows) {
      stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '12', 'grpc-message': 'not replayed' }, { endStream: true });
      return;
    }
    const request: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => request.push(chunk));
    stream.on('end', () => {
      const message = splitBody(Buffer.concat(request))[0] ?? Buffer.alloc(0);
      const wanted = Number(decodeGetFlowsRequest(message).number ?? BigInt(frameCount));
      void replay(stream, body, offsets, wanted);
    });
  });
  server.on('sessionError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  send({ type: 'ready', port, framesPath, frames: frameCount, bytes: body.length, encodeMs });

  process.on('message', (message: unknown) => {
    if (message === 'stop') {
      server.close();
      process.exit(0);
    }
  });
  process.on('disconnect', () => process.exit(0));
}

/** Writes `count` frames (cycling through the set) in frame-aligned chunks, under HTTP/2 flow control. */
async function replay(stream: ServerHttp2Stream, body: Buffer, offsets: Uint32Array, count: number): Promise<void> {
  const frames = offsets.length - 1;
  stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
  stream.on('wantTrailers', () => {
    stream.sendTrailers({ 'grpc-status': '0' });
  });
  let sent = 0;
  let index = 0;
  while (sent < count && !stream.destroyed) {
    // As many whole frames as fit in a chunk (at least one), without passing the end of the set or of the count.
    const start = offsets[index] ?? 0;
    let next = index + 1;
    while (next < frames && next - index < count - sent && (offsets[next + 1] ?? 0) - start <= CHUNK) next++;
    const ok = stream.write(body.subarray(start, offsets[next] ?? start));
    sent += next - index;
    index = next === frames ? 0 : next;
    if (!ok) await drained(stream);
  }
  if (!stream.destroyed) stream.end();
}

/** Resolves on 'drain', or when the stream closes while waiting for it. */
function drained(stream: ServerHttp2Stream): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}

await main();
