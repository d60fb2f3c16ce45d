import type {
  EmulatedAppRouteStat,
  EmulatedBfdSession,
  EmulatedDevice,
  EmulatedRealtimeTunnel,
  VmanageDataSource,
} from '../../simulator/vmanage/vmanage-data-source.ts';

/**
 * Emulator data that a test sets sample by sample: devices, statistics rows, BFD sessions and real-time
 * buckets are plain mutable lists, and every statistics query is recorded, so tests can assert the
 * windows a poller asked for.
 */
export class ControlledDataSource implements VmanageDataSource {
  deviceList: EmulatedDevice[] = [];
  stats: EmulatedAppRouteStat[] = [];
  bfd: EmulatedBfdSession[] = [];
  readonly realtime = new Map<string, EmulatedRealtimeTunnel[]>();
  readonly statisticsQueries: { readonly fromMs: number; readonly toMs: number }[] = [];
  readonly realtimeQueries: string[] = [];
  /** Runs on each statistics query, before it is answered (e.g. to expire sessions mid-poll). */
  onStatistics: (() => void) | undefined;

  devices(): readonly EmulatedDevice[] {
    return this.deviceList;
  }

  appRouteStatistics(fromMs: number, toMs: number): readonly EmulatedAppRouteStat[] {
    this.statisticsQueries.push({ fromMs, toMs });
    this.onStatistics?.();
    return this.stats.filter((stat) => stat.entryTime >= fromMs && stat.entryTime <= toMs);
  }

  bfdSessions(): readonly EmulatedBfdSession[] {
    return this.bfd;
  }

  realtimeAppRoute(deviceId: string): readonly EmulatedRealtimeTunnel[] | undefined {
    this.realtimeQueries.push(deviceId);
    return this.realtime.get(deviceId);
  }
}

export function edgeDevice(systemIp: string, hostName: string, siteId: number, reachable = true): EmulatedDevice {
  return {
    systemIp,
    hostName,
    siteId,
    personality: 'vedge',
    deviceModel: 'vedge-C8000V',
    reachable,
    version: '17.12.1a',
    uuid: `C8K-${systemIp.split('.').join('')}`,
    uptimeDate: 1_700_000_000_000,
    lastUpdated: 1_700_000_000_000,
    controlConnections: 3,
    bfdSessions: 2,
    bfdSessionsUp: 2,
    ompPeers: 1,
  };
}

export function managerDevice(systemIp: string): EmulatedDevice {
  return {
    systemIp,
    hostName: 'vmanage',
    siteId: 1,
    personality: 'vmanage',
    deviceModel: 'vmanage',
    reachable: true,
    version: '20.12.1',
    uuid: 'manager-uuid',
    uptimeDate: 1_700_000_000_000,
    lastUpdated: 1_700_000_000_000,
    controlConnections: 2,
  };
}

export interface StatSpec {
  readonly local: string;
  readonly localColor: string;
  readonly remote: string;
  readonly remoteColor: string;
  readonly entryTime: number;
  readonly latencyMs?: number;
  readonly jitterMs?: number;
  readonly lossPackets?: number;
  readonly totalPackets?: number;
  readonly state?: 'up' | 'down';
  /** `siteid` and `host_name` of the row (the local end). */
  readonly localSiteId?: number;
  readonly localHostName?: string;
}

export function statRow(spec: StatSpec): EmulatedAppRouteStat {
  return {
    localSystemIp: spec.local,
    localColor: spec.localColor,
    remoteSystemIp: spec.remote,
    remoteColor: spec.remoteColor,
    localSiteId: spec.localSiteId ?? 1,
    localHostName: spec.localHostName ?? `host-${spec.local}`,
    deviceModel: 'vedge-C8000V',
    srcIp: '192.0.2.1',
    dstIp: '192.0.2.2',
    srcPort: 12346,
    dstPort: 12346,
    latencyMs: spec.latencyMs ?? 20,
    jitterMs: spec.jitterMs ?? 2,
    lossPackets: spec.lossPackets ?? 0,
    totalPackets: spec.totalPackets ?? 600,
    state: spec.state ?? 'up',
    entryTime: spec.entryTime,
    statCycleTime: spec.entryTime + 75_000,
    slaClassIndices: [0],
    slaClassNames: ['__all_tunnels__'],
    vqoeScore: 10,
  };
}

export interface BfdSpec {
  readonly local: string;
  readonly localColor: string;
  readonly remote: string;
  readonly remoteColor: string;
  readonly state: 'up' | 'down';
  readonly remoteSiteId: number;
  readonly lastUpdated: number;
  readonly localHostName?: string;
}

export function bfdSession(spec: BfdSpec): EmulatedBfdSession {
  return {
    localSystemIp: spec.local,
    localHostName: spec.localHostName ?? `host-${spec.local}`,
    localColor: spec.localColor,
    remoteSystemIp: spec.remote,
    remoteColor: spec.remoteColor,
    remoteSiteId: spec.remoteSiteId,
    srcIp: '192.0.2.1',
    dstIp: '192.0.2.2',
    srcPort: 12346,
    dstPort: 12346,
    state: spec.state,
    transitions: spec.state === 'up' ? 0 : 1,
    uptimeDate: spec.lastUpdated - 3_600_000,
    lastUpdated: spec.lastUpdated,
  };
}
