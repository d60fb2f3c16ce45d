import type { Color } from '../../src/domain/color.ts';

/**
 * The baseline "weather" of a transport: what its tunnels measure when nothing is wrong, before distance
 * and noise. Latency is the round trip BFD measures, as vManage reports it.
 */
export interface ColorProfile {
  readonly latencySeconds: number;
  readonly jitterSeconds: number;
  /** Background loss, 0..1. */
  readonly lossRatio: number;
  /** Relative amplitude of latency/jitter variation (0.05 = ±5%). */
  readonly noise: number;
  /** Probability that a sample carries a loss burst. */
  readonly lossSpikeChance: number;
  /** Typical size of a loss burst, 0..1. */
  readonly lossSpikeRatio: number;
}

function profile(latencyMs: number, jitterMs: number, lossRatio: number, noise: number, lossSpikeChance: number, lossSpikeRatio: number): ColorProfile {
  return { latencySeconds: latencyMs / 1000, jitterSeconds: jitterMs / 1000, lossRatio, noise, lossSpikeChance, lossSpikeRatio };
}

// Carrier transports are fast and quiet; internet is slower and noisier; cellular is the worst. The
// numbers are typical of what operators see inside one continent (distance is added per tunnel).
const PRIVATE = profile(15, 1, 0.0002, 0.06, 0.0005, 0.01);
const INTERNET = profile(30, 5, 0.002, 0.2, 0.005, 0.03);

const PROFILES: Readonly<Record<Color, ColorProfile>> = {
  mpls: profile(12, 0.5, 0.0001, 0.05, 0.0005, 0.01),
  'metro-ethernet': profile(5, 0.3, 0.00005, 0.04, 0.0003, 0.01),
  private1: PRIVATE,
  private2: PRIVATE,
  private3: PRIVATE,
  private4: PRIVATE,
  private5: PRIVATE,
  private6: PRIVATE,
  'biz-internet': profile(25, 3, 0.001, 0.15, 0.003, 0.03),
  'public-internet': profile(35, 6, 0.003, 0.25, 0.01, 0.05),
  lte: profile(60, 15, 0.01, 0.4, 0.02, 0.08),
  '3g': profile(120, 30, 0.02, 0.5, 0.03, 0.1),
  gold: profile(20, 2, 0.0005, 0.1, 0.002, 0.02),
  silver: profile(28, 4, 0.001, 0.15, 0.004, 0.03),
  bronze: profile(40, 8, 0.004, 0.25, 0.01, 0.05),
  blue: INTERNET,
  green: INTERNET,
  red: INTERNET,
  custom1: INTERNET,
  custom2: INTERNET,
  custom3: INTERNET,
  default: INTERNET,
};

export function colorProfile(color: Color): ColorProfile {
  return PROFILES[color];
}

/** The profile of a TLOC: its color's, with whatever the scenario overrides. */
export function mergeProfile(base: ColorProfile, override: Partial<ColorProfile> | undefined): ColorProfile {
  return override === undefined ? base : { ...base, ...stripUndefined(override) };
}

function stripUndefined(value: Partial<ColorProfile>): Partial<ColorProfile> {
  return Object.fromEntries(Object.entries(value as Record<string, number | undefined>).filter(([, v]) => v !== undefined));
}
