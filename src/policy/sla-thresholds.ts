import type { SloBounds } from '../domain/slo.ts';

/** An SLA class's bounds as vManage takes them: whole milliseconds and whole percent. */
export interface SlaThresholds {
  readonly latencyMs: number;
  readonly lossPercent: number;
  readonly jitterMs: number;
  /** What had to be adjusted to fit SD-WAN's ranges, in words. */
  readonly adjustments: readonly string[];
}

// SD-WAN's ranges (reference §9.5): latency and jitter 1–1000 ms; loss 0–100 % in some models but
// 1–100 % in terraform's and netascode's classic ones. Classic mode here, so loss starts at 1.
const LATENCY = { min: 1, max: 1000 } as const;
const JITTER = { min: 1, max: 1000 } as const;
const LOSS = { min: 1, max: 100 } as const;

/**
 * The SLA class for an SLO. Values are rounded *down* (a tunnel that meets the class then meets the
 * SLO), then clamped into SD-WAN's ranges; an absent bound is the range's maximum (anything goes).
 * Clamping can only loosen a bound below the minimum — a loss SLO under 1 % becomes 1 % — and says
 * so: the optimizer still judges the exact SLO, the class is the routers' coarser guard.
 */
export function slaThresholds(bounds: SloBounds | undefined): SlaThresholds {
  const adjustments: string[] = [];
  const latencyMs = fit('latency', bounds?.maxLatencySeconds, 1000, 'ms', LATENCY, adjustments);
  const lossPercent = fit('loss', bounds?.maxLossRatio, 100, '%', LOSS, adjustments);
  const jitterMs = fit('jitter', bounds?.maxJitterSeconds, 1000, 'ms', JITTER, adjustments);
  return { latencyMs, lossPercent, jitterMs, adjustments };
}

function fit(
  what: string,
  value: number | undefined,
  scale: number,
  unit: string,
  range: { readonly min: number; readonly max: number },
  adjustments: string[],
): number {
  if (value === undefined || !Number.isFinite(value)) return range.max;
  // The epsilon keeps 0.05 s · 1000 = 50.00000000000001 (or 49.99999999) from rounding the wrong way.
  const scaled = Math.floor(value * scale + 1e-9);
  if (scaled < range.min) {
    adjustments.push(`${what} ${formatNumber(value * scale)}${unit} raised to SD-WAN's minimum ${range.min}${unit}`);
    return range.min;
  }
  if (scaled > range.max) {
    adjustments.push(`${what} ${formatNumber(value * scale)}${unit} lowered to SD-WAN's maximum ${range.max}${unit}`);
    return range.max;
  }
  return scaled;
}

function formatNumber(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}
