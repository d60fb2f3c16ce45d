import type { ServiceKey } from '../domain/service.ts';
import type { InventoryLookups } from './correlation-view.ts';
import { portMatch } from './port-match.ts';
import type { AddressRole } from './port-match.ts';

/**
 * Of the Services listing an address, the one serving the port: the first exact match, else the first
 * that may match (sorted keys, so the choice is stable); undefined when none serves it. Loops over
 * the few candidates without allocating; a single candidate still has its port checked.
 */
export function pickService(candidates: readonly ServiceKey[], port: number, role: AddressRole, view: InventoryLookups): ServiceKey | undefined {
  let maybe: ServiceKey | undefined;
  // Indexed, not for-of: the array iterator is not always optimised away here, and this runs per flow.
  // eslint-disable-next-line @typescript-eslint/prefer-for-of
  for (let i = 0; i < candidates.length; i++) {
    const key = candidates[i] ?? '';
    const match = portMatch(view.service(key), port, role);
    if (match === 'exact') return key;
    if (match === 'maybe') maybe ??= key;
  }
  return maybe;
}
