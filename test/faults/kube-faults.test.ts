/**
 * The Kubernetes API misbehaving under the running bridge: watches dropped (cleanly and by reset), watch
 * history gone (410 Gone), the API server restarting, and another holder taking the Lease. The informers
 * must come back by themselves and count what happened on /metrics, a change made after the fault must
 * still reach the bridge, and a bridge that lost the Lease must stop pushing until it leads again.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ServiceJson } from '../../src/controller/api-v1.ts';
import { POLICY_PREFIX, startFaultHarness } from './fault-harness.ts';
import type { FaultHarness } from './fault-harness.ts';
import type { MetricSamples } from './metric-samples.ts';

const LISTS = 'isthmus_kube_lists_total';
const WATCH_ENDS = 'isthmus_kube_watch_ends_total';
const REQUEST_ERRORS = 'isthmus_kube_request_errors_total';
const LEADER = 'isthmus_leader';
const PUSHES = 'isthmus_policy_pushes_total';
const STATISTICS = '/dataservice/data/device/statistics/approutestatsstatistics';
/** The four informers: services, endpointslices, nodes, namespaces. */
const INFORMERS = 4;

let harness: FaultHarness;
let probes = 0;

beforeAll(async () => {
  harness = await startFaultHarness();
});

afterAll(async () => {
  await harness.close();
});

beforeEach(async () => {
  await harness.waitFor(() => harness.kube.openWatches === INFORMERS, 'every informer watching');
});

afterEach(async () => {
  harness.resetFaults();
  await harness.waitFor(() => harness.bridge.leadership.isLeader(), 'leadership after the case');
  await harness.waitForPolicyInForce('after the case');
  expect(harness.policyProblems()).toEqual([]);
});

async function servicesKnown(): Promise<string[]> {
  const body = (await (await fetch(`${harness.url}/api/v1/services`)).json()) as { services: ServiceJson[] };
  return body.services.map((service) => `${service.namespace}/${service.name}`);
}

/** Creates a new Service in the cluster and waits for the bridge to know it: the watches deliver again. */
async function expectNewServiceSeen(what: string): Promise<void> {
  probes++;
  const name = `probe-${probes}`;
  harness.kube.store.apply({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'shop' },
    spec: { type: 'ClusterIP', clusterIP: `10.96.20.${probes}`, clusterIPs: [`10.96.20.${probes}`], ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }] },
  });
  await harness.waitFor(async () => (await servicesKnown()).includes(`shop/${name}`), `shop/${name}, created ${what}, known to the bridge`);
}

async function kubernetesReady(): Promise<boolean> {
  return (await harness.readyz()).some((check) => check.name === 'kubernetes' && check.ready);
}

/** Edits Isthmus's SLA class on vManage behind its back: only a leader repairs it. */
function driftOwnedSla(): string {
  const store = harness.vmanage.policy.store;
  const sla = store.inCollection('list', 'sla').find((object) => String(object.body.name).startsWith(POLICY_PREFIX));
  if (sla === undefined) throw new Error('Isthmus owns no SLA class on vManage');
  const updated = store.update(sla.id, { ...sla.body, entries: [{ latency: '999', loss: '99', jitter: '999' }] }, harness.simulation.clock.now());
  if (!updated.ok) throw new Error(updated.message);
  return sla.id;
}

function polls(metrics: MetricSamples): number {
  return metrics.sum('isthmus_vmanage_requests_total', { endpoint: STATISTICS, code: '200' });
}

/** Policy requests that change something on vManage, so far. */
function policyWrites(): number {
  return harness.vmanage.policy.requests.filter((request) => request.method !== 'GET').length;
}

function drifted(id: string): boolean {
  return JSON.stringify(harness.vmanage.policy.store.get(id)?.body.entries).includes('999');
}

describe('Kubernetes API faults under the running bridge', () => {
  it('opens the watches again after the API server ends them, counting each end', async () => {
    const before = await harness.scrape();
    expect(harness.kube.faults.dropWatches()).toBe(INFORMERS);
    await harness.waitForMetrics((metrics) => metrics.sum(WATCH_ENDS, { reason: 'closed' }) - before.sum(WATCH_ENDS, { reason: 'closed' }) >= INFORMERS, 'every watch end counted');
    await expectNewServiceSeen('after the watches were dropped');
  });

  it('retries watches whose connections were reset, counting the failures', async () => {
    const before = await harness.scrape();
    expect(harness.kube.faults.dropWatches({ abrupt: true })).toBe(INFORMERS);
    await harness.waitForMetrics((metrics) => metrics.sum(REQUEST_ERRORS, { operation: 'watch' }) + metrics.sum(WATCH_ENDS) > before.sum(REQUEST_ERRORS, { operation: 'watch' }) + before.sum(WATCH_ENDS), 'the reset watches counted');
    await expectNewServiceSeen('after the watches were reset');
  });

  it('lists again when the watch history is gone (410 Gone), counting the expired lists', async () => {
    const before = await harness.scrape();
    harness.kube.faults.expireNextWatch(INFORMERS);
    harness.kube.faults.dropWatches();
    await harness.waitForMetrics((metrics) => metrics.sum(LISTS, { reason: 'expired' }) - before.sum(LISTS, { reason: 'expired' }) >= INFORMERS, 'a re-list of every resource after 410 Gone');
    await expectNewServiceSeen('after the re-lists');
  });

  // The informers back off exponentially (1 s doubling, at most 30 s) while the server is away, so their
  // next attempt can come several seconds after it is back: the waits below allow for that.
  it('steps down while the API server is away past the renew deadline, then reconnects, leads again and keeps its view of the cluster', { timeout: 60_000 }, async () => {
    const before = await harness.scrape();
    const known = await servicesKnown();
    await harness.restartKube(() => harness.waitForMetrics((metrics) => metrics.sum(LEADER) === 0, 'isthmus_leader 0 without the API server'));
    await harness.waitForMetrics((metrics) => metrics.sum(WATCH_ENDS) + metrics.sum(REQUEST_ERRORS) > before.sum(WATCH_ENDS) + before.sum(REQUEST_ERRORS), 'the lost watches counted');
    await harness.waitFor(() => harness.kube.openWatches === INFORMERS, 'the watches open on the restarted server', 35_000);
    await harness.waitFor(kubernetesReady, '/readyz to report Kubernetes ready');
    await harness.waitForMetrics((metrics) => metrics.sum(LEADER) === 1, 'isthmus_leader 1 again');
    expect(await servicesKnown()).toEqual(known);
    await expectNewServiceSeen('after the restart');
  });

  it('stops pushing while another holder has the Lease, and leads and pushes again once it is free', async () => {
    const lease = harness.kube.store.get('Lease', 'default', 'isthmus');
    if (lease === undefined) throw new Error('the bridge holds no Lease default/isthmus');
    const writeLease = (spec: Record<string, unknown>): void => {
      // Unconditional (no resourceVersion): another replica's write that won.
      const written = harness.kube.store.replace({ apiVersion: lease.apiVersion, kind: 'Lease', metadata: { name: 'isthmus', namespace: 'default' }, spec });
      if (!written.ok) throw new Error(written.message);
    };
    const now = new Date().toISOString().replace('Z', '000Z');
    writeLease({ ...(lease.spec as Record<string, unknown>), holderIdentity: 'intruder', leaseDurationSeconds: 3600, acquireTime: now, renewTime: now });
    try {
      const follower = await harness.waitForMetrics((metrics) => metrics.sum(LEADER) === 0, 'isthmus_leader 0 after the takeover');
      // One poll later, a push that was under way when leadership went has ended.
      const settled = await harness.waitForMetrics((metrics) => polls(metrics) > polls(follower), 'a poll as a follower');

      // A follower never writes to vManage: a drift stays while several polls (and evaluations) go by.
      const sla = driftOwnedSla();
      const writes = policyWrites();
      const later = await harness.waitForMetrics((metrics) => polls(metrics) >= polls(settled) + 4, 'more polls as a follower');
      expect(drifted(sla)).toBe(true);
      expect(policyWrites()).toBe(writes);
      expect(later.sum(PUSHES)).toBe(settled.sum(PUSHES));
      expect(harness.bridge.leadership.isLeader()).toBe(false);
    } finally {
      // Released, as the other holder would on a clean stop.
      writeLease({ ...(harness.kube.store.get('Lease', 'default', 'isthmus')?.spec as Record<string, unknown>), holderIdentity: '', leaseDurationSeconds: 1 });
    }
    const released = await harness.scrape();
    await harness.waitForMetrics((metrics) => metrics.sum(LEADER) === 1 && metrics.sum(PUSHES, { result: 'applied' }) > released.sum(PUSHES, { result: 'applied' }), 'leadership and a repairing push');
    expect(harness.vmanage.policy.store.inCollection('list', 'sla').some((object) => JSON.stringify(object.body.entries).includes('999'))).toBe(false);
    expect(harness.policyProblems()).toEqual([]);
  });
});
