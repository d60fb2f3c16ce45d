import { parseEnvelope } from '../vmanage/parse-envelope.ts';
import { isRow, numberField, stringField } from '../vmanage/row-fields.ts';
import type { Row } from '../vmanage/row-fields.ts';
import { isVmanageError } from '../vmanage/vmanage-error.ts';
import type { VmanageReader } from '../vmanage/vmanage-getter.ts';
import type { VmanageQuery } from '../vmanage/vmanage-session.ts';
import type { PolicyObjectKind } from './policy-document.ts';
import { PolicyError, POLICY_ERROR_CODES } from './policy-error.ts';
import { POLICY_OBJECT_KINDS } from './policy-object-kinds.ts';
import type { RealizedPolicyObject } from './realized-policy.ts';

/** What the policy client needs of a VmanageSession (so tests can wrap or fake it). */
export interface VmanageRequester extends VmanageReader {
  put(path: string, body: unknown, query?: VmanageQuery): Promise<unknown>;
  delete(path: string, query?: VmanageQuery): Promise<unknown>;
}

/** One device's part of an action (activation) task. */
export interface PolicyTaskDevice {
  readonly deviceId: string;
  readonly systemIp: string | undefined;
  /** `success`, `success_scheduled`, `failure`, … */
  readonly statusId: string;
  readonly status: string | undefined;
  readonly activity: readonly string[];
}

/** `GET /device/action/status/{id}`, as far as a push cares. */
export interface PolicyTaskStatus {
  readonly taskId: string;
  /** `summary.status`: `in_progress`, `scheduled`, `done`, … */
  readonly status: string;
  readonly done: boolean;
  /** `validation.statusId` (`validation_success`, `validation_failure`), when reported. */
  readonly validation: string | undefined;
  readonly devices: readonly PolicyTaskDevice[];
  /** Validation or activity messages that explain a failure. */
  readonly messages: readonly string[];
}

export type DeleteOutcome = 'deleted' | 'absent';

const BASE = '/dataservice/template/policy/';
const TASK_STATUS = '/dataservice/device/action/status/';
const RUNNING_TASKS = '/dataservice/device/action/status/tasks';
const MISSING = /failed to find|not found|does not exist|no .* with (?:id|name)/i;
export const ALREADY_IN_PROGRESS = /already in progress/i;

/**
 * The classic centralized-policy API (reference §5–7) over a vManage session: list, read, create,
 * update and delete lists, definitions and vSmart policies; activate and deactivate; poll tasks.
 * It knows vManage's shapes (ids per kind, `policyDefinition` as a JSON string, the empty create
 * response of some releases, `masterTemplatesAffected`); it decides nothing about ownership.
 * vManage failures surface as the session's VmanageError; answers that break the API's promises as
 * PolicyError `ISTHMUS_E_POLICY_PROTOCOL`.
 */
export class VmanagePolicyClient {
  readonly #session: VmanageRequester;

  constructor(session: VmanageRequester) {
    this.#session = session;
  }

  /**
   * Every object of a kind, complete. Definitions and policies are listed as summaries and then read
   * one by one — but only those `select` keeps, so a Manager full of other people's policies costs
   * one call per kind, not one per object.
   */
  async list(kind: PolicyObjectKind, select: (name: string, description: string | undefined) => boolean = () => true): Promise<RealizedPolicyObject[]> {
    const info = POLICY_OBJECT_KINDS[kind];
    const rows = parseEnvelope(await this.#session.get(BASE + info.path)).rows.filter(isRow);
    const objects: RealizedPolicyObject[] = [];
    for (const row of rows) {
      const summary = realizedOf(kind, row);
      if (summary === undefined) continue;
      if (info.stage === 0 || !select(summary.name, summary.description)) {
        objects.push(summary);
        continue;
      }
      const full = await this.read(kind, summary.id);
      objects.push(full === undefined ? summary : { ...full, referenceCount: Math.max(full.referenceCount, summary.referenceCount), active: full.active || summary.active });
    }
    return objects;
  }

  /** One object by id; undefined when vManage no longer has it. */
  async read(kind: PolicyObjectKind, id: string): Promise<RealizedPolicyObject | undefined> {
    const path = kind === 'vsmart' ? `${BASE}vsmart/definition/${encodeURIComponent(id)}` : `${BASE}${POLICY_OBJECT_KINDS[kind].path}/${encodeURIComponent(id)}`;
    let body: unknown;
    try {
      body = await this.#session.get(path);
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    // Some releases wrap single objects in the list envelope.
    const row = isRow(body) && Array.isArray(body.data) ? parseEnvelope(body).rows.find(isRow) : body;
    if (!isRow(row)) throw protocolError(`GET ${path} did not answer an object`);
    return realizedOf(kind, { ...row, [POLICY_OBJECT_KINDS[kind].idField]: stringField(row, POLICY_OBJECT_KINDS[kind].idField) ?? id });
  }

  /** Creates an object; its id. A vSmart policy created with an empty answer is found again by name. */
  async create(kind: PolicyObjectKind, body: Readonly<Record<string, unknown>>): Promise<string> {
    const info = POLICY_OBJECT_KINDS[kind];
    const answer = await this.#session.post(BASE + info.path, body);
    const id = isRow(answer) ? stringField(answer, info.idField) : undefined;
    if (id !== undefined) return id;
    const name = body[info.nameField];
    if (kind === 'vsmart' && typeof name === 'string') {
      const found = (await this.list('vsmart', () => false)).find((object) => object.name === name);
      if (found !== undefined) return found.id;
    }
    throw protocolError(`POST ${BASE}${info.path} answered no ${info.idField}`);
  }

  /** Replaces an object; the templates vManage says the change affects (`masterTemplatesAffected`). */
  async update(kind: PolicyObjectKind, id: string, body: Readonly<Record<string, unknown>>): Promise<readonly string[]> {
    const answer = await this.#session.put(`${BASE}${POLICY_OBJECT_KINDS[kind].path}/${encodeURIComponent(id)}`, body);
    const affected = isRow(answer) ? answer.masterTemplatesAffected : undefined;
    return Array.isArray(affected) ? affected.filter((item): item is string => typeof item === 'string') : [];
  }

  /** Deletes an object; one already gone is success (`absent`). A referenced one fails with vManage's error. */
  async delete(kind: PolicyObjectKind, id: string): Promise<DeleteOutcome> {
    try {
      await this.#session.delete(`${BASE}${POLICY_OBJECT_KINDS[kind].path}/${encodeURIComponent(id)}`);
      return 'deleted';
    } catch (error) {
      if (isMissing(error)) return 'absent';
      throw error;
    }
  }

  /** Activates a vSmart policy (`isEdited` when re-pushing an edited active one); the task id. */
  async activate(policyId: string, isEdited: boolean): Promise<string> {
    return this.#taskOf(await this.#session.post(`${BASE}vsmart/activate/${encodeURIComponent(policyId)}`, isEdited ? { isEdited: true } : {}, { confirm: true }), 'activate');
  }

  async deactivate(policyId: string): Promise<string> {
    return this.#taskOf(await this.#session.post(`${BASE}vsmart/deactivate/${encodeURIComponent(policyId)}`, {}, { confirm: true }), 'deactivate');
  }

  async taskStatus(taskId: string): Promise<PolicyTaskStatus> {
    return parseTaskStatus(taskId, await this.#session.get(TASK_STATUS + encodeURIComponent(taskId)));
  }

  /** Ids (or names) of the tasks vManage is still running (`runningTasks`). */
  async runningTasks(): Promise<readonly string[]> {
    const body = await this.#session.get(RUNNING_TASKS);
    const tasks = isRow(body) ? body.runningTasks : undefined;
    if (!Array.isArray(tasks)) return [];
    return tasks.map((task) => (isRow(task) ? (stringField(task, 'processId') ?? stringField(task, 'id') ?? '') : String(task)));
  }

  /** The rendered CLI of a policy (`GET /template/policy/assembly/vsmart/{id}`). */
  async preview(policyId: string): Promise<string> {
    const body = await this.#session.get(`${BASE}assembly/vsmart/${encodeURIComponent(policyId)}`);
    const preview = isRow(body) ? stringField(body, 'preview') : undefined;
    if (preview === undefined) throw protocolError('the policy preview has no `preview`');
    return preview;
  }

  #taskOf(answer: unknown, what: string): string {
    const id = isRow(answer) ? stringField(answer, 'id') : undefined;
    if (id === undefined) throw protocolError(`${what} answered no task id`);
    return id;
  }
}

/** A row as a realized object; undefined when it lacks an id or a name. */
function realizedOf(kind: PolicyObjectKind, row: Row): RealizedPolicyObject | undefined {
  const info = POLICY_OBJECT_KINDS[kind];
  const id = stringField(row, info.idField);
  const name = stringField(row, info.nameField);
  if (id === undefined || name === undefined) return undefined;
  const body = kind === 'vsmart' ? { ...row, policyDefinition: decodeDefinition(row.policyDefinition) } : row;
  return {
    kind,
    id,
    name,
    description: typeof row[info.descriptionField] === 'string' ? (row[info.descriptionField] as string) : undefined,
    body,
    referenceCount: numberField(row, 'referenceCount') ?? 0,
    active: row.isPolicyActivated === true || row.isPolicyActivated === 'true',
  };
}

/** `policyDefinition` comes as a JSON string from the list GET (catalystwan), as an object elsewhere. */
function decodeDefinition(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    throw protocolError('a vSmart policy has a policyDefinition that is not JSON');
  }
}

function parseTaskStatus(taskId: string, body: unknown): PolicyTaskStatus {
  if (!isRow(body)) throw protocolError(`the status of task ${taskId} is not an object`);
  const summary = isRow(body.summary) ? body.summary : {};
  const validation = isRow(body.validation) ? body.validation : undefined;
  const status = stringField(summary, 'status') ?? 'in_progress';
  const devices: PolicyTaskDevice[] = [];
  const messages: string[] = [];
  for (const row of Array.isArray(body.data) ? body.data : []) {
    if (!isRow(row)) continue;
    const activity = Array.isArray(row.activity) ? row.activity.filter((line): line is string => typeof line === 'string') : [];
    devices.push({
      deviceId: stringField(row, 'deviceID') ?? stringField(row, 'uuid') ?? '',
      systemIp: stringField(row, 'system-ip'),
      statusId: stringField(row, 'statusId') ?? '',
      status: stringField(row, 'status'),
      activity,
    });
    const current = stringField(row, 'currentActivity');
    if (current !== undefined) messages.push(current);
  }
  const validationId = validation === undefined ? undefined : stringField(validation, 'statusId');
  if (validation !== undefined && validationId !== undefined && validationId !== 'validation_success') {
    const activity = Array.isArray(validation.activity) ? validation.activity.filter((line): line is string => typeof line === 'string') : [];
    messages.push(...activity);
  }
  return { taskId, status, done: status === 'done', validation: validationId, devices, messages };
}

function isMissing(error: unknown): boolean {
  if (!isVmanageError(error)) return false;
  if (error.status === 404) return true;
  const said = `${error.apiError?.message ?? ''} ${error.apiError?.details ?? ''}`;
  return MISSING.test(said);
}

function protocolError(message: string): PolicyError {
  return new PolicyError(POLICY_ERROR_CODES.protocol, `vManage policy API: ${message}`);
}
