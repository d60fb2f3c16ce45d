import type { Color } from '../../src/domain/color.ts';
import type { SiteId } from '../../src/domain/site.ts';
import type { Topology } from './scenario.ts';

/** What decides whether two TLOCs build a tunnel. */
export interface FormationEnd {
  readonly siteId: SiteId;
  readonly hub: boolean;
  readonly color: Color;
  readonly restrict: boolean;
}

/**
 * Whether a tunnel forms from `local` to `remote` (and, symmetrically, back). Edges of one site never
 * tunnel to each other; hub-and-spoke keeps only tunnels with a hub at one end; same colors always
 * connect; different colors connect only with cross-color on and neither end restricted, as `restrict` means.
 */
export function formsTunnel(local: FormationEnd, remote: FormationEnd, topology: Topology, crossColor: boolean): boolean {
  if (local.siteId === remote.siteId) return false;
  if (topology === 'hub-and-spoke' && !local.hub && !remote.hub) return false;
  if (local.color === remote.color) return true;
  return crossColor && !local.restrict && !remote.restrict;
}
