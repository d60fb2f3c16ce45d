import { describe, expect, it } from 'vitest';
import { Leadership } from './leadership.ts';

describe('Leadership', () => {
  it('runs gated actions only while leading, each term with its own signal', () => {
    const leadership = new Leadership('pod-a_1', { elected: true });
    const changes: boolean[] = [];
    leadership.onChange((leading) => changes.push(leading));
    expect(leadership.isLeader()).toBe(false);
    expect(leadership.term().aborted).toBe(true);
    expect(leadership.ifLeader(() => 'pushed')).toBeUndefined();

    leadership.setLeading(true);
    const first = leadership.term();
    expect(leadership.ifLeader((term) => (term === first ? 'pushed' : 'wrong term'))).toBe('pushed');
    expect(leadership.leader()).toBe('pod-a_1');
    leadership.setLeading(true); // no change, no event

    leadership.setLeading(false);
    expect(first.aborted).toBe(true);
    expect(leadership.ifLeader(() => 'pushed')).toBeUndefined();
    leadership.setLeading(true);
    expect(leadership.term()).not.toBe(first);
    expect(leadership.term().aborted).toBe(false);
    expect(changes).toEqual([true, false, true]);
  });

  it('aborts the term before listeners run, and survives a throwing listener', () => {
    const leadership = new Leadership('pod-a_1', { elected: true });
    leadership.setLeading(true);
    const term = leadership.term();
    const seen: boolean[] = [];
    leadership.onChange(() => {
      throw new Error('bad listener');
    });
    const unsubscribe = leadership.onChange(() => seen.push(term.aborted));
    leadership.setLeading(false);
    expect(seen).toEqual([true]);
    unsubscribe();
    leadership.setLeading(true);
    expect(seen).toEqual([true]);
  });

  it('describes itself for /readyz', () => {
    const leadership = new Leadership('pod-a_1', { elected: true });
    expect(leadership.describe()).toBe('follower (pod-a_1); no leader observed');
    leadership.observeLeader('pod-b_2');
    expect(leadership.leader()).toBe('pod-b_2');
    expect(leadership.describe()).toBe('follower (pod-a_1); leader pod-b_2');
    leadership.observeLeader('');
    expect(leadership.leader()).toBeUndefined();
    leadership.setLeading(true);
    expect(leadership.describe()).toBe('leader (pod-a_1)');
    expect(Leadership.standalone().describe()).toBe('leader (standalone, leader election disabled)');
    expect(Leadership.standalone().isLeader()).toBe(true);
  });
});
