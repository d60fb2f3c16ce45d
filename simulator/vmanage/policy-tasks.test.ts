import { describe, expect, it } from 'vitest';
import { PolicyStore } from './policy-store.ts';
import { PolicyTasks } from './policy-tasks.ts';
import type { ActivePolicySnapshot, PolicyTask } from './policy-tasks.ts';

const HOUR = 3_600_000;

function snapshotNamed(policyName: string): ActivePolicySnapshot {
  return { policyId: policyName, policyName, body: {}, objects: new Map() };
}

function activation(startedAt: number, policyName: string): Omit<PolicyTask, 'id' | 'settled'> {
  return {
    action: 'activate',
    policyId: policyName,
    policyName,
    isEdited: true,
    startedAt,
    doneAt: startedAt + 1000,
    outcome: 'success',
    failureMessage: '',
    devices: [],
    snapshot: snapshotNamed(policyName),
  };
}

describe('PolicyTasks retention', () => {
  it('keeps a bounded number of finished tasks, and no snapshot once a task has settled', () => {
    const tasks = new PolicyTasks();
    const store = new PolicyStore();
    const ids: string[] = [];
    for (let i = 0; i < 100; i++) {
      ids.push(tasks.start(activation(i * 10_000, `p${i}`)).id);
      tasks.settle(i * 10_000 + 1000, store);
    }
    const kept = ids.filter((id) => tasks.get(id) !== undefined);
    expect(kept.length).toBe(64);
    expect(kept).toEqual(ids.slice(-64));
    expect(kept.map((id) => tasks.get(id)?.snapshot)).toEqual(kept.map(() => undefined));
    expect(tasks.effectiveAt(99 * 10_000 + 1000)?.policyName).toBe('p99');
  });

  it('answers exactly for the last hour of simulated time, and with the oldest kept policy before it', () => {
    const tasks = new PolicyTasks();
    const store = new PolicyStore();
    // One activation every 10 simulated minutes for 3 hours.
    for (let i = 0; i <= 18; i++) {
      tasks.start(activation(i * 600_000, `p${i}`));
      tasks.settle(i * 600_000 + 1000, store);
    }
    const now = 18 * 600_000 + 1000;
    expect(tasks.effectiveAt(now)?.policyName).toBe('p18');
    expect(tasks.effectiveAt(now - HOUR + 1)?.policyName).toBe('p12');
    expect(tasks.effectiveAt(now - HOUR - 300_000)?.policyName).toBe('p12');
    expect(tasks.effectiveAt(0)?.policyName).toBe('p12');
    expect(new PolicyTasks().effectiveAt(0)).toBeUndefined();
  });
});
