import type { Color } from './color.ts';

/** Upper bounds on what the tunnel a Service uses may show, in base units. Absent means unbounded. */
export interface SloBounds {
  readonly maxLatencySeconds?: number;
  readonly maxJitterSeconds?: number;
  /** 0..1 */
  readonly maxLossRatio?: number;
}

export interface Slo {
  readonly bounds: SloBounds;
  /** Share of time the bounds must hold, 0..1 (default 0.99). */
  readonly objective: number;
  /** The SLO window in seconds (default 30 days). */
  readonly windowSeconds: number;
}

export const DEFAULT_OBJECTIVE = 0.99;
export const DEFAULT_WINDOW_SECONDS = 30 * 24 * 3600;

/** What to do when no candidate color meets the SLO. */
export type FallbackMode = 'best-effort' | 'hold';

export const DEFAULT_FALLBACK: FallbackMode = 'best-effort';

/** Which annotation pinned a Service: Isthmus' own, or the earlier l7mp operator's. */
export type PinSource = 'isthmus.io/tunnel' | 'policy.sdwan.cisco.com/tunnel';

/**
 * What a Service asks of Isthmus, from its annotations:
 * - `auto`: keep it on a candidate color that meets its SLO;
 * - `pinned`: always this color, no optimisation;
 * - `unmanaged`: no Isthmus annotations; its traffic is observed but never steered.
 */
export type ServiceIntent =
  | {
      readonly mode: 'auto';
      readonly slo: Slo;
      /** In order of preference; undefined means every color the tenant may use. */
      readonly candidates: readonly Color[] | undefined;
      readonly fallback: FallbackMode;
    }
  | { readonly mode: 'pinned'; readonly color: Color; readonly source: PinSource; readonly slo: Slo | undefined }
  | { readonly mode: 'unmanaged' };

/** True when the measured values meet every bound (inclusive, as SLA classes compare). */
export function meetsBounds(
  bounds: SloBounds,
  measured: { readonly latencySeconds: number; readonly jitterSeconds: number; readonly lossRatio: number },
): boolean {
  return (
    (bounds.maxLatencySeconds === undefined || measured.latencySeconds <= bounds.maxLatencySeconds) &&
    (bounds.maxJitterSeconds === undefined || measured.jitterSeconds <= bounds.maxJitterSeconds) &&
    (bounds.maxLossRatio === undefined || measured.lossRatio <= bounds.maxLossRatio)
  );
}
