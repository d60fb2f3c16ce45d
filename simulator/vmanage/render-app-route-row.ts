import { stableHash } from './stable-hash.ts';
import type { EmulatedAppRouteStat } from './vmanage-data-source.ts';

/**
 * One bulk app-route statistics row, in the key order and types of the DevNet sandbox capture
 * (`data_device_statistics_approutestatsstatistics.json`): snake_case, JSON numbers, `state` `Up`/`Down`,
 * `proto` upper case, `loss_percentage` = lost / total × 100 rounded to three decimals, the tunnel
 * named `<local ip>:<local color>-<remote ip>:<remote color>`.
 */
export function renderAppRouteRow(stat: EmulatedAppRouteStat): Record<string, unknown> {
  const name = `${stat.localSystemIp}:${stat.localColor}-${stat.remoteSystemIp}:${stat.remoteColor}`;
  const hash = stableHash(`${name}@${stat.entryTime}`);
  const lossPercentage = stat.totalPackets > 0 ? Math.round((stat.lossPackets / stat.totalPackets) * 100_000) / 1000 : 0;
  return {
    remote_color: stat.remoteColor,
    fec_re: 0,
    vqoe_score: stat.vqoeScore,
    device_model: stat.deviceModel,
    latency: stat.latencyMs,
    tx_octets: stat.txOctets ?? 0,
    dst_ip: stat.dstIp,
    local_color: stat.localColor,
    src_ip: stat.srcIp,
    sla_class_names: stat.slaClassNames.join(','),
    loss: stat.lossPackets,
    total: stat.totalPackets,
    tx_pkts: stat.txPkts ?? 0,
    fec_tx: 0,
    rx_octets: stat.rxOctets ?? 0,
    statcycletime: stat.statCycleTime,
    siteid: stat.localSiteId,
    state: stat.state === 'up' ? 'Up' : 'Down',
    local_system_ip: stat.localSystemIp,
    tenant: 'default',
    entry_time: stat.entryTime,
    loss_percentage: lossPercentage,
    app_probe_class: 'None',
    rx_pkts: stat.rxPkts ?? 0,
    vmanage_system_ip: stat.localSystemIp,
    fec_rx: 0,
    src_port: stat.srcPort,
    jitter: stat.jitterMs,
    remote_system_ip: stat.remoteSystemIp,
    vdevice_name: stat.localSystemIp,
    proto: stat.proto ?? 'IPSEC',
    vip_idx: stat.vipIdx ?? hash.readUInt16BE(0),
    dst_port: stat.dstPort,
    name,
    sla_class_list: stat.slaClassIndices.join(','),
    tunnel_color: `${stat.localColor}:${stat.remoteColor}`,
    host_name: stat.localHostName,
    // Elasticsearch document ids are 20 url-safe base64 characters.
    id: stat.id ?? hash.toString('base64url').slice(0, 20),
  };
}
