/**
 * Two `isthmus run` bridges in-process against one simulation and one Lease: exactly one leads, the
 * follower never pushes, and stopping the leader (killed, lease left to expire; or stopped cleanly,
 * lease released) hands over to the other. Short timings (lease 2 s, renew 1.5 s, retry 0.3 s) keep each
 * case to a few seconds. Loopback only.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulation } from '../../simulator/start-simulation.ts';
import type { Simulation } from '../../simulator/start-simulation.ts';
import { loadScenario } from '../../simulator/world/load-scenario.ts';
import { runBridge } from '../../src/cli/commands/run.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import type { Bridge } from '../../src/controller/bridge.ts';
import { silentLog } from '../../src/vmanage/log-port.ts';
import { freePort } from '../support/free-port.ts';
import { simulationBridgeEnv, writeSimulationBridgeConfig } from '../support/simulation-bridge-config.ts';

const LEASE_MS = 2000;
const RETRY_MS = 300;
/** The elector's acquire attempts wait retryPeriod × (1 + 1.2 × jitter). */
const MAX_ATTEMPT_GAP_MS = RETRY_MS * 2.2;

let simulation: Simulation | undefined;
let directory: string | undefined;
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await simulation?.close();
  simulation = undefined;
  if (directory !== undefined) await rm(directory, { recursive: true, force: true });
  directory = undefined;
});



interface Instance {
  readonly name: string;
  readonly bridge: Bridge;
  readonly url: string;
  /** Pushes made through the bridge's push path and through a 50 ms ticker on the gate. */
  readonly pushes: () => number;
  /** Epoch ms of every change of leadership: [leading, at]. */
  readonly changes: [boolean, number][];
  stop(): Promise<void>;
}

interface Push {
  readonly who: string;
  readonly at: number;
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function startPair(releaseLeaseOnStop: boolean): Promise<{ a: Instance; b: Instance; log: Push[] }> {
  const loaded = await loadScenario(fileURLToPath(new URL('../../simulator/scenarios/two-sites.yaml', import.meta.url)));
  if (!loaded.ok) throw new Error('two-sites does not load');
  simulation = await startSimulation({ scenario: loaded.scenario, vmanage: { pollIntervalMs: 1000 } });
  const sim = simulation;
  directory = await mkdtemp(join(tmpdir(), 'isthmus-leader-'));
  const log: Push[] = [];
  const start = async (name: string): Promise<Instance> => {
    const file = await writeSimulationBridgeConfig(
      directory ?? '',
      sim,
      {
        kubernetes: { leaderElection: { leaseNamespace: 'kube-system', leaseDuration: `${LEASE_MS}ms`, renewDeadline: '1500ms', retryPeriod: `${RETRY_MS}ms` } },
        telemetry: { listen: `127.0.0.1:${await freePort()}` },
      },
      `${name}.yaml`,
    );
    const env = { ...simulationBridgeEnv(sim), POD_NAME: name };
    const config = await loadConfig({ configPath: file, env, readFile: (path) => readFile(path, 'utf8') });
    if (!config.ok) throw new Error(JSON.stringify(config.problems));
    let count = 0;
    const record = (): void => {
      count++;
      log.push({ who: name, at: Date.now() });
    };
    const stopSignal = new AbortController();
    let served: { url: string; bridge: Bridge } | undefined;
    const running = runBridge(config.config, {
      env,
      logger: silentLog,
      signal: stopSignal.signal,
      releaseLeaseOnStop,
      push: record,
      onServing: (url, bridge) => (served = { url, bridge }),
    });
    await until(() => served !== undefined, 10_000);
    const { url, bridge } = served as { url: string; bridge: Bridge };
    // The shape of a policy apply loop: every tick asks the gate, and only a leader gets to push.
    const ticker = setInterval(() => bridge.leadership.ifLeader(record), 50);
    const changes: [boolean, number][] = [];
    bridge.leadership.onChange((leading) => changes.push([leading, Date.now()]));
    let stopped: Promise<void> | undefined;
    const stop = (): Promise<void> => {
      stopped ??= (async () => {
        stopSignal.abort();
        await running;
        clearInterval(ticker);
      })();
      return stopped;
    };
    cleanups.push(stop);
    return { name, bridge, url, pushes: () => count, changes, stop };
  };
  const [a, b] = await Promise.all([start('bridge-a'), start('bridge-b')]);
  return { a, b, log };
}

async function metricsOf(instance: Instance): Promise<string> {
  return (await fetch(`${instance.url}/metrics`)).text();
}

async function leadershipDetail(instance: Instance): Promise<{ ready: boolean; detail: string } | undefined> {
  const report = (await (await fetch(`${instance.url}/readyz`)).json()) as { checks: { name: string; ready: boolean; detail: string }[] };
  return report.checks.find((check) => check.name === 'leadership');
}

describe.each([
  { how: 'killed (the lease expires)', release: false, handoverMs: LEASE_MS + MAX_ATTEMPT_GAP_MS + 500 },
  { how: 'stopped cleanly (the lease is released)', release: true, handoverMs: MAX_ATTEMPT_GAP_MS + 500 },
])('two bridges on one Lease, the leader $how', ({ release, handoverMs }) => {
  it('elect exactly one leader, the follower never pushes, and the other takes over in time', async () => {
    const { a, b, log } = await startPair(release);
    await until(() => a.bridge.leadership.isLeader() || b.bridge.leadership.isLeader(), 5000);
    const [leader, follower] = a.bridge.leadership.isLeader() ? [a, b] : [b, a];
    // Some renewals later: still exactly one, and only it has pushed.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect([leader.bridge.leadership.isLeader(), follower.bridge.leadership.isLeader()]).toEqual([true, false]);
    expect(leader.pushes()).toBeGreaterThan(0);
    expect(follower.pushes()).toBe(0);
    expect(follower.bridge.assignments()).toEqual([]);

    expect(await metricsOf(leader)).toMatch(/^isthmus_leader 1$/m);
    expect(await metricsOf(follower)).toMatch(/^isthmus_leader 0$/m);
    const leaderIdentity = leader.bridge.leadership.identity;
    expect(leaderIdentity).toMatch(new RegExp(`^${leader.name}_`));
    expect(await leadershipDetail(leader)).toEqual({ name: 'leadership', ready: true, detail: `leader (${leaderIdentity})` });
    expect(await leadershipDetail(follower)).toEqual({ name: 'leadership', ready: true, detail: `follower (${follower.bridge.leadership.identity}); leader ${leaderIdentity}` });

    const stoppedAt = Date.now();
    const stopping = leader.stop();
    // Stepping down is synchronous with the stop: not a single push after it.
    expect(leader.bridge.leadership.isLeader()).toBe(false);
    const leaderPushes = leader.pushes();
    await stopping;
    await until(() => follower.bridge.leadership.isLeader(), handoverMs + 1000);
    const handedOverAt = follower.changes.find(([leading]) => leading)?.[1] ?? Number.NaN;
    expect(handedOverAt - stoppedAt).toBeLessThanOrEqual(handoverMs);
    if (!release) expect(handedOverAt - stoppedAt).toBeGreaterThan(LEASE_MS / 2);

    await until(() => follower.pushes() > 0, 2000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(leader.pushes()).toBe(leaderPushes);
    expect(leader.changes.map(([leading]) => leading)).toEqual([true, false]);
    // One leader at a time in the push log: every push of the new leader after the old leader's last one.
    const lastOld = Math.max(...log.filter((push) => push.who === leader.name).map((push) => push.at));
    const firstNew = Math.min(...log.filter((push) => push.who === follower.name).map((push) => push.at));
    expect(firstNew).toBeGreaterThanOrEqual(lastOld);
    expect(follower.bridge.assignments().length).toBeGreaterThan(0);
    expect(await metricsOf(follower)).toMatch(/^isthmus_leader 1$/m);
    expect(await leadershipDetail(follower)).toEqual({ name: 'leadership', ready: true, detail: `leader (${follower.bridge.leadership.identity})` });
  }, 30_000);
});
