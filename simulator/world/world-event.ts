import type { Endpoint } from '../../src/domain/endpoint.ts';
import type { TunnelState } from '../../src/domain/tunnel-sample.ts';
import type { SimPod, SimService, SimWorkload } from './cluster.ts';
import type { SimTunnel } from './fabric.ts';
import type { ScenarioIncident } from './scenario.ts';

/**
 * A change in the world at a simulated instant (`timeMs`, epoch milliseconds), as subscribers receive it.
 * Tunnel state changes are batched per instant and state: a color blackout at scale downs thousands of
 * tunnels at once.
 */
export type WorldEvent =
  | { readonly type: 'incident-started'; readonly timeMs: number; readonly incident: ScenarioIncident; readonly occurrence: number }
  | { readonly type: 'incident-ended'; readonly timeMs: number; readonly incident: ScenarioIncident; readonly occurrence: number }
  | { readonly type: 'tunnel-state'; readonly timeMs: number; readonly state: TunnelState; readonly tunnels: readonly SimTunnel[] }
  | {
      readonly type: 'workload-scaled';
      readonly timeMs: number;
      readonly workload: SimWorkload;
      readonly replicas: number;
      readonly added: readonly SimPod[];
      readonly removed: readonly SimPod[];
    }
  | { readonly type: 'endpoints-changed'; readonly timeMs: number; readonly service: SimService; readonly endpoints: readonly Endpoint[] }
  | { readonly type: 'service-changed'; readonly timeMs: number; readonly service: SimService };

export type WorldEventType = WorldEvent['type'];

/** Order of events at the same instant: what ends before what starts, causes before effects. */
export const EVENT_ORDER: Readonly<Record<WorldEventType, number>> = {
  'incident-ended': 0,
  'incident-started': 1,
  'tunnel-state': 2,
  'workload-scaled': 3,
  'endpoints-changed': 4,
  'service-changed': 5,
};
