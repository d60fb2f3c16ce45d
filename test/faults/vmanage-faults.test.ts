/**
 * vManage misbehaving under the running bridge: 503 and 429 storms, sessions expiring while a push is
 * under way, activations that fail or never finish, responses slower than the request timeout, and
 * restarts with the database kept or lost. In each case the bridge keeps running, shows the fault in
 * /metrics, recovers once the fault clears, and the fabric is never without Isthmus's complete policy.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { POLICY_PREFIX, startFaultHarness } from './fault-harness.ts';
import type { FaultHarness } from './fault-harness.ts';
import type { MetricSamples } from './metric-samples.ts';

const REQUESTS = 'isthmus_vmanage_requests_total';
const PUSHES = 'isthmus_policy_pushes_total';
const LOGIN = '/j_security_check';

let harness: FaultHarness;

beforeAll(async () => {
  harness = await startFaultHarness();
});

afterAll(async () => {
  await harness.close();
});

afterEach(async () => {
  harness.resetFaults();
  await harness.waitForPolicyInForce('after the case');
  expect(harness.policyProblems()).toEqual([]);
});

/** Pushes that ended with vManage holding the desired policy. */
function goodPushes(metrics: MetricSamples): number {
  return metrics.sum(PUSHES, { result: 'applied' }) + metrics.sum(PUSHES, { result: 'unchanged' });
}

/** Successful statistics polls, as the requests they make. */
function statisticsOk(metrics: MetricSamples): number {
  return metrics.sum(REQUESTS, { endpoint: '/dataservice/data/device/statistics/approutestatsstatistics', code: '200' });
}

async function vmanageReady(): Promise<boolean> {
  return (await harness.readyz()).some((check) => check.name === 'vmanage' && check.ready);
}

/** After a fault: the data flows again, /readyz says vManage is fresh, and a push succeeds. */
async function expectRecovered(before: MetricSamples, what: string): Promise<void> {
  const cleared = await harness.scrape();
  await harness.waitForMetrics((metrics) => statisticsOk(metrics) > statisticsOk(cleared) && goodPushes(metrics) > goodPushes(cleared), `statistics polls and a good push after ${what}`, 15_000);
  await harness.waitFor(vmanageReady, `/readyz to report vManage fresh after ${what}`);
  const after = await harness.scrape();
  expect(statisticsOk(after)).toBeGreaterThan(statisticsOk(before));
}

/**
 * Edits one of Isthmus's objects on vManage behind its back (its SLA class), as an operator might: the
 * next push finds the difference and repairs it — a push that writes and activates.
 */
function driftOwnedSla(): void {
  const store = harness.vmanage.policy.store;
  const sla = store.inCollection('list', 'sla').find((object) => String(object.body.name).startsWith(POLICY_PREFIX));
  if (sla === undefined) throw new Error('Isthmus owns no SLA class on vManage');
  const updated = store.update(sla.id, { ...sla.body, entries: [{ latency: '999', loss: '99', jitter: '999' }] }, harness.simulation.clock.now());
  if (!updated.ok) throw new Error(updated.message);
}

function activations(): number {
  return harness.vmanage.policy.requests.filter((request) => request.method === 'POST' && request.path.includes('/vsmart/activate/')).length;
}

describe('vManage faults under the running bridge', () => {
  it('rides out a storm of 503 and 429 answers: each one counted, polls and pushes resume', async () => {
    const before = await harness.scrape();
    // One second between retries, so that the storm is over in seconds.
    harness.vmanage.faults.setRetryAfter({ kind: 'seconds', seconds: 1 });
    harness.vmanage.faults.serviceUnavailable(3);
    harness.vmanage.faults.rateLimit(3);
    const counted = (metrics: MetricSamples, code: string): number => metrics.sum(REQUESTS, { code }) - before.sum(REQUESTS, { code });
    const during = await harness.waitForMetrics((metrics) => counted(metrics, '503') === 3 && counted(metrics, '429') === 3, 'three 503 and three 429 answers counted', 15_000);
    expect([counted(during, '503'), counted(during, '429')]).toEqual([3, 3]);
    await expectRecovered(before, 'the storm');
  });

  it('logs in again when every session expires while an activation is under way, and the push completes', async () => {
    const before = await harness.scrape();
    const started = activations();
    // Long enough that the push is still waiting on its task when the sessions die.
    harness.vmanage.policy.faults.setActivationDelayMs(1500);
    driftOwnedSla();
    await harness.waitFor(() => activations() > started, 'the repair push to start its activation');
    harness.vmanage.faults.expireAllSessions();
    const after = await harness.waitForMetrics((metrics) => metrics.sum(PUSHES, { result: 'applied' }) > before.sum(PUSHES, { result: 'applied' }), 'the repair push to be applied', 15_000);
    expect(after.sum(REQUESTS, { endpoint: LOGIN })).toBeGreaterThan(before.sum(REQUESTS, { endpoint: LOGIN }));
    expect(after.sum(PUSHES, { result: 'failed' }) + after.sum(PUSHES, { result: 'rolled-back' })).toBe(before.sum(PUSHES, { result: 'failed' }) + before.sum(PUSHES, { result: 'rolled-back' }));
    expect(harness.vmanage.policy.store.inCollection('list', 'sla').some((object) => JSON.stringify(object.body.entries).includes('999'))).toBe(false);
  });

  it('rolls back to the last good policy when the activation of a change fails, and applies the change on the next push', async () => {
    const before = await harness.scrape();
    const payments = harness.kube.store.get('Service', 'shop', 'payments');
    if (payments === undefined) throw new Error('no Service shop/payments');
    harness.vmanage.policy.faults.failActivations(1);
    // A tighter SLO: a new SLA class, the app-route definition pointing at it, and an activation.
    harness.kube.store.apply({ ...payments, metadata: { ...payments.metadata, annotations: { ...payments.metadata.annotations, 'isthmus.io/max-latency': '40ms' } } });
    await harness.waitForMetrics((metrics) => metrics.sum(PUSHES, { result: 'rolled-back' }) > before.sum(PUSHES, { result: 'rolled-back' }), 'the failed push rolled back', 15_000);
    await harness.waitForMetrics((metrics) => metrics.sum(PUSHES, { result: 'applied' }) > before.sum(PUSHES, { result: 'applied' }), 'the change applied on a later push', 15_000);
    await harness.waitFor(() => [...(harness.vmanage.policy.effectiveAt()?.objects.values() ?? [])].some((object) => String(object.body.name).endsWith('_sla_l40-p1-j10')), 'the tighter SLA class in force');
    expect(harness.policyProblems()).toEqual([]);
  });

  it('gives up on an activation that never finishes, keeps the policy in force, and activates once the task ends', async () => {
    const before = await harness.scrape();
    harness.vmanage.policy.faults.hangActivations(1);
    driftOwnedSla();
    await harness.waitForMetrics((metrics) => metrics.sum(PUSHES, { result: 'failed' }) > before.sum(PUSHES, { result: 'failed' }), 'the stuck push to time out, counted as failed', 15_000);
    expect(harness.bridge.leadership.isLeader()).toBe(true);
    expect(harness.policyProblems()).toEqual([]);
    const stuck = await harness.scrape();
    expect(harness.vmanage.policy.faults.releaseHungActivations('failure')).toBe(1);
    await harness.waitForMetrics((metrics) => metrics.sum(PUSHES, { result: 'applied' }) > stuck.sum(PUSHES, { result: 'applied' }), 'an activation once the stuck task ended', 15_000);
  });

  it('counts responses slower than the request timeout as timeouts, and recovers when vManage is fast again', async () => {
    const before = await harness.scrape();
    harness.vmanage.faults.setLatencyMs(2500);
    await harness.waitForMetrics((metrics) => metrics.sum(REQUESTS, { code: 'timeout' }) > before.sum(REQUESTS, { code: 'timeout' }), 'a request counted as timed out', 15_000);
    harness.vmanage.faults.setLatencyMs(0);
    await expectRecovered(before, 'the slow responses');
  });

  it('logs in again after vManage restarts with its database, and the policy stays as it was', async () => {
    const policyId = harness.vmanage.policy.effectiveAt()?.policyId;
    const before = await harness.scrape();
    await harness.restartVmanage('kept');
    await expectRecovered(before, 'the restart');
    const after = await harness.scrape();
    expect(after.sum(REQUESTS, { endpoint: LOGIN })).toBeGreaterThan(before.sum(REQUESTS, { endpoint: LOGIN }));
    expect(harness.vmanage.stats.logins).toBeGreaterThan(0);
    expect(harness.vmanage.policy.effectiveAt()?.policyId).toBe(policyId);
  });

  it('pushes the whole policy again after vManage restarts with an empty database', async () => {
    const before = await harness.scrape();
    await harness.restartVmanage('fresh');
    expect(harness.vmanage.policy.store.all()).toEqual([]);
    await harness.waitForPolicyInForce('re-pushed after the restart', 15_000);
    const after = await harness.waitForMetrics((metrics) => metrics.sum(PUSHES, { result: 'applied' }) > before.sum(PUSHES, { result: 'applied' }), 'the re-push counted as applied');
    expect(after.sum(REQUESTS, { endpoint: LOGIN })).toBeGreaterThan(before.sum(REQUESTS, { endpoint: LOGIN }));
    expect(harness.vmanage.policy.store.all().every((object) => String(object.body.name ?? object.body.policyName).startsWith(POLICY_PREFIX))).toBe(true);
  });
});
