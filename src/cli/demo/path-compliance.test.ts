import { describe, expect, it } from 'vitest';
import type { TunnelReading } from '../../domain/tunnel-stats-source.ts';
import type { Color } from '../../domain/color.ts';
import { colorCompliance, indexReadingsByPath } from './path-compliance.ts';

function reading(from: number, to: number, color: Color, values: { latency: number; jitter?: number; loss?: number; state?: 'up' | 'down'; stale?: boolean }): TunnelReading {
  const local = { systemIp: `10.0.0.${from / 100}`, color };
  const remote = { systemIp: `10.0.0.${to / 100}`, color };
  return {
    tunnel: { key: { local, remote }, name: `${local.systemIp}:${color}-${remote.systemIp}:${color}`, localSiteId: from, remoteSiteId: to, localHostName: undefined, remoteHostName: undefined },
    state: values.state ?? 'up',
    latest: { time: 0, latencySeconds: values.latency, jitterSeconds: values.jitter ?? 0.001, lossRatio: values.loss ?? 0, state: values.state ?? 'up' },
    lastSeen: 0,
    stale: values.stale ?? false,
  };
}

const bounds = { maxLatencySeconds: 0.05, maxLossRatio: 0.01, maxJitterSeconds: 0.01 };
const pairs = [
  { from: 100, to: 200 },
  { from: 300, to: 200 },
];

describe('colorCompliance', () => {
  it('takes the worst value over every site pair on the color', () => {
    const index = indexReadingsByPath([
      reading(100, 200, 'mpls', { latency: 0.02 }),
      reading(300, 200, 'mpls', { latency: 0.045, loss: 0.002 }),
      reading(100, 200, 'lte', { latency: 0.2 }),
    ]);
    expect(colorCompliance('mpls', pairs, bounds, index)).toEqual({
      color: 'mpls',
      compliant: true,
      worst: { latencySeconds: 0.045, jitterSeconds: 0.001, lossRatio: 0.002 },
    });
  });

  it('fails a color when one pair violates a bound', () => {
    const index = indexReadingsByPath([reading(100, 200, 'mpls', { latency: 0.02 }), reading(300, 200, 'mpls', { latency: 0.02, loss: 0.03 })]);
    expect(colorCompliance('mpls', pairs, bounds, index).compliant).toBe(false);
  });

  it('counts a down tunnel as total loss', () => {
    const index = indexReadingsByPath([reading(100, 200, 'mpls', { latency: 0.02, state: 'down' }), reading(300, 200, 'mpls', { latency: 0.02 })]);
    expect(colorCompliance('mpls', pairs, bounds, index)).toMatchObject({ compliant: false, worst: { lossRatio: 1 } });
  });

  it('never counts missing or stale telemetry as healthy', () => {
    const missing = indexReadingsByPath([reading(100, 200, 'mpls', { latency: 0.02 })]);
    expect(colorCompliance('mpls', pairs, bounds, missing)).toEqual({ color: 'mpls', compliant: undefined, worst: undefined });
    const stale = indexReadingsByPath([reading(100, 200, 'mpls', { latency: 0.02 }), reading(300, 200, 'mpls', { latency: 0.02, stale: true })]);
    expect(colorCompliance('mpls', pairs, bounds, stale).compliant).toBeUndefined();
    expect(colorCompliance('mpls', [], bounds, stale).compliant).toBeUndefined();
  });

  it('ignores cross-color tunnels, which a color policy does not steer onto', () => {
    const cross = reading(100, 200, 'mpls', { latency: 0.001 });
    const index = indexReadingsByPath([{ ...cross, tunnel: { ...cross.tunnel, key: { ...cross.tunnel.key, remote: { systemIp: '10.0.0.2', color: 'lte' } } } }]);
    expect(index.size).toBe(0);
  });
});
