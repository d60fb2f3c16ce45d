import { describe, expect, it } from 'vitest';
import { checkAddress } from './check-address.ts';

describe('checkAddress', () => {
  it.each(['localhost:4245', 'hubble-relay.kube-system.svc:80', '10.0.0.1:4244', '[::1]:4245', '[fd00::10]:443', 'unix:///var/run/cilium/hubble.sock'])(
    'accepts %s for dialing',
    (address) => {
      expect(checkAddress(address, { allowUnix: true })).toBeUndefined();
    },
  );

  it.each([
    ['localhost', 'the port is missing'],
    ['localhost:0', 'the port must be 1–65535'],
    ['localhost:65536', 'the port must be 1–65535'],
    ['::1:4245', 'put an IPv6 address in brackets'],
    ['[::1]', 'expected host:port'],
    ['[10.0.0.1]:80', 'expected host:port'],
    ['unix://relative.sock', 'unix:// followed by an absolute path'],
    ['bad_host:80', 'expected host:port'],
  ])('refuses %s', (address, message) => {
    expect(checkAddress(address, { allowUnix: true })).toContain(message);
  });

  it('refuses a unix socket for listening', () => {
    expect(checkAddress('unix:///tmp/x.sock', { allowUnix: false })).toContain('a unix socket is not allowed here');
  });
});
