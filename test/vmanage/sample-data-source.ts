import type {
  EmulatedAppRouteStat,
  EmulatedBfdSession,
  EmulatedDevice,
  EmulatedPersonality,
  EmulatedRealtimeTunnel,
  VmanageDataSource,
} from '../../simulator/vmanage/vmanage-data-source.ts';
import { readSampleRows } from './samples.ts';

/**
 * Fixed emulator data built from the captured DevNet-sandbox samples (read unchanged from disk), plus,
 * on request, a generated mesh of edges so paging has several pages to cross. Stands in for the
 * simulated world until that drives the emulator.
 */

function str(row: Readonly<Record<string, unknown>>, key: string): string {
  const value = row[key];
  if (typeof value !== 'string') throw new Error(`sample field ${key} is not a string`);
  return value;
}

function num(row: Readonly<Record<string, unknown>>, key: string): number {
  const value = row[key];
  if (typeof value !== 'number') throw new Error(`sample field ${key} is not a number`);
  return value;
}

/** The model of a `/dataservice/device` sample row (inverse of the emulator's renderer). */
export function deviceFromSample(row: Readonly<Record<string, unknown>>): EmulatedDevice {
  return {
    systemIp: str(row, 'system-ip'),
    hostName: str(row, 'host-name'),
    siteId: Number(str(row, 'site-id')),
    siteName: str(row, 'site-name'),
    personality: str(row, 'personality') as EmulatedPersonality,
    deviceType: str(row, 'device-type'),
    deviceModel: str(row, 'device-model'),
    reachable: str(row, 'reachability') === 'reachable',
    version: str(row, 'version'),
    uuid: str(row, 'uuid'),
    boardSerial: str(row, 'board-serial'),
    uptimeDate: num(row, 'uptime-date'),
    lastUpdated: num(row, 'lastupdated'),
    controlConnections: Number(str(row, 'controlConnections')),
    latitude: Number(str(row, 'latitude')),
    longitude: Number(str(row, 'longitude')),
    domainId: str(row, 'domain-id'),
    statusOrder: num(row, 'statusOrder'),
    deviceOs: str(row, 'device-os'),
    layoutLevel: num(row, 'layoutLevel'),
    totalCpuCount: Number(str(row, 'total_cpu_count')),
  };
}

/** The model of a bulk app-route statistics sample row. */
export function appRouteStatFromSample(row: Readonly<Record<string, unknown>>): EmulatedAppRouteStat {
  return {
    localSystemIp: str(row, 'local_system_ip'),
    localColor: str(row, 'local_color'),
    remoteSystemIp: str(row, 'remote_system_ip'),
    remoteColor: str(row, 'remote_color'),
    localSiteId: num(row, 'siteid'),
    localHostName: str(row, 'host_name'),
    deviceModel: str(row, 'device_model'),
    srcIp: str(row, 'src_ip'),
    dstIp: str(row, 'dst_ip'),
    srcPort: num(row, 'src_port'),
    dstPort: num(row, 'dst_port'),
    latencyMs: num(row, 'latency'),
    jitterMs: num(row, 'jitter'),
    lossPackets: num(row, 'loss'),
    totalPackets: num(row, 'total'),
    state: str(row, 'state') === 'Up' ? 'up' : 'down',
    entryTime: num(row, 'entry_time'),
    statCycleTime: num(row, 'statcycletime'),
    slaClassIndices: str(row, 'sla_class_list').split(',').map(Number),
    slaClassNames: str(row, 'sla_class_names').split(','),
    vqoeScore: num(row, 'vqoe_score'),
    proto: str(row, 'proto') as 'IPSEC',
    txPkts: num(row, 'tx_pkts'),
    rxPkts: num(row, 'rx_pkts'),
    txOctets: num(row, 'tx_octets'),
    rxOctets: num(row, 'rx_octets'),
    id: str(row, 'id'),
    vipIdx: num(row, 'vip_idx'),
  };
}

/** The model of a bulk-state BFD sample row. */
export function bfdSessionFromSample(row: Readonly<Record<string, unknown>>): EmulatedBfdSession {
  return {
    localSystemIp: str(row, 'vdevice-name'),
    localHostName: str(row, 'vdevice-host-name'),
    localColor: str(row, 'local-color'),
    remoteSystemIp: str(row, 'system-ip'),
    remoteColor: str(row, 'color'),
    remoteSiteId: num(row, 'site-id'),
    srcIp: str(row, 'src-ip'),
    dstIp: str(row, 'dst-ip'),
    srcPort: num(row, 'src-port'),
    dstPort: num(row, 'dst-port'),
    state: str(row, 'state') === 'up' ? 'up' : 'down',
    transitions: num(row, 'transitions'),
    uptimeDate: num(row, 'uptime-date'),
    lastUpdated: num(row, 'lastupdated'),
    createTimeStamp: num(row, 'createTimeStamp'),
    proto: str(row, 'proto') as 'ipsec',
    detectMultiplier: Number(str(row, 'detect-multiplier')),
    txIntervalMs: num(row, 'tx-interval'),
    rid: num(row, '@rid'),
    recordId: str(row, 'recordId'),
  };
}

/**
 * The Cisco Community `show sdwan app-route stats` sample (reference §4.2): bucket latencies 35, 31,
 * 32, 36, 55, 47 (mean 39) and jitters 16, 14, 18, 22, 31, 24 (mean 21), and a dead tunnel that lost
 * 640 of 640 probes in every bucket (mean-loss 100).
 */
export function communityRealtimeTunnels(lastUpdated: number): EmulatedRealtimeTunnel[] {
  const latencies = [35, 31, 32, 36, 55, 47];
  const jitters = [16, 14, 18, 22, 31, 24];
  const base = {
    localSystemIp: '10.10.1.13',
    localHostName: 'Site1-cEdge01',
    srcIp: '10.10.23.10',
    srcPort: 12346,
    dstPort: 12346,
    lastUpdated,
  };
  return [
    {
      ...base,
      localColor: 'mpls',
      remoteSystemIp: '10.10.1.11',
      remoteColor: 'public-internet',
      dstIp: '10.10.23.38',
      buckets: latencies.map((latencyMs, index) => ({
        totalPackets: 640,
        lossPackets: 0,
        latencyMs,
        jitterMs: jitters[index] ?? 0,
        txDataPkts: 1200,
        rxDataPkts: 1100,
      })),
      slaClassIndices: [0, 1],
    },
    {
      ...base,
      localColor: 'biz-internet',
      remoteSystemIp: '10.10.1.11',
      remoteColor: 'biz-internet',
      dstIp: '10.10.23.42',
      buckets: latencies.map(() => ({ totalPackets: 640, lossPackets: 640, latencyMs: 0, jitterMs: 0, txDataPkts: 0, rxDataPkts: 0 })),
      slaClassIndices: [],
    },
  ];
}

export interface MeshOptions {
  /** Generated edges beyond the sandbox's (10.20.1.1 …). */
  readonly edges: number;
  /** Statistics rows per tunnel (one per 10-minute poll interval, ending at `now`). */
  readonly intervals: number;
  readonly now: number;
}

const MESH_COLORS = ['mpls', 'biz-internet'] as const;

/** A data source serving the sandbox samples plus a full mesh of generated edges on two colors. */
export function sampleDataSource(mesh: MeshOptions = { edges: 0, intervals: 0, now: 1709050800000 }): VmanageDataSource & {
  readonly statRows: readonly EmulatedAppRouteStat[];
  readonly bfdRows: readonly EmulatedBfdSession[];
} {
  const devices: EmulatedDevice[] = readSampleRows('dataservice_device.json').map(deviceFromSample);
  const stats: EmulatedAppRouteStat[] = readSampleRows('data_device_statistics_approutestatsstatistics.json').map(appRouteStatFromSample);
  const bfd: EmulatedBfdSession[] = readSampleRows('data_device_state_BFDSessions.json').map(bfdSessionFromSample);
  const sandboxEdges: [string, string, number][] = [
    ['10.10.1.11', 'DC-cEdge01', 100],
    ['10.10.1.13', 'Site1-cEdge01', 1001],
  ];
  const generated: [string, string, number][] = Array.from({ length: mesh.edges }, (_, index) => [
    `10.20.1.${index + 1}`,
    `Site${index + 2}-cEdge01`,
    2000 + index,
  ]);
  for (const [systemIp, hostName, siteId] of [...sandboxEdges, ...generated]) {
    devices.push({
      systemIp,
      hostName,
      siteId,
      personality: 'vedge',
      deviceModel: 'vedge-C8000V',
      reachable: true,
      version: '17.12.1a',
      uuid: `C8K-${systemIp.split('.').join('')}-0000-0000-000000000000`,
      uptimeDate: 1708939320000,
      lastUpdated: 1708941610464,
      controlConnections: 3,
      bfdSessions: 2 * Math.max(0, generated.length - 1),
      bfdSessionsUp: 2 * Math.max(0, generated.length - 1),
      ompPeers: 1,
    });
  }
  let port = 12346;
  for (const [localIp, localHost, localSite] of generated) {
    for (const [remoteIp, , remoteSite] of generated) {
      if (localIp === remoteIp) continue;
      for (const color of MESH_COLORS) {
        const latencyMs = color === 'mpls' ? 20 + remoteSite - 2000 : 35 + localSite - 2000;
        for (let interval = mesh.intervals - 1; interval >= 0; interval--) {
          const entryTime = mesh.now - interval * 600_000 - 75_000;
          stats.push({
            localSystemIp: localIp,
            localColor: color,
            remoteSystemIp: remoteIp,
            remoteColor: color,
            localSiteId: localSite,
            localHostName: localHost,
            deviceModel: 'vedge-C8000V',
            srcIp: `192.0.2.${localSite - 1990}`,
            dstIp: `192.0.2.${remoteSite - 1990}`,
            srcPort: port,
            dstPort: port,
            latencyMs,
            jitterMs: 2,
            lossPackets: interval,
            totalPackets: 600,
            state: 'up',
            entryTime,
            statCycleTime: entryTime + 75_000,
            slaClassIndices: [0],
            slaClassNames: ['__all_tunnels__'],
            vqoeScore: 10,
          });
        }
        bfd.push({
          localSystemIp: localIp,
          localHostName: localHost,
          localColor: color,
          remoteSystemIp: remoteIp,
          remoteColor: color,
          remoteSiteId: remoteSite,
          srcIp: `192.0.2.${localSite - 1990}`,
          dstIp: `192.0.2.${remoteSite - 1990}`,
          srcPort: port,
          dstPort: port,
          state: 'up',
          transitions: 0,
          uptimeDate: mesh.now - 86_400_000,
          lastUpdated: mesh.now,
        });
        port++;
      }
    }
  }
  return {
    statRows: stats,
    bfdRows: bfd,
    devices: () => devices,
    appRouteStatistics: (fromMs, toMs) => stats.filter((stat) => stat.entryTime >= fromMs && stat.entryTime <= toMs),
    bfdSessions: () => bfd,
    realtimeAppRoute: (deviceId) => (deviceId === '10.10.1.13' ? communityRealtimeTunnels(mesh.now) : devices.some((d) => d.systemIp === deviceId) ? [] : undefined),
  };
}
