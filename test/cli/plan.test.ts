/**
 * `isthmus plan` against the three emulators of a simulation, in-process: the bridge runs as `isthmus
 * run` would, but its push is a capture, so the plan prints the optimizer's decisions and the policy
 * diff against what vManage holds, and vManage is left untouched. Loopback only.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulation } from '../../simulator/start-simulation.ts';
import type { Simulation } from '../../simulator/start-simulation.ts';
import { loadScenario } from '../../simulator/world/load-scenario.ts';
import type { Plan } from '../../src/cli/commands/plan.ts';
import { runCli } from './run-cli.ts';
import { simulationBridgeEnv, writeSimulationBridgeConfig } from '../support/simulation-bridge-config.ts';

let simulation: Simulation | undefined;
let directory: string | undefined;

afterEach(async () => {
  await simulation?.close();
  simulation = undefined;
  if (directory !== undefined) await rm(directory, { recursive: true, force: true });
  directory = undefined;
});


/** A config file naming the simulation's emulators, as for a real cluster; returns its path and env. */
async function configFor(sim: Simulation): Promise<{ file: string; env: Record<string, string> }> {
  directory = await mkdtemp(join(tmpdir(), 'isthmus-plan-'));
  // A plan never listens on telemetry.listen: it serves on a free loopback port of its own.
  const file = await writeSimulationBridgeConfig(directory, sim, { cluster: { name: 'plan-test' }, telemetry: { listen: '0.0.0.0:9464' } });
  return { file, env: simulationBridgeEnv(sim) };
}

async function twoSites(): Promise<Simulation> {
  const loaded = await loadScenario(fileURLToPath(new URL('../../simulator/scenarios/two-sites.yaml', import.meta.url)));
  if (!loaded.ok) throw new Error('two-sites does not load');
  simulation = await startSimulation({ scenario: loaded.scenario, vmanage: { pollIntervalMs: 1000 } });
  return simulation;
}

describe('isthmus plan', () => {
  it('prints the decisions and a diff that creates Isthmus objects, and pushes nothing', async () => {
    const sim = await twoSites();
    const { file, env } = await configFor(sim);
    const text = await runCli(['--log-level', 'silent', 'plan', '--config', file, '--wait', '15s'], { env });
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^ {2}shop\/payments: (stays on biz-internet|\(none\) → biz-internet) \(auto, (initial|compliant)\)$/m);
    expect(text.stdout).toMatch(/^ {2}create vsmart \S+$/m);
    expect(text.stdout).not.toMatch(/^ {2}(update|delete) /m);
    expect(text.stdout).toMatch(/^1 decision \(0 moves\), [1-9]\d* policy changes, 0 conflicts; nothing was pushed$/m);

    const json = await runCli(['--log-level', 'silent', 'plan', '-c', file, '--wait', '15s', '-o', 'json'], { env });
    expect(json.code).toBe(0);
    const plan = JSON.parse(json.stdout) as Plan;
    expect(plan.decisions).toEqual([expect.objectContaining({ service: 'shop/payments', to: 'biz-internet', mode: 'auto' })]);
    expect(plan.conflicts).toEqual([]);
    expect(plan.changes.length).toBeGreaterThan(0);
    expect(plan.changes.every((change) => change.op === 'create')).toBe(true);
    expect(new Set(plan.changes.map((change) => change.kind))).toEqual(new Set(['dataPrefix', 'sla', 'site', 'vpn', 'appRoute', 'vsmart']));

    // Nothing was pushed: the emulator's policy store is empty and it saw reads only.
    const policy = sim.vmanage.emulator.policy;
    expect(policy.store.all()).toEqual([]);
    expect(policy.requests.length).toBeGreaterThan(0);
    expect(policy.requests.filter((request) => request.method !== 'GET')).toEqual([]);
  }, 40_000);

  it('gives up after --wait with exit status 1 when the bridge cannot connect', async () => {
    const sim = await twoSites();
    const { file, env } = await configFor(sim);
    const result = await runCli(['--log-level', 'silent', 'plan', '-c', file, '--wait', '2s', '--set', 'hubble.address=127.0.0.1:1'], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^isthmus plan: no optimizer round decided within 2s: .*hubble not ready/m);
  }, 20_000);

  it('refuses a bad --wait and a configuration without vManage with exit status 2', async () => {
    expect((await runCli(['plan', '--wait', 'soon'])).stderr).toContain('--wait expects a duration');
    const result = await runCli(['plan', '--set', 'vmanage.enabled=false']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('isthmus plan: vmanage.enabled is false');
  });
});
