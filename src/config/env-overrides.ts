import type { z } from 'zod';
import { configSchema } from './config-schema.ts';
import { setAtPath } from './config-path.ts';
import type { RawTree } from './config-path.ts';
import type { ConfigOrigin } from './config-origin.ts';
import type { ConfigProblem } from './config-problem.ts';
import { coerceOverride } from './coerce-override.ts';
import { didYouMean } from './did-you-mean.ts';
import { schemaAt, schemaNode, valuePath } from './schema-node.ts';

export const ENV_PREFIX = 'ISTHMUS_';
/** `ISTHMUS_*` variables that are not configuration paths. */
export const RESERVED_ENV_NAMES: ReadonlySet<string> = new Set(['ISTHMUS_CONFIG']);

/** `vmanage.requestTimeout` → `ISTHMUS_VMANAGE_REQUEST_TIMEOUT`. */
export function envNameFor(path: readonly string[]): string {
  return ENV_PREFIX + path.map((segment) => segment.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('_');
}

/**
 * Every path an environment variable can set: the leaves of the schema, whole lists and records (as YAML
 * flow text), and a secret reference's `env` or `file`. Record keys are user-chosen (namespaces, header
 * names) and cannot be spelled in a variable name, so records are set whole.
 */
function settablePaths(schema: z.ZodType, path: readonly string[] = []): string[][] {
  const node = schemaNode(schema);
  switch (node.kind) {
    case 'object':
      return Object.entries(node.shape).flatMap(([key, child]) => settablePaths(child, [...path, key]));
    case 'secret':
      // The reference itself (`{env: NAME}` as YAML flow text) too, so that a secret value put here is refused loudly.
      return [[...path], [...path, 'env'], [...path, 'file']];
    default:
      return [[...path]];
  }
}

let envPathCache: ReadonlyMap<string, readonly string[]> | undefined;

/** Variable name → configuration path, for every variable Isthmus reads. */
export function configEnvNames(): ReadonlyMap<string, readonly string[]> {
  envPathCache ??= new Map(settablePaths(configSchema).map((path) => [envNameFor(path), path]));
  return envPathCache;
}

export interface OverrideLayer {
  readonly tree: RawTree;
  /** Which path each override set, to tell where a value came from. */
  readonly entries: readonly { readonly path: readonly string[]; readonly origin: ConfigOrigin }[];
  readonly problems: readonly ConfigProblem[];
}

/**
 * The configuration layer made of `ISTHMUS_*` environment variables. Empty variables count as unset (a
 * manifest often declares a variable it leaves blank). An unknown `ISTHMUS_*` variable is a warning, not an
 * error: it may belong to another tool, but a typo must not pass unnoticed.
 */
export function envOverrides(env: Readonly<Record<string, string | undefined>>): OverrideLayer {
  const names = configEnvNames();
  let tree: RawTree = {};
  const entries: { path: readonly string[]; origin: ConfigOrigin }[] = [];
  const problems: ConfigProblem[] = [];
  for (const name of Object.keys(env).sort()) {
    const value = env[name];
    if (!name.startsWith(ENV_PREFIX) || RESERVED_ENV_NAMES.has(name) || value === undefined || value === '') continue;
    const path = names.get(name);
    const schema = path === undefined ? undefined : schemaAt(configSchema, path);
    if (path === undefined || schema === undefined) {
      const suggestion = didYouMean(name, names.keys());
      const hint = suggestion === undefined ? '' : `; did you mean ${suggestion}?`;
      problems.push({ severity: 'warning', code: 'UnknownEnvironmentVariable', key: name, message: `not a configuration variable, ignored${hint}` });
      continue;
    }
    tree = setAtPath(tree, path, coerceOverride(schema, value));
    entries.push({ path: valuePath(configSchema, path), origin: { kind: 'env', variable: name } });
  }
  return { tree, entries, problems };
}
