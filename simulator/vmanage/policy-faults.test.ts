import { afterEach, describe, expect, it } from 'vitest';
import { policyHarness } from '../../src/policy/testdata/policy-harness.ts';
import type { PolicyHarness } from '../../src/policy/testdata/policy-harness.ts';

let harnesses: PolicyHarness[] = [];

afterEach(async () => {
  for (const harness of harnesses) harness.emulator.policy.faults.reset();
  await Promise.all(harnesses.map((harness) => harness.close()));
  harnesses = [];
});

async function start(): Promise<PolicyHarness> {
  const harness = await policyHarness();
  harnesses.push(harness);
  return harness;
}

/** A policy with nothing in it: enough to activate. */
async function emptyPolicy(harness: PolicyHarness): Promise<string> {
  return harness.client.create('vsmart', { policyName: 'central', policyDescription: 'central', policyType: 'feature', policyDefinition: { assembly: [] } });
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within 5 s`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function activationStatuses(harness: PolicyHarness): number[] {
  return harness.emulator.policy.requests.filter((request) => request.path.includes('/vsmart/activate/')).map((request) => request.status);
}

describe('vManage emulator: held activations', () => {
  it('holds an activation unanswered and without a task until released, then starts it from the store as it is then', async () => {
    const harness = await start();
    const policy = await emptyPolicy(harness);
    const { faults } = harness.emulator.policy;
    faults.holdActivations();
    let answered = false;
    const activation = harness.client.activate(policy, false).finally(() => {
      answered = true;
    });
    await until(() => faults.heldActivations === 1, 'the held request');
    // Other calls go on meanwhile; no task runs and nothing is active.
    expect(await harness.client.runningTasks()).toEqual([]);
    expect(answered).toBe(false);
    harness.clock.advance(60_000);
    faults.releaseActivations('proceed');
    const task = await activation;
    expect(faults.heldActivations).toBe(0);
    expect(harness.emulator.policy.task(task)?.startedAt).toBe(harness.clock.now());
    harness.clock.advance(8000);
    expect((await harness.client.taskStatus(task)).done).toBe(true);
    expect(harness.emulator.policy.effectiveAt()?.policyId).toBe(policy);
    expect(activationStatuses(harness)).toEqual([200]);
  });

  it('refuses held activations with 503 when told to, and serves later ones normally', async () => {
    const harness = await start();
    const policy = await emptyPolicy(harness);
    const { faults } = harness.emulator.policy;
    faults.holdActivations();
    // The session retries a 503: the retry arrives after the release and is served.
    const activation = harness.client.activate(policy, false);
    await until(() => faults.heldActivations === 1, 'the held request');
    faults.releaseActivations('refuse');
    const task = await activation;
    expect(activationStatuses(harness)).toEqual([503, 200]);
    harness.clock.advance(8000);
    expect((await harness.client.taskStatus(task)).done).toBe(true);
  });

  it('refuses whatever is held on reset', async () => {
    const harness = await start();
    const policy = await emptyPolicy(harness);
    const { faults } = harness.emulator.policy;
    faults.holdActivations();
    const activation = harness.client.activate(policy, false);
    await until(() => faults.heldActivations === 1, 'the held request');
    faults.reset();
    await activation;
    expect(activationStatuses(harness)).toEqual([503, 200]);
  });
});
