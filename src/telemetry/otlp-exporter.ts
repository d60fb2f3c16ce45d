import { credentials, Metadata } from '@grpc/grpc-js';
import { OTLPMetricExporter as GrpcMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPMetricExporter as JsonHttpMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtobufHttpMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';

export type OtlpProtocol = 'http' | 'grpc';
/** OTLP/HTTP carries protobuf (the configuration's `http`, OTLP's default) or JSON (handy for debugging). */
export type OtlpHttpEncoding = 'protobuf' | 'json';

export interface OtlpExporterOptions {
  /** `http://collector:4318` (http; `/v1/metrics` is added) or `http://collector:4317` (grpc). */
  readonly endpoint: string;
  readonly protocol: OtlpProtocol;
  readonly httpEncoding?: OtlpHttpEncoding;
  /** Resolved header values (API keys), sent with every export. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
  /**
   * PEM CA bundle that signs an `https` collector's certificate, in place of the system roots. Either way
   * the certificate is verified: there is no option to skip verification.
   */
  readonly ca?: Buffer;
}

const METRICS_PATH = '/v1/metrics';

/**
 * The URL an exporter posts to: gRPC takes the endpoint as is (scheme and authority; `http` means
 * plaintext, `https` TLS); OTLP/HTTP posts to `/v1/metrics` under the endpoint unless it already ends so.
 */
export function otlpMetricsUrl(endpoint: string, protocol: OtlpProtocol): string {
  if (protocol === 'grpc') return endpoint;
  const trimmed = endpoint.replace(/\/+$/, '');
  return trimmed.endsWith(METRICS_PATH) ? trimmed : `${trimmed}${METRICS_PATH}`;
}

function grpcMetadata(headers: Readonly<Record<string, string>>): Metadata {
  const metadata = new Metadata();
  // gRPC metadata keys are lower case (HTTP/2 header names).
  for (const [name, value] of Object.entries(headers)) metadata.set(name.toLowerCase(), value);
  return metadata;
}

/** An OTLP metric exporter for the configured transport. Temporality is cumulative (the exporters' default). */
export function createOtlpExporter(options: OtlpExporterOptions): PushMetricExporter {
  const url = otlpMetricsUrl(options.endpoint, options.protocol);
  const headers = options.headers ?? {};
  const timeoutMillis = options.timeoutMs ?? 10_000;
  const ca = options.ca;
  if (options.protocol === 'grpc') {
    // Without a CA the exporter picks plaintext for http:// and TLS with the system roots for https://.
    const tls = ca !== undefined && url.startsWith('https:') ? { credentials: credentials.createSsl(ca) } : {};
    return new GrpcMetricExporter({ url, metadata: grpcMetadata(headers), timeoutMillis, ...tls });
  }
  const httpOptions = { url, headers: { ...headers }, timeoutMillis, ...(ca === undefined ? {} : { httpAgentOptions: { ca, keepAlive: true } }) };
  return options.httpEncoding === 'json' ? new JsonHttpMetricExporter(httpOptions) : new ProtobufHttpMetricExporter(httpOptions);
}
