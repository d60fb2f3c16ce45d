import type { Assignment } from '../domain/assignment.ts';
import type { ServiceKey } from '../domain/service.ts';
import type { CorrelationView, InventoryLookups } from './correlation-view.ts';

/** Where assignments are read from: a `Map<ServiceKey, Assignment>` fits. */
export interface AssignmentLookup {
  get(key: ServiceKey): Assignment | undefined;
}

/**
 * Joins the inventory (e.g. `Inventory` from src/kube) and the current assignments into the view
 * correlation reads. Both are read live: later inventory mutations and assignment changes are seen.
 */
export function createCorrelationView(inventory: InventoryLookups, assignments: AssignmentLookup): CorrelationView {
  return {
    pod: (ip) => inventory.pod(ip),
    nodeOfIp: (ip) => inventory.nodeOfIp(ip),
    servicesAt: (ip) => inventory.servicesAt(ip),
    service: (key) => inventory.service(key),
    node: (name) => inventory.node(name),
    assignedColor: (key) => assignments.get(key)?.color,
  };
}
