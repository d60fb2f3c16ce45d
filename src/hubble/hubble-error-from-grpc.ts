import { status } from '@grpc/grpc-js';
import { HUBBLE_ERROR_CODES, HubbleError } from './hubble-error.ts';

const TLS_WORDS = /SSL routines|certificate|ERR_TLS|altnames|alert|handshake|wrong version number|self[- ]signed|unable to verify|UNABLE_TO_|CERT_/i;

/** Codes that mean the request itself was refused: the same request would fail again. */
const REJECTED = new Set<number>([
  status.INVALID_ARGUMENT,
  status.NOT_FOUND,
  status.PERMISSION_DENIED,
  status.FAILED_PRECONDITION,
  status.OUT_OF_RANGE,
  status.UNIMPLEMENTED,
  status.UNAUTHENTICATED,
]);

/**
 * A gRPC failure talking to Hubble → a HubbleError whose message is one line a person can act on:
 * connection refused, no such socket, name not resolved, TLS handshake failures (with OpenSSL's reason),
 * or what the server said when it refused the request. `unavailable` and `tls` are retryable.
 */
export function hubbleErrorFromGrpc(error: unknown, target: string): HubbleError {
  if (error instanceof HubbleError) return error;
  const code = grpcCode(error);
  const details = grpcDetails(error);
  if (code !== undefined && REJECTED.has(code)) {
    return new HubbleError(HUBBLE_ERROR_CODES.rejected, `Hubble at ${target} refused the request (${status[code] ?? code}): ${details}`, error);
  }
  if (code === status.DEADLINE_EXCEEDED) {
    return new HubbleError(HUBBLE_ERROR_CODES.unavailable, `Hubble at ${target} did not answer in time`, error, true);
  }
  const cause = lastError(details);
  if (TLS_WORDS.test(cause)) return new HubbleError(HUBBLE_ERROR_CODES.tls, `TLS with ${target} failed: ${tlsReason(cause)}`, error, true);
  return new HubbleError(HUBBLE_ERROR_CODES.unavailable, unavailableMessage(target, cause), error, true);
}

function unavailableMessage(target: string, cause: string): string {
  if (cause.includes('ECONNREFUSED')) return `cannot connect to Hubble at ${target}: connection refused`;
  if (cause.includes('ENOENT')) return `cannot connect to Hubble at ${target}: no such socket`;
  if (cause.includes('EACCES')) return `cannot connect to Hubble at ${target}: permission denied`;
  if (/Name resolution failed|ENOTFOUND|EAI_AGAIN/.test(cause)) return `cannot connect to Hubble at ${target}: the host name does not resolve`;
  if (/ETIMEDOUT|timed out/i.test(cause)) return `cannot connect to Hubble at ${target}: timed out`;
  // grpc-js says only this when a plaintext client meets a TLS server: the likeliest cause is worth naming.
  if (cause.startsWith("Failed to connect")) return `cannot connect to Hubble at ${target}: the connection failed (does the server expect TLS?)`;
  if (/Connection dropped|ECONNRESET|Received RST_STREAM|GOAWAY/i.test(cause)) return `the connection to Hubble at ${target} was lost: ${cause}`;
  return `Hubble at ${target} is unavailable: ${cause}`;
}

/** grpc-js wraps the transport error: "No connection established. Last error: X. Resolution note: …". */
function lastError(details: string): string {
  const match = /Last error: ([\s\S]*?)(?:\. Resolution note:.*)?$/.exec(details);
  const cause = (match?.[1] ?? details).replace(/^Error(?: \[[A-Z_]+\])?: /, '');
  // OpenSSL's "…:error:0A00010B:SSL routines:func:reason:file:line:" and trailing timestamps are noise.
  return cause.replace(/\s*\(\d{4}-\d{2}-\d{2}T[^)]*\)/, '').replace(/\s+/g, ' ').trim();
}

/** OpenSSL's reason out of its error string, else the message as it is. */
function tlsReason(cause: string): string {
  const openssl = /SSL routines:[^:]*:([^:]+):/.exec(cause);
  if (openssl !== null) {
    const reason = openssl[1] ?? '';
    if (reason === 'wrong version number') return 'wrong version number (is the server plaintext? drop --tls)';
    if (reason.includes('certificate required')) return `${reason} (the server wants a client certificate: mTLS)`;
    return reason;
  }
  return cause.replace(/; if the root CA is installed locally.*$/, ' (give the CA that signed it)');
}

/**
 * Whether the client refused a message past its receive limit (grpc-js: RESOURCE_EXHAUSTED, "Received
 * message larger than max"): the server is fine, but resending from the same point brings the same message.
 */
export function isMessageTooLarge(error: HubbleError): boolean {
  return grpcCode(error.cause) === status.RESOURCE_EXHAUSTED;
}

function grpcCode(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'number' ? error.code : undefined;
}

function grpcDetails(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'details' in error && typeof error.details === 'string') return error.details;
  return error instanceof Error ? error.message : String(error);
}
