import { parseServiceAnnotations } from '../../domain/slo-annotations.ts';
import type { Color } from '../../domain/color.ts';
import { intervalSchedule } from '../../vmanage/interval-schedule.ts';
import type { RepeatTimer } from '../../vmanage/interval-schedule.ts';
import type { LogPort } from '../../vmanage/log-port.ts';
import { TunnelTelemetryCollector } from '../../vmanage/tunnel-telemetry-collector.ts';
import { VmanageSession } from '../../vmanage/vmanage-session.ts';
import { VmanageTelemetryClient } from '../../vmanage/vmanage-telemetry-client.ts';
import { worstTunnelsFirst } from '../worst-tunnels-first.ts';
import { startSimulation } from '../../../simulator/start-simulation.ts';
import type { Simulation, SimulationEnd } from '../../../simulator/start-simulation.ts';
import { describeIncidentTarget } from '../../../simulator/world/describe-incident-target.ts';
import type { Scenario } from '../../../simulator/world/scenario.ts';
import type { SimClock } from '../../../simulator/world/sim-clock.ts';
import type { DemoService, DemoSnapshot } from './demo-summary.ts';
import { formatDemoSummary } from './demo-summary.ts';
import { colorCompliance, indexReadingsByPath } from './path-compliance.ts';
import { serviceSitePairs } from './service-site-pairs.ts';

export interface DemoOptions {
  readonly scenario: Scenario;
  readonly seed?: number | string;
  /** Simulated milliseconds per real one. */
  readonly speed: number;
  /** Simulated time after which the demo ends; undefined runs until the signal aborts. */
  readonly durationMs?: number;
  /** Real milliseconds between two summaries. */
  readonly refreshMs: number;
  /** Simulated length of vManage's app-route poll interval: how often new statistics appear. */
  readonly appRouteIntervalMs: number;
  /** How many tunnels the summary lists, worst first. */
  readonly maxTunnelRows: number;
  /** Redraw in place (a terminal) rather than print one summary after another (a log, a pipe). */
  readonly redraw: boolean;
  readonly write: (text: string) => void;
  readonly logger: LogPort;
  readonly signal?: AbortSignal;
}

export interface DemoResult {
  readonly end: SimulationEnd | 'aborted';
  readonly summaries: number;
  readonly last: DemoSnapshot | undefined;
}

/**
 * vManage's bulk statistics API allows 48 calls a minute of real time; one poll makes at least one. At
 * 30 polls a real minute the demo stays well inside it however fast simulated time runs.
 */
const MIN_REAL_MS_BETWEEN_POLLS = 2_000;
const CLEAR_SCREEN = '\u001b[H\u001b[2J';

/**
 * The demo: the simulated world served by the emulators on loopback, and Isthmus' real vManage client
 * and collector polling it on the simulated clock, with a summary of what Isthmus sees every refresh.
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const simulation = await startSimulation({
    scenario: options.scenario,
    speed: options.speed,
    logger: options.logger,
    vmanage: { pollIntervalMs: options.appRouteIntervalMs },
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.durationMs === undefined ? {} : { durationMs: options.durationMs }),
  });
  const { username, password } = simulation.vmanage.credentials;
  // The client's rate limits are about real time (what vManage counts), so the session keeps the real
  // clock; polling and staleness follow the simulated one, like a bridge beside a real fabric.
  const session = new VmanageSession({ baseUrl: simulation.vmanage.url, username, password, logger: options.logger });
  const pollMs = Math.max(options.appRouteIntervalMs, MIN_REAL_MS_BETWEEN_POLLS * options.speed);
  const collector = new TunnelTelemetryCollector({
    telemetry: new VmanageTelemetryClient(session),
    clock: simulation.clock,
    schedule: intervalSchedule(pollMs, simulatedRepeatTimer(simulation.clock)),
    initialLookbackMs: 3 * options.appRouteIntervalMs,
    staleAfterMs: 3 * Math.max(pollMs, options.appRouteIntervalMs),
    logger: options.logger,
  });

  let summaries = 0;
  let last: DemoSnapshot | undefined;
  const show = (): void => {
    last = takeSnapshot(simulation, collector, options);
    summaries++;
    options.write(`${options.redraw ? CLEAR_SCREEN : summaries > 1 ? '\n' : ''}${formatDemoSummary(last)}`);
  };

  let end: SimulationEnd | 'aborted';
  try {
    await collector.poll();
    collector.start();
    show();
    const refresh = setInterval(show, options.refreshMs);
    try {
      end = await Promise.race([simulation.done, aborted(options.signal)]);
    } finally {
      clearInterval(refresh);
    }
    show();
  } finally {
    await collector.stop();
    await session.logout();
    await session.close();
    await simulation.close();
  }
  return { end, summaries, last };
}

function takeSnapshot(simulation: Simulation, collector: TunnelTelemetryCollector, options: DemoOptions): DemoSnapshot {
  const now = simulation.clock.now();
  const { world } = simulation;
  const readings = collector.readings();
  const byPath = indexReadingsByPath(readings);
  const fabricColors = [...new Set(world.fabric.tunnels.map((tunnel) => tunnel.local.color))];
  const services: DemoService[] = [];
  world.cluster.services.forEach((_, index) => {
    const service = world.cluster.serviceAt(index, now);
    if (!service) return;
    const { intent } = parseServiceAnnotations(service.annotations);
    if (intent.mode === 'unmanaged') return;
    const pairs = serviceSitePairs(world, index, now);
    const bounds = intent.slo?.bounds;
    const colors: readonly Color[] = intent.mode === 'pinned' ? [intent.color] : (intent.candidates ?? fabricColors);
    services.push({
      key: `${service.namespace}/${service.name}`,
      bounds,
      pinnedTo: intent.mode === 'pinned' ? intent.color : undefined,
      colors: colors.map((color) => colorCompliance(color, pairs, bounds ?? {}, byPath)),
    });
  });
  const counters = collector.counters();
  return {
    scenario: world.scenario.name,
    simulatedMs: now,
    speed: simulation.speed,
    vmanageUrl: simulation.vmanage.url,
    health: collector.health(),
    polls: counters.polls,
    pollFailures: counters.failures,
    incidents: world.activeIncidents(now).map((active) => ({
      name: active.incident.name,
      kind: active.incident.kind,
      target: describeIncidentTarget(active.incident.target),
      untilMs: active.endMs,
    })),
    tunnels: worstTunnelsFirst(readings).slice(0, options.maxTunnelRows),
    tunnelCount: readings.length,
    services,
  };
}

/** Poll ticks on simulated time, so a poll interval means the same at any speed. */
function simulatedRepeatTimer(clock: SimClock): RepeatTimer {
  return {
    repeat(intervalMs, callback) {
      const timer = clock.setInterval(callback, intervalMs);
      return () => {
        clock.clearTimeout(timer);
      };
    },
  };
}

function aborted(signal: AbortSignal | undefined): Promise<'aborted'> {
  return new Promise((resolve) => {
    if (!signal) return;
    if (signal.aborted) {
      resolve('aborted');
      return;
    }
    signal.addEventListener(
      'abort',
      () => {
        resolve('aborted');
      },
      { once: true },
    );
  });
}
