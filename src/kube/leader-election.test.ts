import { afterEach, describe, expect, it } from 'vitest';
import { KubeConfig } from '@kubernetes/client-node';
import { startKubeEmulator } from '../../simulator/kube/kube-emulator.ts';
import type { KubeEmulator } from '../../simulator/kube/kube-emulator.ts';
import type { Clock } from '../domain/clock.ts';
import { KUBE_ERROR_CODES } from './kube-error.ts';
import { LeaderElector } from './leader-election.ts';
import type { LeaderElectionEvent } from './leader-election.ts';
import { createLeaseLock } from './lease-lock.ts';
import type { Sleep } from '../domain/clock.ts';

interface Timer {
  readonly at: number;
  readonly fire: () => void;
}

/**
 * Virtual time shared by the candidates: sleeps wait for `advance`, which fires them in time order and,
 * after each, lets the woken candidates do their (real) HTTP round trips until all wait again.
 */
class VirtualTime {
  nowMs = 0;
  readonly clock: Clock = { now: () => this.nowMs };
  readonly #timers = new Set<Timer>();

  readonly sleep: Sleep = (ms, signal) =>
    new Promise((resolve) => {
      const timer: Timer = {
        at: this.nowMs + ms,
        fire: () => {
          this.#timers.delete(timer);
          resolve();
        },
      };
      this.#timers.add(timer);
      signal?.addEventListener('abort', timer.fire, { once: true });
    });

  get waiting(): number {
    return this.#timers.size;
  }

  async settle(candidates: number): Promise<void> {
    await eventually(() => this.#timers.size >= candidates);
  }

  async advance(ms: number, candidates: number): Promise<void> {
    const target = this.nowMs + ms;
    for (;;) {
      await this.settle(candidates);
      const next = [...this.#timers].sort((a, b) => a.at - b.at)[0];
      if (next === undefined || next.at > target) break;
      this.nowMs = Math.max(this.nowMs, next.at);
      next.fire();
    }
    this.nowMs = target;
  }
}

async function eventually(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

let emulator: KubeEmulator | undefined;
const electors: LeaderElector[] = [];

afterEach(async () => {
  await Promise.all(electors.splice(0).map((elector) => elector.stop()));
  await emulator?.close();
  emulator = undefined;
});

async function setup(): Promise<{ server: KubeEmulator; time: VirtualTime; candidate: (identity: string, options?: { releaseOnStop?: boolean }) => { elector: LeaderElector; events: LeaderElectionEvent[] } }> {
  const server = await startKubeEmulator({ token: 'election' });
  emulator = server;
  const time = new VirtualTime();
  const candidate = (identity: string, options: { releaseOnStop?: boolean } = {}): { elector: LeaderElector; events: LeaderElectionEvent[] } => {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(server.kubeconfig());
    const events: LeaderElectionEvent[] = [];
    const elector = new LeaderElector({
      lock: createLeaseLock(kubeConfig, 'kube-system', 'isthmus'),
      identity,
      leaseDurationMs: 15_000,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 2000,
      clock: time.clock,
      sleep: time.sleep,
      random: () => 0,
      onEvent: (event) => events.push(event),
      ...options,
    });
    electors.push(elector);
    return { elector, events };
  };
  return { server, time, candidate };
}

function holder(server: KubeEmulator): unknown {
  return (server.store.get('Lease', 'kube-system', 'isthmus') as { spec?: { holderIdentity?: string } } | undefined)?.spec?.holderIdentity;
}

function transitions(server: KubeEmulator): unknown {
  return (server.store.get('Lease', 'kube-system', 'isthmus') as { spec?: { leaseTransitions?: number } } | undefined)?.spec?.leaseTransitions;
}

describe('LeaderElector against the API emulator, two candidates', () => {
  it('elects exactly one leader; the other follows while the leader renews', async () => {
    const { server, time, candidate } = await setup();
    const a = candidate('a');
    const b = candidate('b');
    a.elector.start();
    b.elector.start();
    await time.settle(2);
    for (let step = 0; step < 30; step++) {
      await time.advance(2000, 2);
      expect([a.elector.isLeader(), b.elector.isLeader()].filter(Boolean)).toHaveLength(1);
    }
    const leader = a.elector.isLeader() ? a : b;
    const follower = leader === a ? b : a;
    expect(holder(server)).toBe(leader.elector.identity);
    expect(follower.elector.leader()).toBe(leader.elector.identity);
    expect(leader.events.filter((event) => event.type === 'started-leading')).toHaveLength(1);
    expect(follower.events.filter((event) => event.type === 'started-leading')).toHaveLength(0);
    const renewals = server.requests.filter((request) => request.verb === 'update' && request.resource === 'leases' && request.status === 200).length;
    expect(renewals).toBeGreaterThanOrEqual(28);
  });

  it('hands over at the next attempt when the leader stops and releases the lease', async () => {
    const { server, time, candidate } = await setup();
    const a = candidate('a');
    a.elector.start();
    await time.settle(1);
    expect(a.elector.isLeader()).toBe(true);
    const b = candidate('b');
    b.elector.start();
    await time.advance(4000, 2);
    expect(b.elector.isLeader()).toBe(false);
    await a.elector.stop();
    expect(holder(server)).toBe('');
    expect(a.events.at(-1)).toEqual({ type: 'stopped-leading', identity: 'a', reason: 'stopped' });
    await time.advance(2000, 1);
    expect(b.elector.isLeader()).toBe(true);
    expect(holder(server)).toBe('b');
    expect(transitions(server)).toBe(1);
  });

  it('takes over from a crashed leader only after the lease duration has passed unrenewed', async () => {
    const { server, time, candidate } = await setup();
    const a = candidate('a', { releaseOnStop: false });
    a.elector.start();
    await time.settle(1);
    const b = candidate('b');
    b.elector.start();
    await time.advance(6000, 2);
    await a.elector.stop();
    const crashedAt = time.nowMs;
    expect(holder(server)).toBe('a');
    await time.advance(14_000, 1);
    expect(b.elector.isLeader()).toBe(false);
    await time.advance(6000, 1);
    expect(b.elector.isLeader()).toBe(true);
    expect(holder(server)).toBe('b');
    const tookOverAt = b.events.findIndex((event) => event.type === 'started-leading');
    expect(tookOverAt).toBeGreaterThanOrEqual(0);
    expect(time.nowMs - crashedAt).toBeGreaterThanOrEqual(15_000);
  });

  it('steps down when it cannot renew within the renew deadline, and comes back when the API does', async () => {
    const { server, time, candidate } = await setup();
    const a = candidate('a');
    a.elector.start();
    await time.settle(1);
    expect(a.elector.isLeader()).toBe(true);
    server.faults.failNext(1000, 503, { match: { resource: 'leases' } });
    await time.advance(8000, 1);
    expect(a.elector.isLeader()).toBe(true);
    await time.advance(4000, 1);
    expect(a.elector.isLeader()).toBe(false);
    expect(a.events).toContainEqual({ type: 'stopped-leading', identity: 'a', reason: 'renew-deadline' });
    const failure = a.events.find((event) => event.type === 'attempt-failed');
    expect(failure?.type === 'attempt-failed' ? failure.error.code : undefined).toBe(KUBE_ERROR_CODES.unavailable);
    server.faults.reset();
    await time.advance(2000, 1);
    expect(a.elector.isLeader()).toBe(true);
    expect(a.events.filter((event) => event.type === 'started-leading')).toHaveLength(2);
  });

  it('steps down at once when it sees another holder on the lease', async () => {
    const { server, time, candidate } = await setup();
    const a = candidate('a');
    a.elector.start();
    await time.settle(1);
    const lease = server.store.get('Lease', 'kube-system', 'isthmus');
    if (lease === undefined) throw new Error('no lease');
    server.store.apply({ ...lease, spec: { ...(lease.spec as object), holderIdentity: 'intruder' } });
    await time.advance(2000, 1);
    expect(a.elector.isLeader()).toBe(false);
    expect(a.events).toContainEqual({ type: 'stopped-leading', identity: 'a', reason: 'taken-over' });
    expect(a.elector.leader()).toBe('intruder');
  });

  it('refuses inconsistent timings', () => {
    const lock = { description: 'x', get: () => Promise.resolve(undefined), create: () => Promise.reject(new Error('unused')), update: () => Promise.reject(new Error('unused')) };
    expect(() => new LeaderElector({ lock, identity: 'a', leaseDurationMs: 10_000, renewDeadlineMs: 10_000, retryPeriodMs: 2000 })).toThrow(RangeError);
  });
});
