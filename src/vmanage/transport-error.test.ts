import { describe, expect, it } from 'vitest';
import { classifyTransportError } from './transport-error.ts';

function coded(message: string, code: string, cause?: unknown): Error {
  return Object.assign(new Error(message, cause === undefined ? undefined : { cause }), { code });
}

describe('classifyTransportError', () => {
  it('sorts timeouts, TLS failures and unreachable hosts', () => {
    expect(classifyTransportError(new Error('aborted'), true).code).toBe('ISTHMUS_E_VMANAGE_TIMEOUT');
    expect(classifyTransportError(coded('Headers Timeout Error', 'UND_ERR_HEADERS_TIMEOUT'), false).label).toBe('timeout');
    const tls = classifyTransportError(coded('fetch failed', 'UND_ERR_SOCKET', coded('self-signed certificate in certificate chain', 'SELF_SIGNED_CERT_IN_CHAIN')), false);
    expect(tls).toEqual({ code: 'ISTHMUS_E_VMANAGE_TLS', label: 'tls', reason: 'SELF_SIGNED_CERT_IN_CHAIN: self-signed certificate in certificate chain' });
    expect(classifyTransportError(coded("Hostname/IP does not match certificate's altnames", 'ERR_TLS_CERT_ALTNAME_INVALID'), false).label).toBe('tls');
    expect(classifyTransportError(coded('connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED'), false)).toEqual({
      code: 'ISTHMUS_E_VMANAGE_UNREACHABLE',
      label: 'unreachable',
      reason: 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1',
    });
  });
});
