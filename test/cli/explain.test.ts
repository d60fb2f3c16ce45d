import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceUrl } from '../../src/cli/commands/explain.ts';
import { getService } from '../../src/controller/api-v1.ts';
import type { ApiV1Source } from '../../src/controller/api-v1.ts';
import type { ServiceStatus } from '../../src/controller/service-status.ts';
import { optimizerRound } from '../../src/controller/optimizer-round.ts';
import { fakeTunnelSource } from '../../src/optimizer/testdata/fake-tunnel-source.ts';
import { autoIntent, MINUTE, PARAMS, T0 } from '../../src/optimizer/testdata/optimizer-fixture.ts';
import { runCli } from './run-cli.ts';

/** A real decision: checkout judged on mpls (too slow) and biz-internet. */
function decided(): ServiceStatus {
  const samples = (ms: number) => [{ time: T0 - 10_000, latencySeconds: ms / 1000, jitterSeconds: 0.001, lossRatio: 0, state: 'up' as const }];
  const round = optimizerRound({
    services: [{ key: 'shop/checkout', service: undefined, intent: autoIntent(['mpls', 'biz-internet']), allowed: undefined, endpoints: [{ ip: '10.244.2.5', podName: 'p', nodeName: 'n', siteId: 200, ports: [] }] }],
    traffic: { sitePairs: () => [] },
    tunnels: fakeTunnelSource([
      { from: 100, to: 200, color: 'mpls', samples: samples(80) },
      { from: 100, to: 200, color: 'biz-internet', samples: samples(20) },
    ]),
    states: new Map(),
    now: T0,
    params: { ...PARAMS, windowMs: MINUTE },
    fabricColors: [],
    clusterSites: [100, 200],
    clusterName: 'test',
  });
  const assignment = round.assignments[0];
  return {
    key: 'shop/checkout',
    namespace: 'shop',
    name: 'checkout',
    mode: 'auto',
    slo: undefined,
    assignment,
    reason: 'initial',
    color: assignment?.color,
    path: undefined,
    flows: 0,
    flowsPerSecond: 0,
    sitePairs: [],
    decision: round.decisions.get('shop/checkout')?.record,
  };
}

const statuses = new Map<string, ServiceStatus>();
const source: ApiV1Source = {
  services: () => [...statuses.values()],
  service: (key) => statuses.get(key),
  tunnels: () => [],
  tunnelHealth: () => ({ status: 'ok', lastSuccessAt: T0, lastAttemptAt: T0, lastError: undefined, consecutiveFailures: 0, gapMs: 0 }),
  recentEvents: () => [],
  now: () => T0,
};

let server: Server;
let api: string;

beforeAll(async () => {
  const status = decided();
  statuses.set(status.key, status);
  statuses.set('shop/catalog', { ...status, key: 'shop/catalog', name: 'catalog', mode: 'unmanaged', assignment: undefined, reason: undefined, color: 'mpls', decision: undefined });
  statuses.set('shop/cart', { ...status, key: 'shop/cart', name: 'cart', decision: undefined });
  server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const { status: code, body } = getService(source, url.pathname.slice('/api/v1/services/'.length));
    response.writeHead(code, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  api = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
});

describe('isthmus explain --api', () => {
  it('prints the explanation the bridge rendered', async () => {
    const run = await runCli(['explain', 'shop/checkout', '--api', api]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('shop/checkout is on biz-internet (auto)');
    expect(run.stdout).toContain('Candidates, most preferred first:');
  });

  it('prints the decision record as JSON', async () => {
    const run = await runCli(['explain', 'shop/checkout', '--api', `${api}/api/v1/`, '-o', 'json']);
    expect(run.code).toBe(0);
    const record = JSON.parse(run.stdout) as { to: string; reason: string; time: string; candidates: { color: string; compliant: boolean }[] };
    expect(record).toMatchObject({ to: 'biz-internet', reason: 'initial', time: new Date(T0).toISOString() });
    expect(record.candidates.map((c) => [c.color, c.compliant])).toEqual([
      ['mpls', false],
      ['biz-internet', true],
    ]);
  });

  it('says when a Service is not steered, and fails when there is no decision or no Service', async () => {
    const unmanaged = await runCli(['explain', 'shop/catalog', '--api', api]);
    expect([unmanaged.code, unmanaged.stdout]).toEqual([0, 'shop/catalog is not steered: it has no Isthmus SLO or pin annotations; its traffic takes mpls.\n']);
    const pending = await runCli(['explain', 'shop/cart', '--api', api]);
    expect(pending.code).toBe(1);
    expect(pending.stderr).toMatch(/^isthmus explain: no decision for shop\/cart yet/);
    const missing = await runCli(['explain', 'shop/nope', '--api', api]);
    expect([missing.code, missing.stderr]).toEqual([1, `isthmus explain: the bridge at ${api} knows no Service shop/nope\n`]);
  });

  it('exits 1 when the bridge cannot be reached and 2 on usage errors', async () => {
    const closed = await runCli(['explain', 'shop/checkout', '--api', 'http://127.0.0.1:1', '--timeout', '2s']);
    expect(closed.code).toBe(1);
    expect(closed.stderr.split('\n')).toHaveLength(2);
    expect((await runCli(['explain', 'checkout', '--api', api])).code).toBe(2);
    expect((await runCli(['explain', 'shop/checkout', '--api', 'ftp://x'])).code).toBe(2);
    expect((await runCli(['explain', 'shop/checkout'])).code).toBe(2);
  });

  it('builds the service URL under /api/v1 once', () => {
    expect(serviceUrl('http://h:1', { namespace: 'a', name: 'b' })?.href).toBe('http://h:1/api/v1/services/a/b');
    expect(serviceUrl('http://h:1/x/api/v1/', { namespace: 'a', name: 'b' })?.href).toBe('http://h:1/x/api/v1/services/a/b');
  });
});
