import { canonicalJson } from './canonical-json.ts';
import { mapReferences } from './map-references.ts';
import type { PolicyDocument, PolicyObjectKind } from './policy-document.ts';
import { POLICY_OBJECT_KINDS } from './policy-object-kinds.ts';
import type { RealizedPolicyObject, RealizedPolicyState } from './realized-policy.ts';

/** One step of a push. Bodies hold names in their references; the client maps them to ids. */
export type PolicyChange =
  | { readonly op: 'create'; readonly kind: PolicyObjectKind; readonly name: string; readonly body: Readonly<Record<string, unknown>> }
  | { readonly op: 'update'; readonly kind: PolicyObjectKind; readonly name: string; readonly id: string; readonly body: Readonly<Record<string, unknown>> }
  | { readonly op: 'delete'; readonly kind: PolicyObjectKind; readonly name: string; readonly id: string };

/** A desired object whose name an object Isthmus does not own already has: it is left alone. */
export interface PolicyConflict {
  readonly kind: PolicyObjectKind;
  readonly name: string;
  readonly foreignId: string;
}

/** The centralized policy a round manages. */
export interface ManagedPolicy {
  readonly name: string;
  /** Undefined until created. */
  readonly id: string | undefined;
  readonly active: boolean;
  /** True when it is a customer's policy named by `adopt`, not one Isthmus owns. */
  readonly adopted: boolean;
}

export interface PolicyDiff {
  /** In a safe order: creates and updates from lists up to the policy, then deletes back down. */
  readonly changes: readonly PolicyChange[];
  readonly conflicts: readonly PolicyConflict[];
  /** Undefined when adopting a policy that does not exist. */
  readonly policy: ManagedPolicy | undefined;
}

export interface DiffPolicyOptions {
  /** The name of an existing (customer) centralized policy to add Isthmus' definitions to. */
  readonly adopt?: string;
}

/**
 * What must change on vManage for it to hold `desired`: objects missing are created, objects whose
 * content differs are updated in place (ids, and so references to them, stay stable), and owned
 * objects no longer wanted are deleted after everything that referred to them has been updated.
 * Content is compared with references translated back to names, on the fields Isthmus renders only,
 * so vManage's row metadata (`lastUpdated`, `referenceCount`, …) never reads as a change.
 *
 * Adopting: the named policy keeps every assembly entry that is not Isthmus', in place, and gets
 * Isthmus' entries appended; its name, description and type are the customer's and stay so.
 */
export function diffPolicy(desired: PolicyDocument, realized: RealizedPolicyState, options: DiffPolicyOptions = {}): PolicyDiff {
  const idToName = new Map<string, string>();
  for (const object of [...realized.owned, ...realized.foreign]) idToName.set(object.id, object.name);
  const owned = firstByName(realized.owned);
  const foreign = firstByName(realized.foreign);
  const adopted = options.adopt === undefined ? undefined : foreign.get(key('vsmart', options.adopt));
  const wanted = options.adopt === undefined ? desired.objects : desired.objects.filter((object) => object.kind !== 'vsmart');

  const upserts: PolicyChange[] = [];
  const conflicts: PolicyConflict[] = [];
  for (const object of wanted) {
    const current = owned.get(key(object.kind, object.name));
    if (current === undefined) {
      const taken = foreign.get(key(object.kind, object.name));
      if (taken !== undefined) conflicts.push({ kind: object.kind, name: object.name, foreignId: taken.id });
      else upserts.push({ op: 'create', kind: object.kind, name: object.name, body: object.body });
    } else if (!sameContent(object.body, current, idToName)) {
      upserts.push({ op: 'update', kind: object.kind, name: object.name, id: current.id, body: object.body });
    }
  }

  let policy: ManagedPolicy | undefined;
  if (options.adopt === undefined) {
    const ownPolicy = desired.objects.find((object) => object.kind === 'vsmart');
    const current = ownPolicy === undefined ? undefined : owned.get(key('vsmart', ownPolicy.name));
    policy = ownPolicy === undefined ? undefined : { name: ownPolicy.name, id: current?.id, active: current?.active ?? false, adopted: false };
  } else if (adopted !== undefined) {
    policy = { name: adopted.name, id: adopted.id, active: adopted.active, adopted: true };
    const merged = adoptedBody(desired, adopted, idToName, new Set(realized.owned.map((object) => object.name)));
    if (!sameContent(merged, adopted, idToName)) upserts.push({ op: 'update', kind: 'vsmart', name: adopted.name, id: adopted.id, body: merged });
  }

  const keep = new Set(wanted.map((object) => key(object.kind, object.name)));
  const seen = new Set<string>();
  const deletes: PolicyChange[] = [];
  for (const object of realized.owned) {
    const k = key(object.kind, object.name);
    // A second owned object of the same name (left by a half-finished push elsewhere) goes too.
    if (!keep.has(k) || seen.has(k)) deletes.push({ op: 'delete', kind: object.kind, name: object.name, id: object.id });
    seen.add(k);
  }
  const stage = (change: PolicyChange) => POLICY_OBJECT_KINDS[change.kind].stage;
  upserts.sort((a, b) => stage(a) - stage(b));
  deletes.sort((a, b) => stage(b) - stage(a) || compare(a.name, b.name));
  return { changes: [...upserts, ...deletes], conflicts, policy };
}

/** True when the realized row, references as names, has the rendered body's value on each rendered field. */
function sameContent(body: Readonly<Record<string, unknown>>, realized: RealizedPolicyObject, idToName: ReadonlyMap<string, string>): boolean {
  const named = mapReferences(realized.body, idToName) as Record<string, unknown>;
  const projected: Record<string, unknown> = {};
  for (const field of Object.keys(body)) projected[field] = named[field];
  return canonicalJson(projected) === canonicalJson(body);
}

/** The adopted policy with its own entries kept and Isthmus' (re)placed after them. */
function adoptedBody(desired: PolicyDocument, adopted: RealizedPolicyObject, idToName: ReadonlyMap<string, string>, ownedNames: ReadonlySet<string>): Record<string, unknown> {
  const named = mapReferences(adopted.body, idToName) as Record<string, unknown>;
  const definition = isRecord(named.policyDefinition) ? named.policyDefinition : {};
  const assembly = Array.isArray(definition.assembly) ? (definition.assembly as unknown[]) : [];
  const ours = desired.objects.find((object) => object.kind === 'vsmart')?.body.policyDefinition;
  const oursAssembly = isRecord(ours) && Array.isArray(ours.assembly) ? (ours.assembly as unknown[]) : [];
  const oursNames = new Set(oursAssembly.map((entry) => (isRecord(entry) ? entry.definitionId : undefined)));
  const theirs = assembly.filter((entry) => {
    const id = isRecord(entry) ? entry.definitionId : undefined;
    return !(typeof id === 'string' && (ownedNames.has(id) || oursNames.has(id)));
  });
  return {
    policyName: named.policyName,
    policyDescription: named.policyDescription,
    policyType: named.policyType,
    policyDefinition: { ...definition, assembly: [...theirs, ...oursAssembly] },
  };
}

function firstByName(objects: readonly RealizedPolicyObject[]): Map<string, RealizedPolicyObject> {
  const byName = new Map<string, RealizedPolicyObject>();
  for (const object of objects) if (!byName.has(key(object.kind, object.name))) byName.set(key(object.kind, object.name), object);
  return byName;
}

function key(kind: PolicyObjectKind, name: string): string {
  return `${kind}\u0000${name}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

