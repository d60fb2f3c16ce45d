/**
 * `isthmus run` against the three emulators of a simulation, in-process: the configuration names the
 * kubeconfig, Hubble's address and vManage's URL and credentials from simulation.info, exactly as for a
 * real cluster; a short run must serve /metrics and /api/v1/services with data. Loopback only.
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
import type { ServiceJson } from '../../src/controller/api-v1.ts';
import { silentLog } from '../../src/vmanage/log-port.ts';
import { runCli } from './run-cli.ts';
import { freePort } from '../support/free-port.ts';
import { simulationBridgeEnv, writeSimulationBridgeConfig } from '../support/simulation-bridge-config.ts';

let simulation: Simulation | undefined;
let directory: string | undefined;

afterEach(async () => {
  await simulation?.close();
  simulation = undefined;
  if (directory !== undefined) await rm(directory, { recursive: true, force: true });
  directory = undefined;
});



describe('isthmus run', () => {
  it('bridges the emulated cluster, Hubble and vManage, and serves /metrics and /api/v1 with data', async () => {
    const loaded = await loadScenario(fileURLToPath(new URL('../../simulator/scenarios/two-sites.yaml', import.meta.url)));
    if (!loaded.ok) throw new Error('two-sites does not load');
    // Real time (speed 1), as a bridge beside a real fabric; app-route statistics every second.
    simulation = await startSimulation({ scenario: loaded.scenario, vmanage: { pollIntervalMs: 1000 } });
    directory = await mkdtemp(join(tmpdir(), 'isthmus-run-'));
    const file = await writeSimulationBridgeConfig(directory, simulation, { telemetry: { listen: `127.0.0.1:${await freePort()}` } });
    const env = simulationBridgeEnv(simulation);
    const config = await loadConfig({ configPath: file, env, readFile: (path) => readFile(path, 'utf8') });
    if (!config.ok) throw new Error(JSON.stringify(config.problems));

    const stop = new AbortController();
    let url: string | undefined;
    const running = runBridge(config.config, { env, logger: silentLog, signal: stop.signal, onServing: (served) => (url = served) });
    try {
      const started = Date.now();
      let services: ServiceJson[] = [];
      let metrics = '';
      while (Date.now() - started < 15_000) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        if (url === undefined) continue;
        metrics = await (await fetch(`${url}/metrics`)).text();
        services = ((await (await fetch(`${url}/api/v1/services`)).json()) as { services: ServiceJson[] }).services;
        if (services.length === 2 && services.every((service) => service.flows > 0) && /^isthmus_tunnel_up\{/m.test(metrics)) break;
      }
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(services.map((service) => [`${service.namespace}/${service.name}`, service.flows > 0])).toEqual([
        ['shop/catalog', true],
        ['shop/payments', true],
      ]);
      expect(services[1]).toMatchObject({ intent: 'auto', color: 'biz-internet', assignment: { mode: 'auto', reason: expect.stringMatching(/^(initial|compliant)$/) as unknown } });
      expect(metrics).toMatch(/^isthmus_service_flows_total\{namespace="shop",service="payments",src_site="100",dst_site="200",color="biz-internet",verdict="FORWARDED"\} [1-9]\d*$/m);
      expect(metrics.match(/^isthmus_tunnel_up\{/gm)).toHaveLength(simulation.world.fabric.tunnels.length);
      expect(metrics).toMatch(/^isthmus_hubble_connected 1$/m);
      expect(metrics).toMatch(/^isthmus_vmanage_requests_total\{endpoint="[^"]+",code="200"\} [1-9]/m);
      const ready = await fetch(`${url ?? ''}/readyz`);
      expect(((await ready.json()) as { checks: { name: string }[] }).checks.map((check) => check.name).sort()).toEqual(['hubble', 'kubernetes', 'leadership', 'vmanage']);
      expect(metrics).toMatch(/^isthmus_leader 1$/m);
    } finally {
      stop.abort();
      await running;
    }
    // Stopped: nothing listens any more.
    await expect(fetch(`${url ?? ''}/healthz`)).rejects.toThrow();
  }, 30_000);

  it('refuses a configuration that does not validate, with exit status 2', async () => {
    const result = await runCli(['run', '--config', '/no/such/isthmus.yaml']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('configuration file not found');
  });
});
