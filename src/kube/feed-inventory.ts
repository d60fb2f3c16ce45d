import type { ServiceKey } from '../domain/service.ts';
import type { Inventory } from './inventory.ts';
import type { EndpointSliceStore, NodeStore, ServiceStore, StoreChange } from './read-store.ts';

export interface InventorySources {
  readonly services: ServiceStore;
  readonly endpointSlices: EndpointSliceStore;
  readonly nodes: NodeStore;
}

/**
 * Keeps an Inventory in step with the stores: every notified key is re-read (level-triggered: the store
 * holds the latest state, absent means deleted) and applied; the Services whose derived data may have
 * changed go to `onServices`, e.g. the reconciler's work queue. What the stores already hold is applied
 * at once, nodes first so that endpoints are placed on arrival. Returns the function that disconnects.
 */
export function feedInventory(sources: InventorySources, inventory: Inventory, onServices: (keys: readonly ServiceKey[]) => void): () => void {
  const report = (keys: readonly ServiceKey[]): void => {
    if (keys.length > 0) onServices(keys);
  };
  const onNode = (change: StoreChange): void => {
    const node = sources.nodes.get(change.key);
    report(node === undefined ? inventory.deleteNode(change.key) : inventory.upsertNode(node));
  };
  const onSlice = (change: StoreChange): void => {
    const slice = sources.endpointSlices.get(change.key);
    report(slice === undefined ? inventory.deleteEndpointSlice(change.key) : inventory.upsertEndpointSlice(slice));
  };
  const onService = (change: StoreChange): void => {
    const service = sources.services.get(change.key);
    report(service === undefined ? inventory.deleteService(change.key) : inventory.upsertService(service));
  };
  const unsubscribe = [sources.nodes.subscribe(onNode), sources.endpointSlices.subscribe(onSlice), sources.services.subscribe(onService)];
  for (const key of sources.nodes.keys()) onNode({ type: 'added', key });
  for (const key of sources.endpointSlices.keys()) onSlice({ type: 'added', key });
  for (const key of sources.services.keys()) onService({ type: 'added', key });
  return () => {
    for (const stop of unsubscribe) stop();
  };
}
