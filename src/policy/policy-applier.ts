import type { Clock, Sleep } from '../domain/clock.ts';
import { isIsthmusError } from '../domain/isthmus-error.ts';
import type { IsthmusError } from '../domain/isthmus-error.ts';
import { silentLog } from '../vmanage/log-port.ts';
import type { LogPort } from '../vmanage/log-port.ts';
import { applyPolicy } from './apply-policy.ts';
import type { PolicyActivation, PolicyRound, PolicyStep } from './apply-policy.ts';
import { canonicalJson } from './canonical-json.ts';
import type { PolicyDiff } from './diff-policy.ts';
import type { DesiredPolicyState, PolicyDocument } from './policy-document.ts';
import { PolicyError, POLICY_ERROR_CODES } from './policy-error.ts';
import { renderPolicy } from './render-policy.ts';
import type { VmanagePolicyClient } from './vmanage-policy-client.ts';

/**
 * How a push ended — the `result` label of `isthmus_policy_pushes_total`:
 * `applied` (changes pushed and activated), `unchanged` (vManage already held the document),
 * `deferred` (within the minimum interval; coalesced into the next push), `dry-run`, `not-leader`,
 * `rolled-back` (failed, and the last good document was restored), `failed`.
 */
export type PolicyPushOutcome = 'applied' | 'unchanged' | 'deferred' | 'dry-run' | 'not-leader' | 'rolled-back' | 'failed';

export interface PolicyPushReport {
  readonly outcome: PolicyPushOutcome;
  readonly startedAt: number;
  /** For `isthmus_policy_push_duration_seconds` (ms here). */
  readonly durationMs: number;
  /** The diff against vManage (absent when nothing was read: deferred, not leader, invalid input). */
  readonly diff: PolicyDiff | undefined;
  readonly round: PolicyRound | undefined;
  readonly activation: PolicyActivation | undefined;
  readonly error: IsthmusError | undefined;
  /** When rolling back failed too. */
  readonly rollbackError: IsthmusError | undefined;
  /** The document vManage holds after a rollback (the last good one). */
  readonly restored: PolicyDocument | undefined;
  /** When a deferred push may go. */
  readonly nextPushAt: number | undefined;
  readonly notes: readonly string[];
}

export interface PolicyApplierOptions {
  readonly client: VmanagePolicyClient;
  readonly clock: Clock;
  readonly sleep: Sleep;
  /** The Lease guard: only the leader pushes. Dry runs are allowed to anyone. */
  readonly isLeader: () => boolean;
  /** May Isthmus create its own centralized policy (and activate it when no other is active)? Default true. */
  readonly bootstrap?: boolean;
  /** Name of an existing centralized policy to add Isthmus' definitions to, instead of owning one. */
  readonly adopt?: string;
  /** Minimum time between pushes; changes in between are coalesced. Default 60 s. */
  readonly minPushIntervalMs?: number;
  readonly taskPollIntervalMs?: number;
  readonly taskTimeoutMs?: number;
  /** Called with every report (metrics, Events). Exceptions it throws are ignored. */
  readonly onReport?: (report: PolicyPushReport) => void;
  readonly logger?: LogPort;
}

export interface PushOptions {
  readonly dryRun?: boolean;
  readonly signal?: AbortSignal;
  readonly onStep?: (step: PolicyStep) => void;
}

/**
 * Pushes desired policy to vManage, level-triggered: each call renders, reads back, diffs and applies
 * what differs (see applyPolicy). Around the round it keeps what a single round cannot know:
 *
 * - the last good document, restored when a round fails after changing something;
 * - the time of the last push, so pushes are at least `minPushIntervalMs` apart (calls in between
 *   are deferred; the next call after the interval pushes the latest document — changes coalesce);
 * - whether an activation may be owed: a round that edited and then failed, or a fresh process or a
 *   new leadership term (`startTerm`: neither can know whether the previous leader crashed between an
 *   edit and the activation), re-activates once even when the content already matches. One idempotent
 *   activation per term is the price of never leaving vManage's stored policy and the controllers'
 *   running one apart.
 *
 * Never throws for a failed push: the report carries the typed error.
 */
export class PolicyApplier {
  readonly #options: PolicyApplierOptions;
  readonly #logger: LogPort;
  #lastGood: PolicyDocument | undefined;
  #lastGoodDigest: string | undefined;
  #lastPushAt: number | undefined;
  #activationOwed = true;
  #pending: PolicyDocument | undefined;

  constructor(options: PolicyApplierOptions) {
    this.#options = options;
    this.#logger = options.logger ?? silentLog;
  }

  /** The document last pushed successfully. */
  get lastGood(): PolicyDocument | undefined {
    return this.#lastGood;
  }

  /**
   * A new leadership term begins. Another leader may have pushed meanwhile, or died between its edits
   * and their activation, so what this instance remembers of vManage no longer holds: the next push
   * reads back, goes at once (no minimum interval against this instance's own last push) and activates
   * once even when the content already matches — as a fresh process does.
   */
  startTerm(): void {
    this.#activationOwed = true;
    this.#lastPushAt = undefined;
    this.#pending = undefined;
  }

  /** The latest document a deferred call left for the next push. */
  get pending(): PolicyDocument | undefined {
    return this.#pending;
  }

  async push(desired: DesiredPolicyState | PolicyDocument, options: PushOptions = {}): Promise<PolicyPushReport> {
    const startedAt = this.#options.clock.now();
    const base = { startedAt, diff: undefined, round: undefined, activation: undefined, error: undefined, rollbackError: undefined, restored: undefined, nextPushAt: undefined };
    let document: PolicyDocument;
    try {
      document = 'objects' in desired ? desired : renderPolicy(desired);
    } catch (error) {
      return this.#report({ ...base, outcome: 'failed', error: asIsthmusError(error), notes: [] });
    }
    const notes = document.notes;

    if (options.dryRun === true) {
      try {
        const round = await applyPolicy(this.#options.client, document, this.#roundOptions({ dryRun: true, signal: options.signal }));
        return this.#report({ ...base, outcome: 'dry-run', diff: round.diff, round, notes });
      } catch (error) {
        return this.#report({ ...base, outcome: 'failed', error: asIsthmusError(error), notes });
      }
    }
    if (!this.#options.isLeader()) {
      return this.#report({ ...base, outcome: 'not-leader', error: new PolicyError(POLICY_ERROR_CODES.notLeader, 'not the leader: only the Lease holder pushes policy'), notes });
    }

    const digest = canonicalJson(document.objects);
    const interval = this.#options.minPushIntervalMs ?? 60_000;
    if (this.#lastPushAt !== undefined && startedAt - this.#lastPushAt < interval) {
      if (digest === this.#lastGoodDigest && !this.#activationOwed) {
        this.#pending = undefined;
        return this.#report({ ...base, outcome: 'unchanged', notes });
      }
      this.#pending = document;
      return this.#report({ ...base, outcome: 'deferred', nextPushAt: this.#lastPushAt + interval, notes });
    }
    this.#pending = undefined;

    const progress = { changed: false };
    const onStep = (step: PolicyStep) => {
      progress.changed = true;
      options.onStep?.(step);
    };
    try {
      const round = await applyPolicy(this.#options.client, document, this.#roundOptions({ signal: options.signal, onStep, forceActivation: this.#activationOwed }));
      this.#activationOwed = false;
      this.#lastGood = document;
      this.#lastGoodDigest = digest;
      if (round.applied.length > 0 || round.activation !== undefined) this.#lastPushAt = this.#options.clock.now();
      const outcome = round.applied.length > 0 || round.activation !== undefined ? 'applied' : 'unchanged';
      return this.#report({ ...base, outcome, diff: round.diff, round, activation: round.activation, notes });
    } catch (error) {
      const failure = asIsthmusError(error);
      if (!progress.changed) return this.#report({ ...base, outcome: 'failed', error: failure, notes });
      this.#activationOwed = true;
      this.#lastPushAt = this.#options.clock.now();
      if (failure.code === POLICY_ERROR_CODES.aborted) return this.#report({ ...base, outcome: 'failed', error: failure, notes });
      return this.#rollBack(base, failure, digest, notes, options.signal);
    }
  }

  /** Restores the last good document after a failed round that changed something. */
  async #rollBack(base: Omit<PolicyPushReport, 'outcome' | 'error' | 'notes' | 'durationMs'>, failure: IsthmusError, digest: string, notes: readonly string[], signal: AbortSignal | undefined): Promise<PolicyPushReport> {
    const good = this.#lastGood;
    if (good === undefined || this.#lastGoodDigest === digest) return this.#report({ ...base, outcome: 'failed', error: failure, notes });
    this.#logger.warn({ error: failure.code, message: failure.message }, 'policy push failed; restoring the last good policy');
    try {
      const round = await applyPolicy(this.#options.client, good, this.#roundOptions({ signal, forceActivation: true }));
      this.#activationOwed = false;
      return this.#report({ ...base, outcome: 'rolled-back', error: failure, restored: good, round, activation: round.activation, notes });
    } catch (rollbackError) {
      return this.#report({ ...base, outcome: 'failed', error: failure, rollbackError: asIsthmusError(rollbackError), notes });
    }
  }

  #roundOptions(extra: { readonly dryRun?: boolean; readonly signal?: AbortSignal | undefined; readonly onStep?: (step: PolicyStep) => void; readonly forceActivation?: boolean }) {
    const options = this.#options;
    return {
      clock: options.clock,
      sleep: options.sleep,
      bootstrap: options.bootstrap ?? true,
      ...(options.adopt === undefined ? {} : { adopt: options.adopt }),
      ...(options.taskPollIntervalMs === undefined ? {} : { taskPollIntervalMs: options.taskPollIntervalMs }),
      ...(options.taskTimeoutMs === undefined ? {} : { taskTimeoutMs: options.taskTimeoutMs }),
      ...(extra.dryRun === undefined ? {} : { dryRun: extra.dryRun }),
      ...(extra.signal === undefined ? {} : { signal: extra.signal }),
      ...(extra.onStep === undefined ? {} : { onStep: extra.onStep }),
      ...(extra.forceActivation === undefined ? {} : { forceActivation: extra.forceActivation }),
    };
  }

  #report(fields: Omit<PolicyPushReport, 'durationMs'>): PolicyPushReport {
    const report: PolicyPushReport = { ...fields, durationMs: Math.max(0, this.#options.clock.now() - fields.startedAt) };
    try {
      this.#options.onReport?.(report);
    } catch {
      // A metrics hook must never break a push.
    }
    return report;
  }
}

function asIsthmusError(error: unknown): IsthmusError {
  if (isIsthmusError(error)) return error;
  return new PolicyError(POLICY_ERROR_CODES.vmanage, error instanceof Error ? error.message : String(error), { cause: error });
}
