import { afterEach, describe, expect, it } from 'vitest';
import type { PolicyPushReport } from './policy-applier.ts';
import { renderPolicy } from './render-policy.ts';
import { API, DB, desiredFixture, RTP, WEB } from './testdata/desired-fixture.ts';
import { callsSince, policyHarness, writesSince } from './testdata/policy-harness.ts';
import type { PolicyHarness } from './testdata/policy-harness.ts';

const AFTER_INTERVAL = 61_000;
let harnesses: PolicyHarness[] = [];

afterEach(async () => {
  await Promise.all(harnesses.map((harness) => harness.close()));
  harnesses = [];
});

async function start(options: Parameters<typeof policyHarness>[0] = {}): Promise<PolicyHarness> {
  const harness = await policyHarness(options);
  harnesses.push(harness);
  return harness;
}

/** The preferred color the controllers enforce for a sequence of the active app-route definition. */
function enforcedColor(harness: PolicyHarness, sequenceName: string): string | undefined {
  const snapshot = harness.emulator.policy.effectiveAt();
  for (const { collection, body } of snapshot?.objects.values() ?? []) {
    if (collection !== 'approute') continue;
    const sequence = (body.sequences as { sequenceName: string; actions: { type: string; parameter: unknown }[] }[]).find((candidate) => candidate.sequenceName === sequenceName);
    const parameters = sequence?.actions.find((action) => action.type === 'slaClass')?.parameter as { field: string; value?: string }[] | undefined;
    return parameters?.find((parameter) => parameter.field === 'preferredColor')?.value;
  }
  return undefined;
}

function expectOutcome(report: PolicyPushReport, outcome: PolicyPushReport['outcome']): void {
  expect({ outcome: report.outcome, error: report.error?.message, rollback: report.rollbackError?.message }).toEqual({ outcome, error: report.error?.message, rollback: report.rollbackError?.message });
  if (outcome === 'applied' || outcome === 'unchanged' || outcome === 'dry-run' || outcome === 'deferred') expect(report.error).toBeUndefined();
}

describe('PolicyApplier against the vManage emulator', () => {
  it('bootstraps: creates every object, the policy, and activates it once', async () => {
    const harness = await start();
    const reports: PolicyPushReport[] = [];
    const report = await harness.applier({ onReport: (pushed) => reports.push(pushed) }).push(desiredFixture());
    expectOutcome(report, 'applied');
    expect(reports).toEqual([report]);
    expect(report.activation).toMatchObject({ isEdited: false, status: { done: true } });
    expect(report.durationMs).toBeGreaterThanOrEqual(8000);
    const writes = writesSince(harness.emulator, 0);
    expect(writes.filter((call) => call.startsWith('POST vsmart/activate/'))).toHaveLength(1);
    expect(writes.at(-1)).toMatch(/^POST vsmart\/activate\//);
    const activation = harness.emulator.policy.requests.find((request) => request.path.includes('/vsmart/activate/'));
    expect([activation?.body, activation?.query]).toEqual([{}, '?confirm=true']);
    expect(harness.emulator.policy.effectiveAt()?.policyName).toBe('isthmus-prod_policy');
    expect(enforcedColor(harness, 'shop_api-tcp-8080-to')).toBe('mpls');
    const lists = await harness.client.list('dataPrefix');
    expect(lists.map((list) => list.name).sort()).toEqual(['isthmus-prod_dp4_media_rtp', 'isthmus-prod_dp4_shop_api', 'isthmus-prod_dp4_shop_db', 'isthmus-prod_dp4_shop_web']);
  });

  it('updates an active policy by editing and re-activating with isEdited, never deactivating', async () => {
    const harness = await start();
    const applier = harness.applier();
    expectOutcome(await applier.push(desiredFixture()), 'applied');
    harness.clock.advance(AFTER_INTERVAL);
    const mark = harness.emulator.policy.requests.length;
    const report = await applier.push(desiredFixture([{ ...API, color: 'biz-internet' }, WEB, DB, RTP]));
    expectOutcome(report, 'applied');
    expect(writesSince(harness.emulator, mark)).toEqual([
      expect.stringMatching(/^PUT definition\/approute\//),
      expect.stringMatching(/^POST vsmart\/activate\//),
    ]);
    const activation = harness.emulator.policy.requests.slice(mark).find((request) => request.path.includes('/activate/'));
    expect(activation?.body).toEqual({ isEdited: true });
    // The definition is used by the active policy: vManage names the vSmart template it affects.
    expect(report.round?.masterTemplatesAffected).toHaveLength(1);
    expect(callsSince(harness.emulator, 0).some((call) => call.includes('deactivate'))).toBe(false);
    expect(enforcedColor(harness, 'shop_api-tcp-8080-to')).toBe('biz-internet');
  });

  it('changes nothing when nothing changed', async () => {
    const harness = await start();
    const applier = harness.applier();
    expectOutcome(await applier.push(desiredFixture()), 'applied');
    harness.clock.advance(AFTER_INTERVAL);
    const mark = harness.emulator.policy.requests.length;
    const report = await applier.push(desiredFixture());
    expectOutcome(report, 'unchanged');
    expect(report.diff?.changes).toEqual([]);
    expect(writesSince(harness.emulator, mark)).toEqual([]);
  });

  it('keeps pushes a minimum interval apart and coalesces the changes in between', async () => {
    const harness = await start();
    const applier = harness.applier();
    expectOutcome(await applier.push(desiredFixture()), 'applied');
    const mark = harness.emulator.policy.requests.length;
    const first = await applier.push(desiredFixture([{ ...API, color: 'biz-internet' }, WEB, DB, RTP]));
    expectOutcome(first, 'deferred');
    expect(first.nextPushAt).toBeGreaterThan(harness.clock.now());
    const second = await applier.push(desiredFixture([{ ...API, color: 'public-internet' }, WEB, DB, RTP]));
    expectOutcome(second, 'deferred');
    expect(applier.pending?.objects.find((object) => object.kind === 'appRoute')?.body).toEqual(
      renderPolicy(desiredFixture([{ ...API, color: 'public-internet' }, WEB, DB, RTP])).objects.find((object) => object.kind === 'appRoute')?.body,
    );
    expect(callsSince(harness.emulator, mark)).toEqual([]);
    harness.clock.advance(AFTER_INTERVAL);
    expectOutcome(await applier.push(desiredFixture([{ ...API, color: 'public-internet' }, WEB, DB, RTP])), 'applied');
    expect(writesSince(harness.emulator, mark).filter((call) => call.includes('/activate/'))).toHaveLength(1);
    expect(enforcedColor(harness, 'shop_api-tcp-8080-to')).toBe('public-internet');
  });

  it('restores the last good policy when an activation fails, and reports it', async () => {
    const harness = await start();
    const applier = harness.applier();
    const good = desiredFixture();
    expectOutcome(await applier.push(good), 'applied');
    harness.clock.advance(AFTER_INTERVAL);
    harness.emulator.policy.faults.failActivations(1, 'Failed to push policy to vSmart: commit failed');
    const report = await applier.push(desiredFixture([{ ...API, color: 'biz-internet' }, WEB, RTP]));
    expectOutcome(report, 'rolled-back');
    expect(report.error?.code).toBe('ISTHMUS_E_POLICY_ACTIVATION');
    expect(report.error?.message).toContain('commit failed');
    expect(report.restored).toEqual(renderPolicy(good));
    expect(report.activation?.isEdited).toBe(true);
    // vManage holds the good document again, and the controllers run it.
    harness.clock.advance(AFTER_INTERVAL);
    const check = await applier.push(good, { dryRun: true });
    expect(check.diff?.changes).toEqual([]);
    expect(enforcedColor(harness, 'shop_api-tcp-8080-to')).toBe('mpls');
    expect(applier.lastGood).toEqual(renderPolicy(good));
  });

  it('fails without a rollback when there is nothing good to go back to', async () => {
    const harness = await start();
    harness.emulator.policy.faults.failValidations(1);
    const report = await harness.applier().push(desiredFixture());
    expectOutcome(report, 'failed');
    expect(report.error?.code).toBe('ISTHMUS_E_POLICY_ACTIVATION');
    expect(report.restored).toBeUndefined();
  });

  it('gives up on an activation task that does not finish in time', async () => {
    const harness = await start({ activationDelayMs: 3_600_000 });
    const started = harness.clock.now();
    const report = await harness.applier({ taskTimeoutMs: 60_000 }).push(desiredFixture([API]));
    expectOutcome(report, 'failed');
    expect(report.error?.code).toBe('ISTHMUS_E_POLICY_TIMEOUT');
    expect(harness.clock.now() - started).toBeGreaterThanOrEqual(60_000);
    expect(harness.clock.now() - started).toBeLessThan(70_000);
  });

  it('rides out 429s and an expired session in the middle of a push', async () => {
    const harness = await start();
    const applier = harness.applier();
    harness.emulator.faults.rateLimit(3);
    let expired = false;
    const report = await applier.push(desiredFixture(), {
      onStep: (step) => {
        if (step.type === 'change' && step.change.kind === 'sla' && !expired) {
          expired = true;
          harness.emulator.faults.expireAllSessions();
          harness.emulator.faults.rateLimit(2);
        }
      },
    });
    expectOutcome(report, 'applied');
    expect(expired).toBe(true);
    expect(harness.emulator.stats.logins).toBe(2);
    expect(harness.emulator.stats.requests.filter((request) => request.status === 429)).toHaveLength(5);
    expect(harness.emulator.policy.effectiveAt()?.policyName).toBe('isthmus-prod_policy');
  });

  it('converges after a crash between the edit and the activation', async () => {
    const harness = await start();
    expectOutcome(await harness.applier().push(desiredFixture()), 'applied');
    harness.clock.advance(AFTER_INTERVAL);
    const crashing = harness.applier();
    const crash = new AbortController();
    const changed = desiredFixture([{ ...API, color: 'biz-internet' }, WEB, DB, RTP]);
    const report = await crashing.push(changed, {
      signal: crash.signal,
      onStep: (step) => {
        if (step.type === 'change') crash.abort();
      },
    });
    expectOutcome(report, 'failed');
    expect(report.error?.code).toBe('ISTHMUS_E_POLICY_ABORTED');
    // vManage stores the edit; the controllers still run the old policy.
    expect(enforcedColor(harness, 'shop_api-tcp-8080-to')).toBe('mpls');

    // The next process finds the content in place and activates it anyway: it cannot know the edit never was.
    const mark = harness.emulator.policy.requests.length;
    const next = await harness.applier().push(changed);
    expectOutcome(next, 'applied');
    expect(next.diff?.changes).toEqual([]);
    expect(next.activation?.isEdited).toBe(true);
    expect(writesSince(harness.emulator, mark)).toEqual([expect.stringMatching(/^POST vsmart\/activate\//)]);
    expect(enforcedColor(harness, 'shop_api-tcp-8080-to')).toBe('biz-internet');
  });

  it('converges in the same process too, once the interval has passed', async () => {
    const harness = await start();
    const applier = harness.applier();
    expectOutcome(await applier.push(desiredFixture()), 'applied');
    harness.clock.advance(AFTER_INTERVAL);
    const crash = new AbortController();
    const changed = desiredFixture([{ ...API, color: 'biz-internet' }, WEB, DB, RTP]);
    expectOutcome(await applier.push(changed, { signal: crash.signal, onStep: () => { crash.abort(); } }), 'failed');
    expectOutcome(await applier.push(changed), 'deferred');
    harness.clock.advance(AFTER_INTERVAL);
    const next = await applier.push(changed);
    expectOutcome(next, 'applied');
    expect(enforcedColor(harness, 'shop_api-tcp-8080-to')).toBe('biz-internet');
  });

  it('converges when it leads again after another leader crashed between the edit and the activation', async () => {
    const harness = await start();
    const returning = harness.applier();
    expectOutcome(await returning.push(desiredFixture()), 'applied');
    // Leadership lost; another process leads, edits, and dies before it activates.
    harness.leader.value = false;
    const changed = desiredFixture([{ ...API, color: 'biz-internet' }, WEB, DB, RTP]);
    const crash = new AbortController();
    const other = harness.applier({ isLeader: () => true });
    const crashed = await other.push(changed, {
      signal: crash.signal,
      onStep: (step) => {
        if (step.type === 'change') crash.abort();
      },
    });
    expectOutcome(crashed, 'failed');
    expect(enforcedColor(harness, 'shop_api-tcp-8080-to')).toBe('mpls');

    // Leading again, its first push of the term reads back, finds the content in place, and activates it.
    harness.clock.advance(AFTER_INTERVAL);
    harness.leader.value = true;
    returning.startTerm();
    const mark = harness.emulator.policy.requests.length;
    const next = await returning.push(changed);
    expectOutcome(next, 'applied');
    expect(next.diff?.changes).toEqual([]);
    expect(writesSince(harness.emulator, mark)).toEqual([expect.stringMatching(/^POST vsmart\/activate\//)]);
    expect(enforcedColor(harness, 'shop_api-tcp-8080-to')).toBe('biz-internet');
  });

  it('prunes what it no longer wants, after the activation, and leaves what it does not own alone', async () => {
    const harness = await start();
    const theirs = await harness.client.create('dataPrefix', { name: 'corp-servers', description: 'servers', type: 'dataPrefix', entries: [{ ipPrefix: '192.0.2.0/24' }] });
    const lookalike = await harness.client.create('sla', { name: 'isthmus-prod_sla_custom', description: 'made by hand', type: 'sla', entries: [{ latency: '10', loss: '1', jitter: '1' }] });
    const applier = harness.applier();
    expectOutcome(await applier.push(desiredFixture()), 'applied');
    harness.clock.advance(AFTER_INTERVAL);
    const mark = harness.emulator.policy.requests.length;
    const report = await applier.push(desiredFixture([API, RTP]));
    expectOutcome(report, 'applied');
    const writes = writesSince(harness.emulator, mark);
    const activation = writes.findIndex((call) => call.includes('/activate/'));
    const deletes = writes.map((call, index) => ({ call, index })).filter(({ call }) => call.startsWith('DELETE'));
    expect(deletes.map(({ call }) => call.split('/').slice(0, 2).join('/'))).toEqual(['DELETE definition/data', 'DELETE list/dataprefix', 'DELETE list/dataprefix', 'DELETE list/dataipv6prefix', 'DELETE list/sla']);
    expect(deletes.every(({ index }) => index > activation)).toBe(true);
    expect(callsSince(harness.emulator, 0).filter((call) => call.includes(theirs) || call.includes(lookalike))).toEqual([]);
    expect((await harness.client.read('dataPrefix', theirs))?.name).toBe('corp-servers');
    expect((await harness.client.read('sla', lookalike))?.description).toBe('made by hand');
  });

  it('defers pruning an object someone else still refers to, without failing the push', async () => {
    const harness = await start();
    const applier = harness.applier();
    expectOutcome(await applier.push(desiredFixture([API, RTP])), 'applied');
    const rtp = (await harness.client.list('dataPrefix')).find((list) => list.name === 'isthmus-prod_dp4_media_rtp');
    if (rtp === undefined) throw new Error('no list for media/rtp');
    await harness.client.create('appRoute', {
      name: 'corp-aar',
      type: 'appRoute',
      description: 'borrows an Isthmus list',
      sequences: [{ sequenceId: 1, sequenceName: 'rtp', match: { entries: [{ field: 'destinationDataPrefixList', ref: rtp.id }] }, actions: [] }],
    });
    harness.clock.advance(AFTER_INTERVAL);
    const report = await applier.push(desiredFixture([API]));
    expectOutcome(report, 'applied');
    expect(report.round?.deferredDeletes.map((deferred) => deferred.name)).toEqual(['isthmus-prod_dp4_media_rtp']);
    expect((await harness.client.read('dataPrefix', rtp.id))?.name).toBe('isthmus-prod_dp4_media_rtp');
  });

  it('refuses to take a name someone else holds', async () => {
    const harness = await start();
    await harness.client.create('dataPrefix', { name: 'isthmus-prod_dp4_shop_api', description: 'mine, not Isthmus’', type: 'dataPrefix', entries: [] });
    const mark = harness.emulator.policy.requests.length;
    const report = await harness.applier().push(desiredFixture([API]));
    expectOutcome(report, 'failed');
    expect(report.error?.code).toBe('ISTHMUS_E_POLICY_CONFLICT');
    expect(writesSince(harness.emulator, mark)).toEqual([]);
  });

  it('will not activate its own policy over a customer’s active one, but adopts it when told to', async () => {
    const harness = await start();
    const customer = await customerPolicy(harness);
    const refused = await harness.applier().push(desiredFixture([API]));
    expectOutcome(refused, 'failed');
    expect(refused.error?.code).toBe('ISTHMUS_E_POLICY_FOREIGN_ACTIVE');

    const mark = harness.emulator.policy.requests.length;
    const adopted = await harness.applier({ adopt: 'corp-policy' }).push(desiredFixture([API]));
    expectOutcome(adopted, 'applied');
    expect(adopted.activation?.isEdited).toBe(true);
    expect(writesSince(harness.emulator, mark).some((call) => call.startsWith('POST vsmart') && !call.includes('activate'))).toBe(false);
    const policy = await harness.client.read('vsmart', customer.policyId);
    expect(policy?.name).toBe('corp-policy');
    const assembly = (policy?.body.policyDefinition as { assembly: { definitionId: string }[] }).assembly;
    expect(assembly.map((entry) => entry.definitionId)).toEqual([customer.definitionId, expect.any(String)]);
    expect(harness.emulator.policy.effectiveAt()?.policyName).toBe('corp-policy');
  });

  it('pushes nothing in a dry run and returns the diff', async () => {
    const harness = await start();
    const report = await harness.applier().push(desiredFixture(), { dryRun: true });
    expectOutcome(report, 'dry-run');
    expect(report.diff?.changes.length).toBe(renderPolicy(desiredFixture()).objects.length);
    expect(writesSince(harness.emulator, 0)).toEqual([]);
  });

  it('refuses to push unless it holds the Lease', async () => {
    const harness = await start();
    harness.leader.value = false;
    const report = await harness.applier().push(desiredFixture());
    expectOutcome(report, 'not-leader');
    expect(report.error?.code).toBe('ISTHMUS_E_POLICY_NOT_LEADER');
    expect(harness.emulator.stats.requests).toEqual([]);
  });

  it('reports invalid desired state as a failed push without calling vManage', async () => {
    const harness = await start();
    const report = await harness.applier().push({ ...desiredFixture(), scope: { siteIds: [], vpnIds: [1] } });
    expectOutcome(report, 'failed');
    expect(report.error?.code).toBe('ISTHMUS_E_POLICY_INVALID');
    expect(harness.emulator.stats.requests).toEqual([]);
  });

  it('waits out another running operation before activating', async () => {
    const harness = await start();
    const customer = await customerPolicy(harness, false);
    await harness.client.activate(customer.policyId, false);
    const report = await harness.applier({ adopt: 'corp-policy' }).push(desiredFixture([API]));
    expectOutcome(report, 'applied');
    const refusals = harness.emulator.policy.requests.filter((request) => request.path.includes('/activate/') && request.status === 400);
    expect(refusals).toHaveLength(1);
    expect(callsSince(harness.emulator, 0)).toContain('GET /dataservice/device/action/status/tasks');
  });
});

/** A customer's centralized policy with a definition of their own, activated (or not). */
async function customerPolicy(harness: PolicyHarness, activate = true): Promise<{ policyId: string; definitionId: string }> {
  const sites = await harness.client.create('site', { name: 'corp-sites', description: 'corp', type: 'site', entries: [{ siteId: '100-200' }] });
  const definitionId = await harness.client.create('data', {
    name: 'corp-data',
    type: 'data',
    description: 'corp',
    defaultAction: { type: 'accept' },
    sequences: [],
  });
  const policyId = await harness.client.create('vsmart', {
    policyName: 'corp-policy',
    policyDescription: 'the customer’s',
    policyType: 'feature',
    isPolicyActivated: false,
    policyDefinition: { assembly: [{ definitionId, type: 'data', entries: [{ direction: 'all', siteLists: [sites] }] }] },
  });
  if (activate) {
    await harness.client.activate(policyId, false);
    harness.clock.advance(10_000);
    await harness.client.taskStatus('settle-only').catch(() => undefined);
  }
  return { policyId, definitionId };
}

