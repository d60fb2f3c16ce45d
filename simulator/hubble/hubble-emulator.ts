import { Server, ServerCredentials, status } from '@grpc/grpc-js';
import type { sendUnaryData, ServerUnaryCall, ServerWritableStream } from '@grpc/grpc-js';
import { encodeHubble } from '../../src/hubble/hubble-codec.ts';
import type { JsonObject } from '../../src/hubble/hubble-codec.ts';
import type { HubbleMessageName } from '../../src/hubble/hubble-schema.ts';
import { OBSERVER_SERVICE } from '../../src/hubble/observer-service.ts';
import { silentLog } from '../../src/vmanage/log-port.ts';
import type { LogPort } from '../../src/vmanage/log-port.ts';
import { GetFlowsStream } from './get-flows-stream.ts';
import { HubbleFaults } from './hubble-faults.ts';
import { HubbleObserver } from './hubble-observer.ts';
import type { HubbleObserverOptions } from './hubble-observer.ts';

/** PEM material. `clientCa` turns on mTLS: clients must present a certificate it signed. */
export interface HubbleEmulatorTls {
  readonly key: string | Buffer;
  readonly cert: string | Buffer;
  readonly clientCa?: string | Buffer;
}

export interface HubbleEmulatorOptions extends HubbleObserverOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0: any free port. */
  readonly port?: number;
  /** Listen on this Unix socket instead of TCP, as a node's Hubble server does. */
  readonly socketPath?: string;
  readonly tls?: HubbleEmulatorTls;
  readonly logger?: LogPort;
}

export interface HubbleEmulator {
  /** What a client dials: `127.0.0.1:PORT`, or `unix:///path`. */
  readonly address: string;
  /** The TCP port; 0 on a Unix socket. */
  readonly port: number;
  readonly tls: boolean;
  readonly mtls: boolean;
  readonly observer: HubbleObserver;
  readonly faults: HubbleFaults;
  /** GetFlows streams being served. */
  readonly activeStreams: number;
  /** Stops feeding, drops every connection. Idempotent. */
  close(): Promise<void>;
}

/**
 * A Hubble Observer gRPC server over the simulated world, speaking the same protobuf as Cilium 1.19: GetFlows
 * (see GetFlowsStream), ServerStatus and GetNodes, as Hubble Relay answers them, over plaintext, TLS or
 * mTLS, on TCP or a Unix socket. Flows appear as the world's simulated clock advances; faults are
 * injected through `faults`.
 */
export async function startHubbleEmulator(options: HubbleEmulatorOptions): Promise<HubbleEmulator> {
  const log = options.logger ?? silentLog;
  const observer = new HubbleObserver(options);
  const streams = new Set<GetFlowsStream>();
  const faults = new HubbleFaults(observer, (details) => {
    const open = [...streams];
    for (const stream of open) stream.disconnect(details);
    log.info({ streams: open.length }, 'Hubble emulator: streams disconnected (fault)');
    return open.length;
  });
  const host = { observer, stalledUntilMs: () => faults.stalledUntilMs(), takeMalformedFrame: () => faults.takeMalformedFrame(), takeOversized: (uuid: string) => faults.takeOversized(uuid) };
  const tls = options.tls !== undefined;

  const server = new Server();
  server.addService(OBSERVER_SERVICE, {
    GetFlows: (call: ServerWritableStream<Buffer, Buffer>) => {
      observer.pump();
      if (faults.takeRefusal()) {
        call.emit('error', { code: status.UNAVAILABLE, details: 'the Hubble emulator is refusing calls (fault injected)' });
        return;
      }
      const prepared = GetFlowsStream.prepare(call, host);
      if (!prepared.ok) {
        log.debug({ code: prepared.code, details: prepared.details }, 'Hubble emulator: GetFlows refused');
        call.emit('error', { code: prepared.code, details: prepared.details });
        return;
      }
      const stream = prepared.stream;
      streams.add(stream);
      void stream.run().finally(() => streams.delete(stream));
    },
    ServerStatus: (_call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => {
      unary(callback, 'observer.ServerStatusResponse', () => observer.serverStatusJson());
    },
    GetNodes: (_call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => {
      unary(callback, 'observer.GetNodesResponse', () => observer.nodesJson(tls));
    },
  });

  function unary(callback: sendUnaryData<Buffer>, name: HubbleMessageName, answer: () => JsonObject): void {
    observer.pump();
    if (faults.takeRefusal()) {
      callback({ code: status.UNAVAILABLE, details: 'the Hubble emulator is refusing calls (fault injected)' });
      return;
    }
    const bytes = encodeHubble(name, answer());
    callback(null, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }

  const credentials = options.tls === undefined
    ? ServerCredentials.createInsecure()
    : ServerCredentials.createSsl(
        options.tls.clientCa === undefined ? null : Buffer.from(options.tls.clientCa),
        [{ private_key: Buffer.from(options.tls.key), cert_chain: Buffer.from(options.tls.cert) }],
        options.tls.clientCa !== undefined,
      );
  const target = options.socketPath === undefined ? `${options.host ?? '127.0.0.1'}:${options.port ?? 0}` : `unix://${options.socketPath}`;
  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) => {
      server.bindAsync(target, credentials, (error, bound) => {
        if (error === null) resolve(bound);
        else reject(error);
      });
    });
  } catch (error) {
    observer.close();
    server.forceShutdown();
    throw error;
  }
  const address = options.socketPath === undefined ? `${options.host ?? '127.0.0.1'}:${port}` : `unix://${options.socketPath}`;
  log.info({ address, tls, mtls: options.tls?.clientCa !== undefined }, 'Hubble emulator listening');

  let closed = false;
  return {
    address,
    port: options.socketPath === undefined ? port : 0,
    tls,
    mtls: options.tls?.clientCa !== undefined,
    observer,
    faults,
    get activeStreams() {
      return streams.size;
    },
    close: () => {
      if (!closed) {
        closed = true;
        observer.close();
        for (const stream of streams) stream.stop();
        server.forceShutdown();
      }
      return Promise.resolve();
    },
  };
}
