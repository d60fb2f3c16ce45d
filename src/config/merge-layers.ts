import type { z } from 'zod';
import { isPlainObject } from './config-path.ts';
import { childSchema, schemaNode } from './schema-node.ts';

/**
 * Lays `higher` over `lower`. Sections (objects and records) merge key by key; every other value, including
 * lists and secret references, is replaced whole: `{file: …}` under `{env: …}` must not become both.
 */
export function mergeLayers(schema: z.ZodType | undefined, lower: unknown, higher: unknown): unknown {
  if (higher === undefined) return lower;
  if (schema === undefined || !isPlainObject(lower) || !isPlainObject(higher)) return higher;
  const node = schemaNode(schema);
  if (node.kind !== 'object' && node.kind !== 'record') return higher;
  const merged: Record<string, unknown> = { ...lower };
  for (const [key, value] of Object.entries(higher)) {
    merged[key] = mergeLayers(childSchema(node, key), lower[key], value);
  }
  return merged;
}
