/**
 * The fixture every fault case runs in: the `two-sites` simulation on loopback (real time, app-route
 * statistics every second, policy activations that finish at once) and `isthmus run`'s bridge in-process
 * against it, on intervals short enough for a case to see a fault and its recovery within seconds. It
 * gives the case a scrape of /metrics, a bounded `waitFor`, the emulators (and restarts of them), and a
 * watch on vManage that records every moment the fabric was without Isthmus's policy.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSimulation } from '../../simulator/start-simulation.ts';
import type { Simulation } from '../../simulator/start-simulation.ts';
import type { WorldHubbleOptions } from '../../simulator/hubble/start-world-hubble.ts';
import { startKubeEmulator } from '../../simulator/kube/kube-emulator.ts';
import type { KubeEmulator } from '../../simulator/kube/kube-emulator.ts';
import { PolicyRoutes } from '../../simulator/vmanage/policy-routes.ts';
import { referencedIds } from '../../simulator/vmanage/policy-store.ts';
import { startVmanageEmulator } from '../../simulator/vmanage/vmanage-emulator.ts';
import type { VmanageEmulator, VmanageEmulatorOptions } from '../../simulator/vmanage/vmanage-emulator.ts';
import { loadScenario } from '../../simulator/world/load-scenario.ts';
import { runBridge } from '../../src/cli/commands/run.ts';
import type { Config } from '../../src/config/config-schema.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import type { Bridge } from '../../src/controller/bridge.ts';
import type { LogPort } from '../../src/vmanage/log-port.ts';
import { MetricSamples } from './metric-samples.ts';
import { freePort } from '../support/free-port.ts';

export interface FaultHarnessOptions {
  /** Campaign for the Lease `default/isthmus` (default true). */
  readonly leaderElection?: boolean;
  /** `telemetry.influx.url`: write to InfluxDB there, every second. */
  readonly influxUrl?: string;
  /** `telemetry.otlp.endpoint` (OTLP/HTTP): export there, every second. */
  readonly otlpEndpoint?: string;
  /** `vmanage.requestTimeout`. Default 2 s. */
  readonly vmanageRequestTimeout?: string;
  /** `vmanage.policy.activationTimeout`. Default 2 s. */
  readonly activationTimeout?: string;
  /** The Hubble emulator's ring and queue sizes. */
  readonly hubble?: WorldHubbleOptions;
}

export interface ReadyzCheck {
  readonly name: string;
  readonly ready: boolean;
  readonly detail?: string;
}

export interface FaultHarness {
  readonly simulation: Simulation;
  /** `http://127.0.0.1:PORT` of the bridge's server. */
  readonly url: string;
  readonly bridge: Bridge;
  /** The vManage emulator now serving (a restart replaces it). */
  readonly vmanage: VmanageEmulator;
  /** The Kubernetes API emulator now serving (a restart replaces it). */
  readonly kube: KubeEmulator;
  /** The bridge's warnings so far, as `message {fields}`. */
  readonly warnings: readonly string[];
  scrape(): Promise<MetricSamples>;
  readyz(): Promise<readonly ReadyzCheck[]>;
  /**
   * Polls `probe` until it returns something other than undefined or false, and returns that; fails
   * naming `what` after `timeoutMs`, or at once when the bridge has stopped.
   */
  waitFor<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs?: number): Promise<T>;
  /** Scrapes until `predicate` holds for a scrape, and returns that scrape. */
  waitForMetrics(predicate: (metrics: MetricSamples) => boolean, what: string, timeoutMs?: number): Promise<MetricSamples>;
  /**
   * What was wrong with vManage's policy at any sample since Isthmus's policy first took effect (or
   * since a restart from scratch, once it took effect again): nothing, if the fabric was never left
   * without it or with half of it.
   */
  policyProblems(): readonly string[];
  /** Waits until Isthmus's policy is in force on vManage, complete, and the bridge's pushes succeed. */
  waitForPolicyInForce(what: string, timeoutMs?: number): Promise<void>;
  /** Clears every fault knob of every emulator. */
  resetFaults(): void;
  /** Stops vManage and starts it again on the same port: with its database, or empty (`fresh`). */
  restartVmanage(state: 'kept' | 'fresh'): Promise<void>;
  /**
   * Stops the Kubernetes API server and starts it again on the same port, with the same objects, once
   * `whileDown` (if given) has resolved.
   */
  restartKube(whileDown?: () => Promise<unknown>): Promise<void>;
  close(): Promise<void>;
}

const SCENARIO = fileURLToPath(new URL('../../simulator/scenarios/two-sites.yaml', import.meta.url));
/**
 * The bridge polls vManage every second rather than every minute, so the bulk-statistics limits of both
 * sides are scaled up with it (past the schema's bounds, which protect a real Manager): at the default
 * 24 a minute the bridge would run out of bulk calls after a dozen polls and stall its own polling.
 */
const VMANAGE_POLL_MS = 1000;
const BULK_PER_MINUTE = 600;
const POLICY_WATCH_MS = 50;
const DEFAULT_WAIT_MS = 10_000;
const POLL_MS = 100;
/** What every object Isthmus owns is named after (cluster `faults`). */
export const POLICY_PREFIX = 'isthmus-faults';


function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** What is wrong with the policy vManage enforces now, for Isthmus's fabric; undefined when nothing. */
export function policyProblem(emulator: VmanageEmulator): string | undefined {
  const active = emulator.policy.effectiveAt();
  if (active === undefined) return 'no centralized policy in force';
  if (!active.policyName.startsWith(POLICY_PREFIX)) return `${active.policyName} in force instead of Isthmus's policy`;
  const wanted = new Set(referencedIds(active.body));
  for (const object of active.objects.values()) for (const id of referencedIds(object.body)) wanted.add(id);
  const missing = [...wanted].filter((id) => !active.objects.has(id));
  if (missing.length > 0) return `half-applied: ${active.policyName} in force without ${missing.length} of the objects it refers to`;
  const stored = emulator.policy.store;
  if (stored.get(active.policyId)?.activated !== true) return `${active.policyName} in force but not marked active in vManage's store`;
  const gone = [...active.objects.keys()].filter((id) => stored.get(id) === undefined);
  if (gone.length > 0) return `${gone.length} object(s) of the policy in force deleted from vManage`;
  return undefined;
}

export async function startFaultHarness(options: FaultHarnessOptions = {}): Promise<FaultHarness> {
  const loaded = await loadScenario(SCENARIO);
  if (!loaded.ok) throw new Error('two-sites does not load');
  // Activations finish at once, so a push takes one task poll; a case that wants them slow says so.
  const activationDelayMs = 0;
  const simulation = await startSimulation({ scenario: loaded.scenario, vmanage: { pollIntervalMs: 1000, bulkPerMinute: BULK_PER_MINUTE, emulator: { activationDelayMs } }, ...(options.hubble === undefined ? {} : { hubble: options.hubble }) });
  const directory = await mkdtemp(join(tmpdir(), 'isthmus-faults-'));
  const stop = new AbortController();
  const restarted: (VmanageEmulator | KubeEmulator)[] = [];
  let vmanage = simulation.vmanage.emulator;
  let kube = simulation.kube.emulator;
  const warnings: string[] = [];
  const logger: LogPort & { error(obj: object, msg?: string): void } = {
    debug: () => undefined,
    info: () => undefined,
    warn: (fields, message) => warnings.push(`${message ?? ''} ${JSON.stringify(fields)}`),
    error: (fields, message) => warnings.push(`${message ?? ''} ${JSON.stringify(fields)}`),
  };

  const info = simulation.vmanage.credentials;
  const file = join(directory, 'config.yaml');
  const election = options.leaderElection ?? true;
  await writeFile(
    file,
    [
      'cluster:',
      '  name: faults',
      'kubernetes:',
      `  kubeconfig: ${simulation.kube.kubeconfigPath}`,
      '  leaderElection:',
      `    enabled: ${String(election)}`,
      '    leaseNamespace: default',
      '    leaseDuration: 2s',
      '    renewDeadline: 1500ms',
      '    retryPeriod: 250ms',
      'hubble:',
      `  address: ${simulation.hubble.address}`,
      '  reconnect: { minBackoff: 100ms, maxBackoff: 400ms }',
      'vmanage:',
      `  url: ${simulation.vmanage.url}`,
      `  username: ${info.username}`,
      '  password: { env: VMANAGE_PASSWORD }',
      `  requestTimeout: ${options.vmanageRequestTimeout ?? '2s'}`,
      '  policy:',
      '    minPushInterval: 0s',
      `    activationTimeout: ${options.activationTimeout ?? '2s'}`,
      'telemetry:',
      `  listen: 127.0.0.1:${await freePort()}`,
      ...(options.influxUrl === undefined ? [] : ['  influx:', `    url: ${options.influxUrl}`, '    database: isthmus', '    interval: 1s']),
      ...(options.otlpEndpoint === undefined ? [] : ['  otlp:', `    endpoint: ${options.otlpEndpoint}`, '    protocol: http', '    interval: 1s']),
      '',
    ].join('\n'),
  );
  const env = { VMANAGE_PASSWORD: info.password };
  const loadedConfig = await loadConfig({ configPath: file, env, readFile: (path) => readFile(path, 'utf8') });
  if (!loadedConfig.ok) throw new Error(JSON.stringify(loadedConfig.problems));
  const loadedVmanage = loadedConfig.config.vmanage;
  const config: Config = {
    ...loadedConfig.config,
    vmanage: { ...loadedVmanage, pollInterval: VMANAGE_POLL_MS, rateLimit: { ...loadedVmanage.rateLimit, bulkRequestsPerMinute: BULK_PER_MINUTE } },
  };

  let served: { url: string; bridge: Bridge } | undefined;
  let stopped: string | undefined;
  const running = runBridge(config, {
    env,
    logger,
    signal: stop.signal,
    // A stopped test process leaves its Lease to expire, as a killed one would.
    releaseLeaseOnStop: false,
    onServing: (url, bridge) => (served = { url, bridge }),
  }).then(
    () => {
      stopped ??= 'runBridge returned';
    },
    (error: unknown) => {
      stopped ??= `runBridge failed: ${describeError(error)}`;
    },
  );

  // The policy watch: armed once Isthmus's policy is in force; disarmed by a restart from scratch.
  let armed = false;
  const problems: string[] = [];
  const watch = setInterval(() => {
    const problem = policyProblem(vmanage);
    if (!armed) {
      armed = problem === undefined;
      return;
    }
    if (problem !== undefined && problems.at(-1) !== problem) problems.push(problem);
  }, POLICY_WATCH_MS);

  const waitFor = async <T>(probe: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = DEFAULT_WAIT_MS): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    for (;;) {
      if (stopped !== undefined && !stop.signal.aborted) throw new Error(`the bridge stopped while waiting for ${what}: ${stopped}`);
      try {
        const value = await probe();
        if (value !== undefined && value !== false) return value;
      } catch (error) {
        lastError = error;
      }
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError === undefined ? '' : ` (last error: ${describeError(lastError)})`}`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  };

  const close = async (): Promise<void> => {
    clearInterval(watch);
    stop.abort();
    await running;
    await Promise.allSettled(restarted.map((emulator) => emulator.close()));
    await simulation.close();
    await rm(directory, { recursive: true, force: true });
  };

  try {
    const started = await waitFor(() => served, 'the bridge to serve', 15_000);
    const scrape = async (): Promise<MetricSamples> => new MetricSamples(await (await fetch(`${started.url}/metrics`)).text());
    const harness: FaultHarness = {
      simulation,
      url: started.url,
      bridge: started.bridge,
      get vmanage() {
        return vmanage;
      },
      get kube() {
        return kube;
      },
      warnings,
      scrape,
      readyz: async () => ((await (await fetch(`${started.url}/readyz`)).json()) as { checks: ReadyzCheck[] }).checks,
      waitFor,
      waitForMetrics: async (predicate, what, timeoutMs) =>
        waitFor(async () => {
          const metrics = await scrape();
          return predicate(metrics) && metrics;
        }, what, timeoutMs),
      policyProblems: () => [...problems],
      waitForPolicyInForce: async (what, timeoutMs) => {
        await waitFor(() => armed && policyProblem(vmanage) === undefined, `Isthmus's policy in force on vManage (${what})`, timeoutMs);
      },
      resetFaults: () => {
        vmanage.faults.reset();
        vmanage.faults.setRetryAfter(undefined);
        vmanage.policy.faults.reset();
        vmanage.policy.faults.setActivationDelayMs(activationDelayMs);
        vmanage.policy.faults.releaseHungActivations('failure');
        simulation.hubble.emulator.faults.reset();
        kube.faults.reset();
      },
      restartVmanage: async (state) => {
        const old = vmanage;
        if (!(old.policy instanceof PolicyRoutes)) throw new Error('the vManage emulator keeps its policy in PolicyRoutes');
        const port = Number(new URL(old.url).port);
        await old.close();
        if (state === 'fresh') armed = false;
        const emulatorOptions: VmanageEmulatorOptions = {
          dataSource: simulation.vmanage.dataSource,
          port,
          username: info.username,
          password: info.password,
          clock: simulation.clock,
          bulkPerMinute: BULK_PER_MINUTE,
          activationDelayMs,
          ...(state === 'kept' ? { policy: old.policy } : {}),
        };
        vmanage = await startVmanageEmulator(emulatorOptions);
        restarted.push(vmanage);
      },
      restartKube: async (whileDown) => {
        const old = kube;
        const port = Number(new URL(old.url).port);
        await old.close();
        await whileDown?.();
        kube = await startKubeEmulator({ store: old.store, port, token: simulation.kube.token, clock: simulation.clock });
        restarted.push(kube);
      },
      close,
    };
    await harness.waitForPolicyInForce('the first push', 15_000);
    return harness;
  } catch (error) {
    await close();
    throw error;
  }
}
