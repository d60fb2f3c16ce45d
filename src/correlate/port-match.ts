import type { ServiceView } from './correlation-view.ts';

/**
 * Whether a Service serves an address's port: `exact` when a port says so, `maybe` when it cannot be
 * told (Service unknown or without ports, a named targetPort, a portless protocol), `no` otherwise.
 */
export type PortMatch = 'exact' | 'maybe' | 'no';

/** The role of the address: a Service frontend (ClusterIP, load-balancer IP) or a backend pod. */
export type AddressRole = 'frontend' | 'backend';

export function portMatch(service: ServiceView | undefined, port: number, role: AddressRole): PortMatch {
  if (service === undefined || service.ports.length === 0 || port === 0) return 'maybe';
  let named = false;
  // Indexed, not for-of: the array iterator is not always optimised away here, and this runs per flow.
  // eslint-disable-next-line @typescript-eslint/prefer-for-of
  for (let i = 0; i < service.ports.length; i++) {
    const candidate = service.ports[i];
    if (candidate === undefined) continue;
    if (role === 'frontend') {
      if (candidate.port === port) return 'exact';
    } else if (typeof candidate.targetPort === 'number') {
      if (candidate.targetPort === port) return 'exact';
    } else {
      // A named targetPort resolves per pod; the Service alone cannot say which number it is.
      named = true;
    }
  }
  return named ? 'maybe' : 'no';
}
