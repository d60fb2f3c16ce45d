import { randomUUID } from 'node:crypto';
import type { PolicyStore } from './policy-store.ts';
import { nameOf, referencedIds } from './policy-store.ts';

/** What the controllers run after an activation: the policy and every object it reaches, as they were. */
export interface ActivePolicySnapshot {
  readonly policyId: string;
  readonly policyName: string;
  readonly body: Readonly<Record<string, unknown>>;
  /** Every list and definition the policy reaches, by id, as they were when activation was asked for. */
  readonly objects: ReadonlyMap<string, { readonly collection: string; readonly body: Readonly<Record<string, unknown>> }>;
}

/** A vSmart the task pushes to. */
export interface TaskDevice {
  readonly uuid: string;
  readonly systemIp: string;
  readonly hostName: string;
}

export interface PolicyTask {
  readonly id: string;
  readonly action: 'activate' | 'deactivate';
  readonly policyId: string;
  readonly policyName: string;
  readonly isEdited: boolean;
  readonly startedAt: number;
  readonly doneAt: number;
  readonly outcome: 'success' | 'failure' | 'validation-failure';
  readonly failureMessage: string;
  readonly devices: readonly TaskDevice[];
  /** Activation: what becomes active when the task succeeds; dropped once settled (the timeline has it). */
  snapshot: ActivePolicySnapshot | undefined;
  settled: boolean;
}

export interface PolicyTimelineEntry {
  readonly fromMs: number;
  readonly snapshot: ActivePolicySnapshot | undefined;
}

/** Bound on the activation history kept for the world (older flows then see the oldest kept policy). */
const MAX_TIMELINE = 256;
/**
 * How far back, in simulated time, the timeline answers exactly: flows are generated for the recent
 * past, and a fast-forwarded run activating every few simulated minutes must not keep every policy it
 * ever enforced.
 */
const TIMELINE_HORIZON_MS = 60 * 60_000;
/** Finished tasks kept for status queries; vManage forgets old ones too. */
const MAX_SETTLED_TASKS = 64;

/**
 * Activation and deactivation tasks on the emulator's clock. Nothing runs on timers: a task's state is
 * a function of the clock (in progress until `doneAt`), and `settle` applies finished tasks to the store
 * (`isPolicyActivated`) and to the timeline of what the controllers enforce, which the world reads.
 */
export class PolicyTasks {
  readonly #tasks = new Map<string, PolicyTask>();
  readonly #timeline: PolicyTimelineEntry[] = [];
  readonly #listeners = new Set<(entry: PolicyTimelineEntry) => void>();
  /** Whether older entries were dropped (then times before the first kept one get the oldest kept policy). */
  #trimmed = false;

  get(id: string): PolicyTask | undefined {
    return this.#tasks.get(id);
  }

  running(now: number): PolicyTask[] {
    return [...this.#tasks.values()].filter((task) => now < task.doneAt);
  }

  start(task: Omit<PolicyTask, 'id' | 'settled'>): PolicyTask {
    const created: PolicyTask = { ...task, id: randomUUID(), settled: false };
    this.#tasks.set(created.id, created);
    return created;
  }

  /** Ends every task that would never finish (hung by fault) at `now`, with `outcome`; returns how many. */
  endHung(now: number, outcome: PolicyTask['outcome']): number {
    let ended = 0;
    for (const task of this.#tasks.values()) {
      if (task.doneAt !== Number.POSITIVE_INFINITY) continue;
      this.#tasks.set(task.id, { ...task, doneAt: now, outcome });
      ended++;
    }
    return ended;
  }

  /** Applies every task finished by `now`, in completion order. */
  settle(now: number, store: PolicyStore): void {
    const due = [...this.#tasks.values()].filter((task) => !task.settled && task.doneAt <= now).sort((a, b) => a.doneAt - b.doneAt);
    for (const task of due) {
      task.settled = true;
      const { snapshot } = task;
      task.snapshot = undefined;
      this.#forgetOldTasks();
      if (task.outcome !== 'success') continue;
      if (task.action === 'activate') {
        // Only one centralized policy is active on the vSmarts at a time.
        for (const object of store.inCollection('vsmart', 'vsmart')) object.activated = object.id === task.policyId;
        this.#record({ fromMs: task.doneAt, snapshot });
      } else {
        const policy = store.get(task.policyId);
        if (policy !== undefined) policy.activated = false;
        this.#record({ fromMs: task.doneAt, snapshot: undefined });
      }
    }
  }

  /** What the controllers enforced at `timeMs` (by the timeline settled so far). */
  effectiveAt(timeMs: number): ActivePolicySnapshot | undefined {
    for (let i = this.#timeline.length - 1; i >= 0; i--) {
      const entry = this.#timeline[i];
      if (entry !== undefined && entry.fromMs <= timeMs) return entry.snapshot;
    }
    // Before the history kept: the oldest kept policy, rather than none at all.
    return this.#trimmed ? this.#timeline[0]?.snapshot : undefined;
  }

  /** Drops the oldest finished tasks beyond MAX_SETTLED_TASKS (Map order is start order). */
  #forgetOldTasks(): void {
    let settled = 0;
    for (const task of this.#tasks.values()) if (task.settled) settled++;
    for (const [id, task] of this.#tasks) {
      if (settled <= MAX_SETTLED_TASKS) break;
      if (!task.settled) continue;
      this.#tasks.delete(id);
      settled--;
    }
  }

  /** Called when an activation or deactivation takes effect. Returns the unsubscribe function. */
  onChange(listener: (entry: PolicyTimelineEntry) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #record(entry: PolicyTimelineEntry): void {
    this.#timeline.push(entry);
    const before = this.#timeline.length;
    if (this.#timeline.length > MAX_TIMELINE) this.#timeline.splice(0, this.#timeline.length - MAX_TIMELINE);
    // Entries superseded before the horizon go; the one in force at the horizon stays.
    while ((this.#timeline[1]?.fromMs ?? Number.POSITIVE_INFINITY) <= entry.fromMs - TIMELINE_HORIZON_MS) this.#timeline.shift();
    if (this.#timeline.length < before) this.#trimmed = true;
    for (const listener of [...this.#listeners]) listener(entry);
  }
}

/** The policy and everything it reaches, deep-copied: later edits do not reach the controllers until re-activated. */
export function snapshotPolicy(store: PolicyStore, policyId: string): ActivePolicySnapshot | undefined {
  const policy = store.get(policyId);
  if (policy?.kind !== 'vsmart') return undefined;
  const objects = new Map<string, { collection: string; body: Record<string, unknown> }>();
  const pending = [...referencedIds(policy.body)];
  for (let id = pending.pop(); id !== undefined; id = pending.pop()) {
    if (objects.has(id)) continue;
    const object = store.get(id);
    if (object === undefined) continue;
    objects.set(id, { collection: object.collection, body: structuredClone(object.body) });
    pending.push(...referencedIds(object.body));
  }
  return { policyId, policyName: nameOf(policy.body), body: structuredClone(policy.body), objects };
}
