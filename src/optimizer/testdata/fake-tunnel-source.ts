import type { Color } from '../../domain/color.ts';
import type { TunnelKey } from '../../domain/tunnel.ts';
import { tunnelName } from '../../domain/tunnel.ts';
import type { TunnelSample, TunnelState } from '../../domain/tunnel-sample.ts';
import type { TunnelReading, TunnelStatsSource } from '../../domain/tunnel-stats-source.ts';
import { windowStatistic } from '../../domain/window-statistic.ts';

export interface FakeTunnel {
  readonly from: number;
  readonly to: number;
  readonly color: Color;
  readonly samples: readonly TunnelSample[];
  readonly state?: TunnelState | undefined;
  readonly stale?: boolean;
}

/** A tunnel's key from its site ids: one edge per site, system-ip 10.0.<site/100>.1. */
export function tunnelKey(from: number, to: number, color: Color): TunnelKey {
  return { local: { systemIp: `10.0.${from / 100}.1`, color }, remote: { systemIp: `10.0.${to / 100}.1`, color } };
}

/** The read side of a TunnelStatsSource over fixed tunnels and samples. */
export function fakeTunnelSource(tunnels: readonly FakeTunnel[]): Pick<TunnelStatsSource, 'readings' | 'history' | 'windowMeasure'> {
  const byName = new Map(tunnels.map((tunnel) => [tunnelName(tunnelKey(tunnel.from, tunnel.to, tunnel.color)), tunnel]));
  const readings: TunnelReading[] = tunnels.map((tunnel) => {
    const key = tunnelKey(tunnel.from, tunnel.to, tunnel.color);
    const latest = tunnel.samples.at(-1);
    return {
      tunnel: { key, name: tunnelName(key), localSiteId: tunnel.from, remoteSiteId: tunnel.to, localHostName: undefined, remoteHostName: undefined },
      state: 'state' in tunnel ? tunnel.state : (latest?.state ?? 'up'),
      latest,
      lastSeen: latest?.time ?? 0,
      stale: tunnel.stale ?? false,
    };
  });
  const history = (key: TunnelKey, sinceMs?: number): readonly TunnelSample[] =>
    (byName.get(tunnelName(key))?.samples ?? []).filter((sample) => sinceMs === undefined || sample.time >= sinceMs);
  return {
    readings: () => readings,
    history,
    windowMeasure: (key, window) => windowStatistic(history(key, window.nowMs - window.windowMs), window),
  };
}
