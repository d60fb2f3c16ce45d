import { clusterObjects } from '../../../simulator/kube/world-kube-feed.ts';
import type { World } from '../../../simulator/world/world.ts';
import { Inventory } from '../../kube/inventory.ts';
import { createSitePlacer, DEFAULT_SITE_LABEL } from '../../kube/site-placer.ts';
import { toClusterNode } from '../../kube/to-cluster-node.ts';
import { toEndpointSlice } from '../../kube/to-endpoint-slice.ts';
import { toService } from '../../kube/to-service.ts';

/**
 * The inventory the bridge would hold for a simulated world at `timeMs`: the Kubernetes objects the
 * emulated API server serves, converted by the real converters, applied nodes first.
 */
export function worldInventory(world: World, timeMs: number): Inventory {
  const inventory = new Inventory();
  const placer = createSitePlacer({ siteLabel: DEFAULT_SITE_LABEL, siteRanges: [] });
  const objects = clusterObjects(world, timeMs);
  for (const object of objects) {
    if (object.kind !== 'Node') continue;
    const node = toClusterNode(object, placer);
    if (node !== undefined) inventory.upsertNode(node);
  }
  for (const object of objects) {
    if (object.kind === 'Service') {
      const service = toService(object);
      if (service !== undefined) inventory.upsertService(service);
    } else if (object.kind === 'EndpointSlice') {
      const slice = toEndpointSlice(object);
      if (slice !== undefined) inventory.upsertEndpointSlice(slice);
    }
  }
  return inventory;
}
