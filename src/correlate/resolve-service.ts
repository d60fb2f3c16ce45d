import type { FlowEndpoint } from '../domain/flow.ts';
import type { ServiceKey } from '../domain/service.ts';
import type { CorrelationScratch, ServiceSource } from './correlated-flow.ts';
import type { InventoryLookups, PodView } from './correlation-view.ts';
import type { KeyInterner } from './key-interner.ts';
import { pickService } from './pick-service.ts';

/**
 * Finds the Service of the server end and writes it (with its source and any conflict) into `out`;
 * false when there is none.
 *
 * The index (frontends first, then the backend pod's Services) is the source of truth; Hubble's
 * `destination_service`/`source_service` is used when the index has no Service serving the address and
 * port, and to choose between Services sharing an address. When Hubble names a Service the index does
 * not list there, the index wins and the conflict is counted: Hubble fills the field from the agent's frontend table by
 * the event's IP:port (hubble.md §9), which lags pod-IP and ClusterIP reuse just as the index does,
 * while everything downstream (assignments, endpoints, SLOs, the policy pushed) is keyed by the index.
 * Keeping the index's answer keeps a flow's Service, sites and color consistent with one another;
 * the conflict counter shows when the two disagree.
 */
export function resolveService(end: FlowEndpoint, pod: PodView | undefined, view: InventoryLookups, keys: KeyInterner | undefined, out: CorrelationScratch): boolean {
  const frontends = view.servicesAt(end.ip);
  const isFrontend = frontends.length > 0;
  const candidates = isFrontend ? frontends : (pod?.services ?? frontends);
  const role = isFrontend ? 'frontend' : 'backend';
  const picked = pickService(candidates, end.port, role, view);
  const named = hubbleService(end, keys);
  if (named !== undefined && named !== picked) {
    if (candidates.includes(named)) {
      // Hubble looked the exact IP:port up: it tells apart Services sharing an address.
      return settle(out, named, role);
    }
    if (picked === undefined) return settle(out, named, 'hubble');
    out.conflict = true;
  }
  return picked === undefined ? false : settle(out, picked, role);
}

function settle(out: CorrelationScratch, service: ServiceKey, source: ServiceSource): true {
  out.service = service;
  out.serviceSource = source;
  return true;
}

function hubbleService(end: FlowEndpoint, keys: KeyInterner | undefined): ServiceKey | undefined {
  if (end.serviceName === '' || end.serviceNamespace === '') return undefined;
  return keys === undefined ? `${end.serviceNamespace}/${end.serviceName}` : keys.service(end.serviceNamespace, end.serviceName);
}
