/**
 * End to end, as a user runs it: `isthmus simulate` as a real child process, `isthmus tunnels` as another,
 * pointed at it through the info file; the tunnels it reports are checked against a world rebuilt from the
 * same scenario, seed and start. Loopback only, bounded in time.
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { loadScenario } from '../../simulator/world/load-scenario.ts';
import { createWorld } from '../../simulator/world/world.ts';
import type { TunnelJson } from '../../src/controller/tunnel-json.ts';
import { exitOf, waitForFile } from '../support/child-exit.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MINUTE = 60_000;
const run = promisify(execFile);

interface Info {
  readonly seed: number;
  readonly startMs: number;
  readonly vmanage: { readonly url: string; readonly username: string; readonly password: string; readonly pollIntervalMs: number };
}

let child: ChildProcess | undefined;
let directory: string | undefined;

afterEach(async () => {
  if (child?.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
  if (directory !== undefined) await rm(directory, { recursive: true, force: true });
  directory = undefined;
});

describe('isthmus simulate, end to end', () => {
  it('serves two-sites to `isthmus tunnels`, whose values are the world\'s, and exits 0 on SIGTERM', async () => {
    directory = await mkdtemp(join(tmpdir(), 'isthmus-e2e-'));
    const infoFile = join(directory, 'info.json');
    const simulator = spawn(process.execPath, ['bin/isthmus.js', '--log-level', 'warn', 'simulate', '--scenario', 'two-sites', '--app-route-poll-interval', '1m', '--info-file', infoFile], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = simulator;
    let output = '';
    simulator.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    simulator.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = exitOf(simulator);
    await waitForFile(infoFile, simulator, () => output, 20_000);
    const info = JSON.parse(await readFile(infoFile, 'utf8')) as Info;
    expect(info.vmanage.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(info.vmanage.pollIntervalMs).toBe(MINUTE);

    const before = Date.now();
    const { stdout } = await run(process.execPath, ['bin/isthmus.js', 'tunnels', '--vmanage', info.vmanage.url, '--username', info.vmanage.username, '-o', 'json'], {
      cwd: ROOT,
      env: { ...process.env, VMANAGE_PASSWORD: info.vmanage.password },
      timeout: 20_000,
    });
    const after = Date.now();
    const tunnels = JSON.parse(stdout) as TunnelJson[];

    const loaded = await loadScenario(join(ROOT, 'simulator/scenarios/two-sites.yaml'));
    if (!loaded.ok) throw new Error('two-sites does not load');
    const world = createWorld(loaded.scenario, { startMs: info.startMs, seed: info.seed });
    expect(tunnels.map((tunnel) => tunnel.name).sort()).toEqual(world.fabric.tunnels.map((tunnel) => tunnel.name).sort());
    for (const reported of tunnels) {
      const tunnel = world.fabric.tunnel(reported.name);
      if (tunnel === undefined || reported.sampleTime === null) throw new Error(`${reported.name}: unknown, or no sample`);
      const time = Date.parse(reported.sampleTime);
      // The newest interval end: aligned to the start, not in the future, at most an interval (plus the
      // simulated clock's lag of up to a second behind the wall clock, and start-up) before the read.
      expect((time - info.startMs) % MINUTE).toBe(0);
      expect(time).toBeLessThanOrEqual(after);
      expect(time).toBeGreaterThan(before - MINUTE - 5000);
      const truth = world.tunnelAverage(tunnel, time - MINUTE, time);
      expect(reported).toMatchObject({
        localSystemIp: tunnel.local.systemIp,
        localSiteId: tunnel.localSiteId,
        localHostName: tunnel.local.device.hostName,
        remoteSiteId: tunnel.remoteSiteId,
        state: world.tunnelState(tunnel, time),
      });
      // Whole milliseconds, and loss in whole probes of 60 a minute.
      expect(Math.abs((reported.latencySeconds ?? -1) - truth.latencySeconds)).toBeLessThanOrEqual(0.0005 + 1e-9);
      expect(Math.abs((reported.jitterSeconds ?? -1) - truth.jitterSeconds)).toBeLessThanOrEqual(0.0005 + 1e-9);
      expect(Math.abs((reported.lossRatio ?? -1) - truth.lossRatio)).toBeLessThanOrEqual(0.5 / 60 + 1e-5);
    }

    simulator.kill('SIGTERM');
    const { code, signal } = await exited;
    expect({ code, signal, output: code === 0 ? '' : output }).toEqual({ code: 0, signal: null, output: '' });
    expect(existsSync(infoFile)).toBe(false);
  }, 60_000);
});
