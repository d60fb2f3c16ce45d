import { describe, expect, it } from 'vitest';
import { parseTunnelName, reverseTunnel, tunnelName } from './tunnel.ts';

describe('tunnel names', () => {
  it('round-trips vManage tunnel names', () => {
    const name = '10.10.1.13:mpls-10.10.1.11:public-internet';
    const key = parseTunnelName(name);
    expect(key).toEqual({
      local: { systemIp: '10.10.1.13', color: 'mpls' },
      remote: { systemIp: '10.10.1.11', color: 'public-internet' },
    });
    expect(key && tunnelName(key)).toBe(name);
    expect(key && tunnelName(reverseTunnel(key))).toBe('10.10.1.11:public-internet-10.10.1.13:mpls');
  });

  it.each([
    '',
    '10.10.1.13:mpls',
    '10.10.1.13:mpls-10.10.1.11:purple',
    '127.0.0.1:mpls-10.10.1.11:lte',
    '10.10.1.300:mpls-10.10.1.11:lte',
    '10.10.1.13:mpls-10.10.1.11:lte-extra',
  ])('rejects %j', (name) => {
    expect(parseTunnelName(name)).toBeUndefined();
  });
});
