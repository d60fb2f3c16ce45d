import { VMANAGE_ERROR_CODES } from './vmanage-error.ts';
import type { VmanageErrorCode } from './vmanage-error.ts';

export interface TransportFailure {
  readonly code: VmanageErrorCode;
  /** Short label for the request metric's `code` label. */
  readonly label: 'timeout' | 'tls' | 'unreachable';
  /** The underlying reason, e.g. `SELF_SIGNED_CERT_IN_CHAIN: self-signed certificate in certificate chain`. */
  readonly reason: string;
}

const timeoutCodes: ReadonlySet<string> = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

/** OpenSSL verification failures surface under these codes; `ERR_TLS_*`/`ERR_SSL_*` are Node's. */
const tlsCodes: ReadonlySet<string> = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'HOSTNAME_MISMATCH',
  'EPROTO',
]);

/**
 * Sorts a failure to get any HTTP answer into timeout, TLS or unreachable, with the reason of the
 * innermost error that has a code (undici wraps socket errors).
 */
export function classifyTransportError(error: unknown, timedOut: boolean): TransportFailure {
  const chain = causeChain(error);
  const coded = chain.find((entry) => entry.code !== undefined) ?? chain[0];
  const reason = coded === undefined ? String(error) : `${coded.code ?? 'ERROR'}: ${coded.message}`;
  if (timedOut || chain.some((entry) => entry.code !== undefined && timeoutCodes.has(entry.code))) {
    return { code: VMANAGE_ERROR_CODES.timeout, label: 'timeout', reason: timedOut ? 'request timed out' : reason };
  }
  if (chain.some((entry) => isTlsCode(entry.code) || /certificate|ssl|tls/i.test(entry.message))) {
    return { code: VMANAGE_ERROR_CODES.tls, label: 'tls', reason };
  }
  return { code: VMANAGE_ERROR_CODES.unreachable, label: 'unreachable', reason };
}

function isTlsCode(code: string | undefined): boolean {
  return code !== undefined && (tlsCodes.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_'));
}

interface ChainEntry {
  readonly code: string | undefined;
  readonly message: string;
}

function causeChain(error: unknown): ChainEntry[] {
  const entries: ChainEntry[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    entries.push({ code: typeof code === 'string' ? code : undefined, message: current.message });
    current = current.cause;
  }
  return entries.reverse();
}
