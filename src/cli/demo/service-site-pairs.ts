import type { SiteId } from '../../domain/site.ts';
import type { World } from '../../../simulator/world/world.ts';
import type { SitePair } from './path-compliance.ts';

/**
 * The site pairs a Service's traffic crosses, from the scenario's traffic matrix: every site with a
 * client pod to every site with a backend. Intra-site traffic crosses no tunnel and is left out. (The
 * bridge learns the same pairs from Hubble flows once correlation is wired; the demo reads the world.)
 */
export function serviceSitePairs(world: World, serviceIndex: number, timeMs: number): SitePair[] {
  const { cluster } = world;
  const service = cluster.services[serviceIndex];
  if (!service) return [];
  const backendSites = new Set<SiteId>(cluster.servicePodsAt(serviceIndex, timeMs).map((pod) => pod.node.siteId));
  const clientSites = new Set<SiteId>();
  for (const traffic of world.scenario.traffic) {
    if (traffic.to.namespace !== service.namespace || traffic.to.name !== service.name) continue;
    const workload = cluster.workloadIndex(traffic.from);
    if (workload === undefined) continue;
    for (const pod of cluster.workloadPodsAt(workload, timeMs)) clientSites.add(pod.node.siteId);
  }
  const pairs: SitePair[] = [];
  for (const from of clientSites) {
    for (const to of backendSites) if (from !== to) pairs.push({ from, to });
  }
  return pairs;
}
