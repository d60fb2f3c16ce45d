import type { z } from 'zod';
import { configSchema } from './config-schema.ts';
import { isPlainObject } from './config-path.ts';
import type { ConfigPath } from './config-path.ts';
import { schemaNode } from './schema-node.ts';

export interface ConfigLeaf {
  readonly path: ConfigPath;
  readonly value: unknown;
  readonly secret: boolean;
}

function isScalar(value: unknown): boolean {
  return value === null || (typeof value !== 'object' && typeof value !== 'function');
}

function collect(schema: z.ZodType | undefined, value: unknown, path: ConfigPath, leaves: ConfigLeaf[]): void {
  if (value === undefined) return;
  const node = schema === undefined ? undefined : schemaNode(schema);
  if (node?.kind === 'secret') {
    leaves.push({ path, value, secret: true });
  } else if (Array.isArray(value)) {
    // A list of words is one value (`[mpls, biz-internet]`); a list of mappings is looked into.
    const element = node?.kind === 'array' ? node.element : undefined;
    if (value.length === 0 || value.every(isScalar)) leaves.push({ path, value, secret: false });
    else {
      value.forEach((item, index) => {
        collect(element, item, [...path, index], leaves);
      });
    }
  } else if (isPlainObject(value) && Object.keys(value).length > 0) {
    for (const [key, child] of Object.entries(value)) {
      const childSchema = node?.kind === 'object' ? node.shape[key] : node?.kind === 'record' ? node.value : undefined;
      collect(childSchema, child, [...path, key], leaves);
    }
  } else {
    leaves.push({ path, value, secret: false });
  }
}

/**
 * The values of a configuration tree (parsed or in input form), each with its path: scalars, lists of
 * scalars, empty sections and secret references (kept whole, never looked into).
 */
export function configLeaves(tree: unknown): ConfigLeaf[] {
  const leaves: ConfigLeaf[] = [];
  collect(configSchema, tree, [], leaves);
  return leaves;
}
