import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { hubbleErrorFromGrpc } from './hubble-error-from-grpc.ts';

/** Details as grpc-js 1.14 words them (captured from real failures). */
const wrap = (last: string): string => `No connection established. Last error: ${last}. Resolution note: `;

function describeIt(code: number, details: string): { code: string; message: string; retryable: boolean } {
  const error = hubbleErrorFromGrpc(Object.assign(new Error(details), { code, details }), '127.0.0.1:4245');
  return { code: error.code, message: error.message, retryable: error.retryable };
}

describe('hubbleErrorFromGrpc', () => {
  it('names connection failures in one line, retryable', () => {
    expect(describeIt(status.UNAVAILABLE, wrap('Error: connect ECONNREFUSED 127.0.0.1:4245'))).toEqual({
      code: 'ISTHMUS_E_HUBBLE_UNAVAILABLE',
      message: 'cannot connect to Hubble at 127.0.0.1:4245: connection refused',
      retryable: true,
    });
    expect(describeIt(status.UNAVAILABLE, wrap('Error: connect ENOENT /var/run/cilium/hubble.sock')).message).toMatch(/no such socket$/);
    expect(describeIt(status.UNAVAILABLE, 'Name resolution failed for target dns:nope.invalid:4245').message).toMatch(/does not resolve$/);
    expect(describeIt(status.UNAVAILABLE, wrap('Failed to connect (2026-01-01T00:00:00.000Z)')).message).toMatch(/expect TLS\?\)$/);
    expect(describeIt(status.DEADLINE_EXCEEDED, 'Deadline exceeded').message).toMatch(/did not answer in time/);
  });

  it('names TLS failures with the reason', () => {
    const openssl = (reason: string) => wrap(`Error: 404D02AAE37F0000:error:0A00010B:SSL routines:some_function:${reason}:../deps/openssl/file.c:77:\n`);
    expect(describeIt(status.UNAVAILABLE, openssl('wrong version number'))).toEqual({
      code: 'ISTHMUS_E_HUBBLE_TLS',
      message: 'TLS with 127.0.0.1:4245 failed: wrong version number (is the server plaintext? drop --tls)',
      retryable: true,
    });
    expect(describeIt(status.UNAVAILABLE, openssl('tlsv13 alert certificate required')).message).toMatch(/client certificate: mTLS/);
    expect(describeIt(status.UNAVAILABLE, wrap('Error: unable to verify the first certificate; if the root CA is installed locally, try running Node.js with --use-system-ca')).message).toBe(
      'TLS with 127.0.0.1:4245 failed: unable to verify the first certificate (give the CA that signed it)',
    );
    expect(describeIt(status.UNAVAILABLE, wrap("Error [ERR_TLS_CERT_ALTNAME_INVALID]: Hostname/IP does not match certificate's altnames: Host: x. is not in the cert's altnames: DNS:y")).code).toBe('ISTHMUS_E_HUBBLE_TLS');
  });

  it('treats a refused request as terminal', () => {
    expect(describeIt(status.INVALID_ARGUMENT, 'first cannot be specified with follow')).toEqual({
      code: 'ISTHMUS_E_HUBBLE_REJECTED',
      message: 'Hubble at 127.0.0.1:4245 refused the request (INVALID_ARGUMENT): first cannot be specified with follow',
      retryable: false,
    });
    expect(describeIt(status.UNIMPLEMENTED, 'x').retryable).toBe(false);
  });
});
