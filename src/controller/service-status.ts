import type { ServicePath } from '../correlate/service-path.ts';
import type { Assignment } from '../domain/assignment.ts';
import type { Color } from '../domain/color.ts';
import type { DecisionReason, DecisionRecord } from '../domain/decision.ts';
import type { ServiceKey } from '../domain/service.ts';
import type { ServiceIntent, Slo } from '../domain/slo.ts';
import type { SitePairFlows } from './site-pair-flows.ts';

/** Everything the bridge knows about one Service: what the API and the demo show. Plain data. */
export interface ServiceStatus {
  readonly key: ServiceKey;
  readonly namespace: string;
  readonly name: string;
  readonly mode: ServiceIntent['mode'];
  /** The declared SLO (auto Services; pinned ones that declare one); undefined otherwise. */
  readonly slo: Slo | undefined;
  readonly assignment: Assignment | undefined;
  /** Why the assignment is what it is; undefined without one. */
  readonly reason: DecisionReason | undefined;
  /** The color the Service's inter-site traffic takes: its assignment, else the fabric default. */
  readonly color: Color | undefined;
  /** The last evaluation of its path on that color; undefined before the first. */
  readonly path: ServicePath | undefined;
  readonly flows: number;
  readonly flowsPerSecond: number;
  readonly sitePairs: readonly SitePairFlows[];
  /** The optimizer's last decision for the Service (the leader's); undefined before one, or when not steered. */
  readonly decision?: DecisionRecord | undefined;
}

/** The SLO a Service declares, whatever its mode. */
export function declaredSlo(intent: ServiceIntent): Slo | undefined {
  if (intent.mode === 'auto') return intent.slo;
  if (intent.mode === 'pinned') return intent.slo;
  return undefined;
}
