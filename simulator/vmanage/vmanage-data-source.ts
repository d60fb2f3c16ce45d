/**
 * The narrow port between the vManage emulator and whatever produces the fabric's state (the simulated
 * world, or fixed data in tests). The emulator renders these plain records into vManage's exact wire
 * shapes (field names, string-vs-number types, envelopes, paging); a data source never deals with JSON.
 * Methods may answer synchronously or with a promise.
 */
export interface VmanageDataSource {
  /** Every device of the overlay, controllers included (`GET /dataservice/device`). */
  devices(): Awaitable<readonly EmulatedDevice[]>;
  /** One row per tunnel per app-route poll interval with `entryTime` in [fromMs, toMs]. */
  appRouteStatistics(fromMs: number, toMs: number): Awaitable<readonly EmulatedAppRouteStat[]>;
  /** Current BFD sessions of every edge (one per local TLOC × remote TLOC). */
  bfdSessions(): Awaitable<readonly EmulatedBfdSession[]>;
  /** The live app-route buckets of one device's tunnels; undefined for an unknown device. */
  realtimeAppRoute(deviceId: string): Awaitable<readonly EmulatedRealtimeTunnel[] | undefined>;
}

export type Awaitable<T> = T | Promise<T>;

export type EmulatedPersonality = 'vedge' | 'vsmart' | 'vbond' | 'vmanage';

export interface EmulatedDevice {
  readonly systemIp: string;
  readonly hostName: string;
  readonly siteId: number;
  /** Default `SITE_<siteId>`. */
  readonly siteName?: string;
  readonly personality: EmulatedPersonality;
  /** `device-type`: `vedge`, `vsmart`, `vbond` or `vmanage`. Default: the personality. */
  readonly deviceType?: string;
  /** e.g. `vedge-C8000V`, `vedge-cloud`, `vmanage`, `vsmart`. */
  readonly deviceModel: string;
  readonly reachable: boolean;
  readonly version: string;
  /** Chassis id. */
  readonly uuid: string;
  readonly boardSerial?: string;
  /** Epoch ms. */
  readonly uptimeDate: number;
  readonly lastUpdated: number;
  readonly controlConnections: number;
  readonly latitude?: number;
  readonly longitude?: number;
  /** Edges only: BFD session counts and OMP peers. */
  readonly bfdSessions?: number;
  readonly bfdSessionsUp?: number;
  readonly ompPeers?: number;
  /** Overrides of rarely interesting fields, for exact reproduction of a capture. */
  readonly domainId?: string;
  readonly statusOrder?: number;
  readonly deviceOs?: string;
  readonly layoutLevel?: number;
  readonly totalCpuCount?: number;
}

/** One bulk statistics row: one tunnel over one app-route poll interval, from the local edge's side. */
export interface EmulatedAppRouteStat {
  readonly localSystemIp: string;
  readonly localColor: string;
  readonly remoteSystemIp: string;
  readonly remoteColor: string;
  readonly localSiteId: number;
  readonly localHostName: string;
  readonly deviceModel: string;
  readonly srcIp: string;
  readonly dstIp: string;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly latencyMs: number;
  readonly jitterMs: number;
  /** Probe packets lost and sent in the interval; `loss_percentage` is derived from them. */
  readonly lossPackets: number;
  readonly totalPackets: number;
  readonly state: 'up' | 'down';
  /** Epoch ms: when the device produced the row, and vManage's collection cycle. */
  readonly entryTime: number;
  readonly statCycleTime: number;
  /** SLA classes the tunnel met (`sla_class_list`), and their names. Index 0 is `__all_tunnels__`. */
  readonly slaClassIndices: readonly number[];
  readonly slaClassNames: readonly string[];
  /** 0–10. */
  readonly vqoeScore: number;
  readonly proto?: 'IPSEC' | 'GRE';
  readonly txPkts?: number;
  readonly rxPkts?: number;
  readonly txOctets?: number;
  readonly rxOctets?: number;
  /** Elasticsearch document id and index of the row; derived from the row when absent. */
  readonly id?: string;
  readonly vipIdx?: number;
}

/** A BFD session as a local edge reports it. */
export interface EmulatedBfdSession {
  readonly localSystemIp: string;
  readonly localHostName: string;
  readonly localColor: string;
  readonly remoteSystemIp: string;
  readonly remoteColor: string;
  readonly remoteSiteId: number;
  readonly srcIp: string;
  readonly dstIp: string;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly state: 'up' | 'down';
  readonly transitions: number;
  /** Epoch ms of the last state change. */
  readonly uptimeDate: number;
  readonly lastUpdated: number;
  readonly createTimeStamp?: number;
  readonly proto?: 'ipsec' | 'gre';
  /** Default 7 and 1000 ms, vManage's defaults. */
  readonly detectMultiplier?: number;
  readonly txIntervalMs?: number;
  /** Database record ids; assigned by the emulator when absent. */
  readonly rid?: number;
  readonly recordId?: string;
}

/** One app-route bucket: the averages over one poll interval. */
export interface EmulatedAppRouteBucket {
  readonly totalPackets: number;
  readonly lossPackets: number;
  readonly latencyMs: number;
  readonly jitterMs: number;
  readonly txDataPkts: number;
  readonly rxDataPkts: number;
}

/** One tunnel of the queried device with its buckets (six with the default app-route multiplier). */
export interface EmulatedRealtimeTunnel {
  readonly localSystemIp: string;
  readonly localHostName: string;
  readonly localColor: string;
  readonly remoteSystemIp: string;
  readonly remoteColor: string;
  readonly srcIp: string;
  readonly dstIp: string;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly proto?: 'ipsec' | 'gre';
  readonly buckets: readonly EmulatedAppRouteBucket[];
  readonly slaClassIndices: readonly number[];
  readonly lastUpdated: number;
}
