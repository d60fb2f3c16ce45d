/**
 * End to end, as a user runs it: `isthmus simulate` as a real child process, `isthmus observe --hubble` as
 * another, pointed at it through the info file. Every line printed must be Hubble's JSON form, and every
 * flow one of the world's, rebuilt from the same scenario, seed and start. Loopback only, bounded in time.
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { loadScenario } from '../../simulator/world/load-scenario.ts';
import { createWorld } from '../../simulator/world/world.ts';
import { formatFlowJson, parseFlowJson } from '../../src/hubble/flow-json.ts';
import { decodeHubble } from '../../src/hubble/hubble-codec.ts';
import { exitOf, waitForFile } from '../support/child-exit.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

interface Info {
  readonly seed: number;
  readonly startMs: number;
  readonly hubble: { readonly address: string; readonly nodes: readonly string[]; readonly ringCapacity: number };
}

let child: ChildProcess | undefined;
let directory: string | undefined;

afterEach(async () => {
  if (child?.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
  if (directory !== undefined) await rm(directory, { recursive: true, force: true });
  directory = undefined;
});

describe('isthmus observe against isthmus simulate, end to end', () => {
  it('prints the simulated world\'s last 20 flows in Hubble\'s JSON form', async () => {
    directory = await mkdtemp(join(tmpdir(), 'isthmus-observe-e2e-'));
    const infoFile = join(directory, 'info.json');
    const simulator = spawn(process.execPath, ['bin/isthmus.js', '--log-level', 'warn', 'simulate', '--scenario', 'two-sites', '--info-file', infoFile], {
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
    expect(info.hubble).toMatchObject({ address: expect.stringMatching(/^127\.0\.0\.1:\d+$/) as unknown, nodes: ['worker-paris', 'worker-frankfurt'], ringCapacity: 4095 });
    expect(output).toContain(`isthmus observe --hubble ${info.hubble.address} --last 20`);

    const { stdout, stderr } = await run(process.execPath, ['bin/isthmus.js', 'observe', '--hubble', info.hubble.address, '--last', '20', '-o', 'json'], { cwd: ROOT, timeout: 20_000 });
    const after = Date.now();
    expect(stderr).toBe('');
    const printed = stdout.split('\n').filter((line) => line !== '');
    expect(printed).toHaveLength(20);
    const uuids = printed.map((line) => {
      const bytes = parseFlowJson(line, { ignoreUnknownFields: false });
      expect(formatFlowJson(bytes)).toBe(line);
      const flow = decodeHubble('observer.GetFlowsResponse', bytes).flow as { uuid: string; node_name: string };
      expect(info.hubble.nodes).toContain(flow.node_name);
      return flow.uuid;
    });

    const loaded = await loadScenario(join(ROOT, 'simulator/scenarios/two-sites.yaml'));
    if (!loaded.ok) throw new Error('two-sites does not load');
    const world = createWorld(loaded.scenario, { startMs: info.startMs, seed: info.seed });
    // The emulator starts with 30 s of history; the newest 20 flows are among the world's up to now.
    const truth = new Set([...world.flowsBetween(info.startMs - 30_000, after + 1000)].map((flow) => flow.uuid));
    expect(uuids.filter((uuid) => !truth.has(uuid))).toEqual([]);

    simulator.kill('SIGTERM');
    const { code, signal } = await exited;
    expect({ code, signal, output: code === 0 ? '' : output }).toEqual({ code: 0, signal: null, output: '' });
  }, 60_000);
});
