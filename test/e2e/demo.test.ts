/**
 * End to end, as a user runs it: `isthmus demo` as a real child process (the three emulators and the
 * bridge over the real protocols), for about 30 s of real time; its /metrics and /api/v1 must carry
 * flows for every Service of the scenario that has traffic, and health for every tunnel of the fabric.
 * Loopback only, bounded in time.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadScenario } from '../../simulator/world/load-scenario.ts';
import { createWorld } from '../../simulator/world/world.ts';
import type { ServiceJson, TunnelHealthJson } from '../../src/controller/api-v1.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** 15 simulated minutes at 30×: 30 s of real time, the first brownout (5m–11m) included. */
const ARGS = ['bin/isthmus.js', '--log-level', 'warn', 'demo', '--scenario', 'brownout', '--port', '0', '--speed', '30', '--duration', '15m', '--refresh', '5s', '--no-redraw'];
const DEADLINE_MS = 45_000;

let child: ChildProcess | undefined;

afterEach(() => {
  if (child?.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
});

interface Scrape {
  readonly metrics: string;
  readonly services: readonly ServiceJson[];
  readonly tunnels: readonly TunnelHealthJson[];
}

async function scrape(url: string): Promise<Scrape> {
  const [metrics, services, tunnels] = await Promise.all([
    fetch(`${url}/metrics`).then((response) => response.text()),
    fetch(`${url}/api/v1/services`).then((response) => response.json() as Promise<{ services: ServiceJson[] }>),
    fetch(`${url}/api/v1/tunnels`).then((response) => response.json() as Promise<{ tunnels: TunnelHealthJson[] }>),
  ]);
  return { metrics, services: services.services, tunnels: tunnels.tunnels };
}

/** Sum of `isthmus_service_flows_total` per `namespace/service`. */
function flowsByService(metrics: string): Map<string, number> {
  const sums = new Map<string, number>();
  for (const match of metrics.matchAll(/^isthmus_service_flows_total\{namespace="([^"]+)",service="([^"]+)"[^}]*\} (\d+)/gm)) {
    const key = `${match[1] ?? ''}/${match[2] ?? ''}`;
    sums.set(key, (sums.get(key) ?? 0) + Number(match[3]));
  }
  return sums;
}

function seriesCount(metrics: string, name: string): number {
  return metrics.split('\n').filter((line) => line.startsWith(`${name}{`)).length;
}

describe('isthmus demo, end to end', () => {
  it('serves flows for every Service with traffic and health for every tunnel, then exits 0 on SIGTERM', async () => {
    const loaded = await loadScenario(fileURLToPath(new URL('../../simulator/scenarios/brownout.yaml', import.meta.url)));
    if (!loaded.ok) throw new Error('brownout does not load');
    const world = createWorld(loaded.scenario);
    const tunnelCount = world.fabric.tunnels.length;
    const withTraffic = [...new Set(loaded.scenario.traffic.map((entry) => `${entry.to.namespace}/${entry.to.name}`))].sort();
    world.close();

    const started = Date.now();
    const demo = spawn(process.execPath, ARGS, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    child = demo;
    let output = '';
    demo.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    demo.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      demo.once('exit', (code, signal) => {
        resolve({ code, signal });
      });
    });

    let url: string | undefined;
    while (url === undefined) {
      url = /^isthmus demo: serving (http:\/\/127\.0\.0\.1:\d+) /m.exec(output)?.[1];
      if (demo.exitCode !== null) throw new Error(`the demo exited with ${demo.exitCode}:\n${output}`);
      if (Date.now() - started > 20_000) throw new Error(`no URL after 20 s:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    // Until every Service with traffic has flows in both, and every tunnel a sample; then once more.
    const complete = (state: Scrape): boolean => {
      const flows = flowsByService(state.metrics);
      const api = new Map(state.services.map((service) => [`${service.namespace}/${service.name}`, service]));
      return (
        withTraffic.every((key) => (flows.get(key) ?? 0) > 0 && (api.get(key)?.flows ?? 0) > 0) &&
        seriesCount(state.metrics, 'isthmus_tunnel_latency_seconds') === tunnelCount &&
        state.tunnels.length === tunnelCount &&
        state.tunnels.every((tunnel) => tunnel.latencySeconds !== null) &&
        // The SLI needs a path: tunnel readings on the Service's color and its traffic's site pairs.
        /^isthmus_slo_compliant\{namespace="shop",service="checkout"\} [01]$/m.test(state.metrics)
      );
    };
    let state = await scrape(url);
    while (!complete(state) && Date.now() - started < DEADLINE_MS) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      state = await scrape(url);
    }

    const flows = flowsByService(state.metrics);
    expect(Object.fromEntries(withTraffic.map((key) => [key, (flows.get(key) ?? 0) > 0]))).toEqual(Object.fromEntries(withTraffic.map((key) => [key, true])));
    const api = new Map(state.services.map((service) => [`${service.namespace}/${service.name}`, service]));
    for (const key of withTraffic) {
      const service = api.get(key);
      expect(service?.flows, key).toBeGreaterThan(0);
      expect(service?.sitePairs.reduce((sum, pair) => sum + pair.flows, 0), key).toBe(service?.flows);
    }
    expect(api.get('payments/ledger')).toMatchObject({ intent: 'pinned', color: 'mpls', assignment: { mode: 'pinned', reason: 'pinned' } });
    // The optimizer decides: one of its candidates, in auto or (when neither meets 30 ms) fallback mode.
    expect(api.get('payments/authorize')).toMatchObject({ intent: 'auto', slo: { maxLatencySeconds: 0.03, objective: 0.999 } });
    expect(['mpls', 'biz-internet']).toContain(api.get('payments/authorize')?.assignment?.color);
    expect(['auto', 'fallback']).toContain(api.get('payments/authorize')?.assignment?.mode);
    expect(seriesCount(state.metrics, 'isthmus_tunnel_latency_seconds')).toBe(tunnelCount);
    expect(state.metrics).toMatch(/^isthmus_hubble_connected 1$/m);
    expect(state.metrics).toMatch(/^isthmus_slo_compliant\{namespace="shop",service="checkout"\} [01]$/m);
    expect(state.tunnels).toHaveLength(tunnelCount);
    for (const tunnel of state.tunnels) {
      expect(tunnel.state, tunnel.name).not.toBeNull();
      expect(tunnel.latencySeconds, tunnel.name).not.toBeNull();
      expect(tunnel.sampleTime, tunnel.name).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
    const missing = await fetch(`${url}/api/v1/services/shop/no-such-service`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: 'no Service shop/no-such-service' });

    // Roughly the 30 s the demo was asked to run, then a clean stop.
    const remaining = 25_000 - (Date.now() - started);
    if (remaining > 0) await new Promise((resolve) => setTimeout(resolve, remaining));
    demo.kill('SIGTERM');
    const { code, signal } = await exited;
    expect({ code, signal, output: code === 0 ? '' : output }).toEqual({ code: 0, signal: null, output: '' });
    expect(output).toMatch(/Isthmus demo · scenario brownout/);
  }, 90_000);
});
