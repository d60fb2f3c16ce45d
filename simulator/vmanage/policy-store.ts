import { randomUUID } from 'node:crypto';

/** The classic policy objects the emulator stores, keyed by the path segment after `/template/policy/`. */
export type StoredPolicyKind = 'list' | 'definition' | 'vsmart';

export interface StoredPolicyObject {
  readonly id: string;
  readonly kind: StoredPolicyKind;
  /** `dataprefix`, `sla`, `approute`, …; `vsmart` for policies. */
  readonly collection: string;
  /** The body as last posted or put (`isPolicyActivated` is state, kept apart). */
  body: Record<string, unknown>;
  readonly createdAt: number;
  lastUpdated: number;
  /** vSmart policies only. */
  activated: boolean;
}

export interface PolicyReference {
  readonly id: string;
  readonly kind: StoredPolicyKind;
  readonly collection: string;
  readonly name: string;
}

/** The outcome of a store operation that vManage can refuse. */
export type StoreResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly status: number; readonly message: string; readonly details: string; readonly code: string };

const REF_KEYS = new Set(['ref', 'definitionId']);
const REF_ARRAY_KEYS = new Set(['siteLists', 'vpnLists', 'regionLists']);

/**
 * The emulator's policy objects: lists, definitions and vSmart policies with UUIDs, unique names per
 * collection, and references computed from content (any `ref`, `definitionId`, `siteLists`,
 * `vpnLists` holding another object's id) — so `referenceCount`/`references` are always true, and a
 * referenced object cannot be deleted, as on vManage.
 */
export class PolicyStore {
  readonly #objects = new Map<string, StoredPolicyObject>();

  all(): StoredPolicyObject[] {
    return [...this.#objects.values()];
  }

  get(id: string): StoredPolicyObject | undefined {
    return this.#objects.get(id);
  }

  inCollection(kind: StoredPolicyKind, collection: string): StoredPolicyObject[] {
    return this.all().filter((object) => object.kind === kind && object.collection === collection);
  }

  create(kind: StoredPolicyKind, collection: string, body: Record<string, unknown>, now: number): StoreResult<StoredPolicyObject> {
    const name = nameOf(body);
    if (name === '') return refuse(400, 'Invalid request', `${kind === 'vsmart' ? 'policyName' : 'name'} is required`, 'POLICY0001');
    if (this.inCollection(kind, collection).some((object) => nameOf(object.body) === name)) {
      return refuse(400, 'Duplicate name', `A ${describe(kind, collection)} named ${name} already exists`, 'POLICY0002');
    }
    const missing = this.#missingReferences(body);
    if (missing !== undefined) return refuse(400, 'Invalid reference', `No policy object with id ${missing}`, 'POLICY0004');
    const object: StoredPolicyObject = { id: randomUUID(), kind, collection, body: withoutState(body), createdAt: now, lastUpdated: now, activated: false };
    this.#objects.set(object.id, object);
    return { ok: true, value: object };
  }

  update(id: string, body: Record<string, unknown>, now: number): StoreResult<StoredPolicyObject> {
    const object = this.#objects.get(id);
    if (object === undefined) return refuse(404, 'Failed to find specified resource', `No policy object with id ${id}`, 'POLICY0404');
    const name = nameOf(body);
    if (this.inCollection(object.kind, object.collection).some((other) => other.id !== id && nameOf(other.body) === name)) {
      return refuse(400, 'Duplicate name', `A ${describe(object.kind, object.collection)} named ${name} already exists`, 'POLICY0002');
    }
    const missing = this.#missingReferences(body);
    if (missing !== undefined) return refuse(400, 'Invalid reference', `No policy object with id ${missing}`, 'POLICY0004');
    object.body = withoutState(body);
    object.lastUpdated = now;
    return { ok: true, value: object };
  }

  delete(id: string): StoreResult<StoredPolicyObject> {
    const object = this.#objects.get(id);
    if (object === undefined) return refuse(404, 'Failed to find specified resource', `No policy object with id ${id}`, 'POLICY0404');
    const references = this.referencesTo(id);
    if (references.length > 0) {
      return refuse(
        400,
        `Failed to delete ${describe(object.kind, object.collection)}`,
        `${nameOf(object.body)} is referenced by ${references.map((reference) => reference.name).join(', ')} and cannot be deleted while in use`,
        'POLICY0003',
      );
    }
    if (object.activated) return refuse(400, 'Failed to delete policy', `${nameOf(object.body)} is active; deactivate it first`, 'POLICY0005');
    this.#objects.delete(id);
    return { ok: true, value: object };
  }

  /** Objects whose content refers to `id`. */
  referencesTo(id: string): PolicyReference[] {
    return this.all()
      .filter((object) => object.id !== id && referencedIds(object.body).has(id))
      .map((object) => ({ id: object.id, kind: object.kind, collection: object.collection, name: nameOf(object.body) }));
  }

  /** The active vSmart policies that use `id`, directly or through a definition. */
  activePoliciesUsing(id: string): StoredPolicyObject[] {
    const seen = new Set<string>();
    const out: StoredPolicyObject[] = [];
    const visit = (target: string) => {
      for (const reference of this.referencesTo(target)) {
        if (seen.has(reference.id)) continue;
        seen.add(reference.id);
        const object = this.#objects.get(reference.id);
        if (object?.kind === 'vsmart' && object.activated) out.push(object);
        visit(reference.id);
      }
    };
    visit(id);
    return out;
  }

  #missingReferences(body: Record<string, unknown>): string | undefined {
    for (const id of referencedIds(body)) if (!this.#objects.has(id)) return id;
    return undefined;
  }
}

export function nameOf(body: Readonly<Record<string, unknown>>): string {
  const name = body.policyName ?? body.name;
  return typeof name === 'string' ? name : '';
}

/** Every id the body refers to. */
export function referencedIds(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) referencedIds(item, out);
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, field] of Object.entries(value)) {
      if (REF_KEYS.has(key) && typeof field === 'string') {
        out.add(field);
      } else if (REF_ARRAY_KEYS.has(key) && Array.isArray(field)) {
        for (const item of field) if (typeof item === 'string') out.add(item);
      } else {
        referencedIds(field, out);
      }
    }
  }
  return out;
}

function withoutState(body: Record<string, unknown>): Record<string, unknown> {
  const { isPolicyActivated: _state, ...rest } = body;
  return structuredClone(rest);
}

function describe(kind: StoredPolicyKind, collection: string): string {
  return kind === 'vsmart' ? 'policy' : `policy ${kind} (${collection})`;
}

function refuse(status: number, message: string, details: string, code: string): StoreResult<never> {
  return { ok: false, status, message, details, code };
}
