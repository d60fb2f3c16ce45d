import type { Clock, Sleep } from '../domain/clock.ts';
import { isIsthmusError } from '../domain/isthmus-error.ts';
import { isVmanageError, VMANAGE_ERROR_CODES } from '../vmanage/vmanage-error.ts';
import { diffPolicy } from './diff-policy.ts';
import type { PolicyChange, PolicyDiff } from './diff-policy.ts';
import { mapReferences } from './map-references.ts';
import type { PolicyDocument, PolicyObjectKind } from './policy-document.ts';
import { PolicyError, POLICY_ERROR_CODES } from './policy-error.ts';
import { POLICY_OBJECT_KIND_ORDER } from './policy-object-kinds.ts';
import { policyOwnership } from './policy-ownership.ts';
import type { RealizedPolicyObject, RealizedPolicyState } from './realized-policy.ts';
import { ALREADY_IN_PROGRESS } from './vmanage-policy-client.ts';
import type { PolicyTaskStatus, VmanagePolicyClient } from './vmanage-policy-client.ts';

/** A step of a round, reported as it completes (progress, and a seam for tests that simulate a crash). */
export type PolicyStep =
  | { readonly type: 'change'; readonly change: PolicyChange }
  | { readonly type: 'activation-started'; readonly taskId: string; readonly isEdited: boolean }
  | { readonly type: 'activation-done'; readonly taskId: string };

export interface ApplyPolicyOptions {
  readonly clock: Clock;
  readonly sleep: Sleep;
  /** May Isthmus create (and first activate) its own policy? Ignored when adopting. */
  readonly bootstrap: boolean;
  /** Name of an existing centralized policy to add Isthmus' definitions to instead. */
  readonly adopt?: string;
  /** Read and diff only. */
  readonly dryRun?: boolean;
  /** Activate even when nothing differs (an earlier round may have edited without activating). */
  readonly forceActivation?: boolean;
  /** Between task status polls. Default 5 s (terraform's cadence). */
  readonly taskPollIntervalMs?: number;
  /** Give up on an activation task after this long. Default 10 min. */
  readonly taskTimeoutMs?: number;
  readonly signal?: AbortSignal;
  readonly onStep?: (step: PolicyStep) => void;
}

export interface PolicyActivation {
  readonly taskId: string;
  readonly isEdited: boolean;
  readonly status: PolicyTaskStatus;
}

/** What one round did. */
export interface PolicyRound {
  readonly diff: PolicyDiff;
  /** Changes made, in order (none in a dry run). */
  readonly applied: readonly PolicyChange[];
  readonly activation: PolicyActivation | undefined;
  /** Templates vManage reported affected by updates of referenced objects; the activation re-pushes them. */
  readonly masterTemplatesAffected: readonly string[];
  /** Deletes that failed (still referenced, say): retried by the next round, not a failed push. */
  readonly deferredDeletes: readonly { readonly name: string; readonly reason: string }[];
}

/** Device statuses of a successful activation. */
const DEVICE_SUCCESS = new Set(['success', 'success_scheduled', 'done', '']);
const IN_PROGRESS_RETRIES = 3;

/**
 * One reconcile round of the desired document against vManage: read back what Isthmus owns, diff,
 * apply the changes in a safe order (lists, then definitions, then the policy), activate at most once
 * — an active policy is re-activated with `isEdited`, never deactivated first — wait for the task and
 * check every device, and only then delete what is no longer wanted (by then unreferenced). Objects
 * Isthmus does not own are never written. Throws a PolicyError; whatever was applied before the
 * failure stays applied (the applier decides about rolling back).
 */
export async function applyPolicy(client: VmanagePolicyClient, document: PolicyDocument, options: ApplyPolicyOptions): Promise<PolicyRound> {
  const realized = await vmanageStep(() => readRealized(client, document.clusterName, options.adopt));
  const diff = diffPolicy(document, realized, options.adopt === undefined ? {} : { adopt: options.adopt });
  const empty: PolicyRound = { diff, applied: [], activation: undefined, masterTemplatesAffected: [], deferredDeletes: [] };
  if (options.dryRun === true) return empty;
  checkPreconditions(diff, realized, options);
  const policy = diff.policy;
  if (policy === undefined) throw new PolicyError(POLICY_ERROR_CODES.noPolicy, 'no centralized policy to manage');

  const ids = new Map<string, string>();
  for (const object of [...realized.owned, ...realized.foreign]) ids.set(object.name, object.id);
  const applied: PolicyChange[] = [];
  const affected = new Set<string>();
  const upserts = diff.changes.filter((change) => change.op !== 'delete');
  for (const change of upserts) {
    checkAborted(options.signal);
    const body = mapReferences(change.kind === 'vsmart' ? { ...change.body, isPolicyActivated: policy.active } : change.body, ids) as Record<string, unknown>;
    if (change.op === 'create') {
      ids.set(change.name, await vmanageStep(() => client.create(change.kind, body)));
    } else {
      for (const template of await vmanageStep(() => client.update(change.kind, change.id, body))) affected.add(template);
    }
    applied.push(change);
    options.onStep?.({ type: 'change', change });
  }

  let activation: PolicyActivation | undefined;
  if (upserts.length > 0 || !policy.active || options.forceActivation === true) {
    checkAborted(options.signal);
    const policyId = ids.get(policy.name) ?? policy.id;
    if (policyId === undefined) throw new PolicyError(POLICY_ERROR_CODES.protocol, `policy ${policy.name} has no id after creation`);
    activation = await activate(client, policyId, policy.active, options);
  }

  const deferredDeletes: { name: string; reason: string }[] = [];
  for (const change of diff.changes) {
    if (change.op !== 'delete') continue;
    checkAborted(options.signal);
    try {
      await client.delete(change.kind, change.id);
      applied.push(change);
      options.onStep?.({ type: 'change', change });
    } catch (error) {
      // Pruning is cleanup, not the push: vManage may take a moment to notice an object is unreferenced
      // (reference §6.4), or refuse for a reason of its own; the next round tries again.
      if (!isVmanageError(error) || error.code !== VMANAGE_ERROR_CODES.api) throw wrap(error);
      deferredDeletes.push({ name: change.name, reason: error.apiError?.details ?? error.message });
    }
  }
  return { diff, applied, activation, masterTemplatesAffected: [...affected].sort(), deferredDeletes };
}

/** Everything of the kinds Isthmus renders, split by ownership; definitions and policies read in full when owned (or adopted). */
export async function readRealized(client: VmanagePolicyClient, clusterName: string, adopt?: string): Promise<RealizedPolicyState> {
  const owner = policyOwnership(clusterName);
  const owned: RealizedPolicyObject[] = [];
  const foreign: RealizedPolicyObject[] = [];
  const kinds: readonly PolicyObjectKind[] = POLICY_OBJECT_KIND_ORDER;
  for (const kind of kinds) {
    const select = (name: string, description: string | undefined) => owner.owns(name, description) || (kind === 'vsmart' && name === adopt);
    for (const object of await client.list(kind, select)) {
      (owner.owns(object.name, object.description) ? owned : foreign).push(object);
    }
  }
  return { owned, foreign };
}

function checkPreconditions(diff: PolicyDiff, realized: RealizedPolicyState, options: ApplyPolicyOptions): void {
  const first = diff.conflicts[0];
  if (first !== undefined) {
    throw new PolicyError(
      POLICY_ERROR_CODES.conflict,
      `${diff.conflicts.length} object name(s) Isthmus needs belong to someone else (first: ${first.kind} ${first.name}, id ${first.foreignId}); rename or remove them — Isthmus never touches objects it does not own`,
    );
  }
  if (options.adopt !== undefined && diff.policy === undefined) {
    throw new PolicyError(POLICY_ERROR_CODES.noPolicy, `the centralized policy ${options.adopt} to adopt does not exist on vManage`);
  }
  if (options.adopt === undefined && diff.policy?.id === undefined && !options.bootstrap) {
    throw new PolicyError(POLICY_ERROR_CODES.noPolicy, 'Isthmus has no centralized policy on vManage and may not create one: allow bootstrapping, or adopt an existing policy');
  }
  if (diff.policy !== undefined && !diff.policy.active) {
    // Only one centralized policy is active at a time: activating ours would silently replace theirs.
    const active = realized.foreign.find((object) => object.kind === 'vsmart' && object.active && object.name !== diff.policy?.name);
    if (active !== undefined) {
      throw new PolicyError(POLICY_ERROR_CODES.foreignActive, `centralized policy ${active.name} is active; activating Isthmus' own would replace it — adopt it instead`);
    }
  }
}

/** Activates (retrying while another operation runs), then waits for the task and checks each device. */
async function activate(client: VmanagePolicyClient, policyId: string, isEdited: boolean, options: ApplyPolicyOptions): Promise<PolicyActivation> {
  const deadline = options.clock.now() + (options.taskTimeoutMs ?? 600_000);
  let taskId: string | undefined;
  for (let attempt = 0; taskId === undefined; attempt++) {
    try {
      taskId = await client.activate(policyId, isEdited);
    } catch (error) {
      const busy = isVmanageError(error) && ALREADY_IN_PROGRESS.test(`${error.message} ${error.apiError?.details ?? ''}`);
      if (!busy || attempt >= IN_PROGRESS_RETRIES) throw wrap(error);
      await waitForIdle(client, deadline, options);
    }
  }
  options.onStep?.({ type: 'activation-started', taskId, isEdited });
  const status = await pollTask(client, taskId, deadline, options);
  const failed = status.devices.filter((device) => !DEVICE_SUCCESS.has(device.statusId));
  if ((status.validation !== undefined && status.validation !== 'validation_success') || failed.length > 0) {
    const who = failed.map((device) => `${device.systemIp ?? device.deviceId}: ${device.statusId}`).join(', ');
    const why = status.messages.at(-1);
    throw new PolicyError(POLICY_ERROR_CODES.activation, `activation task ${taskId} failed${who === '' ? '' : ` (${who})`}${why === undefined ? '' : `: ${why}`}`, { retryable: true });
  }
  options.onStep?.({ type: 'activation-done', taskId });
  return { taskId, isEdited, status };
}

async function pollTask(client: VmanagePolicyClient, taskId: string, deadline: number, options: ApplyPolicyOptions): Promise<PolicyTaskStatus> {
  for (;;) {
    checkAborted(options.signal);
    const status = await vmanageStep(() => client.taskStatus(taskId));
    if (status.done) return status;
    if (options.clock.now() >= deadline) {
      throw new PolicyError(POLICY_ERROR_CODES.timeout, `activation task ${taskId} still ${status.status} at the deadline`, { retryable: true });
    }
    await options.sleep(Math.min(options.taskPollIntervalMs ?? 5000, Math.max(0, deadline - options.clock.now())), options.signal);
  }
}

/** "Operation already in progress": wait until vManage runs no task (l7mp's approach), within the deadline. */
async function waitForIdle(client: VmanagePolicyClient, deadline: number, options: ApplyPolicyOptions): Promise<void> {
  for (;;) {
    checkAborted(options.signal);
    await options.sleep(options.taskPollIntervalMs ?? 5000, options.signal);
    if ((await vmanageStep(() => client.runningTasks())).length === 0) return;
    if (options.clock.now() >= deadline) throw new PolicyError(POLICY_ERROR_CODES.timeout, 'vManage kept another operation running past the deadline', { retryable: true });
  }
}

async function vmanageStep<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw wrap(error);
  }
}

function wrap(error: unknown): Error {
  if (error instanceof PolicyError) return error;
  if (isVmanageError(error)) return new PolicyError(POLICY_ERROR_CODES.vmanage, error.message, { cause: error, retryable: error.retryable });
  if (isIsthmusError(error)) return error;
  return error instanceof Error ? error : new Error(String(error));
}

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw new PolicyError(POLICY_ERROR_CODES.aborted, 'the policy push was aborted', { retryable: true });
}
