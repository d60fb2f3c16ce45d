import { renderAppRouteRow } from '../../../simulator/vmanage/render-app-route-row.ts';
import { WorldDataSource } from '../../../simulator/vmanage/world-data-source.ts';
import type { World } from '../../../simulator/world/world.ts';
import { servicePath } from '../../../src/correlate/service-path.ts';
import { TunnelPathIndex } from '../../../src/correlate/tunnel-path-index.ts';
import type { Color } from '../../../src/domain/color.ts';
import type { ServiceKey } from '../../../src/domain/service.ts';
import type { TunnelReading } from '../../../src/domain/tunnel-stats-source.ts';
import { parseAppRouteStatistics } from '../../../src/vmanage/parse-app-route-statistics.ts';
import type { ComplianceTable } from './quality-measures.ts';
import { worldServicesAt } from './world-services.ts';

export interface TruthOptions {
  /** Start of the first slice, epoch ms; slices are aligned to the world's start, as app-route intervals are. */
  readonly fromMs: number;
  readonly sliceMs: number;
  readonly slices: number;
  /** Candidates of auto Services that name none, in the bridge's preference order. */
  readonly fabricColors: readonly Color[];
}

/**
 * The index of what every same-color tunnel really did in the slice ending at `endMs`: the app-route
 * statistics row vManage would hold for it were its poll interval the slice (the world's series averaged
 * as BFD averages them, in vManage's units — whole milliseconds, loss in probes — rendered and parsed as
 * the bridge parses them), available the moment the slice ends. It feeds the product's SLI
 * (`servicePath`, the join behind `isthmus_slo_compliant`) with the truth at the resolution the fabric
 * measures, instead of with what the bridge has polled so far.
 */
export function truthIndex(source: WorldDataSource, endMs: number): TunnelPathIndex {
  const fabric = source.world.fabric;
  const rows = parseAppRouteStatistics(source.appRouteStatistics(endMs, endMs).map(renderAppRouteRow));
  const readings: TunnelReading[] = [];
  for (const observation of rows.items) {
    const tunnel = fabric.tunnel(observation.name);
    if (tunnel === undefined || tunnel.local.color !== tunnel.remote.color) continue;
    readings.push({
      tunnel: { key: observation.tunnel, name: observation.name, localSiteId: tunnel.localSiteId, remoteSiteId: tunnel.remoteSiteId, localHostName: undefined, remoteHostName: undefined },
      state: observation.sample.state,
      latest: observation.sample,
      lastSeen: endMs,
      stale: false,
    });
  }
  return new TunnelPathIndex(readings);
}

/** A statistics source whose poll interval is the slice and which knows every slice's row at once. */
export function truthSource(world: World, sliceMs: number): WorldDataSource {
  return new WorldDataSource(world, { clock: { now: () => Number.MAX_SAFE_INTEGER }, pollIntervalMs: sliceMs });
}

/**
 * Per steered Service, whether each candidate color met its SLO in each time slice — the product's
 * time-slice SLI on the ground truth. The Services, their bounds, candidates and site pairs are taken
 * at each slice's middle, so scripted annotation changes (a tightened SLO) apply from when they happen.
 */
export function complianceTables(world: World, options: TruthOptions): ComplianceTable[] {
  const tables = new Map<ServiceKey, { candidates: Color[]; compliant: Map<Color, Uint8Array> }>();
  const source = truthSource(world, options.sliceMs);
  for (let slice = 0; slice < options.slices; slice++) {
    const startMs = options.fromMs + slice * options.sliceMs;
    const index = truthIndex(source, startMs + options.sliceMs);
    const { steered } = worldServicesAt(world, startMs + options.sliceMs / 2, options.fabricColors);
    for (const service of steered) {
      let table = tables.get(service.key);
      if (table === undefined) {
        table = { candidates: [], compliant: new Map() };
        tables.set(service.key, table);
      }
      for (const color of service.candidates) {
        let column = table.compliant.get(color);
        if (column === undefined) {
          column = new Uint8Array(options.slices);
          table.compliant.set(color, column);
          table.candidates.push(color);
        }
        const path = servicePath({ service: service.key, color, pairs: service.pairs, pairSource: 'traffic', bounds: service.bounds }, index);
        column[slice] = path.compliant === 1 ? 1 : 0;
      }
    }
  }
  return [...tables].map(([key, table]) => ({ key, candidates: table.candidates, compliant: table.compliant, slices: options.slices }));
}
