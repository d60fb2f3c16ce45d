import type { Clock } from '../src/domain/clock.ts';
import { silentLog } from '../src/vmanage/log-port.ts';
import type { LogPort } from '../src/vmanage/log-port.ts';
import { startWorldHubble } from './hubble/start-world-hubble.ts';
import type { WorldHubble, WorldHubbleOptions } from './hubble/start-world-hubble.ts';
import { startWorldKube } from './kube/start-world-kube.ts';
import type { WorldKube, WorldKubeOptions } from './kube/start-world-kube.ts';
import type { SimulationContext, StartedEmulator } from './started-emulator.ts';
import { startWorldVmanage } from './vmanage/start-world-vmanage.ts';
import type { WorldVmanage, WorldVmanageOptions } from './vmanage/start-world-vmanage.ts';
import { describeIncidentTarget } from './world/describe-incident-target.ts';
import type { Scenario, ScenarioIncident } from './world/scenario.ts';
import { SimClock } from './world/sim-clock.ts';
import type { World } from './world/world.ts';
import { createWorld } from './world/world.ts';
import type { WorldEvent } from './world/world-event.ts';

export interface SimulationOptions {
  readonly scenario: Scenario;
  /** The world's "weather" seed; default the scenario's. */
  readonly seed?: number | string;
  /** Simulated time zero (epoch ms). Default: the injected clock's now, else the current second. */
  readonly startMs?: number;
  /** Simulated milliseconds per real one. Default 1. Ignored when a clock is injected. */
  readonly speed?: number;
  /** A clock to run on instead of an accelerated one (tests pass `SimClock.manual`). */
  readonly clock?: SimClock;
  /** Real time, for rate limits and scroll contexts. Default: `Date.now`. */
  readonly realClock?: Clock;
  /** Simulated time after which `done` resolves with `duration`. Default: run until closed. */
  readonly durationMs?: number;
  /** Incidents as they start and end, tunnels as they go down and up. Default: silent. */
  readonly logger?: LogPort;
  /** Default 127.0.0.1. */
  readonly host?: string;
  readonly vmanage?: WorldVmanageOptions;
  readonly kube?: WorldKubeOptions;
  readonly hubble?: WorldHubbleOptions;
}

/** The `--info-file` document: everything a script needs to reach the emulators. */
export interface SimulationInfo {
  readonly scenario: string;
  readonly seed: number;
  readonly startMs: number;
  readonly start: string;
  readonly speed: number;
  readonly durationMs: number | null;
  readonly pid: number;
  readonly [emulator: string]: unknown;
}

export type SimulationEnd = 'duration' | 'closed';

export interface Simulation {
  readonly world: World;
  readonly clock: SimClock;
  readonly startMs: number;
  readonly speed: number;
  readonly vmanage: WorldVmanage;
  readonly kube: WorldKube;
  readonly hubble: WorldHubble;
  /** Every running emulator, in start order. */
  readonly emulators: readonly StartedEmulator[];
  readonly info: SimulationInfo;
  /** Resolves when `durationMs` of simulated time has passed, or when closed. */
  readonly done: Promise<SimulationEnd>;
  /** Stops the world's timers and closes every emulator; idempotent. */
  close(): Promise<void>;
}

const realTime: Clock = { now: () => Date.now() };

/**
 * Builds the world for a scenario on a simulated clock and serves it through the emulators on loopback:
 * the composition behind `isthmus simulate` (and the demo). Each emulator is one start function; a
 * failure to start one closes those already started.
 */
export async function startSimulation(options: SimulationOptions): Promise<Simulation> {
  const speed = options.clock?.speed ?? options.speed ?? 1;
  if (options.clock === undefined && (!(speed > 0) || !Number.isFinite(speed))) throw new RangeError(`speed must be a positive number, got ${speed}`);
  const startMs = options.startMs ?? options.clock?.now() ?? Math.floor(Date.now() / 1000) * 1000;
  const ownsClock = options.clock === undefined;
  const clock = options.clock ?? SimClock.accelerated(startMs, speed);
  const world = createWorld(options.scenario, { clock, startMs, ...(options.seed === undefined ? {} : { seed: options.seed }) });
  const logger = options.logger ?? silentLog;
  const context: SimulationContext = { world, clock, realClock: options.realClock ?? realTime, host: options.host ?? '127.0.0.1', logger };

  const emulators: StartedEmulator[] = [];
  let vmanage: WorldVmanage;
  let kube: WorldKube;
  let hubble: WorldHubble;
  try {
    vmanage = await startWorldVmanage(context, { applyPolicy: true, ...options.vmanage });
    emulators.push(vmanage);
    kube = await startWorldKube(context, options.kube);
    emulators.push(kube);
    hubble = await startWorldHubble(context, options.hubble);
    emulators.push(hubble);
  } catch (error) {
    await closeAll(emulators);
    world.close();
    if (ownsClock) clock.stop();
    throw error;
  }

  for (const active of world.activeIncidents(clock.now())) {
    logger.info(
      { incident: active.incident.name, kind: active.incident.kind, target: describeIncidentTarget(active.incident.target), occurrence: active.occurrence, until: iso(active.endMs) },
      `incident under way: ${active.incident.name}`,
    );
  }
  const unsubscribe = world.subscribe((event) => {
    logWorldEvent(logger, event);
  });

  let finish: (end: SimulationEnd) => void = () => undefined;
  const done = new Promise<SimulationEnd>((resolve) => {
    finish = resolve;
  });
  const timer = options.durationMs === undefined ? undefined : clock.setTimeout(() => {
    finish('duration');
  }, options.durationMs);

  const info: SimulationInfo = {
    scenario: options.scenario.name,
    seed: world.seed,
    startMs,
    start: iso(startMs),
    speed,
    durationMs: options.durationMs ?? null,
    pid: process.pid,
    ...Object.fromEntries(emulators.map((emulator) => [emulator.name, emulator.info])),
  };

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      clock.clearTimeout(timer);
      unsubscribe();
      world.close();
      await closeAll(emulators);
      if (ownsClock) clock.stop();
      finish('closed');
    })();
    return closing;
  };

  return { world, clock, startMs, speed, vmanage, kube, hubble, emulators, info, done, close };
}

async function closeAll(emulators: readonly StartedEmulator[]): Promise<void> {
  // Reverse start order, each even when another fails to close.
  await Promise.allSettled([...emulators].reverse().map((emulator) => emulator.close()));
}

/** What the operator wants to see: incidents as they start and end; tunnel changes in brief. */
function logWorldEvent(logger: LogPort, event: WorldEvent): void {
  switch (event.type) {
    case 'incident-started':
    case 'incident-ended': {
      const { incident } = event;
      const started = event.type === 'incident-started';
      logger.info(
        {
          incident: incident.name,
          kind: incident.kind,
          target: describeIncidentTarget(incident.target),
          occurrence: event.occurrence,
          at: iso(event.timeMs),
          ...(started ? { until: iso(event.timeMs + incident.durationMs) } : {}),
          ...details(incident),
        },
        `incident ${started ? 'started' : 'ended'}: ${incident.name}`,
      );
      return;
    }
    case 'tunnel-state':
      // A blackout at scale takes thousands of tunnels down at once: a count and a few names.
      logger.debug(
        { state: event.state, tunnels: event.tunnels.length, examples: event.tunnels.slice(0, 3).map((tunnel) => tunnel.name), at: iso(event.timeMs) },
        `${event.tunnels.length} tunnel${event.tunnels.length === 1 ? '' : 's'} ${event.state}`,
      );
      return;
    default:
      return;
  }
}

function details(incident: ScenarioIncident): Record<string, number> {
  if (incident.kind === 'brownout') {
    return { addLatencyMs: incident.addLatencySeconds * 1000, addJitterMs: incident.addJitterSeconds * 1000, addLossPercent: incident.addLossRatio * 100 };
  }
  if (incident.kind === 'flapping') return { periodMs: incident.periodMs, downForMs: incident.downForMs };
  return {};
}

/** `color public-internet`, `site 200 color mpls`, `sites 100-400`, `tunnel 10.0.0.1:mpls-10.0.0.2:mpls`. */
function iso(ms: number): string {
  return new Date(ms).toISOString();
}
