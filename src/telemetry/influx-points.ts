import type { IPoint } from 'influx';
import type { SiteId } from '../domain/site.ts';
import type { TunnelReading } from '../domain/tunnel-stats-source.ts';
import type { ServicePathHealth } from './telemetry-view.ts';

export const TUNNEL_MEASUREMENT = 'tunnel';
export const SERVICE_PATH_MEASUREMENT = 'service_path';

type Fields = Record<string, number>;

/** Line protocol has no NaN or infinity, and one bad value fails the whole batch: leave it out. */
function addField(fields: Fields, name: string, value: number | undefined): void {
  if (value !== undefined && Number.isFinite(value)) fields[name] = value;
}

/** Line protocol has no empty tag values either: an unknown site is no tag. */
function addSiteTag(tags: Record<string, string>, name: string, site: SiteId | undefined): void {
  if (site !== undefined) tags[name] = String(site);
}

/**
 * One tunnel measurement as an InfluxDB point, timestamped with the sample's own time (so writing the
 * same sample twice overwrites, never duplicates). Fields are floats (node-influx writes numbers without
 * the `i` suffix), `up` included, as InfluxDB fixes a field's type per shard. Undefined without a sample.
 */
export function tunnelPoint(reading: TunnelReading): IPoint | undefined {
  const sample = reading.latest;
  if (sample === undefined) return undefined;
  const { tunnel } = reading;
  const tags: Record<string, string> = {
    local_system_ip: tunnel.key.local.systemIp,
    local_color: tunnel.key.local.color,
    remote_system_ip: tunnel.key.remote.systemIp,
    remote_color: tunnel.key.remote.color,
  };
  addSiteTag(tags, 'local_site', tunnel.localSiteId);
  addSiteTag(tags, 'remote_site', tunnel.remoteSiteId);
  const fields: Fields = {};
  addField(fields, 'latency_seconds', sample.latencySeconds);
  addField(fields, 'jitter_seconds', sample.jitterSeconds);
  addField(fields, 'loss_ratio', sample.lossRatio);
  addField(fields, 'up', (reading.state ?? sample.state) === 'up' ? 1 : 0);
  return { measurement: TUNNEL_MEASUREMENT, tags, fields, timestamp: sample.time };
}

/** A Service's path health at `timeMs` (epoch ms); undefined when it has no value at all. */
export function servicePathPoint(path: ServicePathHealth, timeMs: number): IPoint | undefined {
  const fields: Fields = {};
  addField(fields, 'latency_seconds', path.latencySeconds);
  addField(fields, 'jitter_seconds', path.jitterSeconds);
  addField(fields, 'loss_ratio', path.lossRatio);
  if (path.compliant !== undefined) fields.compliant = path.compliant ? 1 : 0;
  if (Object.keys(fields).length === 0) return undefined;
  return {
    measurement: SERVICE_PATH_MEASUREMENT,
    tags: { namespace: path.service.namespace, service: path.service.name, color: path.color },
    fields,
    timestamp: timeMs,
  };
}
