import { describe, expect, it } from 'vitest';
import { IsthmusError } from '../domain/isthmus-error.ts';
import { VMANAGE_ERROR_CODES, VmanageError } from '../vmanage/vmanage-error.ts';
import { describeVmanageFailure } from './describe-vmanage-failure.ts';

const URL = 'https://vmanage.example.com:8443/some/path';

function error(code: (typeof VMANAGE_ERROR_CODES)[keyof typeof VMANAGE_ERROR_CODES], message: string): VmanageError {
  return new VmanageError(code, message);
}

describe('describeVmanageFailure', () => {
  it('says bad credentials for a rejected login, and shows only the origin of the URL', () => {
    expect(describeVmanageFailure(error(VMANAGE_ERROR_CODES.auth, 'vManage rejected the credentials (the login page came back)'), URL)).toBe(
      'cannot log in to https://vmanage.example.com:8443: bad credentials (ISTHMUS_E_VMANAGE_AUTH)',
    );
    expect(describeVmanageFailure(error(VMANAGE_ERROR_CODES.auth, 'vManage login set no JSESSIONID cookie'), URL)).toBe(
      'cannot log in to https://vmanage.example.com:8443: vManage login set no JSESSIONID cookie (ISTHMUS_E_VMANAGE_AUTH)',
    );
  });

  it('names the transport reason for unreachable and TLS failures, with the way out for TLS', () => {
    expect(describeVmanageFailure(error(VMANAGE_ERROR_CODES.unreachable, 'vManage POST /j_security_check (vmanage.example.com:8443): ENOTFOUND: getaddrinfo ENOTFOUND'), URL)).toBe(
      'cannot reach https://vmanage.example.com:8443: ENOTFOUND: getaddrinfo ENOTFOUND (ISTHMUS_E_VMANAGE_UNREACHABLE)',
    );
    expect(describeVmanageFailure(error(VMANAGE_ERROR_CODES.tls, 'vManage POST /j_security_check (vmanage.example.com:8443): SELF_SIGNED_CERT_IN_CHAIN: self-signed certificate'), URL)).toBe(
      'TLS with https://vmanage.example.com:8443 failed: SELF_SIGNED_CERT_IN_CHAIN: self-signed certificate; trust its CA with --ca-file FILE (or, in a lab, --insecure) (ISTHMUS_E_VMANAGE_TLS)',
    );
  });

  it('covers timeouts, rate limits, unavailability and other errors', () => {
    expect(describeVmanageFailure(error(VMANAGE_ERROR_CODES.timeout, 'vManage GET /dataservice/device: no answer within 30000 ms'), URL)).toMatch(
      /^no answer from https:\/\/vmanage\.example\.com:8443 in time .*--timeout.* \(ISTHMUS_E_VMANAGE_TIMEOUT\)$/,
    );
    expect(describeVmanageFailure(error(VMANAGE_ERROR_CODES.rateLimited, 'HTTP 429 after 6 attempts'), URL)).toBe(
      'https://vmanage.example.com:8443 kept rate-limiting the requests past the retries (HTTP 429 after 6 attempts) (ISTHMUS_E_VMANAGE_RATE_LIMITED)',
    );
    expect(describeVmanageFailure(error(VMANAGE_ERROR_CODES.unavailable, 'HTTP 503 after 6 attempts'), URL)).toContain('stayed unavailable');
    expect(describeVmanageFailure(error(VMANAGE_ERROR_CODES.api, 'vManage GET /dataservice/device failed with HTTP 500'), URL)).toBe(
      'https://vmanage.example.com:8443: vManage GET /dataservice/device failed with HTTP 500 (ISTHMUS_E_VMANAGE_API)',
    );
    expect(describeVmanageFailure(new IsthmusError('ISTHMUS_E_OTHER', 'something'), 'not a url')).toBe('something (ISTHMUS_E_OTHER)');
    expect(describeVmanageFailure(new Error('plain'), 'https://user:pw@host.example')).toBe('https://host.example: plain');
  });
});
