import type { z } from 'zod';
import { configSchema } from './config-schema.ts';
import { formatConfigPath, setAtPath } from './config-path.ts';
import type { RawTree } from './config-path.ts';
import type { ConfigOrigin } from './config-origin.ts';
import type { ConfigProblem } from './config-problem.ts';
import { coerceOverride } from './coerce-override.ts';
import { didYouMean } from './did-you-mean.ts';
import type { OverrideLayer } from './env-overrides.ts';
import { childSchema, schemaNode, valuePath } from './schema-node.ts';

type PathLookup = { readonly ok: true; readonly schema: z.ZodType } | { readonly ok: false; readonly message: string };

/** Follows a dotted path through the schema, explaining the first step that does not exist. */
function lookUp(path: readonly string[]): PathLookup {
  let schema: z.ZodType = configSchema;
  for (const [index, segment] of path.entries()) {
    const node = schemaNode(schema);
    const here = path.slice(0, index);
    if (node.kind === 'array') {
      return { ok: false, message: `${formatConfigPath(here)} is a list; set it whole, as YAML flow text such as [a, b] or [{key: value}]` };
    }
    const child = segment === '' ? undefined : childSchema(node, segment);
    if (child === undefined) {
      if (node.kind !== 'object') return { ok: false, message: `${formatConfigPath(here)} has no keys inside it` };
      const known = Object.keys(node.shape);
      const suggestion = didYouMean(segment, known);
      const hint = suggestion === undefined ? `expected one of: ${known.join(', ')}` : `did you mean "${suggestion}"?`;
      return { ok: false, message: `unknown key "${segment}"; ${hint}` };
    }
    schema = child;
  }
  return { ok: true, schema };
}

/**
 * The configuration layer made of `--set path=value` flags, in order (a later flag wins). Values are text,
 * coerced like environment variables. Messages never repeat the value: it may be a mistyped secret.
 */
export function setOverrides(assignments: readonly string[]): OverrideLayer {
  let tree: RawTree = {};
  const entries: { path: readonly string[]; origin: ConfigOrigin }[] = [];
  const problems: ConfigProblem[] = [];
  for (const assignment of assignments) {
    const equals = assignment.indexOf('=');
    const pathText = equals < 0 ? assignment : assignment.slice(0, equals);
    const origin: ConfigOrigin = { kind: 'flag', flag: `--set ${pathText}` };
    if (equals <= 0) {
      problems.push({ severity: 'error', code: 'InvalidSetFlag', key: `--set ${pathText}`, message: 'expected path=value, e.g. --set vmanage.url=https://vmanage.example.com' });
      continue;
    }
    const path = pathText.split('.');
    const lookup = lookUp(path);
    if (!lookup.ok) {
      problems.push({ severity: 'error', code: 'UnknownKey', key: pathText, message: lookup.message, origin });
      continue;
    }
    tree = setAtPath(tree, path, coerceOverride(lookup.schema, assignment.slice(equals + 1)));
    entries.push({ path: valuePath(configSchema, path), origin });
  }
  return { tree, entries, problems };
}
