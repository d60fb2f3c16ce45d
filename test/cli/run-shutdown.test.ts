/**
 * Graceful shutdown of `isthmus run` as a real child process against the three emulators of one
 * simulation in this process: SIGTERM releases the Lease, makes a last OTLP export and InfluxDB write and
 * logs out of vManage, then exits 0; a step that hangs (vManage made very slow) ends at shutdownTimeout with the
 * step named and status 1; a second signal exits at once. Loopback only, every wait bounded.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulation } from '../../simulator/start-simulation.ts';
import type { Simulation } from '../../simulator/start-simulation.ts';
import { loadScenario } from '../../simulator/world/load-scenario.ts';
import { InfluxStandIn } from '../faults/influx-stand-in.ts';
import { OtlpReceiver } from '../support/otlp-receiver.ts';
import { freePort } from '../support/free-port.ts';
import { simulationBridgeEnv, writeSimulationBridgeConfig } from '../support/simulation-bridge-config.ts';
import { exitOf } from '../support/child-exit.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LEASE_NAMESPACE = 'kube-system';
const LEASE_NAME = 'isthmus';
/** Generous: a loaded machine is slower, never this much slower. */
const STARTUP_BOUND_MS = 20_000;
const EXIT_BOUND_MS = 15_000;
/** Longer than any shutdownTimeout below, shorter than vmanage.requestTimeout: the logout hangs. */
const SLOW_VMANAGE_MS = 20_000;


interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [key: string]: unknown;
}

interface Bridge {
  readonly child: ChildProcess;
  readonly url: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Every JSON log line on stderr so far. */
  readonly logs: () => LogLine[];
  readonly output: () => string;
}

let simulation: Simulation | undefined;
let receiver: OtlpReceiver | undefined;
let influx: InfluxStandIn | undefined;
let influxPort = 0;
let directory: string | undefined;
let running: ChildProcess | undefined;

beforeAll(async () => {
  const loaded = await loadScenario(fileURLToPath(new URL('../../simulator/scenarios/two-sites.yaml', import.meta.url)));
  if (!loaded.ok) throw new Error('two-sites does not load');
  simulation = await startSimulation({ scenario: loaded.scenario, vmanage: { pollIntervalMs: 1000 } });
  receiver = await OtlpReceiver.http();
  influxPort = await freePort();
  influx = await InfluxStandIn.listen(influxPort);
  directory = await mkdtemp(join(tmpdir(), 'isthmus-shutdown-'));
});

afterEach(() => {
  if (running?.exitCode === null && running.signalCode === null) running.kill('SIGKILL');
  running = undefined;
  simulation?.vmanage.emulator.faults.reset();
});

afterAll(async () => {
  await receiver?.close();
  await influx?.close();
  await simulation?.close();
  if (directory !== undefined) await rm(directory, { recursive: true, force: true });
});

interface Started {
  readonly simulation: Simulation;
  readonly receiver: OtlpReceiver;
  readonly influx: InfluxStandIn;
  readonly directory: string;
}

function started(): Started {
  if (simulation === undefined || receiver === undefined || influx === undefined || directory === undefined) throw new Error('the simulation did not start');
  return { simulation, receiver, influx, directory };
}


async function until(what: string, condition: () => boolean | Promise<boolean>, output: () => string, boundMs: number): Promise<void> {
  const deadline = Date.now() + boundMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${boundMs} ms\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function parseLogLines(text: string): LogLine[] {
  return text.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      return [JSON.parse(line) as LogLine];
    } catch {
      return [];
    }
  });
}

/** Starts `isthmus run` on the simulation and resolves once it serves, is ready and leads. */
async function startBridge(options: { readonly shutdownTimeout: string; readonly exporters: boolean }): Promise<Bridge> {
  const { simulation: sim, receiver: otlp, directory: dir } = started();
  const port = await freePort();
  const file = await writeSimulationBridgeConfig(
    dir,
    sim,
    {
      kubernetes: { leaderElection: { leaseNamespace: LEASE_NAMESPACE, leaseName: LEASE_NAME, retryPeriod: '300ms' } },
      vmanage: { requestTimeout: '30s' },
      telemetry: {
        listen: `127.0.0.1:${port}`,
        // Intervals longer than a test: an export or write after SIGTERM is the shutdown's own.
        ...(options.exporters
          ? { otlp: { endpoint: otlp.endpoint, interval: '60s' }, influx: { url: `http://127.0.0.1:${influxPort}`, database: 'isthmus', interval: '60s' } }
          : {}),
      },
      shutdownTimeout: options.shutdownTimeout,
    },
    `config-${port}.yaml`,
  );
  const child = spawn(process.execPath, ['bin/isthmus.js', '--log-format', 'json', 'run', '--config', file], {
    cwd: ROOT,
    env: { ...process.env, ...simulationBridgeEnv(sim), POD_NAME: `shutdown-${port}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running = child;
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = exitOf(child);
  const output = (): string => `stdout:\n${stdout}\nstderr:\n${stderr}`;
  const url = `http://127.0.0.1:${port}`;
  await until(
    'serving, ready and leading',
    async () => {
      if (child.exitCode !== null) throw new Error(`isthmus run exited with ${child.exitCode}\n${output()}`);
      if (!stdout.includes('serving')) return false;
      const ready = await fetch(`${url}/readyz`);
      const metrics = await (await fetch(`${url}/metrics`)).text();
      return ready.status === 200 && /^isthmus_leader 1$/m.test(metrics);
    },
    output,
    STARTUP_BOUND_MS,
  );
  return { child, url, exited, logs: () => parseLogLines(stderr), output };
}

function leaseHolder(sim: Simulation): unknown {
  const lease = sim.kube.emulator.store.get('Lease', LEASE_NAMESPACE, LEASE_NAME) as { spec?: { holderIdentity?: string } } | undefined;
  return lease?.spec?.holderIdentity;
}

async function exitWithin<T>(exited: Promise<T>, boundMs: number, output: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`still running ${boundMs} ms after the signal\n${output()}`));
    }, boundMs);
  });
  try {
    return await Promise.race([exited, bound]);
  } finally {
    clearTimeout(timer);
  }
}

describe('isthmus run, shutting down', () => {
  it('on SIGTERM releases the Lease, makes a last OTLP export and InfluxDB write, logs out of vManage, logs each step and exits 0', async () => {
    const { simulation: sim, receiver: otlp, influx: sink } = started();
    const bridge = await startBridge({ shutdownTimeout: '10s', exporters: true });
    expect(leaseHolder(sim)).toMatch(/^shutdown-\d+_/);
    const exportsBefore = otlp.received.length;
    const linesBefore = sink.lines.length;
    const logoutsBefore = sim.vmanage.emulator.stats.logouts;

    bridge.child.kill('SIGTERM');
    const { code } = await exitWithin(bridge.exited, EXIT_BOUND_MS, bridge.output);

    expect(code, bridge.output()).toBe(0);
    expect(leaseHolder(sim)).toBe('');
    expect(sim.vmanage.emulator.stats.logouts).toBe(logoutsBefore + 1);
    expect(otlp.received.length).toBeGreaterThan(exportsBefore);
    const names = otlp.latest().resourceMetrics.flatMap((resource) => resource.scopes.flatMap((scope) => scope.metrics.map((metric) => metric.name)));
    expect(names).toEqual(expect.arrayContaining(['isthmus.tunnel.latency', 'isthmus.service.flows']));
    // The final values, sampled at the stop: the tunnels' samples and every Service's path health.
    const measurements = new Set(sink.lines.slice(linesBefore).map((line) => line.split(',')[0]));
    expect([...measurements].sort()).toEqual(['service_path', 'tunnel']);
    const messages = bridge.logs().filter((line) => line.level === 30).map((line) => line.msg);
    expect(messages.filter((message) => message.startsWith('shutdown'))).toEqual([
      'shutdown: release the Lease',
      'shutdown: stop the Hubble stream',
      'shutdown: flush the exporters',
      'shutdown: log out of vManage',
      'shutdown: stop the Kubernetes informers',
      'shutdown complete',
    ]);
    expect(messages).toContain('logged out of vManage');
  }, 60_000);

  it('when a step hangs, exits with status 1 at shutdownTimeout, naming the step still pending', async () => {
    const { simulation: sim } = started();
    const bridge = await startBridge({ shutdownTimeout: '3s', exporters: false });
    sim.vmanage.emulator.faults.setLatencyMs(SLOW_VMANAGE_MS);

    bridge.child.kill('SIGTERM');
    const { code } = await exitWithin(bridge.exited, EXIT_BOUND_MS, bridge.output);

    expect(code, bridge.output()).toBe(1);
    const timedOut = bridge.logs().find((line) => line.level === 50);
    expect(timedOut).toMatchObject({ pending: 'log out of vManage', msg: 'shutdown did not finish within 3s: still pending: log out of vManage' });
    // The steps before it ran: the Lease is free for a follower even though vManage never answered.
    expect(leaseHolder(sim)).toBe('');
  }, 60_000);

  it('exits at once on a second signal during the shutdown', async () => {
    const { simulation: sim } = started();
    // A deadline far beyond the bound below: only the second signal can end the process in time.
    const bridge = await startBridge({ shutdownTimeout: '5m', exporters: false });
    sim.vmanage.emulator.faults.setLatencyMs(SLOW_VMANAGE_MS);

    bridge.child.kill('SIGTERM');
    await until('the logout step under way', () => bridge.logs().some((line) => line.msg === 'shutdown: log out of vManage'), bridge.output, EXIT_BOUND_MS);
    bridge.child.kill('SIGINT');
    const { code } = await exitWithin(bridge.exited, EXIT_BOUND_MS, bridge.output);

    expect(code, bridge.output()).toBe(130);
    expect(bridge.logs().some((line) => line.level === 40 && line.msg === 'SIGINT during shutdown: exiting at once')).toBe(true);
  }, 60_000);
});
