import { z } from 'zod';
import { isSecretSchema } from './config-schema.ts';
import type { ConfigPath } from './config-path.ts';

/**
 * What a schema expects, seen through its wrappers (optional, default, codec, ...). Overrides use it to
 * coerce text to the right type, merging uses it to tell sections from values, messages to list known keys.
 */
export type SchemaNode =
  | { readonly kind: 'object'; readonly shape: Readonly<Record<string, z.ZodType>> }
  | { readonly kind: 'record'; readonly value: z.ZodType }
  | { readonly kind: 'array'; readonly element: z.ZodType }
  | { readonly kind: 'secret'; readonly shape: Readonly<Record<string, z.ZodType>> }
  | { readonly kind: 'string' }
  | { readonly kind: 'number' }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'other' };

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    if (isSecretSchema(current)) return current;
    if (current instanceof z.ZodOptional || current instanceof z.ZodNullable) current = current.unwrap() as z.ZodType;
    else if (current instanceof z.ZodDefault || current instanceof z.ZodPrefault) current = current.unwrap() as z.ZodType;
    // A codec reads its input side: configuration is written in input form (`30s`, not 30000).
    else if (current instanceof z.ZodPipe) current = current.in as z.ZodType;
    else return current;
  }
}

export function schemaNode(schema: z.ZodType): SchemaNode {
  const inner = unwrap(schema);
  if (inner instanceof z.ZodObject) {
    // A secret reference is an object underneath (`env` or `file`), but it is one value, never merged.
    const shape = inner.shape as Record<string, z.ZodType>;
    return isSecretSchema(inner) ? { kind: 'secret', shape } : { kind: 'object', shape };
  }
  if (inner instanceof z.ZodRecord) return { kind: 'record', value: inner.valueType as z.ZodType };
  if (inner instanceof z.ZodArray) return { kind: 'array', element: inner.element as z.ZodType };
  if (inner instanceof z.ZodString || inner instanceof z.ZodEnum) return { kind: 'string' };
  if (inner instanceof z.ZodNumber) return { kind: 'number' };
  if (inner instanceof z.ZodBoolean) return { kind: 'boolean' };
  return { kind: 'other' };
}

/** The schema of a key inside a mapping (a field of an object, or any key of a record). */
export function childSchema(node: SchemaNode, key: string): z.ZodType | undefined {
  if (node.kind === 'object' || node.kind === 'secret') return Object.hasOwn(node.shape, key) ? node.shape[key] : undefined;
  if (node.kind === 'record') return node.value;
  return undefined;
}

/** The schema at a path, or undefined when the path leaves the schema. */
export function schemaAt(root: z.ZodType, path: ConfigPath): z.ZodType | undefined {
  let schema: z.ZodType | undefined = root;
  for (const segment of path) {
    if (schema === undefined) return undefined;
    const node = schemaNode(schema);
    schema = typeof segment === 'number' ? (node.kind === 'array' ? node.element : undefined) : childSchema(node, segment);
  }
  return schema;
}

/**
 * The path of the value that `path` belongs to: itself, or the secret reference it lies in. A reference is
 * one value, so setting `vmanage.password.env` sets (and is the origin of) `vmanage.password`.
 */
export function valuePath(root: z.ZodType, path: readonly string[]): readonly string[] {
  let schema: z.ZodType | undefined = root;
  for (let index = 0; index < path.length; index++) {
    if (schema === undefined) return path;
    const node = schemaNode(schema);
    if (node.kind === 'secret') return path.slice(0, index);
    const segment = path[index];
    schema = segment === undefined ? undefined : childSchema(node, segment);
  }
  return path;
}
