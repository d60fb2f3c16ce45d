import { describe, expect, it } from 'vitest';
import { parseTunnelName } from '../domain/tunnel.ts';
import type { TunnelState } from '../domain/tunnel-sample.ts';
import type { TunnelReading } from '../domain/tunnel-stats-source.ts';
import { worstTunnelsFirst } from './worst-tunnels-first.ts';

function reading(name: string, state: TunnelState | undefined, metrics?: { loss: number; latency: number; jitter: number }): TunnelReading {
  const key = parseTunnelName(name);
  if (key === undefined) throw new Error(name);
  return {
    tunnel: { key, name, localSiteId: undefined, remoteSiteId: undefined, localHostName: undefined, remoteHostName: undefined },
    state,
    latest:
      metrics === undefined
        ? undefined
        : { time: 0, lossRatio: metrics.loss, latencySeconds: metrics.latency, jitterSeconds: metrics.jitter, state: state ?? 'up' },
    lastSeen: 0,
    stale: false,
  };
}

describe('worstTunnelsFirst', () => {
  it('puts down before up before unknown, then ranks by loss, latency, jitter, sampled before unsampled, then name', () => {
    const readings = [
      reading('10.0.0.1:mpls-10.0.0.9:mpls', 'up', { loss: 0, latency: 0.02, jitter: 0.001 }),
      reading('10.0.0.2:mpls-10.0.0.9:mpls', 'up', { loss: 0, latency: 0.02, jitter: 0.005 }),
      reading('10.0.0.3:mpls-10.0.0.9:mpls', 'up', { loss: 0, latency: 0.08, jitter: 0.001 }),
      reading('10.0.0.4:mpls-10.0.0.9:mpls', 'up', { loss: 0.01, latency: 0.01, jitter: 0 }),
      reading('10.0.0.5:mpls-10.0.0.9:mpls', 'up'),
      reading('10.0.0.6:mpls-10.0.0.9:mpls', 'down', { loss: 0, latency: 0.01, jitter: 0 }),
      reading('10.0.0.7:mpls-10.0.0.9:mpls', 'down'),
      reading('10.0.0.8:mpls-10.0.0.9:mpls', undefined),
      reading('10.0.0.0:mpls-10.0.0.9:mpls', 'up', { loss: 0, latency: 0.02, jitter: 0.001 }),
    ];
    expect(worstTunnelsFirst(readings).map((entry) => entry.tunnel.key.local.systemIp)).toEqual([
      '10.0.0.6',
      '10.0.0.7',
      '10.0.0.4',
      '10.0.0.3',
      '10.0.0.2',
      '10.0.0.0',
      '10.0.0.1',
      '10.0.0.5',
      '10.0.0.8',
    ]);
  });
});
