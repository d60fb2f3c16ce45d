import { describe, expect, it } from 'vitest';
import type { TunnelReading } from '../domain/tunnel-stats-source.ts';
import { servicePathPoint, tunnelPoint } from './influx-points.ts';

const reading: TunnelReading = {
  tunnel: {
    key: { local: { systemIp: '10.0.0.1', color: 'mpls' }, remote: { systemIp: '10.0.0.2', color: 'lte' } },
    name: '10.0.0.1:mpls-10.0.0.2:lte',
    localSiteId: 100,
    remoteSiteId: undefined,
    localHostName: undefined,
    remoteHostName: undefined,
  },
  state: 'down',
  latest: { time: 1_700_000_000_000, latencySeconds: 0.02, jitterSeconds: Number.NaN, lossRatio: 0.01, state: 'up' },
  lastSeen: 1_700_000_000_000,
  stale: false,
};

describe('InfluxDB points', () => {
  it('makes a tunnel point at the sample’s time, leaving out unknown sites and values line protocol cannot carry', () => {
    expect(tunnelPoint(reading)).toEqual({
      measurement: 'tunnel',
      tags: { local_site: '100', local_system_ip: '10.0.0.1', local_color: 'mpls', remote_system_ip: '10.0.0.2', remote_color: 'lte' },
      // The BFD state (down) wins over the sample's.
      fields: { latency_seconds: 0.02, loss_ratio: 0.01, up: 0 },
      timestamp: 1_700_000_000_000,
    });
    expect(tunnelPoint({ ...reading, latest: undefined })).toBeUndefined();
  });

  it('makes a Service path point, or none when there is no value', () => {
    const service = { namespace: 'shop', name: 'checkout' };
    expect(servicePathPoint({ service, color: 'mpls', latencySeconds: 0.03, compliant: true }, 5)).toEqual({
      measurement: 'service_path',
      tags: { namespace: 'shop', service: 'checkout', color: 'mpls' },
      fields: { latency_seconds: 0.03, compliant: 1 },
      timestamp: 5,
    });
    expect(servicePathPoint({ service, color: 'mpls' }, 5)).toBeUndefined();
  });
});
