import { describe, expect, it } from 'vitest';
import type { TunnelReading } from '../domain/tunnel-stats-source.ts';
import { formatAge, formatMilliseconds, formatPercent, formatTunnelTable } from './format-tunnel-table.ts';

const NOW = Date.UTC(2024, 1, 27, 16, 0, 0);

const known: TunnelReading = {
  tunnel: {
    key: { local: { systemIp: '10.10.1.13', color: 'mpls' }, remote: { systemIp: '10.10.1.11', color: 'public-internet' } },
    name: '10.10.1.13:mpls-10.10.1.11:public-internet',
    localSiteId: 1001,
    remoteSiteId: 100,
    localHostName: 'Site1-cEdge01',
    remoteHostName: 'DC-cEdge01',
  },
  state: 'up',
  latest: { time: NOW - 252_000, latencySeconds: 0.202, jitterSeconds: 0.0025, lossRatio: 0.00301, state: 'up' },
  lastSeen: NOW,
  stale: false,
};

const unknown: TunnelReading = {
  tunnel: {
    key: { local: { systemIp: '10.10.1.11', color: 'biz-internet' }, remote: { systemIp: '10.10.1.99', color: 'lte' } },
    name: '10.10.1.11:biz-internet-10.10.1.99:lte',
    localSiteId: 100,
    remoteSiteId: undefined,
    localHostName: undefined,
    remoteHostName: undefined,
  },
  state: 'down',
  latest: undefined,
  lastSeen: NOW,
  stale: false,
};

describe('formatTunnelTable', () => {
  it('aligns columns, names ends by host (system IP when unknown), and shows - for what is missing', () => {
    expect(formatTunnelTable([unknown, known], NOW)).toBe(
      [
        'TUNNEL                                           SITES       STATE  LATENCY  JITTER   LOSS    AGE',
        '10.10.1.11:biz-internet → 10.10.1.99:lte         100 → ?     down         -       -      -      -',
        'Site1-cEdge01:mpls → DC-cEdge01:public-internet  1001 → 100  up      202 ms  2.5 ms  0.30%  4m12s',
        '',
      ].join('\n'),
    );
  });

  it('formats units for people', () => {
    expect(formatMilliseconds(0.039)).toBe('39 ms');
    expect(formatMilliseconds(0.0208)).toBe('20.8 ms');
    expect(formatPercent(1)).toBe('100.00%');
    expect(formatPercent(0.000_04)).toBe('0.00%');
    expect(formatAge(-5000)).toBe('0s');
    expect(formatAge(45_900)).toBe('45s');
    expect(formatAge(2 * 3_600_000 + 5 * 60_000)).toBe('2h05m');
    expect(formatAge(3 * 86_400_000 + 4 * 3_600_000)).toBe('3d04h');
  });
});
