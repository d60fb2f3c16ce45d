/**
 * `isthmus observe`, in-process: against the Hubble emulator over real gRPC (a world on a manual clock,
 * so every expected flow is known), and against the real Hubble samples in the shared reference folder.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHubbleEmulator } from '../../simulator/hubble/hubble-emulator.ts';
import type { HubbleEmulator, HubbleEmulatorOptions } from '../../simulator/hubble/hubble-emulator.ts';
import { hubbleTestWorld } from '../../simulator/hubble/hubble-test-world.ts';
import type { SimFlow } from '../../simulator/world/sim-flow.ts';
import type { World } from '../../simulator/world/world.ts';
import { prepareObserve } from '../../src/cli/commands/observe.ts';
import type { ObserveFlags } from '../../src/cli/commands/observe.ts';
import { compileFlowFilters } from '../../src/hubble/flow-filter-match.ts';
import { formatFlowJson, parseFlowJson } from '../../src/hubble/flow-json.ts';
import { decodeHubble } from '../../src/hubble/hubble-codec.ts';
import { formatRfc3339Nanos } from '../../src/hubble/rfc3339.ts';
import { EXPORTER_SAMPLE, HUBBLE_SAMPLES_DIR } from '../hubble/hubble-samples.ts';
import { runCli } from './run-cli.ts';

const HISTORY_MS = 20_000;
let emulator: HubbleEmulator | undefined;

afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function emulate(options: Partial<HubbleEmulatorOptions> = {}): Promise<{ world: World; address: string; history: SimFlow[] }> {
  const world = hubbleTestWorld();
  emulator = await startHubbleEmulator({ prefillMs: HISTORY_MS, ...options, world });
  const now = world.clock.now();
  return { world, address: emulator.address, history: [...world.flowsBetween(now - HISTORY_MS, now)] };
}

const lines = (text: string): string[] => text.split('\n').filter((line) => line !== '');

/** Every line must be Hubble's JSON form exactly: strict parse, and printing it again gives the same text. */
function hubbleJson(stdout: string): Record<string, unknown>[] {
  return lines(stdout).map((line) => {
    const bytes = parseFlowJson(line, { ignoreUnknownFields: false });
    expect(formatFlowJson(bytes)).toBe(line);
    return decodeHubble('observer.GetFlowsResponse', bytes);
  });
}

const flowUuids = (responses: readonly Record<string, unknown>[]): string[] => responses.flatMap((response) => (response.flow === undefined ? [] : [(response.flow as { uuid: string }).uuid]));

describe('isthmus observe --hubble', () => {
  it('prints the last 20 flows in Hubble\'s JSON form with -o json, and they are the world\'s', async () => {
    const { address, history } = await emulate();
    const run = await runCli(['observe', '--hubble', address, '--last', '20', '-o', 'json']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const responses = hubbleJson(run.stdout);
    expect(responses).toHaveLength(20);
    expect(flowUuids(responses)).toEqual(history.slice(-20).map((flow) => flow.uuid));
    expect(responses[0]).toMatchObject({ node_name: expect.stringMatching(/^worker-/) as unknown, time: expect.any(String) as unknown });
  });

  it('shows the last 20 by default, as one compact line each, like Hubble', async () => {
    const { address, history } = await emulate();
    const run = await runCli(['observe', '--hubble', address]);
    expect(run.code).toBe(0);
    const printed = lines(run.stdout);
    expect(printed).toHaveLength(20);
    for (const line of printed) expect(line).toMatch(/^Mar {2}1 12:00:[45]\d\.\d{3}: \S+ \((ID:\d+|world)\) (->|<-) \S+ \((ID:\d+|world)\) (to-network|to-endpoint|http-request|http-response|Policy denied|Service backend not found) (FORWARDED|DROPPED)( \(.+\))?$/);
    const last = history.at(-1);
    expect(printed.at(-1)).toContain(last?.client.name ?? 'none');
  });

  it('writes drops and replies the way Hubble does', async () => {
    const { address, history } = await emulate();
    const run = await runCli(['observe', '--hubble', address, '--verdict', 'DROPPED', '--last', '1000']);
    const drops = history.filter((flow) => flow.verdict === 'DROPPED');
    expect(lines(run.stdout)).toHaveLength(drops.length);
    const policy = drops.find((flow) => flow.dropReason === 'POLICY_DENIED');
    if (policy === undefined) throw new Error('the fixture has no policy drop');
    const time = formatRfc3339Nanos(policy.timeNs).slice(11, 23);
    expect(run.stdout).toContain(
      `Mar  1 ${time}: shop/${policy.client.name}:${policy.source.port} (ID:${policy.source.identity}) -> shop/${policy.backend?.name ?? ''}:8443 (ID:${policy.destination.identity}) Policy denied DROPPED (TCP Flags: SYN)\n`,
    );
    const ghost = drops.find((flow) => flow.dropReason === 'SERVICE_BACKEND_NOT_FOUND');
    expect(run.stdout).toContain(`-> shop/ghost:80 (world) Service backend not found DROPPED (TCP Flags: SYN)`);
    expect(ghost).toBeDefined();
    const replies = await runCli(['observe', '--hubble', address, '--pod', 'shop/catalog-', '--last', '1', '--print-node-name']);
    expect(lines(replies.stdout)[0]).toMatch(/^Mar {2}1 [\d:.]+ \[worker-a\]: shop\/frontend-\S+ \(ID:\d+\) (<-|->) shop\/catalog-\S+:8080 \(ID:\d+\) \S+ FORWARDED/);
  });

  it('prints a table with Hubble\'s columns', async () => {
    const { address } = await emulate();
    const run = await runCli(['observe', '--hubble', address, '--last', '3', '-o', 'table', '--print-node-name']);
    const [header, ...rows] = lines(run.stdout);
    expect(header).toMatch(/^TIMESTAMP +NODE +SOURCE +DESTINATION +TYPE +VERDICT +SUMMARY$/);
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(row).toMatch(/^Mar {2}1 [\d:.]{12} {3}worker-[ab] +shop\/\S+ +\S+ +(to-network|to-endpoint|http-request|http-response|Policy denied|Service backend not found) +(FORWARDED|DROPPED)/);
  });

  it('sends the filter flags the way Hubble\'s CLI does: either side, paired; verdict and node on both', async () => {
    const { address, history } = await emulate();
    const check = async (args: readonly string[], whitelist: Parameters<typeof compileFlowFilters>[0]): Promise<void> => {
      const run = await runCli(['observe', '--hubble', address, '--last', '10000', '-o', 'json', ...args]);
      expect(run.code).toBe(0);
      const expected = history.filter(compileFlowFilters(whitelist)).map((flow) => flow.uuid);
      expect(expected.length).toBeGreaterThan(0);
      expect(flowUuids(hubbleJson(run.stdout))).toEqual(expected);
    };
    await check(['--namespace', 'infra'], [{ source_pod: ['infra/'] }, { destination_pod: ['infra/'] }]);
    await check(['--port', '53', '--port', '8080'], [{ source_port: ['53', '8080'] }, { destination_port: ['53', '8080'] }]);
    await check(['--node', 'worker-b'], [{ node_name: ['worker-b'] }]);
    await check(['--namespace', 'shop', '--pod', 'payments-', '--verdict', 'forwarded'], [
      { verdict: ['FORWARDED'], source_pod: ['shop/payments-'] },
      { verdict: ['FORWARDED'], destination_pod: ['shop/payments-'] },
    ]);
    // Whatever the filters, every flow printed must satisfy them.
    const run = await runCli(['observe', '--hubble', address, '--last', '10000', '-o', 'json', '--port', '53']);
    for (const response of hubbleJson(run.stdout)) expect(JSON.stringify(response)).toMatch(/"(source|destination)_port":53/);
  });

  it('follows new flows until --until, from a --since in the past', async () => {
    const { world, address } = await emulate();
    const now = world.clock.now();
    const since = formatRfc3339Nanos(BigInt(now - 1000) * 1_000_000n);
    const until = formatRfc3339Nanos(BigInt(now + 2000) * 1_000_000n);
    const running = runCli(['observe', '--hubble', address, '--follow', '--since', since, '--until', until, '-o', 'json']);
    for (let i = 0; i < 12; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      await world.clock.advance(250);
    }
    const run = await running;
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(flowUuids(hubbleJson(run.stdout))).toEqual([...world.flowsBetween(now - 1000, now + 2001)].filter((flow) => flow.timeNs <= BigInt(now + 2000) * 1_000_000n).map((flow) => flow.uuid));
  });

  it('prints lost events as responses with -o json, and on stderr otherwise', async () => {
    const { address } = await emulate({ eventsQueueSize: 10 });
    emulator?.faults.burst(15, 'worker-b');
    const json = await runCli(['observe', '--hubble', address, '--last', '12', '-o', 'json']);
    const lost = hubbleJson(json.stdout).filter((response) => response.lost_events !== undefined);
    expect(lost).toEqual([{ lost_events: { source: 'OBSERVER_EVENTS_QUEUE', num_events_lost: '5' }, node_name: 'worker-b', time: expect.any(String) as unknown }]);
    const compact = await runCli(['observe', '--hubble', address, '--last', '12']);
    expect(compact.stderr).toBe('EVENTS LOST: OBSERVER_EVENTS_QUEUE CPU(0) 5\n');
    expect(lines(compact.stdout)).toHaveLength(12);
  });

  it('says in one line why it cannot connect, and exits 1', async () => {
    const run = await runCli(['observe', '--hubble', '127.0.0.1:1']);
    expect(run).toEqual({ code: 1, stdout: '', stderr: 'isthmus observe: cannot connect to Hubble at 127.0.0.1:1: connection refused\n' });
    const refused = await runCli(['observe', '--hubble', (await emulate()).address, '--pod', 'a/b/c']);
    expect(refused.code).toBe(2);
  });
});

describe('isthmus observe --file (the real Hubble samples)', () => {
  const sample = (name: string): string => new URL(name, HUBBLE_SAMPLES_DIR).pathname;

  it('prints the exporter\'s lines back exactly with -o json', async () => {
    const run = await runCli(['observe', '--file', sample(EXPORTER_SAMPLE), '-o', 'json']);
    expect(run).toEqual({ code: 0, stdout: readFileSync(sample(EXPORTER_SAMPLE), 'utf8'), stderr: '' });
  });

  it('prints every line of a `hubble observe -o json` capture in Hubble\'s JSON form', async () => {
    for (const file of ['basic-sample-5-http-flows.json', 'basic-sample-5-dns-flows.json']) {
      const run = await runCli(['observe', '--file', sample(file), '-o', 'json']);
      expect(run.code).toBe(0);
      const responses = hubbleJson(run.stdout);
      expect(responses).toHaveLength(5);
      expect(responses.map((response) => response.flow)).toEqual(lines(readFileSync(sample(file), 'utf8')).map((line) => decodeHubble('observer.GetFlowsResponse', parseFlowJson(line)).flow));
    }
  });

  it('prints compact lines as Hubble does', async () => {
    const run = await runCli(['observe', '--file', sample(EXPORTER_SAMPLE), '--print-node-name']);
    expect(run.stdout).toBe(
      'Aug 21 12:12:13.517 [kind-kind/kind-worker]: fe80::64d8:8aff:fe72:fc14 (ID:0) <> ff02::2 (ID:0) Invalid source ip DROPPED\n' +
        'Aug 21 12:12:18.510 [kind-kind/kind-worker]: default/xwing:44916 (ID:0) <> default/deathstar-7848d6c4d5-th9v2:80 (ID:0) Policy denied DROPPED (TCP Flags: SYN)\n',
    );
    const http = await runCli(['observe', '--file', sample('basic-sample-5-http-flows.json'), '--last', '1']);
    expect(http.stdout).toBe('Oct  4 14:28:41.706: istio-system/prometheus-6655946b9f-6xcpf:52506 (ID:16781) <- kube-system/node-local-dns-6jnx9:9253 (world) http-response FORWARDED (HTTP/1.1 503 4138ms (GET http://10.156.0.2:9253/metrics))\n');
  });

  it('filters a file the way Hubble filters a stream, and keeps the last N', async () => {
    const dropped = await runCli(['observe', '--file', sample(EXPORTER_SAMPLE), '--pod', 'default/xwing', '-o', 'json']);
    expect(lines(dropped.stdout)).toEqual([lines(readFileSync(sample(EXPORTER_SAMPLE), 'utf8'))[1]]);
    const none = await runCli(['observe', '--file', sample('basic-sample-5-dns-flows.json'), '--verdict', 'DROPPED']);
    expect(none).toEqual({ code: 0, stdout: '', stderr: '' });
    const lastTwo = await runCli(['observe', '--file', sample('basic-sample-5-http-flows.json'), '--last', '2', '-o', 'json']);
    expect(lines(lastTwo.stdout)).toEqual(lines(readFileSync(sample('basic-sample-5-http-flows.json'), 'utf8')).slice(-2).map((line) => formatFlowJson(parseFlowJson(line))));
  });

  it('reports a malformed line with where it is, and goes on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'isthmus-observe-'));
    try {
      const file = join(dir, 'events.log');
      const [first = '', second = ''] = lines(readFileSync(sample(EXPORTER_SAMPLE), 'utf8'));
      writeFileSync(file, `${first}\n{"flow": nope\n${second}\n`);
      const run = await runCli(['observe', '--file', file, '-o', 'json']);
      expect(run).toEqual({ code: 0, stdout: `${first}\n${second}\n`, stderr: expect.stringMatching(new RegExp(`^isthmus observe: ${file}:2: skipped: not JSON: .+\\n$`)) as unknown });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('isthmus observe flags', () => {
  const flags = (extra: Partial<ObserveFlags>): ObserveFlags => ({ namespace: [], pod: [], verdict: [], node: [], port: [], timeout: '5s', output: 'compact', ...extra });
  const NOW = Date.parse('2025-03-01T12:00:00Z');

  it('defaults to the last 20, nothing with --follow alone, and turns durations into times', () => {
    const prepare = (extra: Partial<ObserveFlags>) => {
      const prepared = prepareObserve(flags({ hubble: 'localhost:4245', ...extra }), NOW);
      if (!prepared.ok) throw new Error(prepared.message);
      return prepared.settings;
    };
    expect(prepare({})).toMatchObject({ last: 20, follow: false, sinceNs: undefined, whitelist: [] });
    expect(prepare({ follow: true })).toMatchObject({ last: undefined, follow: true });
    expect(prepare({ follow: true, last: '5' })).toMatchObject({ last: 5 });
    expect(prepare({ since: '5m' })).toMatchObject({ last: undefined, sinceNs: BigInt(NOW - 300_000) * 1_000_000n });
    expect(prepare({ since: '2025-03-01T11:00:00Z', until: '2025-03-01T11:30:00.5Z' })).toMatchObject({ untilNs: BigInt(Date.parse('2025-03-01T11:30:00.5Z')) * 1_000_000n });
    expect(prepare({ tlsCaFile: 'ca.pem' }).source).toEqual({ kind: 'hubble', address: 'localhost:4245', tls: { caFile: 'ca.pem' } });
    expect(prepare({ tls: true }).source).toEqual({ kind: 'hubble', address: 'localhost:4245', tls: {} });
  });

  it('refuses contradictions with one line naming the flag, exit 2', async () => {
    const cases: [readonly string[], RegExp][] = [
      [[], /give one source/],
      [['--hubble', 'a:1', '--file', 'x'], /give one source/],
      [['--hubble', 'a:1', '--last', '0'], /--last expects a positive whole number/],
      [['--hubble', 'a:1', '--last', '5', '--since', '1m'], /do not combine/],
      [['--hubble', 'a:1', '--since', 'yesterday'], /--since expects a duration/],
      [['--hubble', 'a:1', '--since', '1m', '--until', '5m'], /--until is before --since/],
      [['--hubble', 'a:1', '--verdict', 'BLOCKED'], /--verdict expects one of FORWARDED, DROPPED/],
      [['--hubble', 'a:1', '--port', '70000'], /--port expects a port number/],
      [['--hubble', 'a:1', '--namespace', 'Shop'], /--namespace expects a Kubernetes namespace name/],
      [['--hubble', 'a:1', '--tls-client-cert-file', 'c.pem'], /needs both/],
      [['--file', 'x', '--tls'], /apply to --hubble/],
      [['--hubble', 'https://relay'], /not a URL/],
      [['--hubble', 'a:1', '--tls-ca-file', '/no/such/ca.pem'], /cannot read the CA file \/no\/such\/ca.pem: no such file/],
      [['--file', '/no/such/file'], /--file \/no\/such\/file: no such file/],
      [['--hubble', 'a:1', '-o', 'yaml'], /Allowed choices are compact, json, table/],
    ];
    for (const [args, message] of cases) {
      const run = await runCli(['observe', ...args]);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr, args.join(' ')).toMatch(message);
      expect(run.stdout).toBe('');
    }
  });

  it('explains itself in --help, with examples', async () => {
    const run = await runCli(['observe', '--help']);
    expect(run.code).toBe(0);
    for (const text of ['--hubble <address>', '--file <path>', '--follow', '--last <n>', '--since <time>', '--namespace <namespace>', '--pod <[namespace/]pod>', '--verdict <verdict>', '--node <name>', '--port <port>', '--tls-ca-file <file>', '--tls-client-cert-file <file>', '--tls-client-key-file <file>', '--tls-server-name <name>', '-o, --output <format>', 'Examples:', 'isthmus observe --hubble localhost:4245 --follow --namespace shop --verdict DROPPED', 'Exit status']) {
      expect(run.stdout).toContain(text);
    }
  });
});


describe('isthmus observe over TLS', () => {
  let dir = '';
  const file = (name: string): string => join(dir, name);
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'isthmus-observe-tls-'));
    const run = (args: readonly string[]): void => {
      execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
    };
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    run(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=Observe Test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    for (const [name, extensions] of [
      ['server', 'subjectAltName=DNS:relay.hubble.test,IP:127.0.0.1\nextendedKeyUsage=serverAuth'],
      ['client', 'extendedKeyUsage=clientAuth'],
    ] as const) {
      writeFileSync(file(`${name}.ext`), `${extensions}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\n`);
      run(['req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`]);
      run(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '1', '-extfile', `${name}.ext`]);
    }
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads over mTLS with the CA, a client certificate and a server name, and says why not without them', async () => {
    const { address } = await emulate({ tls: { key: readFileSync(file('server.key')), cert: readFileSync(file('server.pem')), clientCa: readFileSync(file('ca.pem')) } });
    const mtls = ['--tls-ca-file', file('ca.pem'), '--tls-client-cert-file', file('client.pem'), '--tls-client-key-file', file('client.key')];
    const ok = await runCli(['observe', '--hubble', address, ...mtls, '--tls-server-name', 'relay.hubble.test', '--last', '3', '-o', 'json']);
    expect(ok.code).toBe(0);
    expect(hubbleJson(ok.stdout)).toHaveLength(3);
    const noCert = await runCli(['observe', '--hubble', address, '--tls-ca-file', file('ca.pem')]);
    expect(noCert).toMatchObject({ code: 1, stdout: '' });
    expect(noCert.stderr).toMatch(/^isthmus observe: TLS with 127\.0\.0\.1:\d+ failed: .*certificate required.*\n$/);
    const noCa = await runCli(['observe', '--hubble', address, '--tls', '--tls-client-cert-file', file('client.pem'), '--tls-client-key-file', file('client.key')]);
    expect(noCa).toMatchObject({ code: 1 });
    expect(noCa.stderr).toMatch(/^isthmus observe: TLS with .* failed: .*certificate.*\n$/);
    const plaintext = await runCli(['observe', '--hubble', address]);
    expect(plaintext.stderr).toMatch(/^isthmus observe: cannot connect to Hubble at .*: the connection failed \(does the server expect TLS\?\)\n$/);
  });
});
