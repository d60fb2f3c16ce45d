import type { Clock } from '../../src/domain/clock.ts';
import { envelope, errorEnvelope } from './envelope.ts';
import type { EnvelopeView } from './envelope.ts';
import { PolicyFaults } from './policy-faults.ts';
import { policyPreview } from './policy-preview.ts';
import { nameOf, PolicyStore } from './policy-store.ts';
import type { StoredPolicyKind, StoredPolicyObject, StoreResult } from './policy-store.ts';
import { PolicyTasks, snapshotPolicy } from './policy-tasks.ts';
import type { ActivePolicySnapshot, PolicyTask, PolicyTimelineEntry, TaskDevice } from './policy-tasks.ts';
import { jsonReply } from './reply.ts';
import type { Reply } from './reply.ts';
import type { VmanageDataSource } from './vmanage-data-source.ts';

/** A policy API call as the emulator saw it, body included: tests assert on what a client sent. */
export interface PolicyRequestRecord {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly body: unknown;
  readonly status: number;
  readonly at: number;
}

export interface PolicyRoutesOptions {
  readonly dataSource: VmanageDataSource;
  readonly clock: Clock;
  readonly username: string;
  /** How long activation tasks run. Default 8 s. */
  readonly activationDelayMs?: number;
  /** `POST /template/policy/vsmart` answers an empty body (default; some releases) or `{"policyId"}`. */
  readonly policyCreateResponse?: 'empty' | 'id';
}

/** The emulator's policy side, for tests and for whatever applies it to a world. */
export interface PolicyEmulation {
  readonly store: PolicyStore;
  readonly faults: PolicyFaults;
  readonly requests: readonly PolicyRequestRecord[];
  /** What the controllers enforce at `timeMs` (default: the emulator's now), finished tasks applied first. */
  effectiveAt(timeMs?: number): ActivePolicySnapshot | undefined;
  /** Called when an activation or deactivation takes effect. Returns the unsubscribe function. */
  onChange(listener: (entry: PolicyTimelineEntry) => void): () => void;
  task(id: string): PolicyTask | undefined;
}

const BASE = '/dataservice/template/policy/';
const TASK_STATUS = '/dataservice/device/action/status/';
const LIST_COLLECTIONS = new Set(['dataprefix', 'dataipv6prefix', 'sla', 'site', 'vpn', 'color', 'tloc', 'app', 'prefix', 'ipv6prefix', 'class', 'region']);
const DEFINITION_COLLECTIONS = new Set(['approute', 'data', 'control', 'hubandspoke', 'mesh', 'vpnmembershipgroup', 'cflowd']);
const LIST_VIEW: EnvelopeView = { uniqueKey: ['listId'], preferenceKey: 'grid-PolicyList' };
const DEFINITION_VIEW: EnvelopeView = { uniqueKey: ['definitionId'], preferenceKey: 'grid-PolicyDefinition' };
const VSMART_VIEW: EnvelopeView = { uniqueKey: ['policyId'], preferenceKey: 'grid-vSmartPolicy' };
const MAX_RECORDS = 2000;
/** The id vManage gives the vSmart's device template in `masterTemplatesAffected`. */
const VSMART_TEMPLATE_ID = 'a3f1c2d4-5b6e-4f70-8a9b-0c1d2e3f4a5b';

/**
 * Classic centralized policy on the emulator (reference §5–7, §11.9): lists, definitions and vSmart
 * policies with UUIDs and true reference counts; deleting a referenced object fails with the error
 * envelope; `PUT` of an object an active policy uses answers `masterTemplatesAffected`; activation
 * and deactivation start tasks that run `in_progress → done` on the emulator's clock (or fail, by
 * fault knob); activating while a task runs answers "operation is already in progress". What a
 * successful activation made active is kept on a timeline the world can be steered by.
 */
export class PolicyRoutes implements PolicyEmulation {
  readonly store = new PolicyStore();
  readonly faults: PolicyFaults;
  readonly #tasks = new PolicyTasks();
  readonly #options: PolicyRoutesOptions;
  readonly #requests: PolicyRequestRecord[] = [];

  constructor(options: PolicyRoutesOptions) {
    this.#options = options;
    this.faults = new PolicyFaults(options.activationDelayMs ?? 8000, (outcome) => this.#tasks.endHung(this.#options.clock.now(), outcome));
  }

  get requests(): readonly PolicyRequestRecord[] {
    return this.#requests;
  }

  effectiveAt(timeMs?: number): ActivePolicySnapshot | undefined {
    const now = this.#options.clock.now();
    this.#tasks.settle(now, this.store);
    return this.#tasks.effectiveAt(timeMs ?? now);
  }

  onChange(listener: (entry: PolicyTimelineEntry) => void): () => void {
    return this.#tasks.onChange(listener);
  }

  task(id: string): PolicyTask | undefined {
    return this.#tasks.get(id);
  }

  /** The reply for a policy or task endpoint, or undefined when the path is not one. */
  async handle(method: string, url: URL, text: string): Promise<Reply | undefined> {
    const path = url.pathname;
    if (!path.startsWith(BASE) && !path.startsWith(TASK_STATUS)) return undefined;
    const now = this.#options.clock.now();
    this.#tasks.settle(now, this.store);
    const body = parseJson(text);
    const reply = body === INVALID ? jsonReply(400, errorEnvelope('Invalid JSON', 'The request body is not JSON', 'POLICY0000')) : await this.#route(method, url, body, now);
    if (reply !== undefined) {
      this.#requests.push({ method, path, query: url.search, body: body === INVALID ? text : body, status: reply.status, at: now });
      if (this.#requests.length > MAX_RECORDS) this.#requests.splice(0, this.#requests.length - MAX_RECORDS);
    }
    return reply;
  }

  async #route(method: string, url: URL, body: unknown, now: number): Promise<Reply | undefined> {
    const path = url.pathname;
    if (path === `${TASK_STATUS}tasks` && method === 'GET') return this.#runningTasks(now);
    if (path.startsWith(TASK_STATUS) && method === 'GET') return this.#taskStatus(decodeURIComponent(path.slice(TASK_STATUS.length)), now);
    const parts = path.slice(BASE.length).split('/').map(decodeURIComponent);
    const [head, second, third] = parts;
    if (head === 'list' || head === 'definition') {
      const kind: StoredPolicyKind = head;
      const known = head === 'list' ? LIST_COLLECTIONS : DEFINITION_COLLECTIONS;
      if (second === undefined || !known.has(second) || parts.length > 3) return undefined;
      return this.#crud(kind, second, third, method, body, now);
    }
    if (head === 'vsmart') {
      if (second === 'activate' || second === 'deactivate') {
        if (method !== 'POST' || third === undefined) return undefined;
        return this.#activation(second, third, body, now);
      }
      if (second === 'connectivity' && third === 'status' && method === 'GET') return this.#connectivity();
      if (second === 'definition' && third !== undefined && method === 'GET') return this.#vsmartDetail(third);
      if (parts.length > 2) return undefined;
      return this.#crud('vsmart', 'vsmart', second, method, body, now);
    }
    if (head === 'assembly' && second === 'vsmart' && third !== undefined && method === 'GET') {
      const policy = this.store.get(third);
      if (policy?.kind !== 'vsmart') return notFound(third);
      const snapshot = snapshotPolicy(this.store, third);
      return jsonReply(200, { preview: snapshot === undefined ? '' : policyPreview(snapshot) });
    }
    return undefined;
  }

  #crud(kind: StoredPolicyKind, collection: string, id: string | undefined, method: string, body: unknown, now: number): Reply | undefined {
    if (id === undefined || id === '') {
      if (method === 'GET') return this.#listRows(kind, collection, now);
      if (method !== 'POST') return undefined;
      if (!isRecord(body)) return jsonReply(400, errorEnvelope('Invalid request', 'The body must be a JSON object', 'POLICY0000'));
      const created = this.store.create(kind, collection, body, now);
      if (!created.ok) return failure(created);
      if (kind === 'list') return jsonReply(200, { listId: created.value.id });
      if (kind === 'definition') return jsonReply(200, { definitionId: created.value.id });
      return this.#options.policyCreateResponse === 'id' ? jsonReply(200, { policyId: created.value.id }) : { status: 200, headers: {}, body: '' };
    }
    const existing = this.store.get(id);
    if (existing?.kind !== kind || existing.collection !== collection) return notFound(id);
    if (method === 'GET') return jsonReply(200, this.#row(existing, 'full'));
    if (method === 'PUT') {
      if (!isRecord(body)) return jsonReply(400, errorEnvelope('Invalid request', 'The body must be a JSON object', 'POLICY0000'));
      const updated = this.store.update(id, body, now);
      if (!updated.ok) return failure(updated);
      if (kind === 'vsmart') return { status: 200, headers: {}, body: '' };
      // An object an active policy uses reaches the vSmart's template: vManage names it, the client re-pushes.
      const affected = this.store.activePoliciesUsing(id).length > 0 ? [VSMART_TEMPLATE_ID] : [];
      return jsonReply(200, { masterTemplatesAffected: affected });
    }
    if (method === 'DELETE') {
      const deleted = this.store.delete(id);
      return deleted.ok ? { status: 200, headers: {}, body: '' } : failure(deleted);
    }
    return undefined;
  }

  #listRows(kind: StoredPolicyKind, collection: string, now: number): Reply {
    const rows = this.store.inCollection(kind, collection).map((object) => this.#row(object, 'summary'));
    const view = kind === 'list' ? LIST_VIEW : kind === 'definition' ? DEFINITION_VIEW : VSMART_VIEW;
    return jsonReply(200, envelope(rows, view, now));
  }

  /**
   * A stored object as vManage shows it. List rows carry their entries; definition summaries do not
   * carry sequences (read one by id for that); vSmart rows carry `policyDefinition` as a JSON string.
   */
  #row(object: StoredPolicyObject, form: 'summary' | 'full'): Record<string, unknown> {
    const references = this.store.referencesTo(object.id).map((reference) => ({ id: reference.id, property: reference.kind === 'vsmart' ? 'policy' : reference.collection }));
    const activatedBy = this.store.activePoliciesUsing(object.id).length > 0;
    if (object.kind === 'vsmart') {
      const { policyDefinition, ...rest } = object.body;
      return {
        policyId: object.id,
        ...rest,
        policyDefinition: form === 'summary' ? JSON.stringify(policyDefinition ?? {}) : (policyDefinition ?? {}),
        isPolicyActivated: object.activated,
        createdOn: object.createdAt,
        createdBy: this.#options.username,
        lastUpdatedOn: object.lastUpdated,
        lastUpdatedBy: this.#options.username,
        policyVersion: `${object.lastUpdated}`,
      };
    }
    const idField = object.kind === 'list' ? 'listId' : 'definitionId';
    const { sequences, ...summary } = object.body;
    return {
      [idField]: object.id,
      ...(object.kind === 'definition' && form === 'summary' ? summary : object.body),
      ...(object.kind === 'definition' && form === 'full' && sequences === undefined ? { sequences: [] } : {}),
      lastUpdated: object.lastUpdated,
      owner: this.#options.username,
      readOnly: false,
      version: 0,
      infoTag: '',
      referenceCount: references.length,
      references,
      isActivatedByVsmart: activatedBy,
      ...(object.kind === 'definition' ? { activatedId: activatedBy ? [object.id] : [] } : {}),
    };
  }

  #vsmartDetail(id: string): Reply {
    const policy = this.store.get(id);
    return policy?.kind === 'vsmart' ? jsonReply(200, this.#row(policy, 'full')) : notFound(id);
  }

  async #activation(action: 'activate' | 'deactivate', id: string, body: unknown, receivedAt: number): Promise<Reply> {
    if ((await this.faults.passActivationHold()) === 'refuse') {
      return jsonReply(503, errorEnvelope('Server is unable to complete request', 'The activation request was not processed'));
    }
    // A held request is processed when released: the task starts then, from the store as it is then.
    const now = Math.max(receivedAt, this.#options.clock.now());
    this.#tasks.settle(now, this.store);
    const policy = this.store.get(id);
    if (policy?.kind !== 'vsmart') return notFound(id);
    const running = this.#tasks.running(now)[0];
    if (running !== undefined) {
      return jsonReply(400, errorEnvelope('Failed to process the request', `Another operation is already in progress (task ${running.id}); try again later`, 'POLICY0409'));
    }
    if (action === 'deactivate' && !policy.activated) {
      return jsonReply(400, errorEnvelope('Failed to deactivate policy', `${nameOf(policy.body)} is not active`, 'POLICY0006'));
    }
    const isEdited = isRecord(body) && body.isEdited === true;
    const hangs = this.faults.takeHang();
    const validationFails = !hangs && this.faults.takeValidationFailure();
    const fails = !hangs && !validationFails && this.faults.takeActivationFailure();
    const task = this.#tasks.start({
      action,
      policyId: id,
      policyName: nameOf(policy.body),
      isEdited,
      startedAt: now,
      doneAt: hangs ? Number.POSITIVE_INFINITY : now + (validationFails ? Math.min(1000, this.faults.activationDelayMs) : this.faults.activationDelayMs),
      outcome: validationFails ? 'validation-failure' : fails ? 'failure' : 'success',
      failureMessage: this.faults.failureMessage,
      devices: await this.#vsmarts(),
      snapshot: action === 'activate' ? snapshotPolicy(this.store, id) : undefined,
    });
    return jsonReply(200, { id: task.id });
  }

  async #vsmarts(): Promise<TaskDevice[]> {
    const devices = (await this.#options.dataSource.devices()).filter((device) => device.personality === 'vsmart');
    if (devices.length === 0) return [{ uuid: 'c0ffee00-0000-4000-8000-000000000001', systemIp: '10.255.255.2', hostName: 'vsmart-1' }];
    return devices.map((device) => ({ uuid: device.uuid, systemIp: device.systemIp, hostName: device.hostName }));
  }

  async #connectivity(): Promise<Reply> {
    const rows = (await this.#vsmarts()).map((device) => ({ deviceUUID: device.uuid, operationMode: 'vmanage', deviceIp: device.systemIp, 'local-system-ip': device.systemIp, isOnline: true }));
    return jsonReply(200, envelope(rows, { uniqueKey: ['deviceUUID'], preferenceKey: 'grid-vSmartConnectivity' }, this.#options.clock.now()));
  }

  #runningTasks(now: number): Reply {
    return jsonReply(200, {
      runningTasks: this.#tasks.running(now).map((task) => ({
        processId: task.id,
        action: actionOf(task),
        name: titleOf(task),
        status: 'in_progress',
        startTime: task.startedAt,
        userSessionUserName: this.#options.username,
      })),
    });
  }

  /** The task in the captured shape (`device_action_status_template_push.json`): numbers and strings mixed as there. */
  #taskStatus(id: string, now: number): Reply {
    const task = this.#tasks.get(id);
    if (task === undefined) return notFound(id);
    const done = now >= task.doneAt;
    const validated = task.outcome !== 'validation-failure' || done;
    const stamp = (ms: number, text: string) => `[${new Date(ms).toUTCString().slice(5, 25)} UTC] ${text}`;
    const validation = {
      statusType: actionOf(task),
      activity: [stamp(task.startedAt, 'Starting Checks.'), ...(task.outcome === 'validation-failure' && done ? [stamp(task.doneAt, 'Policy validation failed: the vSmarts rejected the policy')] : []), stamp(task.startedAt, 'Checks completed.')],
      'system-ip': 'Validation',
      deviceID: 'Validation',
      uuid: 'Validation',
      statusId: task.outcome === 'validation-failure' && done ? 'validation_failure' : 'validation_success',
      currentActivity: 'Done - Validation',
      actionConfig: '{}',
      processId: task.id,
      action: actionOf(task),
      startTime: task.startedAt,
      requestStatus: 'received',
      status: task.outcome === 'validation-failure' && done ? 'Validation failure' : 'Validation success',
    };
    const data = task.outcome === 'validation-failure' || !validated ? [] : task.devices.map((device, index) => {
      const statusId = !done ? 'in_progress' : task.outcome === 'success' ? 'success' : 'failure';
      const status = !done ? 'In progress' : task.outcome === 'success' ? 'Success' : 'Failure';
      const verb = task.action === 'activate' ? 'Activating' : 'Deactivating';
      const activity = [stamp(task.startedAt, `${verb} policy ${task.policyName}`), ...(done ? [stamp(task.doneAt, task.outcome === 'success' ? 'Successfully pushed policy to vSmart' : task.failureMessage)] : [])];
      return {
        statusType: actionOf(task),
        activity,
        'system-ip': device.systemIp,
        'host-name': device.hostName,
        deviceID: device.uuid,
        uuid: device.uuid,
        '@rid': 900 + index,
        statusId,
        currentActivity: activity.at(-1) ?? '',
        actionConfig: JSON.stringify({ policyId: task.policyId, isEdited: task.isEdited }),
        processId: task.id,
        'device-type': 'vsmart',
        action: actionOf(task),
        deviceModel: 'vsmart',
        startTime: task.startedAt,
        validity: 'valid',
        requestStatus: 'received',
        status,
      };
    });
    const counts: Record<string, number> = {};
    for (const row of data) counts[row.status] = (counts[row.status] ?? 0) + 1;
    return jsonReply(200, {
      data,
      validation,
      summary: {
        action: actionOf(task),
        name: titleOf(task),
        detailsURL: '/dataservice/device/action/status',
        startTime: String(task.startedAt),
        ...(done ? { endTime: String(task.doneAt) } : {}),
        userSessionUserName: this.#options.username,
        userSessionIP: '127.0.0.1',
        tenantName: 'DefaultTenant',
        total: task.devices.length,
        status: done ? 'done' : 'in_progress',
        count: counts,
      },
      isCancelEnabled: false,
      isParallelExecutionEnabled: false,
    });
  }
}

const INVALID = Symbol('invalid JSON');

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return INVALID;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function actionOf(task: PolicyTask): string {
  return task.action === 'activate' ? 'push_vsmart_policy' : 'deactivate_vsmart_policy';
}

function titleOf(task: PolicyTask): string {
  return task.action === 'activate' ? 'Activate vSmart Policy' : 'Deactivate vSmart Policy';
}

function notFound(id: string): Reply {
  return jsonReply(404, errorEnvelope('Failed to find specified resource', `No policy object or task with id ${id}`, 'POLICY0404'));
}

function failure(result: Extract<StoreResult<unknown>, { ok: false }>): Reply {
  return jsonReply(result.status, errorEnvelope(result.message, result.details, result.code));
}
