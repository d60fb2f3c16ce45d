import type { EmulatedRealtimeTunnel } from './vmanage-data-source.ts';

/**
 * The rows of `/dataservice/device/app-route/statistics?deviceId=` for one tunnel: one per bucket,
 * hyphenated keys, per-bucket numbers as JSON strings, `src-port` and the `mean-*` values as integers
 * (types as declared by clients that parse real responses, `realtime_field_lists.json`; no raw capture
 * is public). `mean-*` are the bucket means rounded to integers, `mean-loss` in percent while each
 * bucket's `loss` counts packets — the relation checked against Cisco's CLI sample.
 */
export function renderRealtimeRows(tunnel: EmulatedRealtimeTunnel): Record<string, unknown>[] {
  const buckets = tunnel.buckets;
  const meanLatency = Math.round(mean(buckets.map((bucket) => bucket.latencyMs)));
  const meanJitter = Math.round(mean(buckets.map((bucket) => bucket.jitterMs)));
  const meanLoss = Math.round(
    mean(buckets.map((bucket) => (bucket.totalPackets > 0 ? (bucket.lossPackets / bucket.totalPackets) * 100 : 0))),
  );
  const proto = tunnel.proto ?? 'ipsec';
  return buckets.map((bucket, index) => ({
    'vdevice-name': tunnel.localSystemIp,
    'vdevice-host-name': tunnel.localHostName,
    'vdevice-dataKey': `${tunnel.localSystemIp}-${tunnel.remoteSystemIp}-${tunnel.localColor}-${tunnel.remoteColor}-${index}`,
    lastupdated: tunnel.lastUpdated,
    'src-ip': tunnel.srcIp,
    'src-port': tunnel.srcPort,
    'dst-ip': tunnel.dstIp,
    'dst-port': String(tunnel.dstPort),
    proto,
    'local-color': tunnel.localColor,
    'remote-color': tunnel.remoteColor,
    'remote-system-ip': tunnel.remoteSystemIp,
    index: String(index),
    'total-packets': String(bucket.totalPackets),
    loss: String(bucket.lossPackets),
    'average-latency': String(bucket.latencyMs),
    'average-jitter': String(bucket.jitterMs),
    'tx-data-pkts': String(bucket.txDataPkts),
    'rx-data-pkts': String(bucket.rxDataPkts),
    'mean-loss': meanLoss,
    'mean-latency': meanLatency,
    'mean-jitter': meanJitter,
    'sla-class-index': tunnel.slaClassIndices.join(','),
  }));
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length;
}
