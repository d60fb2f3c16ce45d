import { afterEach, describe, expect, it } from 'vitest';
import { policyHarness } from '../../src/policy/testdata/policy-harness.ts';
import type { PolicyHarness } from '../../src/policy/testdata/policy-harness.ts';
import { isVmanageError } from '../../src/vmanage/vmanage-error.ts';

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

async function failure(promise: Promise<unknown>): Promise<{ status: number | undefined; message: string | undefined; details: string | undefined }> {
  try {
    await promise;
  } catch (error) {
    if (isVmanageError(error)) return { status: error.status, message: error.apiError?.message, details: error.apiError?.details };
    throw error;
  }
  throw new Error('expected a failure');
}

/** A prefix list, an SLA class, an app-route definition using both, and a policy using that. */
async function objects(harness: PolicyHarness): Promise<{ prefix: string; sla: string; definition: string; policy: string }> {
  const { client } = harness;
  const prefix = await client.create('dataPrefix', { name: 'web', type: 'dataPrefix', entries: [{ ipPrefix: '10.0.0.1/32' }] });
  const sla = await client.create('sla', { name: 'gold', type: 'sla', entries: [{ latency: '50', loss: '1', jitter: '10' }] });
  const definition = await client.create('appRoute', {
    name: 'aar',
    type: 'appRoute',
    description: 'x',
    sequences: [
      {
        sequenceId: 1,
        sequenceName: 'web',
        sequenceType: 'appRoute',
        sequenceIpType: 'ipv4',
        match: { entries: [{ field: 'destinationDataPrefixList', ref: prefix }] },
        actions: [{ type: 'slaClass', parameter: [{ field: 'name', ref: sla }, { field: 'preferredColor', value: 'mpls' }] }],
      },
    ],
  });
  const site = await client.create('site', { name: 'sites', type: 'site', entries: [{ siteId: '100' }] });
  const vpn = await client.create('vpn', { name: 'vpns', type: 'vpn', entries: [{ vpn: '1' }] });
  const policy = await client.create('vsmart', {
    policyName: 'central',
    policyDescription: 'central',
    policyType: 'feature',
    isPolicyActivated: false,
    policyDefinition: { assembly: [{ definitionId: definition, type: 'appRoute', entries: [{ siteLists: [site], vpnLists: [vpn] }] }] },
  });
  return { prefix, sla, definition, policy };
}

describe('vManage emulator: centralized policy', () => {
  it('gives UUIDs, counts references, and refuses to delete a referenced object with the error envelope', async () => {
    const harness = await start();
    const { prefix, definition, policy } = await objects(harness);
    for (const id of [prefix, definition, policy]) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const rows = (await harness.session.get('/dataservice/template/policy/list/dataprefix')) as { data: Record<string, unknown>[] };
    expect(rows.data[0]).toMatchObject({ listId: prefix, name: 'web', referenceCount: 1, references: [{ id: definition, property: 'approute' }], isActivatedByVsmart: false });
    expect(await failure(harness.session.delete(`/dataservice/template/policy/list/dataprefix/${prefix}`))).toEqual({
      status: 400,
      message: 'Failed to delete policy list (dataprefix)',
      details: 'web is referenced by aar and cannot be deleted while in use',
    });
    expect(await harness.client.delete('vsmart', policy)).toBe('deleted');
    expect(await harness.client.delete('appRoute', definition)).toBe('deleted');
    expect(await harness.client.delete('dataPrefix', prefix)).toBe('deleted');
    // Deleting what is gone: a 404 with "Failed to find specified resource", which the client calls success.
    expect(await failure(harness.session.delete(`/dataservice/template/policy/list/dataprefix/${prefix}`))).toMatchObject({ status: 404, message: 'Failed to find specified resource' });
    expect(await harness.client.delete('dataPrefix', prefix)).toBe('absent');
  });

  it('lists definitions without sequences and policies with policyDefinition as a JSON string', async () => {
    const harness = await start();
    const { definition, policy } = await objects(harness);
    const definitions = (await harness.session.get('/dataservice/template/policy/definition/approute')) as { data: Record<string, unknown>[] };
    expect(definitions.data[0]).toMatchObject({ definitionId: definition, referenceCount: 1 });
    expect(definitions.data[0]?.sequences).toBeUndefined();
    const full = (await harness.session.get(`/dataservice/template/policy/definition/approute/${definition}`)) as Record<string, unknown>;
    expect(full.sequences).toHaveLength(1);
    const policies = (await harness.session.get('/dataservice/template/policy/vsmart')) as { data: Record<string, unknown>[] };
    expect(policies.data[0]).toMatchObject({ policyId: policy, policyName: 'central', isPolicyActivated: false });
    expect(typeof policies.data[0]?.policyDefinition).toBe('string');
    expect(JSON.parse(policies.data[0]?.policyDefinition as string)).toMatchObject({ assembly: [{ definitionId: definition }] });
    // The client decodes it.
    const [read] = await harness.client.list('vsmart');
    expect(read?.body.policyDefinition).toMatchObject({ assembly: [{ definitionId: definition }] });
  });

  it('answers the policy create with an empty body by default, with the id when configured', async () => {
    const harness = await start({ policyCreateResponse: 'id' });
    const answer = await harness.session.post('/dataservice/template/policy/vsmart', { policyName: 'p', policyDescription: 'p', policyType: 'feature', policyDefinition: { assembly: [] } });
    expect(typeof (answer as { policyId?: unknown }).policyId).toBe('string');
    const quiet = await start();
    expect(await quiet.session.post('/dataservice/template/policy/vsmart', { policyName: 'p', policyDescription: 'p', policyType: 'feature', policyDefinition: { assembly: [] } })).toBeUndefined();
  });

  it('runs activation as a task on its clock: in progress, then done; one operation at a time', async () => {
    const harness = await start();
    const { policy } = await objects(harness);
    const task = await harness.client.activate(policy, false);
    const running = await harness.client.taskStatus(task);
    expect(running).toMatchObject({ status: 'in_progress', done: false, validation: 'validation_success' });
    expect(running.devices.map((device) => device.statusId)).toEqual(['in_progress']);
    expect(await harness.client.runningTasks()).toEqual([task]);
    const busy = await failure(harness.client.activate(policy, true));
    expect(busy.status).toBe(400);
    expect(busy.details).toContain('already in progress');
    harness.clock.advance(8000);
    const done = await harness.client.taskStatus(task);
    expect(done).toMatchObject({ status: 'done', done: true });
    expect(done.devices.map((device) => device.statusId)).toEqual(['success']);
    expect(await harness.client.runningTasks()).toEqual([]);
    expect((await harness.client.read('vsmart', policy))?.active).toBe(true);
    expect(harness.emulator.policy.effectiveAt()?.policyId).toBe(policy);

    const raw = (await harness.session.get(`/dataservice/device/action/status/${task}`)) as { summary: Record<string, unknown>; data: Record<string, unknown>[] };
    expect(typeof raw.summary.startTime).toBe('string');
    expect(typeof raw.data[0]?.startTime).toBe('number');
    expect(typeof raw.data[0]?.actionConfig).toBe('string');

    const off = await harness.client.deactivate(policy);
    harness.clock.advance(8000);
    expect((await harness.client.taskStatus(off)).done).toBe(true);
    expect((await harness.client.read('vsmart', policy))?.active).toBe(false);
    expect(harness.emulator.policy.effectiveAt()).toBeUndefined();
  });

  it('fails activation tasks on demand, leaving the previous policy in force', async () => {
    const harness = await start();
    const { policy } = await objects(harness);
    harness.emulator.policy.faults.failActivations(1);
    const task = await harness.client.activate(policy, false);
    harness.clock.advance(8000);
    const status = await harness.client.taskStatus(task);
    expect(status.done).toBe(true);
    expect(status.devices.map((device) => device.statusId)).toEqual(['failure']);
    expect(status.messages.at(-1)).toContain('Failed to push policy');
    expect((await harness.client.read('vsmart', policy))?.active).toBe(false);
    expect(harness.emulator.policy.effectiveAt()).toBeUndefined();
  });

  it('hangs activation tasks on demand, refusing other activations meanwhile, until they are released', async () => {
    const harness = await start();
    const { policy } = await objects(harness);
    harness.emulator.policy.faults.hangActivations(1);
    const hung = await harness.client.activate(policy, false);
    harness.clock.advance(24 * 3_600_000);
    expect(await harness.client.taskStatus(hung)).toMatchObject({ status: 'in_progress', done: false });
    expect(await harness.client.runningTasks()).toEqual([hung]);
    expect((await failure(harness.client.activate(policy, false))).details).toContain('already in progress');
    expect(harness.emulator.policy.effectiveAt()).toBeUndefined();

    expect(harness.emulator.policy.faults.releaseHungActivations('failure')).toBe(1);
    expect((await harness.client.taskStatus(hung)).devices.map((device) => device.statusId)).toEqual(['failure']);
    expect(harness.emulator.policy.effectiveAt()).toBeUndefined();
    // Counted: the next activation runs its normal course and takes effect.
    const next = await harness.client.activate(policy, false);
    harness.clock.advance(8000);
    expect(await harness.client.taskStatus(next)).toMatchObject({ status: 'done', done: true });
    expect(harness.emulator.policy.effectiveAt()?.policyId).toBe(policy);
    expect(harness.emulator.policy.faults.releaseHungActivations()).toBe(0);
  });

  it('names the affected vSmart template when an object of the active policy is edited, and keeps the edit off the controllers until re-activation', async () => {
    const harness = await start();
    const { prefix, policy } = await objects(harness);
    expect(await harness.client.update('dataPrefix', prefix, { name: 'web', type: 'dataPrefix', entries: [{ ipPrefix: '10.0.0.2/32' }] })).toEqual([]);
    await harness.client.activate(policy, false);
    harness.clock.advance(8000);
    expect(await harness.client.update('dataPrefix', prefix, { name: 'web', type: 'dataPrefix', entries: [{ ipPrefix: '10.0.0.3/32' }] })).toHaveLength(1);
    const enforced = () => JSON.stringify(harness.emulator.policy.effectiveAt()?.objects.get(prefix)?.body.entries);
    expect(enforced()).toContain('10.0.0.2/32');
    await harness.client.activate(policy, true);
    harness.clock.advance(8000);
    expect(enforced()).toContain('10.0.0.3/32');
    expect(await harness.client.preview(policy)).toContain('app-route-policy aar');
  });

  it('refuses duplicate names and references to objects that do not exist', async () => {
    const harness = await start();
    await harness.client.create('sla', { name: 'gold', type: 'sla', entries: [] });
    expect(await failure(harness.client.create('sla', { name: 'gold', type: 'sla', entries: [] }))).toMatchObject({ status: 400, message: 'Duplicate name' });
    expect(await failure(harness.client.create('appRoute', { name: 'x', type: 'appRoute', sequences: [{ match: { entries: [{ field: 'sourceDataPrefixList', ref: 'nope' }] } }] }))).toMatchObject({
      status: 400,
      message: 'Invalid reference',
    });
  });
});
