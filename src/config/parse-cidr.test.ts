import { describe, expect, it } from 'vitest';
import { parseCidr } from './parse-cidr.ts';

describe('parseCidr', () => {
  it.each([
    ['10.20.0.0/16', 4, '10.20.0.0', 16],
    ['0.0.0.0/0', 4, '0.0.0.0', 0],
    ['192.168.1.7/32', 4, '192.168.1.7', 32],
    ['fd00:20::/48', 6, 'fd00:20::', 48],
    ['FD00:0:0:0:0:0:0:0/8', 6, 'fd00::', 8],
    ['::/0', 6, '::', 0],
    ['2001:db8::1/128', 6, '2001:db8::1', 128],
    ['::ffff:10.0.0.0/104', 6, '::ffff:a00:0', 104],
  ])('accepts %s', (text, family, network, prefixLength) => {
    expect(parseCidr(text)).toEqual({ ok: true, cidr: { family, network, prefixLength } });
  });

  it('explains a missing prefix length', () => {
    expect(parseCidr('10.0.0.0')).toEqual({ ok: false, message: expect.stringContaining('prefix length (/N) is missing') as unknown });
  });

  it.each(['10.0.0/8', 'example.com/8', 'fe80::1%eth0/64', '10.0.0.256/24'])('refuses the address of %s', (text) => {
    expect(parseCidr(text)).toMatchObject({ ok: false, message: expect.stringContaining('is not an IP address') as unknown });
  });

  it.each([
    ['10.0.0.0/33', 'from 0 to 32 for IPv4'],
    ['fd00::/129', 'from 0 to 128 for IPv6'],
    ['10.0.0.0/x', 'from 0 to 32'],
    ['10.0.0.0/', 'from 0 to 32'],
  ])('refuses the prefix of %s', (text, message) => {
    expect(parseCidr(text)).toMatchObject({ ok: false, message: expect.stringContaining(message) as unknown });
  });

  it('refuses host bits and suggests the network', () => {
    expect(parseCidr('10.20.1.0/16')).toMatchObject({ ok: false, message: expect.stringContaining('did you mean 10.20.0.0/16?') as unknown });
    expect(parseCidr('fd00:20::1/48')).toMatchObject({ ok: false, message: expect.stringContaining('did you mean fd00:20::/48?') as unknown });
  });
});
