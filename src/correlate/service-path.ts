import type { Color } from '../domain/color.ts';
import type { ServiceKey } from '../domain/service.ts';
import { meetsBounds } from '../domain/slo.ts';
import type { SloBounds } from '../domain/slo.ts';
import { pathOnColor } from './path-on-color.ts';
import type { PairHealth, PathMeasure } from './path-on-color.ts';
import type { SitePair } from './site-pair.ts';
import type { TunnelPathIndex } from './tunnel-path-index.ts';

/** Where the site pairs came from: the Service's observed traffic, the caller's fallback, or neither. */
export type PairSource = 'traffic' | 'fallback' | 'none';

/**
 * Why the SLI has the value it has:
 *  - `meets` / `violates`: the path is known and meets the bounds / a known value breaks them (a
 *    violation is a violation even if another pair is unknown);
 *  - `unknown-telemetry`: some pair's telemetry is stale or missing and nothing known breaks the bounds;
 *  - `no-pairs`: no inter-site traffic seen or expected: no WAN path to judge;
 *  - `no-color`: no color (no assignment and no fabric default);
 *  - `no-slo`: the Service declares no bounds; the path is still measured.
 */
export type PathVerdict = 'meets' | 'violates' | 'unknown-telemetry' | 'no-pairs' | 'no-color' | 'no-slo';

export interface ServicePathRequest {
  readonly service: ServiceKey;
  /** The color to judge: the assigned one, or a candidate. */
  readonly color: Color | undefined;
  readonly pairs: readonly SitePair[];
  readonly pairSource: PairSource;
  /** The declared SLO bounds; undefined when the Service declares none. */
  readonly bounds: SloBounds | undefined;
}

export interface ServicePath {
  readonly service: ServiceKey;
  readonly color: Color | undefined;
  readonly pairSource: PairSource;
  readonly pairs: readonly PairHealth[];
  /**
   * The worst latency, jitter and loss over the pairs (`isthmus_service_path_*`): defined when every
   * pair is known, or when known values already break the bounds; undefined otherwise (a partial worst
   * would understate the path).
   */
  readonly worst: PathMeasure | undefined;
  /** The time-slice SLI (`isthmus_slo_compliant`): 1 meets, 0 violates, undefined unknown or no SLO. */
  readonly compliant: 0 | 1 | undefined;
  readonly verdict: PathVerdict;
}

/** Judges a Service's path on one color against its bounds. Pure: plain data in, plain data out. */
export function servicePath(request: ServicePathRequest, index: TunnelPathIndex): ServicePath {
  const { service, color, pairSource, bounds } = request;
  if (color === undefined) return { service, color, pairSource, pairs: [], worst: undefined, compliant: undefined, verdict: 'no-color' };
  const path = pathOnColor(color, request.pairs, index);
  const base = { service, color, pairSource, pairs: path.pairs };
  if (request.pairs.length === 0) return { ...base, worst: undefined, compliant: undefined, verdict: 'no-pairs' };
  const observed = path.observed;
  if (bounds === undefined) return { ...base, worst: path.complete ? observed : undefined, compliant: undefined, verdict: 'no-slo' };
  if (observed !== undefined && !meetsBounds(bounds, observed)) return { ...base, worst: observed, compliant: 0, verdict: 'violates' };
  if (!path.complete || observed === undefined) return { ...base, worst: undefined, compliant: undefined, verdict: 'unknown-telemetry' };
  return { ...base, worst: observed, compliant: 1, verdict: 'meets' };
}

/** The same request judged on each candidate color, in the given order: what the optimizer compares. */
export function candidatePaths(request: Omit<ServicePathRequest, 'color'>, colors: readonly Color[], index: TunnelPathIndex): ServicePath[] {
  return colors.map((color) => servicePath({ ...request, color }, index));
}
