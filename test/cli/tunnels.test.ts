import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startVmanageEmulator } from '../../simulator/vmanage/vmanage-emulator.ts';
import type { VmanageEmulator } from '../../simulator/vmanage/vmanage-emulator.ts';
import { bfdSession, ControlledDataSource, edgeDevice, managerDevice, statRow } from '../vmanage/controlled-data-source.ts';
import { communityRealtimeTunnels } from '../vmanage/sample-data-source.ts';
import { runCli } from './run-cli.ts';

const MIN = 60_000;
const HQ = '10.1.0.1';
const A = '10.1.0.2';
const B = '10.1.0.3';
const JSON_KEYS = [
  'name',
  'localSystemIp',
  'localSiteId',
  'localHostName',
  'localColor',
  'remoteSystemIp',
  'remoteSiteId',
  'remoteColor',
  'state',
  'latencySeconds',
  'jitterSeconds',
  'lossRatio',
  'sampleTime',
];

let emulator: VmanageEmulator;
let source: ControlledDataSource;
let now = 0;
let directory = '';

/**
 * Four tunnels, one of each kind the order must rank: down by BFD (its last row says up), lossy, clean,
 * and known only from its BFD session.
 */
function fabric(at: number): ControlledDataSource {
  const data = new ControlledDataSource();
  data.deviceList = [managerDevice('10.1.0.100'), edgeDevice(HQ, 'hq-edge', 101), edgeDevice(A, 'branch-a', 102), edgeDevice(B, 'branch-b', 103)];
  data.stats = [
    statRow({ local: HQ, localColor: 'mpls', remote: A, remoteColor: 'mpls', entryTime: at - 2 * MIN, latencyMs: 25, jitterMs: 2 }),
    statRow({ local: HQ, localColor: 'biz-internet', remote: B, remoteColor: 'biz-internet', entryTime: at - 12 * MIN, latencyMs: 30, jitterMs: 4 }),
    statRow({ local: A, localColor: 'mpls', remote: HQ, remoteColor: 'mpls', entryTime: at - 3 * MIN, latencyMs: 40, jitterMs: 5, lossPackets: 6, totalPackets: 600 }),
    // Outside a 30-minute window: must not show.
    statRow({ local: B, localColor: 'mpls', remote: HQ, remoteColor: 'mpls', entryTime: at - 45 * MIN, latencyMs: 99 }),
  ];
  data.bfd = [
    bfdSession({ local: HQ, localColor: 'mpls', remote: A, remoteColor: 'mpls', state: 'up', remoteSiteId: 102, lastUpdated: at - MIN }),
    bfdSession({ local: HQ, localColor: 'biz-internet', remote: B, remoteColor: 'biz-internet', state: 'down', remoteSiteId: 103, lastUpdated: at - MIN }),
    bfdSession({ local: A, localColor: 'mpls', remote: HQ, remoteColor: 'mpls', state: 'up', remoteSiteId: 101, lastUpdated: at - MIN }),
    bfdSession({ local: B, localColor: 'mpls', remote: HQ, remoteColor: 'mpls', state: 'up', remoteSiteId: 101, lastUpdated: at - MIN }),
  ];
  return data;
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'isthmus-cli-tunnels-'));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

let started: VmanageEmulator[] = [];

async function start(): Promise<void> {
  now = Date.now();
  source = fabric(now);
  emulator = await startVmanageEmulator({ dataSource: source });
  started.push(emulator);
}

afterEach(async () => {
  for (const running of started) await running.close();
  started = [];
});

function credentials(): Record<string, string> {
  return { VMANAGE_USERNAME: emulator.credentials.username, VMANAGE_PASSWORD: emulator.credentials.password };
}

describe('isthmus tunnels against the emulator', () => {
  it('prints a table, worst first, in ms and %, and logs out', async () => {
    await start();
    const run = await runCli(['tunnels', '--vmanage', emulator.url], { env: credentials() });

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TUNNEL\s+SITES\s+STATE\s+LATENCY\s+JITTER\s+LOSS\s+AGE$/);
    expect(lines.slice(1).map((line) => line.split(/\s{2,}/).slice(0, 6))).toEqual([
      ['hq-edge:biz-internet → branch-b:biz-internet', '101 → 103', 'down', '30 ms', '4 ms', '0.00%'],
      ['branch-a:mpls → hq-edge:mpls', '102 → 101', 'up', '40 ms', '5 ms', '1.00%'],
      ['hq-edge:mpls → branch-a:mpls', '101 → 102', 'up', '25 ms', '2 ms', '0.00%'],
      ['branch-b:mpls → hq-edge:mpls', '103 → 101', 'up', '-', '-', '-'],
    ]);
    expect(lines[1]).toMatch(/1[12]m\d\ds$/);
    expect(lines[4]).toMatch(/\s-$/);
    expect(emulator.stats.logins).toBe(1);
    expect(emulator.stats.logouts).toBe(1);
  });

  it('prints JSON with exactly the documented keys, numeric site ids, base units, worst first', async () => {
    await start();
    const run = await runCli(['tunnels', '--vmanage', emulator.url, '-o', 'json'], { env: credentials() });

    expect(run.code).toBe(0);
    const rows = JSON.parse(run.stdout) as Record<string, unknown>[];
    expect(rows).toHaveLength(4);
    for (const row of rows) expect(Object.keys(row)).toEqual(JSON_KEYS);
    expect(rows[0]).toEqual({
      name: `${HQ}:biz-internet-${B}:biz-internet`,
      localSystemIp: HQ,
      localSiteId: 101,
      localHostName: 'hq-edge',
      localColor: 'biz-internet',
      remoteSystemIp: B,
      remoteSiteId: 103,
      remoteColor: 'biz-internet',
      state: 'down',
      latencySeconds: 0.03,
      jitterSeconds: 0.004,
      lossRatio: 0,
      sampleTime: new Date(now - 12 * MIN).toISOString(),
    });
    expect(rows[1]).toMatchObject({ name: `${A}:mpls-${HQ}:mpls`, localSiteId: 102, remoteSiteId: 101, lossRatio: 0.01, latencySeconds: 0.04 });
    expect(rows[2]).toMatchObject({ name: `${HQ}:mpls-${A}:mpls`, state: 'up' });
    // Known from BFD only: listed, with null metrics.
    expect(rows[3]).toEqual({
      name: `${B}:mpls-${HQ}:mpls`,
      localSystemIp: B,
      localSiteId: 103,
      localHostName: 'branch-b',
      localColor: 'mpls',
      remoteSystemIp: HQ,
      remoteSiteId: 101,
      remoteColor: 'mpls',
      state: 'up',
      latencySeconds: null,
      jitterSeconds: null,
      lossRatio: null,
      sampleTime: null,
    });
    expect(emulator.stats.logouts).toBe(1);
  });

  it('widens the window with --since and reads the password from --password-file', async () => {
    await start();
    const passwordFile = join(directory, 'password');
    await writeFile(passwordFile, `${emulator.credentials.password}\n`);
    const run = await runCli(['tunnels', '--vmanage', emulator.url, '--since', '1h', '--password-file', passwordFile, '--username', emulator.credentials.username, '-o', 'json'], {
      env: {},
    });
    expect(run.code).toBe(0);
    const rows = JSON.parse(run.stdout) as { name: string; latencySeconds: number | null }[];
    expect(rows.find((row) => row.name === `${B}:mpls-${HQ}:mpls`)?.latencySeconds).toBe(0.099);
    // The command reads the clock itself, a little after this test did: check the window's length and place.
    const query = source.statisticsQueries[0];
    expect(query === undefined ? undefined : query.toMs - query.fromMs).toBe(60 * MIN);
    expect(query?.toMs).toBeGreaterThanOrEqual(Math.floor(now / 1000) * 1000);
    expect(query?.toMs).toBeLessThanOrEqual(Date.now());
  });

  it('reads real-time buckets with --source realtime', async () => {
    await start();
    source.deviceList.push(edgeDevice('10.10.1.13', 'Site1-cEdge01', 1001), edgeDevice('10.10.1.11', 'DC-cEdge01', 100));
    source.realtime.set('10.10.1.13', communityRealtimeTunnels(now - 30_000));
    for (const edge of [HQ, A, B, '10.10.1.11']) source.realtime.set(edge, []);
    const run = await runCli(['tunnels', '--vmanage', emulator.url, '--source', 'realtime', '-o', 'json'], { env: credentials() });
    expect(run.code).toBe(0);
    const rows = JSON.parse(run.stdout) as Record<string, unknown>[];
    expect(source.statisticsQueries).toEqual([]);
    expect(rows.find((row) => row.name === '10.10.1.13:mpls-10.10.1.11:public-internet')).toMatchObject({
      localSiteId: 1001,
      remoteSiteId: 100,
      latencySeconds: 0.039,
      jitterSeconds: 0.021,
      lossRatio: 0,
      state: 'up',
    });
  });

  it('fails bad credentials with one line, exit 1, and no password anywhere', async () => {
    await start();
    const password = 'wrong-password-7f3a9c';
    const run = await runCli(['tunnels', '--vmanage', emulator.url], { env: { VMANAGE_USERNAME: 'admin', VMANAGE_PASSWORD: password } });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`isthmus tunnels: cannot log in to ${emulator.url}: bad credentials (ISTHMUS_E_VMANAGE_AUTH)\n`);
    expect(run.stderr).not.toContain(password);
    expect(run.stderr).not.toContain(emulator.credentials.password);
  });
});

describe('isthmus tunnels: slow and TLS answers', () => {
  it('gives up after --timeout with one line and exit 1', async () => {
    await start();
    emulator.faults.setLatencyMs(1500);
    const run = await runCli(['tunnels', '--vmanage', emulator.url, '--timeout', '500ms'], { env: credentials() });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^isthmus tunnels: no answer from ${emulator.url.replaceAll('.', '\\.')} in time .* \\(ISTHMUS_E_VMANAGE_TIMEOUT\\)\\n$`));
  });

  it('fails an untrusted certificate (TLS), and works with --ca-file or, with a warning, --insecure', async () => {
    const ca = await makeCa(directory);
    now = Date.now();
    source = fabric(now);
    emulator = await startVmanageEmulator({ dataSource: source, tls: { key: ca.key, cert: ca.cert } });
    started.push(emulator);
    const untrusted = await runCli(['tunnels', '--vmanage', emulator.url], { env: credentials() });
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr).toMatch(/^isthmus tunnels: TLS with https:\/\/127\.0\.0\.1:\d+ failed: .*--ca-file.* \(ISTHMUS_E_VMANAGE_TLS\)\n$/);
    const trusted = await runCli(['tunnels', '--vmanage', emulator.url, '--ca-file', ca.caFile, '-o', 'json'], { env: credentials() });
    expect(trusted.code).toBe(0);
    expect(JSON.parse(trusted.stdout)).toHaveLength(4);
    const insecure = await runCli(['tunnels', '--vmanage', emulator.url, '--insecure', '-o', 'json'], { env: credentials() });
    expect(insecure.code).toBe(0);
    expect(insecure.stderr).toBe('isthmus tunnels: warning: TLS certificate verification is off (--insecure)\n');
  });
});

describe('isthmus tunnels failures without vManage', () => {
  it('fails an unreachable port with one line and exit 1', async () => {
    const port = await closedPort();
    const run = await runCli(['tunnels', '--vmanage', `http://127.0.0.1:${port}`], { env: { VMANAGE_USERNAME: 'admin', VMANAGE_PASSWORD: 'pw-never-shown' } });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(new RegExp(`^isthmus tunnels: cannot reach http://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED.* \\(ISTHMUS_E_VMANAGE_UNREACHABLE\\)\\n$`));
    expect(run.stderr).not.toContain('pw-never-shown');
  });

  it('treats a missing password, user name or a bad duration as usage errors (exit 2)', async () => {
    const url = 'http://127.0.0.1:9';
    const noPassword = await runCli(['tunnels', '--vmanage', url, '--username', 'admin'], { env: {} });
    expect(noPassword).toEqual({ code: 2, stdout: '', stderr: 'isthmus tunnels: no password: set VMANAGE_PASSWORD or give --password-file FILE\n' });
    const noUser = await runCli(['tunnels', '--vmanage', url], { env: { VMANAGE_PASSWORD: 'x' } });
    expect(noUser.code).toBe(2);
    expect(noUser.stderr).toBe('isthmus tunnels: no user name: give --username or set VMANAGE_USERNAME\n');
    const badSince = await runCli(['tunnels', '--vmanage', url, '--since', 'yesterday'], { env: { VMANAGE_USERNAME: 'a', VMANAGE_PASSWORD: 'x' } });
    expect(badSince.code).toBe(2);
    expect(badSince.stderr).toContain('--since');
    const noUrl = await runCli(['tunnels'], { env: { VMANAGE_USERNAME: 'a', VMANAGE_PASSWORD: 'x' } });
    expect(noUrl.code).toBe(2);
    const missingFile = await runCli(['tunnels', '--vmanage', url, '--username', 'a', '--password-file', join(directory, 'nope')], { env: {} });
    expect(missingFile.code).toBe(2);
    expect(missingFile.stderr).toMatch(/^isthmus tunnels: cannot read secret file .*nope .*\(ISTHMUS_E_CONFIG_SECRET\)\n$/);
  });

  it('explains itself in --help, with examples', async () => {
    const run = await runCli(['tunnels', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--vmanage <url>');
    expect(run.stdout).toContain('VMANAGE_PASSWORD');
    expect(run.stdout).toContain('worst first');
    expect(run.stdout).toContain('Examples:');
  });
});


/** A throwaway CA and a certificate it signed for IP 127.0.0.1 (EC P-256, one day). */
async function makeCa(dir: string): Promise<{ readonly caFile: string; readonly key: string; readonly cert: string }> {
  const run = (args: readonly string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  };
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=Isthmus CLI Test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  await writeFile(join(dir, 'leaf.ext'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n');
  run(['req', ...ec, '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=127.0.0.1']);
  run(['x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'leaf.pem', '-days', '1', '-extfile', 'leaf.ext']);
  return { caFile: join(dir, 'ca.pem'), key: await readFile(join(dir, 'leaf.key'), 'utf8'), cert: await readFile(join(dir, 'leaf.pem'), 'utf8') };
}

/** A loopback port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => {
    resolve();
  }));
  return port;
}
