import { describe, expect, it } from 'vitest';
import { findSessionCookie } from './set-cookie.ts';

const now = Date.UTC(2024, 1, 27, 16, 0, 0);

describe('findSessionCookie', () => {
  it('finds JSESSIONID among several cookies', () => {
    expect(findSessionCookie(['other=1; Path=/', 'JSESSIONID=ABC.node0; Path=/; HttpOnly; Secure'], now)).toEqual({ value: 'ABC.node0', expired: false });
    expect(findSessionCookie('JSESSIONID=X', now)).toEqual({ value: 'X', expired: false });
  });
  it('sees an expiring cookie (Expires in the past or Max-Age=0)', () => {
    expect(findSessionCookie('JSESSIONID=deleted; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT', now)?.expired).toBe(true);
    expect(findSessionCookie('JSESSIONID=; Max-Age=0', now)?.expired).toBe(true);
    expect(findSessionCookie(`JSESSIONID=Y; Expires=${new Date(now + 60_000).toUTCString()}`, now)?.expired).toBe(false);
  });
  it('is undefined without the cookie', () => {
    expect(findSessionCookie(undefined, now)).toBeUndefined();
    expect(findSessionCookie(['a=b', 'garbage'], now)).toBeUndefined();
  });
});
