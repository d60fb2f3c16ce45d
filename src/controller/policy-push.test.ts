import { describe, expect, it } from 'vitest';
import type { DesiredPolicyState } from '../policy/policy-document.ts';
import type { PolicyPushReport } from '../policy/policy-applier.ts';
import { Leadership } from './leadership.ts';
import { policyPush } from './policy-push.ts';

const DESIRED: DesiredPolicyState = { clusterName: 'test', scope: { siteIds: [100], vpnIds: [1] }, services: [] };

function report(): PolicyPushReport {
  return {
    outcome: 'unchanged',
    startedAt: 0,
    durationMs: 0,
    diff: undefined,
    round: undefined,
    activation: undefined,
    error: undefined,
    rollbackError: undefined,
    restored: undefined,
    nextPushAt: undefined,
    notes: [],
  };
}

/** An applier that records the calls it gets, in order. */
function recordingApplier(calls: string[]) {
  return {
    startTerm: () => {
      calls.push('startTerm');
    },
    push: () => {
      calls.push('push');
      return Promise.resolve(report());
    },
  };
}

describe('policyPush', () => {
  it('tells the applier of each new leadership term once, before the term’s first push', async () => {
    const calls: string[] = [];
    const push = policyPush({ applier: recordingApplier(calls), dryRun: false });
    const leadership = new Leadership('me', { elected: true });
    leadership.setLeading(true);
    await push([], leadership.term(), DESIRED);
    await push([], leadership.term(), DESIRED);
    expect(calls).toEqual(['startTerm', 'push', 'push']);

    // Lost and won again: whatever the other leader did in between is unknown to this applier.
    leadership.setLeading(false);
    leadership.setLeading(true);
    await push([], leadership.term(), DESIRED);
    expect(calls).toEqual(['startTerm', 'push', 'push', 'startTerm', 'push']);
  });

  it('pushes nothing, and starts no term, without a desired policy', async () => {
    const calls: string[] = [];
    const push = policyPush({ applier: recordingApplier(calls), dryRun: false });
    await push([], Leadership.standalone().term(), undefined);
    expect(calls).toEqual([]);
  });
});
