import type { FlowEndpoint } from '../domain/flow.ts';
import type { InventoryLookups, PodView } from './correlation-view.ts';
import { pickService } from './pick-service.ts';

/** Whether this end of a flow is a Service's end (a frontend or a backend on a served port): the server. */
export function servesService(end: FlowEndpoint, pod: PodView | undefined, view: InventoryLookups): boolean {
  if (end.serviceName !== '') return true;
  if (pickService(view.servicesAt(end.ip), end.port, 'frontend', view) !== undefined) return true;
  return pod !== undefined && pickService(pod.services, end.port, 'backend', view) !== undefined;
}
