import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server as GrpcServer, ServerCredentials } from '@grpc/grpc-js';
import type { ServiceDefinition, sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import { decodeOtlpJson, decodeOtlpProtobuf } from './otlp-decode.ts';
import type { ReceivedResourceMetrics } from './otlp-decode.ts';

export type OtlpTransport = 'grpc' | 'http/protobuf' | 'http/json';

/** One export request as the receiver got it. */
export interface ReceivedExport {
  readonly transport: OtlpTransport;
  /** Request headers (HTTP) or metadata (gRPC), lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly resourceMetrics: readonly ReceivedResourceMetrics[];
}

const EXPORT_PATH = '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export';

function identity(bytes: Buffer): Buffer {
  return bytes;
}

/** The collector's MetricsService with raw-bytes (de)serialisers: the receiver decodes with protobuf.js. */
const metricsService: ServiceDefinition = {
  Export: {
    path: EXPORT_PATH,
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  },
};

function flatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

/**
 * A test OTLP metrics receiver on 127.0.0.1: the gRPC MetricsService/Export, or OTLP/HTTP POST
 * /v1/metrics (protobuf or JSON). It decodes every request and keeps it for the test to inspect.
 */
export class OtlpReceiver {
  readonly received: ReceivedExport[];
  readonly endpoint: string;
  readonly #close: () => Promise<void>;

  private constructor(endpoint: string, received: ReceivedExport[], close: () => Promise<void>) {
    this.endpoint = endpoint;
    this.received = received;
    this.#close = close;
  }

  static async grpc(): Promise<OtlpReceiver> {
    const server = new GrpcServer();
    const port = await new Promise<number>((resolve, reject) => {
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => {
        if (error) reject(error);
        else resolve(bound);
      });
    });
    const receiver = new OtlpReceiver(`http://127.0.0.1:${port}`, [], () => new Promise((resolve) => {
      server.tryShutdown(() => {
        resolve();
      });
    }));
    server.addService(metricsService, {
      Export: (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(call.metadata.getMap())) headers[name] = value.toString();
        receiver.received.push({ transport: 'grpc', headers, resourceMetrics: decodeOtlpProtobuf(call.request) });
        // An empty ExportMetricsServiceResponse: full success.
        callback(null, Buffer.alloc(0));
      },
    });
    return receiver;
  }

  /** On `port` when given (a collector coming back where it was), else on any free port. */
  static async http(port = 0): Promise<OtlpReceiver> {
    const received: ReceivedExport[] = [];
    const server: HttpServer = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        if (request.method !== 'POST' || request.url !== '/v1/metrics') {
          response.writeHead(404).end();
          return;
        }
        const body = Buffer.concat(chunks);
        const json = (request.headers['content-type'] ?? '').startsWith('application/json');
        received.push({
          transport: json ? 'http/json' : 'http/protobuf',
          headers: flatHeaders(request.headers),
          resourceMetrics: json ? decodeOtlpJson(body.toString('utf8')) : decodeOtlpProtobuf(body),
        });
        if (json) response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        else response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    const bound = (server.address() as AddressInfo).port;
    return new OtlpReceiver(`http://127.0.0.1:${bound}`, received, () => new Promise((resolve) => {
      server.close(() => {
        resolve();
      });
      server.closeAllConnections();
    }));
  }

  /** The newest export, or an error naming what arrived. */
  latest(): ReceivedExport {
    const last = this.received.at(-1);
    if (last === undefined) throw new Error('the receiver got no export');
    return last;
  }

  close(): Promise<void> {
    return this.#close();
  }
}
