import { WorldDataSource } from '../../../simulator/vmanage/world-data-source.ts';
import type { World } from '../../../simulator/world/world.ts';
import { DEFAULT_PAIR_WINDOW_MS } from '../../../src/controller/bridge.ts';
import { fabricPreference } from '../../../src/controller/desired-assignment.ts';
import { optimizerRound } from '../../../src/controller/optimizer-round.ts';
import type { OptimizerRound } from '../../../src/controller/optimizer-round.ts';
import type { Color } from '../../../src/domain/color.ts';
import type { ServiceKey } from '../../../src/domain/service.ts';
import type { TunnelReading } from '../../../src/domain/tunnel-stats-source.ts';
import type { OptimizerParams } from '../../../src/optimizer/optimizer-params.ts';
import type { ServiceState } from '../../../src/optimizer/service-state.ts';
import { TunnelTelemetryCollector } from '../../../src/vmanage/tunnel-telemetry-collector.ts';
import type { Remap } from './quality-measures.ts';
import { worldTelemetryReader } from './world-telemetry.ts';
import { worldServicesAt } from './world-services.ts';

/** How the deployed bridge runs around the optimizer: its cadences and the fabric's delays. */
export interface BridgeModel {
  readonly params: OptimizerParams;
  /** `vmanage.pollInterval`. */
  readonly pollIntervalMs: number;
  /** How long a poll takes (login, paging): its data is as of its start, the evaluation after it at its end. */
  readonly pollDurationMs: number;
  /** The bridge's evaluation schedule (DEFAULT_EVALUATE_INTERVAL_MS); it also evaluates after every poll. */
  readonly evaluateIntervalMs: number;
  /** `vmanage.policy.minPushInterval`: changes in between are coalesced into the next push. */
  readonly minPushIntervalMs: number;
  /** From a push to the controllers enforcing it (edit, activation task, OMP to the edges). */
  readonly activationMs: number;
  /** The routers' `bfd app-route poll-interval`: one statistics row per tunnel per interval. */
  readonly appRouteIntervalMs: number;
  /** `vmanage.defaultColor`: first among the candidates of Services that name none. */
  readonly defaultColor: Color | undefined;
  /** The bridge starts this long before the first scored slice, so that its first push has taken effect. */
  readonly warmUpMs: number;
  /**
   * How far past a routers' interval boundary the bridge's schedules run: how long a fresh statistics
   * row waits for the next poll. Nothing aligns the two, so half a poll interval is the fair figure.
   */
  readonly pollPhaseMs: number;
}

export interface IsthmusRun {
  /** Per Service, the colors its traffic was on from when, in time order (what the fabric enforced). */
  readonly enforced: ReadonlyMap<ServiceKey, readonly { readonly fromMs: number; readonly color: Color }[]>;
  /** Moves the optimizer decided (first assignments left out), at decision time. */
  readonly remaps: readonly Remap[];
  readonly pushes: number;
  readonly rounds: number;
}

/**
 * The bridge's decision loop over a fast-forwarded world, with the product's own parts: the vManage
 * collector (bulk statistics and BFD sessions, as the emulator serves them, through the bridge's
 * parsers and store) on its poll schedule, one optimizer round (`optimizerRound`: windowed readings,
 * evaluateServices, planRound) per evaluation tick and after every poll, the states carried from round
 * to round as the bridge carries them, and the desired policy pushed at most once per minimum push
 * interval, enforced `activationMs` after the push. Only what flows would teach the bridge is taken
 * from the scenario instead (the site pairs). `onRound` sees every round as it is decided, for tracing
 * why a Service moved when.
 */
export async function runIsthmus(world: World, fromMs: number, toMs: number, model: BridgeModel, onRound?: (round: OptimizerRound, nowMs: number) => void): Promise<IsthmusRun> {
  let now = fromMs - model.warmUpMs + model.pollPhaseMs;
  const clock = { now: () => now };
  const source = new WorldDataSource(world, { clock, pollIntervalMs: model.appRouteIntervalMs });
  const collector = new TunnelTelemetryCollector({ telemetry: worldTelemetryReader(source), clock, statsSource: 'bulk' });
  let states = new Map<ServiceKey, ServiceState>();
  const enforced = new Map<ServiceKey, { fromMs: number; color: Color }[]>();
  const remaps: Remap[] = [];
  let lastPushAt: number | undefined;
  let pushed = '';
  let pushes = 0;
  let rounds = 0;

  const evaluate = (): void => {
    const readings = collector.readings();
    const fabricColors = fabricPreference(sameColorTunnelColors(readings), model.defaultColor);
    const services = worldServicesAt(world, now, fabricColors);
    const round = optimizerRound({
      services: services.round,
      traffic: { sitePairs: (key) => services.pairs.get(key) ?? [] },
      tunnels: collector,
      states,
      now,
      params: model.params,
      fabricColors,
      clusterSites: services.clusterSites,
      clusterName: 'bench',
      sinceMs: now - DEFAULT_PAIR_WINDOW_MS,
    });
    rounds++;
    onRound?.(round, now);
    states = round.states;
    for (const move of round.moves) if (move.from !== undefined) remaps.push({ key: move.key, timeMs: now, from: move.from, to: move.to });
    const document = policyDigest(round);
    // The applier's pace: a changed document waits for the minimum push interval, then goes whole.
    if (document === pushed || (lastPushAt !== undefined && now - lastPushAt < model.minPushIntervalMs)) return;
    lastPushAt = now;
    pushed = document;
    pushes++;
    for (const service of round.desired.services) {
      const history = enforced.get(service.key) ?? [];
      if (history.at(-1)?.color !== service.color) history.push({ fromMs: now + model.activationMs, color: service.color });
      enforced.set(service.key, history);
    }
  };

  for (const tick of schedule(now, toMs, model)) {
    if (tick.kind === 'poll') {
      now = tick.atMs - model.pollDurationMs;
      await collector.poll();
    }
    now = tick.atMs;
    evaluate();
  }
  return { enforced, remaps, pushes, rounds };
}

/** The color enforced for a Service at a time; undefined before its first push took effect. */
export function enforcedColorAt(history: readonly { readonly fromMs: number; readonly color: Color }[] | undefined, timeMs: number): Color | undefined {
  let color: Color | undefined;
  for (const entry of history ?? []) {
    if (entry.fromMs > timeMs) break;
    color = entry.color;
  }
  return color;
}

interface Tick {
  readonly kind: 'poll' | 'evaluate';
  readonly atMs: number;
}

/**
 * The bridge's two clocks: evaluations every interval from its start, and polls every poll interval
 * from its start, each followed by an evaluation when it completes. Both start together, as in
 * startBridge and the collector's start().
 */
function schedule(startMs: number, endMs: number, model: BridgeModel): Tick[] {
  const ticks: Tick[] = [];
  for (let at = startMs; at < endMs; at += model.evaluateIntervalMs) ticks.push({ kind: 'evaluate', atMs: at });
  for (let at = startMs + model.pollDurationMs; at < endMs; at += model.pollIntervalMs) ticks.push({ kind: 'poll', atMs: at });
  // A poll completing at the same instant as a tick comes first: its data is what that tick judges.
  return ticks.sort((a, b) => a.atMs - b.atMs || (a.kind === b.kind ? 0 : a.kind === 'poll' ? -1 : 1));
}

/** What the policy applier compares: each Service's color and backup color (a change of either is a push). */
function policyDigest(round: OptimizerRound): string {
  return round.desired.services.map((service) => `${service.key}=${service.color}/${service.backupColor ?? ''}`).join(';');
}

/** The colors of same-color tunnels (as the bridge computes its fabric colors). */
function sameColorTunnelColors(readings: readonly TunnelReading[]): Color[] {
  const colors = new Set<Color>();
  for (const reading of readings) if (reading.tunnel.key.local.color === reading.tunnel.key.remote.color) colors.add(reading.tunnel.key.local.color);
  return [...colors];
}
