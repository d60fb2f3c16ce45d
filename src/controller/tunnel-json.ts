import type { TunnelState } from '../domain/tunnel-sample.ts';
import type { TunnelReading } from '../domain/tunnel-stats-source.ts';

/**
 * One tunnel in `isthmus tunnels -o json`: a stable contract, exactly these keys. Unknown values are
 * null (a tunnel with a BFD session but no statistics sample yet has null metrics and sampleTime); site
 * ids are numbers, metrics in base units (seconds, 0–1 ratio), times ISO 8601 in UTC.
 */
export interface TunnelJson {
  readonly name: string;
  readonly localSystemIp: string;
  readonly localSiteId: number | null;
  readonly localHostName: string | null;
  readonly localColor: string;
  readonly remoteSystemIp: string;
  readonly remoteSiteId: number | null;
  readonly remoteColor: string;
  readonly state: TunnelState | null;
  readonly latencySeconds: number | null;
  readonly jitterSeconds: number | null;
  readonly lossRatio: number | null;
  readonly sampleTime: string | null;
}

export function tunnelJson(reading: TunnelReading): TunnelJson {
  const { tunnel, latest } = reading;
  return {
    name: tunnel.name,
    localSystemIp: tunnel.key.local.systemIp,
    localSiteId: tunnel.localSiteId ?? null,
    localHostName: tunnel.localHostName ?? null,
    localColor: tunnel.key.local.color,
    remoteSystemIp: tunnel.key.remote.systemIp,
    remoteSiteId: tunnel.remoteSiteId ?? null,
    remoteColor: tunnel.key.remote.color,
    state: reading.state ?? null,
    latencySeconds: latest?.latencySeconds ?? null,
    jitterSeconds: latest?.jitterSeconds ?? null,
    lossRatio: latest?.lossRatio ?? null,
    sampleTime: latest === undefined ? null : new Date(latest.time).toISOString(),
  };
}
