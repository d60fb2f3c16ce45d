import { KubeConfig } from '@kubernetes/client-node';
import { startBridge } from '../../controller/bridge.ts';
import type { Bridge } from '../../controller/bridge.ts';
import { serveBridge } from '../../controller/serve-bridge.ts';
import type { ServedBridge } from '../../controller/serve-bridge.ts';
import { Leadership } from '../../controller/leadership.ts';
import { policyPush } from '../../controller/policy-push.ts';
import { startKubeParts } from '../../controller/start-kube-parts.ts';
import { serviceReference } from '../../kube/event-recorder.ts';
import { defaultOptimizerConfig } from '../../config/config-schema.ts';
import { optimizerParams } from '../../optimizer/optimizer-params.ts';
import type { OptimizerParams } from '../../optimizer/optimizer-params.ts';
import { PolicyApplier } from '../../policy/policy-applier.ts';
import type { PolicyPushReport } from '../../policy/policy-applier.ts';
import { VmanagePolicyClient } from '../../policy/vmanage-policy-client.ts';
import type { Color } from '../../domain/color.ts';
import { serviceKey } from '../../domain/service.ts';
import { HubbleClient } from '../../hubble/hubble-client.ts';
import { TelemetryState } from '../../telemetry/telemetry-state.ts';
import { intervalSchedule } from '../../vmanage/interval-schedule.ts';
import type { RepeatTimer } from '../../vmanage/interval-schedule.ts';
import type { LogPort } from '../../vmanage/log-port.ts';
import { TunnelTelemetryCollector } from '../../vmanage/tunnel-telemetry-collector.ts';
import { VmanageSession } from '../../vmanage/vmanage-session.ts';
import { VmanageTelemetryClient } from '../../vmanage/vmanage-telemetry-client.ts';
import { readVersion } from '../version.ts';
import { worstTunnelsFirst } from '../worst-tunnels-first.ts';
import { startSimulation } from '../../../simulator/start-simulation.ts';
import type { Simulation, SimulationEnd } from '../../../simulator/start-simulation.ts';
import { describeIncidentTarget } from '../../../simulator/world/describe-incident-target.ts';
import type { Scenario } from '../../../simulator/world/scenario.ts';
import type { SimClock } from '../../../simulator/world/sim-clock.ts';
import { simClockSleep } from '../../../simulator/world/sim-clock-sleep.ts';
import type { DemoSnapshot } from './demo-summary.ts';
import { formatDemoSummary } from './demo-summary.ts';

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
  /** How many recent events the summary lists. Default 8. */
  readonly maxEventRows?: number;
  /** Port of /metrics and /api/v1 on 127.0.0.1; 0 picks a free one. */
  readonly port: number;
  /** Redraw in place (a terminal) rather than print one summary after another (a log, a pipe). */
  readonly redraw: boolean;
  readonly write: (text: string) => void;
  readonly logger: LogPort;
  readonly signal?: AbortSignal;
  /** Called once the bridge is wired and served: lets a test watch the world and the bridge as the loop runs. */
  readonly onStarted?: (running: RunningDemo) => void;
  /** Every policy push report, after it is counted and logged. */
  readonly onPushReport?: (report: PolicyPushReport) => void;
}

/** What a running demo is made of, for observers (tests); read it, do not close it. */
export interface RunningDemo {
  readonly simulation: Simulation;
  readonly bridge: Bridge;
}

export interface DemoResult {
  readonly end: SimulationEnd | 'aborted';
  readonly summaries: number;
  readonly last: DemoSnapshot | undefined;
  /** Where /metrics and /api/v1 were served. */
  readonly url: string;
}

/**
 * vManage's bulk statistics API allows 48 calls a minute of real time; one poll makes at least one. At
 * 30 polls a real minute the demo stays well inside it however fast simulated time runs.
 */
const MIN_REAL_MS_BETWEEN_POLLS = 2_000;
/** Paths and SLIs are evaluated about once a real second, whatever the speed. */
const REAL_MS_BETWEEN_EVALUATIONS = 1_000;
/** How long the Kubernetes informers may take to list before the demo goes on without them. */
const KUBE_SYNC_TIMEOUT_MS = 10_000;
/**
 * Real time between two policy pushes: vManage's own pace (a minute) would hold a fast demo's moves back
 * for many simulated minutes, so the interval is a few real seconds, counted in simulated time.
 */
const REAL_MS_BETWEEN_PUSHES = 3_000;
/** The configuration's optimizer defaults, so the demo decides as `isthmus run` would out of the box. */
export const DEMO_OPTIMIZER: OptimizerParams = optimizerParams(defaultOptimizerConfig());
const CLEAR_SCREEN = '\u001b[H\u001b[2J';

/**
 * The demo: the simulated world served by the three emulators on loopback (Kubernetes API, Hubble
 * Relay, vManage), and the bridge wired to them over the real protocols — informers through the
 * kubeconfig, the Hubble gRPC client, the vManage REST client and collector — serving /metrics and
 * /api/v1, with a summary of what the bridge sees every refresh. The optimizer decides, and its
 * policy is pushed to the vManage emulator, which applies it to the world (the closed loop): until
 * the first activation the world follows the bridge's assignments directly; from then on, what the
 * activated policy says.
 *
 * Time: the simulated clock drives the world, the flows' timestamps, polling, staleness and the
 * bridge's evaluations; the vManage session's rate limits, Hubble's reconnect backoff, scrapes and the
 * refresh of the summary are about real time.
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
  let wired: Wired | undefined;
  let served: ServedBridge | undefined;
  // Last started, first stopped: the server, then the bridge with its adapters, then the emulators.
  const closeAll = async (): Promise<void> => {
    await served?.stop();
    await wired?.bridge.close();
    await simulation.close();
  };
  try {
    wired = await wireBridge(simulation, options);
    served = await serveBridge(wired.bridge, {
      config: { listen: `127.0.0.1:${options.port}` },
      clusterName: 'demo',
      serviceVersion: readVersion(),
      env: {},
      logger: options.logger,
      tunnelOrder: worstTunnelsFirst,
    });
  } catch (error) {
    await closeAll();
    throw error;
  }
  const { bridge, collector } = wired;
  const url = served.url;
  options.onStarted?.({ simulation, bridge });
  options.write(`isthmus demo: serving ${url} (/metrics, /healthz, /readyz, /api/v1/services, /api/v1/tunnels, /api/v1/events)\n`);

  let summaries = 0;
  let last: DemoSnapshot | undefined;
  const show = (): void => {
    last = takeSnapshot(simulation, bridge, collector, url, options);
    summaries++;
    options.write(`${options.redraw ? CLEAR_SCREEN : '\n'}${formatDemoSummary(last)}`);
  };

  let end: SimulationEnd | 'aborted';
  try {
    show();
    const refresh = setInterval(show, options.refreshMs);
    try {
      end = await Promise.race([simulation.done, aborted(options.signal)]);
    } finally {
      clearInterval(refresh);
    }
    bridge.evaluate();
    show();
  } finally {
    await closeAll();
  }
  return { end, summaries, last, url };
}

interface Wired {
  readonly bridge: Bridge;
  readonly collector: TunnelTelemetryCollector;
}

/** The bridge's adapters pointed at the emulators, the bridge over them, and the world following it. */
async function wireBridge(simulation: Simulation, options: DemoOptions): Promise<Wired> {
  const { logger } = options;
  const counters = new TelemetryState();
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(simulation.kube.kubeconfigPath);
  const kube = startKubeParts({
    kubeConfig,
    tenancy: {},
    reportingInstance: 'isthmus-demo',
    logger,
    onInformerEvent: (event) => {
      counters.recordInformerEvent(event);
    },
  });
  const { username, password } = simulation.vmanage.credentials;
  // The client's rate limits are about real time (what vManage counts), so the session keeps the real
  // clock; polling and staleness follow the simulated one, like a bridge beside a real fabric.
  const session = new VmanageSession({
    baseUrl: simulation.vmanage.url,
    username,
    password,
    logger,
    onRequest: (event) => {
      counters.recordVmanageRequest(event);
    },
  });
  const pollMs = Math.max(options.appRouteIntervalMs, MIN_REAL_MS_BETWEEN_POLLS * options.speed);
  const collector = new TunnelTelemetryCollector({
    telemetry: new VmanageTelemetryClient(session),
    clock: simulation.clock,
    schedule: intervalSchedule(pollMs, simulatedRepeatTimer(simulation.clock)),
    initialLookbackMs: 3 * options.appRouteIntervalMs,
    staleAfterMs: 3 * Math.max(pollMs, options.appRouteIntervalMs),
    logger,
    onPoll: (event) => {
      counters.recordPoll(event);
    },
  });
  const hubble = new HubbleClient({ address: simulation.hubble.address, logger });
  const stopVmanage = async (): Promise<void> => {
    await collector.stop();
    await session.logout();
    await session.close();
  };
  try {
    const synced = new AbortController();
    const timeout = setTimeout(() => {
      synced.abort();
    }, KUBE_SYNC_TIMEOUT_MS);
    const onAbort = (): void => {
      synced.abort();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      if (!(await kube.informers.whenSynced(synced.signal))) logger.warn({}, 'the Kubernetes informers have not listed yet; going on');
    } finally {
      clearTimeout(timeout);
      options.signal?.removeEventListener('abort', onAbort);
    }
    await collector.poll();
    collector.start();
  } catch (error) {
    hubble.close();
    await stopVmanage();
    await kube.stop();
    throw error;
  }
  // Ended on close, so a push in flight stops before the session logs out.
  const leadership = Leadership.standalone('isthmus-demo');
  const applier = new PolicyApplier({
    client: new VmanagePolicyClient(session),
    clock: simulation.clock,
    sleep: simClockSleep(simulation.clock),
    isLeader: () => leadership.isLeader(),
    minPushIntervalMs: REAL_MS_BETWEEN_PUSHES * options.speed,
    taskPollIntervalMs: 1_000,
    logger,
  });
  const bridge = startBridge({
    stores: kube.informers,
    intents: kube.intents,
    flows: hubble,
    tunnels: collector,
    clock: simulation.clock,
    timer: simulatedRepeatTimer(simulation.clock),
    evaluateIntervalMs: REAL_MS_BETWEEN_EVALUATIONS * options.speed,
    defaultColor: scenarioDefaultColor(options.scenario),
    counters,
    logger,
    leadership,
    optimizer: { params: DEMO_OPTIMIZER, clusterName: 'demo' },
    push: policyPush({ applier, dryRun: false, counters, logger, ...(options.onPushReport === undefined ? {} : { onReport: options.onPushReport }) }),
    serviceEvents: (service, type, reason, message) => {
      kube.recorder.record(serviceReference(service), type, reason, message);
    },
    // Stopped last first: the leadership term ends before the session logs out.
    owned: [() => kube.stop(), stopVmanage, () => {
      hubble.close();
    }, () => {
      leadership.setLeading(false);
    }],
  });
  // Until the emulator's first activation takes over: the world steers each Service's flows onto the color the bridge assigned.
  simulation.world.setColorSelector((service) => bridge.colorOf(serviceKey(service)));
  return { bridge, collector };
}

/**
 * The fabric default in the demo: the first color of the scenario's first site (the transport a site
 * lists first is its main one). A real fabric's default comes from its own policy.
 */
export function scenarioDefaultColor(scenario: Scenario): Color | undefined {
  return scenario.sites[0]?.tlocs[0]?.color;
}

function takeSnapshot(simulation: Simulation, bridge: Bridge, collector: TunnelTelemetryCollector, serverUrl: string, options: DemoOptions): DemoSnapshot {
  const now = simulation.clock.now();
  const { world } = simulation;
  const readings = bridge.tunnels();
  const counters = collector.counters();
  const hubble = bridge.flowHealth();
  return {
    scenario: world.scenario.name,
    simulatedMs: now,
    speed: simulation.speed,
    serverUrl,
    vmanageUrl: simulation.vmanage.url,
    health: collector.health(),
    polls: counters.polls,
    pollFailures: counters.failures,
    hubble: {
      address: simulation.hubble.address,
      connected: hubble.connected,
      flows: bridge.store.totals().flows,
      lostEvents: Object.values(hubble.lostEvents).reduce((sum, count) => sum + count, 0),
    },
    incidents: world.activeIncidents(now).map((active) => ({
      name: active.incident.name,
      kind: active.incident.kind,
      target: describeIncidentTarget(active.incident.target),
      untilMs: active.endMs,
    })),
    tunnels: worstTunnelsFirst(readings).slice(0, options.maxTunnelRows),
    tunnelCount: readings.length,
    services: bridge.services().map((service) => ({
      key: service.key,
      intent: service.mode,
      bounds: service.slo?.bounds,
      color: service.color,
      mode: service.assignment?.mode,
      compliant: service.path?.compliant,
      verdict: service.path?.verdict,
      worst: service.path?.worst,
      flowsPerSecond: service.flowsPerSecond,
    })),
    events: bridge.recentEvents(options.maxEventRows ?? 8),
  };
}

/** Ticks on simulated time, so an interval means the same at any speed. */
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
