/**
 * `isthmus run --config FILE`: the bridge against a real cluster, Hubble and vManage, serving /metrics,
 * /healthz, /readyz and /api/v1 on `telemetry.listen` until SIGINT or SIGTERM. The composition root of
 * the production bridge: builds the adapters from the configuration and wires them, nothing else.
 */
import { constants as osConstants, hostname } from 'node:os';
import { KubeConfig } from '@kubernetes/client-node';
import type { Command } from 'commander';
import type { Config } from '../../config/config-schema.ts';
import { formatConfigDuration } from '../../config/config-duration.ts';
import { formatConfigProblem } from '../../config/config-problem.ts';
import { startBridge } from '../../controller/bridge.ts';
import type { AssignmentPush, Bridge } from '../../controller/bridge.ts';
import { electLeadership } from '../../controller/elect-leadership.ts';
import type { ElectedLeadership } from '../../controller/elect-leadership.ts';
import { leaseIdentity } from '../../controller/lease-identity.ts';
import { Leadership } from '../../controller/leadership.ts';
import { policyPush } from '../../controller/policy-push.ts';
import { serviceReference } from '../../kube/event-recorder.ts';
import { optimizerParams } from '../../optimizer/optimizer-params.ts';
import { PolicyApplier } from '../../policy/policy-applier.ts';
import { VmanagePolicyClient } from '../../policy/vmanage-policy-client.ts';
import { createLeaseLock } from '../../kube/lease-lock.ts';
import { serveBridge } from '../../controller/serve-bridge.ts';
import { isShutdownTimeout, runShutdownSteps } from '../../controller/shutdown-steps.ts';
import type { ShutdownStep } from '../../controller/shutdown-steps.ts';
import type { ServedBridge } from '../../controller/serve-bridge.ts';
import { startKubeParts } from '../../controller/start-kube-parts.ts';
import type { KubeParts } from '../../controller/start-kube-parts.ts';
import { realSleep, systemClock } from '../../controller/system-time.ts';
import { isIsthmusError } from '../../domain/isthmus-error.ts';
import type { Service } from '../../domain/service.ts';
import type { TunnelStatsSource } from '../../domain/tunnel-stats-source.ts';
import { HubbleClient } from '../../hubble/hubble-client.ts';
import { readHubbleTlsFiles } from '../../hubble/hubble-tls.ts';
import { TelemetryState } from '../../telemetry/telemetry-state.ts';
import { createTunnelCollector } from '../../vmanage/create-tunnel-collector.ts';
import type { VmanageTunnelCollector } from '../../vmanage/create-tunnel-collector.ts';
import type { LogPort } from '../../vmanage/log-port.ts';
import { addConfigOptions, checkSetSyntax, loadConfigFromOptions } from '../add-config-options.ts';
import type { ConfigOptions } from '../add-config-options.ts';
import type { CommandContext } from '../main.ts';
import { readVersion } from '../version.ts';
import { waitForSignal } from '../wait-for-signal.ts';
import { worstTunnelsFirst } from '../worst-tunnels-first.ts';

const HELP = `
Connects to the Kubernetes API (kubernetes.kubeconfig, else the in-cluster service account), Hubble
(hubble.address, hubble.tls) and vManage (the vmanage section; vmanage.enabled: false observes flows
only), and serves on telemetry.listen:
  /metrics (Prometheus text or OpenMetrics), /healthz, /readyz (Kubernetes synced, Hubble connected,
  vManage data fresh), /api/v1/services, /api/v1/services/NS/NAME, /api/v1/tunnels, /api/v1/events
and exports over OTLP and to InfluxDB when telemetry.otlp / telemetry.influx are set.

With optimizer.enabled (the default), the leader runs an optimizer round on every evaluation: Services
with an SLO move between their candidate colors as the tunnels' window statistics (optimizer.statistic
over optimizer.evaluationWindow) meet or violate it, after optimizer.failuresBeforeMove failing
evaluations, and return after optimizer.holdTime; pinned Services stay on their pin. Every move is a
Kubernetes Event on the Service and counts in isthmus_remaps_total; /api/v1/services/NS/NAME carries the
decision record (and \`isthmus explain NS/NAME --api URL\` prints it). With vManage enabled the resulting
app-route policy is pushed (at most once a minute; optimizer.dryRun: diff only, never change). With the
optimizer disabled: pins on their pin, Services with an SLO on their most preferred candidate, no push.

With kubernetes.leaderElection.enabled (the default), replicas elect one leader through a
coordination.k8s.io Lease (leaseNamespace, else POD_NAMESPACE, else the kubeconfig's namespace); only the
leader decides assignments, followers observe and export telemetry. The identity is POD_NAME (else the
hostname) plus a random suffix. /readyz details leader or follower (followers stay ready) and /metrics
has isthmus_leader.

On SIGTERM or SIGINT it stops in steps, each logged at info: releases the Lease (a follower takes over
at its next attempt), stops the Hubble stream, flushes the exporters (a last OTLP export and InfluxDB
write of the final values), logs out of vManage and stops the Kubernetes informers. When that takes
longer than shutdownTimeout (default 10s) it logs the step still pending and exits with status 1; a
second signal during the shutdown exits at once (status 130 for SIGINT, 143 for SIGTERM).

Exit status: 0 after a clean stop, 1 when an adapter cannot be built, the server cannot listen or the
shutdown overran shutdownTimeout, 2 on a configuration error.

Examples:
  $ isthmus run --config /etc/isthmus/config.yaml
  $ isthmus run -c config.yaml --set telemetry.listen=127.0.0.1:9464 --set vmanage.enabled=false
`;

export function registerRunCommand(program: Command, context: CommandContext): void {
  const command = program.command('run').description('the bridge against a real cluster, Hubble and vManage').addHelpText('after', HELP);
  addConfigOptions(command).action(async (options: ConfigOptions) => {
    checkSetSyntax(command, options);
    context.exitCode = await runCommand(options, context);
  });
}

async function runCommand(options: ConfigOptions, context: CommandContext): Promise<number> {
  const { io } = context;
  const loaded = await loadConfigFromOptions(options, io);
  for (const problem of loaded.problems) io.stderr(`${formatConfigProblem(problem)}\n`);
  if (!loaded.ok) return 2;
  const logger = context.logger();
  const stop = new AbortController();
  const signal = waitForSignal((name) => {
    logger.warn({ signal: name }, `${name} during shutdown: exiting at once`);
    exitNow(exitStatusOfSignal(name));
  });
  void signal.promise.then((name) => {
    logger.info({ signal: name, shutdownTimeout: formatConfigDuration(loaded.config.shutdownTimeout) }, 'stopping');
    stop.abort();
  });
  try {
    await runBridge(loaded.config, {
      env: io.env,
      logger,
      signal: stop.signal,
      onServing: (url) => {
        io.stdout(`isthmus run: serving ${url} (/metrics, /healthz, /readyz, /api/v1/services, /api/v1/tunnels, /api/v1/events)\n`);
      },
    });
    return 0;
  } catch (error) {
    if (isShutdownTimeout(error)) {
      logger.error({ pending: error.pending, shutdownTimeout: formatConfigDuration(error.timeoutMs) }, error.message);
      io.stderr(`isthmus run: ${error.message}\n`);
      // The pending step still holds sockets or timers, which would keep the process alive.
      exitNow(1);
    }
    io.stderr(`isthmus run: ${isIsthmusError(error) ? `${error.message} (${error.code})` : error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    signal.dispose();
  }
}

export interface RunBridgeOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly logger: LogPort;
  /** Aborting it stops the bridge; `runBridge` then resolves. */
  readonly signal: AbortSignal;
  readonly onServing?: (url: string, bridge: Bridge) => void;
  /** The push path, gated by leadership (see BridgeParts.push). */
  readonly push?: AssignmentPush;
  /**
   * Release the Lease on stop so a follower takes over at its next attempt. Default true; false leaves
   * it to expire, as a killed process would (tests).
   */
  readonly releaseLeaseOnStop?: boolean;
  /** Kubernetes Events on Services for moves. Default true; false records none (`isthmus plan`). */
  readonly recordEvents?: boolean;
}

/** The running parts a shutdown stops; undefined when not built (startup failed first) or not configured. */
interface RunningParts {
  readonly elected: ElectedLeadership | undefined;
  readonly releaseLease: boolean;
  readonly bridge: Bridge | undefined;
  readonly hubble: HubbleClient | undefined;
  readonly served: ServedBridge | undefined;
  readonly vmanage: VmanageTunnelCollector | undefined;
  readonly kube: KubeParts | undefined;
}

/**
 * The order of a shutdown. The Lease goes first: stepping down already happened with the stop request,
 * and releasing it lets a follower take over while the rest shuts down. Ingest stops before the last
 * export, so the exported values are the final ones. The informers go last: the bridge and the
 * exporters read their stores until then.
 */
function shutdownSteps(parts: RunningParts): ShutdownStep[] {
  const { elected, bridge, hubble, served, vmanage, kube } = parts;
  return [
    ...(elected === undefined ? [] : [{ name: parts.releaseLease ? 'release the Lease' : 'stop campaigning for the Lease', run: () => elected.stop() }]),
    ...(bridge === undefined && hubble === undefined
      ? []
      : [
          {
            name: 'stop the Hubble stream',
            run: async () => {
              await bridge?.close();
              hubble?.close();
            },
          },
        ]),
    ...(served === undefined ? [] : [{ name: 'flush the exporters', run: () => served.stop() }]),
    ...(vmanage === undefined ? [] : [{ name: 'log out of vManage', run: () => vmanage.close() }]),
    ...(kube === undefined ? [] : [{ name: 'stop the Kubernetes informers', run: () => kube.stop() }]),
  ];
}

/** Builds the adapters from the configuration, starts the bridge and its server, and runs until the signal aborts. */
export async function runBridge(config: Config, options: RunBridgeOptions): Promise<void> {
  const { logger, env } = options;
  if (config.hubble.flowLogFile !== undefined) throw new Error('hubble.flowLogFile is not supported by `isthmus run` yet: point hubble.address at Relay');
  const counters = new TelemetryState();
  let kube: KubeParts | undefined;
  let vmanage: VmanageTunnelCollector | undefined;
  let hubble: HubbleClient | undefined;
  let bridge: Bridge | undefined;
  let served: ServedBridge | undefined;
  let elected: ElectedLeadership | undefined;
  try {
    const tls = config.hubble.tls;
    hubble = new HubbleClient({
      address: config.hubble.address,
      logger,
      backoff: { baseMs: config.hubble.reconnect.minBackoff, maxMs: config.hubble.reconnect.maxBackoff },
      ...(tls.enabled
        ? {
            tls: await readHubbleTlsFiles({
              ...(tls.caFile === undefined ? {} : { caFile: tls.caFile }),
              ...(tls.certFile === undefined ? {} : { certFile: tls.certFile }),
              ...(tls.keyFile === undefined ? {} : { keyFile: tls.keyFile }),
              ...(tls.serverName === undefined ? {} : { serverName: tls.serverName }),
            }),
          }
        : {}),
    });
    if (config.vmanage.enabled) {
      vmanage = await createTunnelCollector({
        config: config.vmanage,
        env,
        clock: systemClock,
        logger,
        onRequest: (event) => {
          counters.recordVmanageRequest(event);
        },
        onPoll: (event) => {
          counters.recordPoll(event);
        },
      });
    }
    const kubeConfig = new KubeConfig();
    if (config.kubernetes.kubeconfig === undefined) kubeConfig.loadFromCluster();
    else kubeConfig.loadFromFile(config.kubernetes.kubeconfig);
    kube = startKubeParts({
      kubeConfig,
      siteLabel: config.kubernetes.siteLabel,
      siteRanges: config.kubernetes.siteRanges,
      resyncIntervalMs: config.kubernetes.resyncInterval,
      tenancy: config.kubernetes.allowedTunnels,
      reportingInstance: env.POD_NAME ?? hostname(),
      logger,
      onInformerEvent: (event) => {
        counters.recordInformerEvent(event);
      },
    });
    const election = config.kubernetes.leaderElection;
    if (election.enabled) {
      const namespace = election.leaseNamespace ?? nonEmpty(env.POD_NAMESPACE) ?? kubeConfig.getContextObject(kubeConfig.getCurrentContext())?.namespace ?? 'default';
      elected = electLeadership({
        lock: createLeaseLock(kubeConfig, namespace, election.leaseName),
        identity: leaseIdentity(env, hostname()),
        leaseDurationMs: election.leaseDuration,
        renewDeadlineMs: election.renewDeadline,
        retryPeriodMs: election.retryPeriod,
        releaseOnStop: options.releaseLeaseOnStop ?? true,
        logger,
      });
      logger.info({ identity: elected.leadership.identity, lease: `${namespace}/${election.leaseName}` }, 'campaigning for leadership');
      // Step down in the same tick as the stop request: no push may start while the rest shuts down.
      const { leadership } = elected;
      options.signal.addEventListener('abort', () => {
        leadership.setLeading(false);
      }, { once: true });
    }
    const collector = vmanage?.collector;
    // The first poll at once rather than an interval after start; its failure is data (stale), not fatal.
    if (collector !== undefined) void collector.poll().finally(() => {
      if (!options.signal.aborted) collector.start();
    });
    const kubeParts = kube;
    const leadership = elected?.leadership ?? Leadership.standalone();
    const optimizing = config.optimizer.enabled;
    const push =
      options.push ??
      (optimizing && vmanage !== undefined
        ? policyPush({
            applier: new PolicyApplier({
              client: new VmanagePolicyClient(vmanage.session),
              clock: systemClock,
              sleep: realSleep,
              isLeader: () => leadership.isLeader(),
              logger,
              bootstrap: config.vmanage.policy.bootstrap,
              minPushIntervalMs: config.vmanage.policy.minPushInterval,
              taskTimeoutMs: config.vmanage.policy.activationTimeout,
              ...(config.vmanage.policy.adopt === undefined ? {} : { adopt: config.vmanage.policy.adopt }),
            }),
            dryRun: config.optimizer.dryRun,
            counters,
            logger,
          })
        : undefined);
    bridge = startBridge({
      stores: kube.informers,
      intents: kube.intents,
      flows: hubble,
      tunnels: collector ?? NO_TUNNELS,
      clock: systemClock,
      counters,
      logger,
      leadership,
      ...(config.vmanage.defaultColor === undefined ? {} : { defaultColor: config.vmanage.defaultColor }),
      ...(push === undefined ? {} : { push }),
      ...(optimizing ? { optimizer: { params: optimizerParams(config.optimizer), clusterName: config.cluster.name, vpnIds: config.vmanage.policy.vpnIds } } : {}),
      ...(options.recordEvents === false
        ? {}
        : {
            serviceEvents: (service: Service, type: 'Normal' | 'Warning', reason: string, message: string) => {
              kubeParts.recorder.record(serviceReference(service), type, reason, message);
            },
          }),
    });
    served = await serveBridge(bridge, { config: config.telemetry, clusterName: config.cluster.name, serviceVersion: readVersion(), env, logger, tunnelOrder: worstTunnelsFirst });
    logger.info({ url: served.url }, 'serving');
    options.onServing?.(served.url, bridge);
    await abortedOf(options.signal);
  } finally {
    // Rejects with ShutdownTimeoutError past config.shutdownTimeout, naming the step still pending.
    await runShutdownSteps(shutdownSteps({ elected, releaseLease: options.releaseLeaseOnStop ?? true, bridge, hubble, served, vmanage, kube }), {
      timeoutMs: config.shutdownTimeout,
      logger,
    });
  }
}

/** vManage disabled: no tunnels, never stale (there is nothing to be fresh about). */
const NO_TUNNELS: TunnelStatsSource = {
  readings: () => [],
  reading: () => undefined,
  history: () => [],
  windowMeasure: () => undefined,
  health: () => ({ status: 'ok', lastSuccessAt: undefined, lastAttemptAt: undefined, lastError: undefined, consecutiveFailures: 0, gapMs: 0 }),
  subscribe: () => () => undefined,
};

/** What a shell reports for a process ended by this signal: 128 + its number. */
function exitStatusOfSignal(signal: NodeJS.Signals): number {
  return 128 + (osConstants.signals[signal] as number | undefined ?? 15);
}

function exitNow(code: number): never {
  process.exit(code);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function abortedOf(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => {
      resolve();
    }, { once: true });
  });
}
