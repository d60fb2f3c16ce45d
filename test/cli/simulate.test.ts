import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulation } from '../../simulator/start-simulation.ts';
import type { Simulation, SimulationOptions } from '../../simulator/start-simulation.ts';
import { loadScenario } from '../../simulator/world/load-scenario.ts';
import type { Scenario } from '../../simulator/world/scenario.ts';
import { SimClock } from '../../simulator/world/sim-clock.ts';
import { checkSimulateFlags } from '../../src/cli/commands/simulate.ts';
import type { SimulateFlags } from '../../src/cli/commands/simulate.ts';
import type { LogPort } from '../../src/vmanage/log-port.ts';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { createKubeInformers } from '../../src/kube/kube-informers.ts';
import type { KubeInformers } from '../../src/kube/kube-informers.ts';
import { VmanageSession } from '../../src/vmanage/vmanage-session.ts';
import { VmanageTelemetryClient } from '../../src/vmanage/vmanage-telemetry-client.ts';
import { runCli } from './run-cli.ts';

const MINUTE = 60_000;
const START = Date.UTC(2025, 0, 1);

interface LogLine {
  readonly level: string;
  readonly obj: Readonly<Record<string, unknown>>;
  readonly msg: string | undefined;
}

function memoryLog(): { readonly logger: LogPort; readonly lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: string) => (obj: object, msg?: string) => {
    lines.push({ level, obj: obj as Record<string, unknown>, msg });
  };
  return { logger: { info: at('info'), warn: at('warn'), debug: at('debug') }, lines };
}

async function shipped(name: string): Promise<Scenario> {
  const result = await loadScenario(fileURLToPath(new URL(`../../simulator/scenarios/${name}.yaml`, import.meta.url)));
  if (!result.ok) throw new Error(result.problems.map((problem) => problem.message).join('\n'));
  return result.scenario;
}

let brownout: Scenario;
let twoSites: Scenario;
let directory = '';
const running: Simulation[] = [];
const sessions: VmanageSession[] = [];
const informerSets: KubeInformers[] = [];

async function simulate(options: Omit<SimulationOptions, 'scenario'> & { scenario?: Scenario }): Promise<Simulation> {
  const simulation = await startSimulation({ scenario: brownout, ...options });
  running.push(simulation);
  return simulation;
}

function clientOf(simulation: Simulation): VmanageTelemetryClient {
  const session = new VmanageSession({ baseUrl: simulation.vmanage.url, ...simulation.vmanage.credentials, timeoutMs: 10_000 });
  sessions.push(session);
  return new VmanageTelemetryClient(session);
}

beforeAll(async () => {
  brownout = await shipped('brownout');
  twoSites = await shipped('two-sites');
  directory = await mkdtemp(join(tmpdir(), 'isthmus-simulate-'));
});

afterEach(async () => {
  await Promise.all(informerSets.splice(0).map((informers) => informers.stop()));
  await Promise.all(sessions.splice(0).map((session) => session.close()));
  await Promise.all(running.splice(0).map((simulation) => simulation.close()));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('startSimulation', () => {
  it('serves the world through the vManage emulator, as the real client reads it', async () => {
    const clock = SimClock.manual(START);
    const { logger, lines } = memoryLog();
    const simulation = await simulate({ clock, logger, vmanage: { pollIntervalMs: MINUTE } });
    const world = simulation.world;
    await clock.advanceTo(START + 33 * MINUTE);
    const client = clientOf(simulation);

    const devices = await client.devices();
    expect(devices.skipped).toBe(0);
    expect(devices.items.map((device) => device.personality)).toEqual(['vmanage', 'vsmart', 'vbond', 'vedge', 'vedge', 'vedge', 'vedge', 'vedge']);
    for (const edge of world.fabric.devices) {
      expect(devices.items.find((device) => device.systemIp === edge.systemIp)).toMatchObject({
        hostName: edge.hostName,
        siteId: edge.siteId,
        deviceModel: 'vedge-C8000V',
        uuid: edge.uuid,
        reachable: true,
      });
    }

    const stats = await client.appRouteStatistics(START + 25 * MINUTE, START + 33 * MINUTE);
    expect(stats.skipped).toBe(0);
    expect(stats.items).toHaveLength(9 * world.fabric.tunnels.length);
    for (const { name, sample } of stats.items) {
      const tunnel = world.fabric.tunnel(name);
      if (tunnel === undefined) throw new Error(`unknown tunnel ${name}`);
      const truth = world.tunnelAverage(tunnel, sample.time - MINUTE, sample.time);
      expect(Math.abs(sample.latencySeconds - truth.latencySeconds)).toBeLessThanOrEqual(0.0005);
      expect(Math.abs(sample.jitterSeconds - truth.jitterSeconds)).toBeLessThanOrEqual(0.0005);
      // 60 probes a minute; loss_percentage carries three decimals.
      expect(Math.abs(sample.lossRatio - truth.lossRatio)).toBeLessThanOrEqual(0.5 / 60 + 0.000_01);
      expect(sample.state).toBe(truth.state);
    }
    const cut = stats.items.filter((item) => item.sample.time === START + 32 * MINUTE && item.name.includes(':mpls-') && item.name.includes('10.0.0.21:mpls'));
    expect(cut.length).toBe(8);
    expect(cut.every((item) => item.sample.state === 'down' && item.sample.lossRatio === 1)).toBe(true);

    const bfd = await client.bfdSessions();
    expect(bfd.items).toHaveLength(world.fabric.tunnels.length);
    for (const session of bfd.items) {
      const tunnel = world.fabric.tunnel(session.name);
      expect(tunnel === undefined ? undefined : world.tunnelState(tunnel, clock.now())).toBe(session.state);
    }
    expect(bfd.items.filter((session) => session.state === 'down')).toHaveLength(8);

    const realtime = await client.realtimeAppRoute('10.0.0.11', clock.now());
    expect(realtime.items.length).toBeGreaterThan(0);

    const messages = lines.filter((line) => line.level === 'info').map((line) => line.msg);
    expect(messages).toEqual(
      expect.arrayContaining(['incident started: isp-peak-hour', 'incident ended: isp-peak-hour', 'incident started: london-biz-congestion', 'incident started: frankfurt-mpls-cut']),
    );
    expect(messages).not.toContain('incident ended: frankfurt-mpls-cut');
    const started = lines.find((line) => line.msg === 'incident started: frankfurt-mpls-cut');
    expect(started?.obj).toMatchObject({ kind: 'blackout', target: 'site 200 color mpls', at: '2025-01-01T00:30:00.000Z', until: '2025-01-01T00:35:00.000Z' });
    expect(lines.some((line) => line.level === 'debug' && line.msg === '8 tunnels down')).toBe(true);

    expect(simulation.info).toMatchObject({ scenario: 'brownout', seed: 7, startMs: START, start: '2025-01-01T00:00:00.000Z', vmanage: { url: simulation.vmanage.url, pollIntervalMs: MINUTE } });
    await simulation.close();
    await expect(simulation.done).resolves.toBe('closed');
  });

  it('serves the cluster through the Kubernetes API emulator, as the real client reads it from the kubeconfig', async () => {
    const clock = SimClock.manual(START);
    const simulation = await simulate({ clock });
    const kubeconfig = simulation.kube.kubeconfigPath;
    expect(simulation.info).toMatchObject({ kube: { url: simulation.kube.url, kubeconfig } });
    expect(simulation.kube.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const config = new KubeConfig();
    config.loadFromFile(kubeconfig);
    const informers = createKubeInformers({ kubeConfig: config });
    informerSets.push(informers);
    informers.start();
    expect(await informers.whenSynced()).toBe(true);
    expect(informers.namespaces.keys()).toEqual(['analytics', 'legacy', 'payments', 'shop', 'video']);
    expect(informers.nodes.list().map((node) => node.siteId)).toEqual([200, 300, 400, 100, 100]);
    expect(informers.services.keys()).toHaveLength(11);
    expect(informers.services.get('analytics/ingest')?.annotations).toMatchObject({ 'isthmus.io/tunnels': 'public-internet,biz-internet' });
    const checkout = () => informers.endpointSlices.list().find((slice) => slice.serviceName === 'checkout');
    expect(checkout()?.endpoints).toHaveLength(2);
    // Black Friday: checkout scales out at 25 simulated minutes, and the watch says so.
    await clock.advanceTo(START + 26 * MINUTE);
    const deadline = Date.now() + 3000;
    while (checkout()?.endpoints.length !== 4 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(checkout()?.endpoints).toHaveLength(4);
    // Without the token the API refuses.
    const anonymous = new KubeConfig();
    anonymous.loadFromOptions({
      clusters: [{ name: 'c', server: simulation.kube.url, skipTLSVerify: true }],
      users: [{ name: 'u' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    await expect(anonymous.makeApiClient(CoreV1Api).listNamespace()).rejects.toMatchObject({ code: 401 });
    await informers.stop();
    await simulation.close();
    expect(existsSync(kubeconfig)).toBe(false);
  });

  it('logs the incidents already under way when it starts', async () => {
    const { logger, lines } = memoryLog();
    await simulate({ clock: SimClock.manual(START + 31 * MINUTE), startMs: START, logger });
    expect(lines.map((line) => line.msg)).toEqual(expect.arrayContaining(['incident under way: frankfurt-mpls-cut']));
  });

  it('ends after --duration of simulated time on an accelerated clock', async () => {
    const started = performance.now();
    const simulation = await simulate({ scenario: twoSites, speed: 1200, durationMs: 4 * MINUTE });
    await expect(simulation.done).resolves.toBe('duration');
    const elapsed = performance.now() - started;
    // 4 simulated minutes at 1200× are 200 ms.
    expect(elapsed).toBeGreaterThan(150);
    expect(elapsed).toBeLessThan(5000);
    expect(simulation.clock.now() - simulation.startMs).toBeGreaterThanOrEqual(4 * MINUTE);
  });

  it('expires sessions on simulated time but rate-limits on real time', async () => {
    const simulation = await simulate({ scenario: twoSites, speed: 3600, vmanage: { sessionIdleTimeoutMs: 30 * MINUTE, requestsPerSecond: 5 } });
    const url = simulation.vmanage.url;
    const login = await fetch(`${url}/j_security_check`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ j_username: 'admin', j_password: simulation.vmanage.credentials.password }).toString(),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    // 5 a real second: the login took one, so the sixth request in this burst is refused, however fast
    // simulated time runs (5 a simulated second would be 18,000 a real one).
    const statuses: number[] = [];
    for (let n = 0; n < 5; n++) statuses.push((await fetch(`${url}/dataservice/device`, { headers: { cookie } })).status);
    expect(statuses.slice(0, 4)).toEqual([200, 200, 200, 200]);
    expect(statuses[4]).toBe(429);
    // 30 simulated minutes of idleness are half a real second at 3600×.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const expired = await fetch(`${url}/dataservice/device`, { headers: { cookie } });
    expect(expired.status).toBe(200);
    expect(await expired.text()).toContain('<html');
  });

  it('closes what it started when an emulator cannot start', async () => {
    const first = await simulate({ scenario: twoSites, clock: SimClock.manual(START) });
    const port = Number(new URL(first.vmanage.url).port);
    await expect(startSimulation({ scenario: twoSites, clock: SimClock.manual(START), vmanage: { port } })).rejects.toThrow(/EADDRINUSE/);
  });
});

const FLAGS: SimulateFlags = {
  scenario: 'two-sites',
  speed: '1',
  start: 'now',
  appRoutePollInterval: '10m',
  vmanagePort: '0',
  vmanageUsername: 'admin',
  vmanageSessionIdle: '30m',
  vmanageRateLimit: '100',
  vmanageBulkRateLimit: '48',
};

describe('checkSimulateFlags', () => {
  it('converts the defaults, resolving a shipped scenario by name', () => {
    const checked = checkSimulateFlags(FLAGS, START + 1234);
    expect(checked.ok && checked.value).toMatchObject({ speed: 1, startMs: START + 1000, durationMs: undefined, pollIntervalMs: 600_000, port: 0, sessionIdleTimeoutMs: 1_800_000, requestsPerSecond: 100, bulkPerMinute: 48, kubePort: 0, kubeconfigOut: undefined });
    expect(checked.ok && checked.value.scenarioPath).toMatch(/simulator[/\\]scenarios[/\\]two-sites\.yaml$/);
    const named = checkSimulateFlags({ ...FLAGS, scenario: 'brownout.yaml', seed: '9', start: '2025-06-01T08:00:00+02:00', duration: '2h' }, START);
    expect(named.ok && named.value).toMatchObject({ seed: 9, startMs: Date.UTC(2025, 5, 1, 6), durationMs: 7_200_000 });
    expect(checkSimulateFlags({ ...FLAGS, seed: 'storm' }, START)).toMatchObject({ ok: true, value: { seed: 'storm' } });
  });

  it.each([
    [{ speed: '0' }, /--speed/],
    [{ speed: 'fast' }, /--speed/],
    [{ start: '2025-06-01T08:00:00' }, /--start .*zone/],
    [{ start: 'yesterday' }, /--start/],
    [{ duration: '90' }, /--duration/],
    [{ appRoutePollInterval: '500ms' }, /--app-route-poll-interval/],
    [{ vmanagePort: '70000' }, /--vmanage-port/],
    [{ vmanageRateLimit: '0' }, /--vmanage-rate-limit/],
    [{ vmanageSessionIdle: 'forever' }, /--vmanage-session-idle/],
    [{ kubePort: '70000' }, /--kube-port/],
    [{ kubeconfigOut: '' }, /--kubeconfig-out/],
  ] as const)('refuses %o', (override, message) => {
    const checked = checkSimulateFlags({ ...FLAGS, ...override }, START);
    expect(checked.ok ? '' : checked.message).toMatch(message);
  });
});

describe('isthmus simulate', () => {
  it('prints the addresses and credentials, writes the info file while running, and stops after --duration', async () => {
    const infoFile = join(directory, 'info.json');
    const run = runCli(['--log-level', 'silent', 'simulate', '--scenario', 'two-sites', '--speed', '1200', '--duration', '1h', '--app-route-poll-interval', '1m', '--info-file', infoFile]);
    while (!existsSync(infoFile)) await new Promise((resolve) => setTimeout(resolve, 20));
    const info = JSON.parse(await readFile(infoFile, 'utf8')) as { vmanage: { url: string; username: string; password: string; pollIntervalMs: number }; speed: number; startMs: number };
    expect(info).toMatchObject({ speed: 1200, vmanage: { username: 'admin', pollIntervalMs: MINUTE } });
    const session = new VmanageSession({ baseUrl: info.vmanage.url, username: info.vmanage.username, password: info.vmanage.password });
    sessions.push(session);
    const devices = await new VmanageTelemetryClient(session).devices();
    expect(devices.items.filter((device) => device.personality === 'vedge').map((device) => device.hostName)).toEqual(['edge-site100-1', 'edge-site200-1']);
    await session.close();

    const { code, stdout, stderr } = await run;
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('Simulating scenario two-sites (seed 42)');
    expect(stdout).toContain(`vManage      ${info.vmanage.url}   user admin   password ${info.vmanage.password}`);
    expect(stdout).toContain(`export VMANAGE_PASSWORD=`);
    expect(stdout).toContain(`isthmus tunnels --vmanage ${info.vmanage.url} --username admin`);
    expect(existsSync(infoFile)).toBe(false);
  });

  it('writes a kubeconfig to --kubeconfig-out that the real client uses, and prints it with the address', async () => {
    const infoFile = join(directory, 'kube-info.json');
    const kubeconfig = join(directory, 'sim.kubeconfig');
    const run = runCli(['--log-level', 'silent', 'simulate', '--scenario', 'two-sites', '--speed', '1200', '--duration', '30m', '--kubeconfig-out', kubeconfig, '--info-file', infoFile]);
    while (!existsSync(infoFile)) await new Promise((resolve) => setTimeout(resolve, 20));
    const info = JSON.parse(await readFile(infoFile, 'utf8')) as { kube: { url: string; kubeconfig: string } };
    expect(info.kube.kubeconfig).toBe(kubeconfig);
    const config = new KubeConfig();
    config.loadFromFile(kubeconfig);
    expect(config.getCurrentCluster()?.server).toBe(info.kube.url);
    const core = config.makeApiClient(CoreV1Api);
    const nodes = await core.listNode();
    expect(nodes.items.map((node) => node.metadata?.labels?.['isthmus.io/site-id'])).toEqual(['200', '100']);
    expect((await core.listServiceForAllNamespaces()).items.length).toBeGreaterThan(0);
    const { code, stdout } = await run;
    expect(code).toBe(0);
    expect(stdout).toContain(`Kubernetes   ${info.kube.url}   kubeconfig ${kubeconfig}`);
    expect(stdout).toContain(`kubectl --kubeconfig ${kubeconfig} get services,endpointslices -A`);
    // Asked for by name, it stays.
    expect(existsSync(kubeconfig)).toBe(true);
  });

  it('takes the password from --vmanage-password-file', async () => {
    const passwordFile = join(directory, 'password');
    await writeFile(passwordFile, "it's secret\n");
    const { code, stdout } = await runCli(['--log-level', 'silent', 'simulate', '--scenario', 'two-sites', '--speed', '6000', '--duration', '1m', '--vmanage-password-file', passwordFile]);
    expect(code).toBe(0);
    expect(stdout).toContain("password it's secret");
    expect(stdout).toContain(`export VMANAGE_PASSWORD='it'\\''s secret'`);
  });

  it('reports scenario problems as file:line:col and exits 2', async () => {
    const file = join(directory, 'bad.yaml');
    await writeFile(file, ['name: bad', 'sites:', '  - { id: 100, colors: [purple], edges: 1 }', ''].join('\n'));
    const { code, stdout, stderr } = await runCli(['simulate', '--scenario', file]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(new RegExp(`^${file.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:\\d+: error: sites\\[0\\]\\.colors\\[0\\]: expected one of`, 'm'));
  });

  it('names the shipped scenarios when given an unknown name, and exits 2', async () => {
    const { code, stderr } = await runCli(['simulate', '--scenario', 'no-such-scenario']);
    expect(code).toBe(2);
    expect(stderr).toContain('no-such-scenario: error: cannot read scenario no-such-scenario: no such file');
    expect(stderr).toContain('shipped scenarios: brownout, scale, two-sites');
  });

  it('exits 2 on a bad flag', async () => {
    const { code, stderr } = await runCli(['simulate', '--scenario', 'two-sites', '--speed', '-3']);
    expect(code).toBe(2);
    expect(stderr).toContain('isthmus simulate: --speed expects a positive number');
  });
});
