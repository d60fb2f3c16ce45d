import type { World } from '../../../simulator/world/world.ts';
import type { OptimizerRoundService } from '../../../src/controller/optimizer-round.ts';
import { crossSitePairs } from '../../../src/correlate/site-pair.ts';
import type { SitePair } from '../../../src/correlate/site-pair.ts';
import type { Color } from '../../../src/domain/color.ts';
import { serviceKey } from '../../../src/domain/service.ts';
import type { ServiceKey } from '../../../src/domain/service.ts';
import type { SiteId } from '../../../src/domain/site.ts';
import type { SloBounds } from '../../../src/domain/slo.ts';
import { parseServiceAnnotations } from '../../../src/domain/slo-annotations.ts';
import { allowedTunnelsFor, applyTenancy } from '../../../src/domain/tenancy.ts';
import type { ReadyEndpoint } from '../../../src/kube/inventory.ts';

/** A Service with an SLO the optimizer steers, as the benchmark judges it at one instant. */
export interface SteeredService {
  readonly key: ServiceKey;
  /** What an optimizer round reads about it (the bridge's `roundServices`, from the world directly). */
  readonly round: OptimizerRoundService;
  readonly bounds: SloBounds;
  /** The colors it may be on, most preferred first: the optimizer's candidates after the tenancy guard. */
  readonly candidates: readonly Color[];
  /** The WAN paths its traffic crosses (client site → endpoint site); never empty. */
  readonly pairs: readonly SitePair[];
}

export interface WorldServices {
  /** Every Service with an intent (pins too), as the optimizer round takes them. */
  readonly round: readonly OptimizerRoundService[];
  /** Auto Services with an SLO and traffic across the WAN: the ones whose placement the benchmark scores. */
  readonly steered: readonly SteeredService[];
  /** Site pairs per Service, as the aggregation store would report them from the traffic. */
  readonly pairs: ReadonlyMap<ServiceKey, readonly SitePair[]>;
  readonly clusterSites: readonly SiteId[];
}

/**
 * The cluster as the bridge would see it at `timeMs`: each Service's intent from its annotations within
 * its namespace's allowed colors (the real parser and tenancy guard), its ready endpoints, and the site
 * pairs its traffic crosses — client pods' sites × endpoint sites from the scenario's traffic matrix,
 * which is what the aggregation store learns from the flows (the flows themselves are not generated:
 * they would cost most of the run and tell the optimizer nothing more). `fabricColors` are the
 * candidates of an auto Service that names none, in the bridge's preference order.
 */
export function worldServicesAt(world: World, timeMs: number, fabricColors: readonly Color[]): WorldServices {
  const cluster = world.cluster;
  const namespaces = new Map(cluster.namespaces.map((namespace) => [namespace.name, namespace.annotations]));
  const clusterSites = [...new Set(cluster.nodes.map((node) => node.siteId))].sort((a, b) => a - b);
  const pairs = trafficPairs(world, timeMs);
  const round: OptimizerRoundService[] = [];
  const steered: SteeredService[] = [];
  for (const service of cluster.servicesAt(timeMs)) {
    const key = serviceKey(service);
    const allowed = allowedTunnelsFor(service.namespace, namespaces.get(service.namespace) ?? {}, {});
    const { intent } = applyTenancy(parseServiceAnnotations(service.annotations).intent, allowed);
    if (intent.mode === 'unmanaged') continue;
    const endpoints = cluster.servicePodsAt(service.index, timeMs).map(
      (pod): ReadyEndpoint => ({ ip: pod.ip, podName: pod.name, nodeName: pod.node.name, siteId: pod.node.siteId, ports: [] }),
    );
    const entry: OptimizerRoundService = { key, service, intent, allowed: allowed.colors, endpoints };
    round.push(entry);
    // Without traffic across the WAN the product's SLI has no path to judge (`no-pairs`): nothing to score.
    const servicePairs = pairs.get(key) ?? [];
    if (intent.mode !== 'auto' || servicePairs.length === 0) continue;
    steered.push({ key, round: entry, bounds: intent.slo.bounds, candidates: intent.candidates ?? allowed.colors ?? fabricColors, pairs: servicePairs });
  }
  return { round, steered, pairs, clusterSites };
}

/** Per Service, every (client site, endpoint site) pair of different sites its traffic entries cross. */
function trafficPairs(world: World, timeMs: number): Map<ServiceKey, SitePair[]> {
  const cluster = world.cluster;
  const bySite = new Map<ServiceKey, { clients: Set<SiteId>; endpoints: Set<SiteId> }>();
  for (const traffic of world.scenario.traffic) {
    const serviceIndex = cluster.serviceIndex(traffic.to);
    const workloadIndex = cluster.workloadIndex(traffic.from);
    if (serviceIndex === undefined || workloadIndex === undefined) continue;
    const key = serviceKey(traffic.to);
    const entry = bySite.get(key) ?? { clients: new Set(), endpoints: new Set() };
    for (const pod of cluster.workloadPodsAt(workloadIndex, timeMs)) entry.clients.add(pod.node.siteId);
    for (const pod of cluster.servicePodsAt(serviceIndex, timeMs)) entry.endpoints.add(pod.node.siteId);
    bySite.set(key, entry);
  }
  return new Map([...bySite].map(([key, sites]) => [key, crossSitePairs(sites.clients, sites.endpoints)]));
}
