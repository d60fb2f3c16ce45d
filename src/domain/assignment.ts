import type { Color } from './color.ts';
import type { ServiceRef } from './service.ts';

/**
 * How a Service came to be on its color: chosen by the optimizer, pinned by annotation, or the
 * least-bad (or held) color because no candidate met its SLO.
 */
export type AssignmentMode = 'auto' | 'pinned' | 'fallback';

export interface Assignment {
  readonly service: ServiceRef;
  readonly color: Color;
  readonly mode: AssignmentMode;
  /** Epoch milliseconds since the Service has been on this color. */
  readonly since: number;
}
