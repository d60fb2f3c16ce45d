/**
 * Crash safety of the policy push, with the bridge as a real process: `isthmus run` pushes its policy
 * to the vManage emulator; a Service is then pinned to another color, and the emulator holds the
 * activation that follows the bridge's edits. With the edits stored and the activation never started,
 * the bridge is killed with SIGKILL (the Lease is left to expire, nothing is cleaned up). A new process
 * takes the Lease over and must converge: the policy the controllers enforce is the one vManage stores,
 * it steers every Service as the new bridge's /api/v1/services reports, and no Isthmus-owned object is
 * left that the active policy does not reach. Loopback only; bounded in real time.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulation } from '../../simulator/start-simulation.ts';
import type { Simulation } from '../../simulator/start-simulation.ts';
import { loadScenario } from '../../simulator/world/load-scenario.ts';
import type { ServiceJson } from '../../src/controller/api-v1.ts';
import { policyOwnership } from '../../src/policy/policy-ownership.ts';
import { startBridgeProcess } from './bridge-process.ts';
import type { BridgeProcess } from './bridge-process.ts';
import { policyConvergence } from './policy-convergence.ts';
import type { PolicyConvergence } from './policy-convergence.ts';
import { freePort } from '../support/free-port.ts';
import { simulationBridgeEnv, writeSimulationBridgeConfig } from '../support/simulation-bridge-config.ts';

const CLUSTER = 'crash';
const OWNER = policyOwnership(CLUSTER);
const PAYMENTS = 'shop/payments';

let simulation: Simulation | undefined;
let directory: string | undefined;
const bridges: BridgeProcess[] = [];

afterEach(async () => {
  simulation?.vmanage.emulator.policy.faults.reset();
  await Promise.all(bridges.splice(0).map((bridge) => bridge.stop(5000)));
  await simulation?.close();
  simulation = undefined;
  if (directory !== undefined) await rm(directory, { recursive: true, force: true });
  directory = undefined;
});


/** Polls `check` until it returns a value, or throws with the last thing it saw. */
async function waitFor<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined> | T | undefined, seen: () => unknown = () => undefined): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms; last seen ${JSON.stringify(seen())}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function servicesOf(bridge: BridgeProcess): Promise<ServiceJson[]> {
  const response = await fetch(`${bridge.url}/api/v1/services`);
  return ((await response.json()) as { services: ServiceJson[] }).services;
}

/** The colors the bridge says its steered Services should take; unsteered ones are absent. */
function desiredColors(services: readonly ServiceJson[]): Record<string, string> {
  return Object.fromEntries(services.flatMap((service) => (service.assignment === null ? [] : [[`${service.namespace}/${service.name}`, service.assignment.color]])));
}

/** Converged: nothing stored but not enforced, nothing orphaned, and the fabric steers exactly as the bridge wants. */
function converged(state: PolicyConvergence, services: readonly ServiceJson[]): boolean {
  const wanted = desiredColors(services);
  const enforced = Object.fromEntries(Object.entries(state.enforcedColors).filter(([, color]) => color !== undefined));
  return state.activePolicy === OWNER.name('policy') && state.orphans.length === 0 && state.unactivated.length === 0 && services.length > 0 && JSON.stringify(enforced) === JSON.stringify(wanted);
}

describe('killed between a policy edit and its activation', () => {
  it('a new bridge takes the Lease over and converges: the stored policy enforced, every Service steered as desired, no orphans', async () => {
    const loaded = await loadScenario(fileURLToPath(new URL('../../simulator/scenarios/two-sites.yaml', import.meta.url)));
    if (!loaded.ok) throw new Error('two-sites does not load');
    // Real time; short activation tasks so that the test is about the crash, not the wait.
    simulation = await startSimulation({ scenario: loaded.scenario, vmanage: { pollIntervalMs: 1000, emulator: { activationDelayMs: 200 } } });
    const sim = simulation;
    directory = await mkdtemp(join(tmpdir(), 'isthmus-crash-'));
    const dir = directory;
    const configFile = await writeSimulationBridgeConfig(dir, sim, {
      cluster: { name: CLUSTER },
      kubernetes: { leaderElection: { leaseNamespace: 'kube-system', leaseDuration: '2s', renewDeadline: '1500ms', retryPeriod: '300ms' } },
      vmanage: { policy: { minPushInterval: '0s' } },
      telemetry: { listen: `127.0.0.1:${await freePort()}` },
    });
    const start = async (name: string): Promise<BridgeProcess> => {
      const bridge = await startBridgeProcess({ configFile, env: { ...simulationBridgeEnv(sim), POD_NAME: name }, logFile: join(dir, `${name}.log`) });
      bridges.push(bridge);
      return bridge;
    };
    const { policy } = sim.vmanage.emulator;
    const diagnose = async (bridge: BridgeProcess) => `\n--- ${bridge.child.pid ?? 0} log (tail) ---\n${(await bridge.log()).split('\n').slice(-40).join('\n')}`;

    const first = await start('bridge-first');
    try {
      // Its first push is in force (payments steered on biz-internet by its SLO), and over: the bridge
      // pushes one at a time, so the edit below is pushed at once rather than at the next evaluation.
      let last: unknown;
      await waitFor('the first push', 30_000, async () => {
        const services = await servicesOf(first);
        const state = policyConvergence(sim, OWNER);
        const metrics = await (await fetch(`${first.url}/metrics`)).text();
        last = { state, desired: desiredColors(services) };
        const pushed = /^isthmus_policy_pushes_total\{result="applied"\} [1-9]/m.test(metrics);
        return pushed && converged(state, services) && desiredColors(services)[PAYMENTS] === 'biz-internet' ? true : undefined;
      }, () => last);
      expect(policy.store.all().some((object) => object.collection === 'sla')).toBe(true);

      // Pin payments to public-internet: the bridge creates a data definition, empties the app-route
      // one, edits the policy, and then asks for an activation, which the emulator holds.
      policy.faults.holdActivations();
      const mark = policy.requests.length;
      const stored = sim.kube.emulator.store.get('Service', 'shop', 'payments');
      if (stored === undefined) throw new Error('no Service shop/payments');
      sim.kube.emulator.store.apply({ ...stored, metadata: { ...stored.metadata, annotations: { ...stored.metadata.annotations, 'isthmus.io/tunnel': 'public-internet' } } });
      await waitFor('the edit, and the activation held', 20_000, () =>
        policy.faults.heldActivations > 0 && policy.requests.slice(mark).some((request) => request.method === 'PUT' && request.path.includes('/template/policy/vsmart/')) ? true : undefined,
      );
    } catch (error) {
      throw new Error(`${error instanceof Error ? error.message : String(error)}${await diagnose(first)}`, { cause: error });
    }     expect(await first.kill()).toBe('SIGKILL');
    // The dead process's activation never happens.
    policy.faults.releaseActivations('refuse');
    const crashed = policyConvergence(sim, OWNER);
    expect(crashed.unactivated.length).toBeGreaterThan(0);
    expect(crashed.orphans.length).toBeGreaterThan(0);
    expect(crashed.enforcedColors[PAYMENTS]).toBe('biz-internet');

    const second = await start('bridge-second');
    let last: unknown;
    try {
      await waitFor('convergence after the restart', 30_000, async () => {
        const services = await servicesOf(second);
        const state = policyConvergence(sim, OWNER);
        last = { state, desired: desiredColors(services) };
        return converged(state, services) ? state : undefined;
      }, () => last);
    } catch (error) {
      throw new Error(`${error instanceof Error ? error.message : String(error)}${await diagnose(second)}`, { cause: error });
    }
    const services = await servicesOf(second);
    expect(desiredColors(services)).toEqual({ [PAYMENTS]: 'public-internet' });
    expect(services.find((service) => service.name === 'payments')?.assignment?.mode).toBe('pinned');
    const after = policyConvergence(sim, OWNER);
    expect({ orphans: after.orphans, unactivated: after.unactivated, payments: after.enforcedColors[PAYMENTS], catalog: after.enforcedColors['shop/catalog'] }).toEqual({
      orphans: [],
      unactivated: [],
      payments: 'public-internet',
      catalog: undefined,
    });
    // The SLA class only payments used is gone with its SLO steering.
    expect(policy.store.all().filter((object) => object.collection === 'sla')).toEqual([]);
    expect(await readFile(join(dir, 'bridge-second.log'), 'utf8')).not.toMatch(/"level":(?:50|60)/);
  }, 90_000);
});
