/** Counting vManage API calls on the emulator's side, the same way for every push strategy. */
import type { PolicyRequestRecord } from '../../../simulator/vmanage/policy-routes.ts';
import type { VmanageEmulator } from '../../../simulator/vmanage/vmanage-emulator.ts';

const POLICY_BASE = '/dataservice/template/policy/';
const TASK_BASE = '/dataservice/device/action/status/';

/** Calls grouped by `METHOD path`, ids replaced by `{id}`. */
export interface CallCount {
  readonly total: number;
  readonly byCall: ReadonlyMap<string, number>;
  readonly activations: number;
  readonly deactivations: number;
  /** POST, PUT, DELETE. */
  readonly writes: number;
  /** Task status reads, a subset of the GETs. */
  readonly taskPolls: number;
}

/**
 * The policy and task calls the emulator answered since the last `take()`. The emulator keeps only its
 * latest requests, so callers take often enough (a few hundred calls apart at most); a gap is an error.
 */
export class CallLog {
  readonly #emulator: VmanageEmulator;
  #last: PolicyRequestRecord | undefined;

  constructor(emulator: VmanageEmulator) {
    this.#emulator = emulator;
    this.#last = emulator.policy.requests.at(-1);
  }

  take(): PolicyRequestRecord[] {
    const requests = this.#emulator.policy.requests;
    let from = 0;
    if (this.#last !== undefined) {
      const index = requests.lastIndexOf(this.#last);
      if (index < 0) throw new Error('the emulator dropped requests before they were counted: take() more often');
      from = index + 1;
    }
    this.#last = requests.at(-1) ?? this.#last;
    return requests.slice(from);
  }
}

export function countCalls(records: readonly PolicyRequestRecord[]): CallCount {
  const byCall = new Map<string, number>();
  let activations = 0;
  let deactivations = 0;
  let writes = 0;
  let taskPolls = 0;
  for (const record of records) {
    const call = `${record.method} ${normalisePath(record.path)}`;
    byCall.set(call, (byCall.get(call) ?? 0) + 1);
    if (record.method === 'POST' && record.path.startsWith(`${POLICY_BASE}vsmart/activate/`)) activations++;
    if (record.method === 'POST' && record.path.startsWith(`${POLICY_BASE}vsmart/deactivate/`)) deactivations++;
    if (record.method !== 'GET') writes++;
    if (record.path.startsWith(TASK_BASE)) taskPolls++;
  }
  return { total: records.length, byCall, activations, deactivations, writes, taskPolls };
}

export function addCounts(a: CallCount, b: CallCount): CallCount {
  const byCall = new Map(a.byCall);
  for (const [call, count] of b.byCall) byCall.set(call, (byCall.get(call) ?? 0) + count);
  return {
    total: a.total + b.total,
    byCall,
    activations: a.activations + b.activations,
    deactivations: a.deactivations + b.deactivations,
    writes: a.writes + b.writes,
    taskPolls: a.taskPolls + b.taskPolls,
  };
}

export const NO_CALLS: CallCount = { total: 0, byCall: new Map(), activations: 0, deactivations: 0, writes: 0, taskPolls: 0 };

/** `PUT definition/approute/{id} ×1, …`, most frequent first. */
export function describeCalls(count: CallCount): string {
  return [...count.byCall]
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
    .map(([call, n]) => `${call} ×${n.toLocaleString('en-US')}`)
    .join(', ');
}

/** `/dataservice/template/policy/definition/approute/3f…` → `definition/approute/{id}`. */
function normalisePath(path: string): string {
  const relative = path.startsWith(POLICY_BASE) ? path.slice(POLICY_BASE.length) : path.startsWith(TASK_BASE) ? `device/action/status/${path.slice(TASK_BASE.length)}` : path;
  const parts = relative.split('/');
  const last = parts.at(-1) ?? '';
  // vManage ids are UUIDs; task ids are `<action>-<uuid>`.
  const isId = parts.length >= 2 && /[0-9a-f]{8}-[0-9a-f]{4}/.test(last);
  return isId ? [...parts.slice(0, -1), '{id}'].join('/') : relative;
}
