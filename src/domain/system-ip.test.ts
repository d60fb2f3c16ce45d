import { describe, expect, it } from 'vitest';
import { isValidSystemIp } from './system-ip.ts';

describe('isValidSystemIp', () => {
  it.each(['1.1.1.1', '10.10.1.11', '223.255.255.255'])('accepts %s', (ip) => {
    expect(isValidSystemIp(ip)).toBe(true);
  });
  it.each(['0.1.1.1', '127.0.0.1', '224.0.0.1', '240.0.0.1', '10.0.0.256', '10.0.0', 'a.b.c.d', ' 10.0.0.1'])('rejects %s', (ip) => {
    expect(isValidSystemIp(ip)).toBe(false);
  });
});
