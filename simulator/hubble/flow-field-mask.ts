import protobuf from 'protobufjs';
import type { JsonObject, JsonValue } from '../../src/hubble/hubble-codec.ts';
import { hubbleSchema } from '../../src/hubble/hubble-schema.ts';

/** A compiled mask: `true` keeps the whole field, a nested mask keeps part of a message field. */
interface MaskNode {
  readonly [field: string]: MaskNode | true;
}

export type FieldMaskResult = { readonly ok: true; readonly mask: FlowFieldMask } | { readonly ok: false; readonly message: string };

/**
 * GetFlows' `field_mask` over `flow.Flow`, as Hubble applies it: only the listed paths of each flow are
 * kept (`source.pod_name` keeps that one field of `source`; `l4` keeps all of it). Paths are proto field
 * names, exactly as spelled in flow.proto (`IP`, `Type`, `source.ID`), checked against the schema like
 * Hubble's `fieldmaskpb.New`: an unknown field, or a path through a repeated or scalar field, is refused.
 */
export class FlowFieldMask {
  readonly #root: MaskNode;

  private constructor(root: MaskNode) {
    this.#root = root;
  }

  static compile(paths: readonly string[]): FieldMaskResult {
    const root: Record<string, unknown> = {};
    for (const path of paths) {
      const problem = checkPath(path);
      if (problem !== undefined) return { ok: false, message: problem };
      let node = root;
      const parts = path.split('.');
      for (let i = 0; i < parts.length; i++) {
        const part = parts[i] ?? '';
        const existing = node[part];
        if (existing === true) break; // a shorter path already keeps all of it
        if (i === parts.length - 1) {
          node[part] = true;
          break;
        }
        const child = (existing ?? {}) as Record<string, unknown>;
        node[part] = child;
        node = child;
      }
    }
    return { ok: true, mask: new FlowFieldMask(root as MaskNode) };
  }

  /** The flow (Hubble's JSON form) with only the masked fields; a message named on the way is kept, if empty. */
  apply(flow: JsonObject): JsonObject {
    return prune(flow, this.#root);
  }
}

function prune(value: JsonObject, mask: MaskNode): JsonObject {
  const out: Record<string, JsonValue> = {};
  for (const [key, keep] of Object.entries(mask)) {
    const field = value[key];
    if (field === undefined) continue;
    if (keep === true) out[key] = field;
    else if (typeof field === 'object' && field !== null && !Array.isArray(field)) out[key] = prune(field as JsonObject, keep);
  }
  return out;
}

function checkPath(path: string): string | undefined {
  if (path === '') return 'empty field mask path';
  let type: protobuf.Type = hubbleSchema().type('flow.Flow');
  const parts = path.split('.');
  for (let i = 0; i < parts.length; i++) {
    const name = parts[i] ?? '';
    const field = type.fields[name];
    if (field === undefined) return `invalid field mask path "${path}": ${type.name} has no field "${name}"`;
    if (i === parts.length - 1) return undefined;
    const next = field.resolve().resolvedType;
    if (field.repeated || !(next instanceof protobuf.Type)) return `invalid field mask path "${path}": "${name}" is not a singular message field`;
    type = next;
  }
  return undefined;
}
