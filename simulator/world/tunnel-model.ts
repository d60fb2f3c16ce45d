import type { TunnelSample, TunnelState } from '../../src/domain/tunnel-sample.ts';
import type { Fabric } from './fabric.ts';
import { geoDistanceKm } from './geo-distance.ts';
import { hash, hashBucket, signedHigh, signedLow, unit } from './hash.ts';
import type { IncidentSchedule } from './incident-schedule.ts';

/** A sample the caller owns and the model overwrites: the allocation-free form of TunnelSample. */
export interface MutableTunnelSample {
  time: number;
  latencySeconds: number;
  jitterSeconds: number;
  lossRatio: number;
  state: TunnelState;
}

/** Means over an interval, as app-route statistics report them. */
export interface TunnelAverage {
  /** Epoch milliseconds at the end of the interval. */
  readonly time: number;
  /** Over the samples in which the tunnel was up (no probe comes back from a down tunnel); 0 if none. */
  readonly latencySeconds: number;
  readonly jitterSeconds: number;
  /** Over all samples: a down sample counts as total loss. */
  readonly lossRatio: number;
  /** The state of the last sample. */
  readonly state: TunnelState;
  readonly samples: number;
  readonly downSamples: number;
}

export function emptySample(): MutableTunnelSample {
  return { time: 0, latencySeconds: 0, jitterSeconds: 0, lossRatio: 0, state: 'up' };
}

const SALT_SLOW = 0x51;
const SALT_FAST = 0xfa;
const SALT_JITTER_LOSS = 0x7e;
const SALT_STATIC = 0x57;
/** Slow drift has one random knot per minute, interpolated smoothly in between. */
const SLOW_KNOT_MS = 60_000;
/** Propagation: light in fibre covers ~200 km/ms, routes are ~1.3× the great circle, BFD measures a round trip. */
const RTT_SECONDS_PER_KM = (2 * 1.3) / 200_000;

/**
 * Per-tunnel time series as pure functions of (seed, tunnel, time). A sample is the measurement whose
 * interval ends at the latest multiple of the sample period at or before the time asked about; its value
 * is computed from hashes of (seed, tunnel, bucket), never stored, so any window can be read in any order
 * with identical results and memory stays O(tunnels).
 *
 * A value is the tunnel's baseline (mean of its two circuits' color profiles, a per-pair static factor and
 * the distance between the sites) shaped by a slow drift (smoothly interpolated per-minute knots, shared
 * by both directions of the pair), fast per-sample noise and occasional loss bursts, then by whatever
 * incidents are under way. A down tunnel reports loss 1 and latency/jitter 0, as a dead BFD session does.
 */
export class TunnelModel {
  readonly startMs: number;
  readonly periodMs: number;
  readonly seed: number;
  readonly #fabric: Fabric;
  readonly #incidents: IncidentSchedule;
  readonly #baseLatency: Float64Array;
  readonly #baseJitter: Float64Array;
  readonly #baseLoss: Float64Array;
  readonly #noise: Float64Array;
  readonly #spikeChance: Float64Array;
  readonly #spikeRatio: Float64Array;
  readonly #pair: Int32Array;
  readonly #knot: number;
  // Scratch output of #evaluate: the hot path writes numbers here instead of allocating.
  #latency = 0;
  #jitter = 0;
  #loss = 0;
  #down = false;

  constructor(fabric: Fabric, incidents: IncidentSchedule, seed: number, startMs: number, periodMs: number) {
    this.#fabric = fabric;
    this.#incidents = incidents;
    this.seed = seed;
    this.startMs = startMs;
    this.periodMs = periodMs;
    this.#knot = Math.max(1, Math.round(SLOW_KNOT_MS / periodMs));
    const n = fabric.tunnels.length;
    this.#baseLatency = new Float64Array(n);
    this.#baseJitter = new Float64Array(n);
    this.#baseLoss = new Float64Array(n);
    this.#noise = new Float64Array(n);
    this.#spikeChance = new Float64Array(n);
    this.#spikeRatio = new Float64Array(n);
    this.#pair = new Int32Array(n);
    for (const tunnel of fabric.tunnels) {
      const i = tunnel.index;
      const reverse = fabric.tunnelReverse[i] ?? i;
      const pair = reverse >= 0 ? Math.min(i, reverse) : i;
      this.#pair[i] = pair;
      const a = tunnel.local.profile;
      const b = tunnel.remote.profile;
      // Both directions of a pair get the same static factor (0.85–1.25): a property of the path.
      const factor = 0.85 + 0.4 * unit(hash(seed, pair, 0, SALT_STATIC));
      const distance = geoDistanceKm(tunnel.local.device.site.location, tunnel.remote.device.site.location);
      this.#baseLatency[i] = ((a.latencySeconds + b.latencySeconds) / 2) * factor + distance * RTT_SECONDS_PER_KM;
      this.#baseJitter[i] = ((a.jitterSeconds + b.jitterSeconds) / 2) * factor;
      this.#baseLoss[i] = Math.min(1, (a.lossRatio + b.lossRatio) / 2);
      this.#noise[i] = Math.max(a.noise, b.noise);
      this.#spikeChance[i] = Math.max(a.lossSpikeChance, b.lossSpikeChance);
      this.#spikeRatio[i] = Math.max(a.lossSpikeRatio, b.lossSpikeRatio);
    }
  }

  /** Index of the sample (measurement interval) that is the latest one at `timeMs`. */
  bucketAt(timeMs: number): number {
    return Math.floor((timeMs - this.startMs) / this.periodMs);
  }

  /** The sample of tunnel i at `timeMs`, written into `out` (returned for convenience). */
  sampleInto(i: number, timeMs: number, out: MutableTunnelSample): MutableTunnelSample {
    const bucket = this.bucketAt(timeMs);
    this.#evaluate(i, bucket);
    out.time = this.startMs + bucket * this.periodMs;
    out.latencySeconds = this.#latency;
    out.jitterSeconds = this.#jitter;
    out.lossRatio = this.#loss;
    out.state = this.#down ? 'down' : 'up';
    return out;
  }

  sample(i: number, timeMs: number): TunnelSample {
    return { ...this.sampleInto(i, timeMs, emptySample()) };
  }

  /** Whether tunnel i is down at `timeMs` (only incidents take tunnels down). */
  isDown(i: number, timeMs: number): boolean {
    return this.#downAt(i, this.startMs + this.bucketAt(timeMs) * this.periodMs);
  }

  /**
   * Means over the samples whose measurement ends in (fromMs, toMs], reading every `stepMs`-th one
   * (default: all). A coarser step trades exactness for speed when averaging long windows at scale.
   */
  average(i: number, fromMs: number, toMs: number, stepMs: number = this.periodMs): TunnelAverage {
    const first = this.bucketAt(fromMs) + 1;
    const last = this.bucketAt(toMs);
    const stride = Math.max(1, Math.round(stepMs / this.periodMs));
    let latency = 0;
    let jitter = 0;
    let loss = 0;
    let samples = 0;
    let down = 0;
    let lastDown = false;
    // Walk back from the last bucket so that the last sample is always included whatever the stride.
    for (let bucket = last; bucket >= first; bucket -= stride) {
      this.#evaluate(i, bucket);
      if (samples === 0) lastDown = this.#down;
      samples++;
      loss += this.#loss;
      if (this.#down) {
        down++;
      } else {
        latency += this.#latency;
        jitter += this.#jitter;
      }
    }
    const up = samples - down;
    return {
      time: this.startMs + last * this.periodMs,
      latencySeconds: up > 0 ? latency / up : 0,
      jitterSeconds: up > 0 ? jitter / up : 0,
      lossRatio: samples > 0 ? loss / samples : 0,
      state: lastDown ? 'down' : 'up',
      samples,
      downSamples: down,
    };
  }

  #downAt(i: number, sampleTime: number): boolean {
    const schedule = this.#incidents;
    for (const j of schedule.downIncidents) {
      const elapsed = schedule.elapsed(j, sampleTime);
      if (elapsed >= 0 && schedule.hits(j, i) && schedule.isDown(j, elapsed)) return true;
    }
    return false;
  }

  #evaluate(i: number, bucket: number): void {
    const seed = this.seed;
    const sampleTime = this.startMs + bucket * this.periodMs;
    const pair = this.#pair[i] ?? i;
    const knot = this.#knot;
    const k = Math.floor(bucket / knot);
    const f = (bucket - k * knot) / knot;
    const s = f * f * (3 - 2 * f);
    const a = unit(hashBucket(seed, pair, k, SALT_SLOW)) * 2 - 1;
    const b = unit(hashBucket(seed, pair, k + 1, SALT_SLOW)) * 2 - 1;
    const slow = a + (b - a) * s;
    const h1 = hashBucket(seed, i, bucket, SALT_FAST);
    const fast = (signedHigh(h1) + signedLow(h1)) / 2;
    const h2 = hashBucket(seed, i, bucket, SALT_JITTER_LOSS);
    const noise = this.#noise[i] ?? 0;
    const baseLatency = this.#baseLatency[i] ?? 0;
    const baseJitter = this.#baseJitter[i] ?? 0;

    let latency = baseLatency * Math.max(0.3, 1 + noise * (0.7 * slow + 0.3 * fast));
    // Jitter moves with the slow drift (congestion) and is noisier than latency.
    let jitter = baseJitter * Math.max(0.1, 1 + noise * 1.5 * (0.5 * slow + 0.5 * signedHigh(h2)));
    const lossRoll = (h2 & 0xffff) / 65_536;
    const spikeChance = this.#spikeChance[i] ?? 0;
    let loss =
      lossRoll < spikeChance
        ? (this.#spikeRatio[i] ?? 0) * (0.5 + lossRoll / spikeChance)
        : (this.#baseLoss[i] ?? 0) * 2 * ((lossRoll - spikeChance) / (1 - spikeChance));
    let down = false;

    const schedule = this.#incidents;
    for (let j = 0; j < schedule.count; j++) {
      const elapsed = schedule.elapsed(j, sampleTime);
      if (elapsed < 0 || !schedule.hits(j, i)) continue;
      if (schedule.isBrownout(j)) {
        const intensity = schedule.intensity(j, elapsed);
        latency += intensity * (schedule.addLatency[j] ?? 0) * (1 + 0.2 * fast);
        jitter += intensity * (schedule.addJitter[j] ?? 0) * (1 + 0.3 * signedHigh(h2));
        loss += intensity * (schedule.addLoss[j] ?? 0) * (0.75 + 0.5 * lossRoll);
      } else if (schedule.isDown(j, elapsed)) {
        down = true;
      }
    }

    if (down) {
      this.#latency = 0;
      this.#jitter = 0;
      this.#loss = 1;
    } else {
      this.#latency = latency;
      this.#jitter = jitter;
      this.#loss = loss > 1 ? 1 : loss;
    }
    this.#down = down;
  }

  get fabric(): Fabric {
    return this.#fabric;
  }
}
