import type { z } from 'zod';
import { configSchema } from './config-schema.ts';
import type { Config } from './config-schema.ts';
import { formatConfigPath, getAtPath } from './config-path.ts';
import type { ConfigPath } from './config-path.ts';
import type { ConfigProblem } from './config-problem.ts';
import { didYouMean } from './did-you-mean.ts';
import { formatIssue } from './format-issue.ts';
import { schemaAt, schemaNode } from './schema-node.ts';

/** A problem about one place in the configuration; the loader adds where the value came from. */
export interface PathProblem extends ConfigProblem {
  readonly path: ConfigPath;
}

export type ConfigValidation =
  | { readonly ok: true; readonly config: Config }
  | { readonly ok: false; readonly problems: readonly PathProblem[] };

/**
 * Pairs where setting both is contradictory. They are checked on the merged input, before defaults: each
 * member has a default or an alternative meaning, so only what the user wrote can conflict.
 */
const EXCLUSIVE: readonly (readonly [ConfigPath, ConfigPath])[] = [
  [
    ['vmanage', 'pollInterval'],
    ['vmanage', 'pollSchedule'],
  ],
  [
    ['hubble', 'address'],
    ['hubble', 'flowLogFile'],
  ],
];

function problemAt(path: ConfigPath, code: string, message: string): PathProblem {
  return { severity: 'error', code, key: formatConfigPath(path), message, path };
}

function exclusiveProblems(raw: unknown): PathProblem[] {
  return EXCLUSIVE.filter(([first, second]) => getAtPath(raw, first) !== undefined && getAtPath(raw, second) !== undefined).map(([first, second]) =>
    problemAt(second, 'ConflictingKeys', `conflicts with ${formatConfigPath(first)}; set only one of them`),
  );
}

function unknownKeyProblems(issue: z.core.$ZodIssueUnrecognizedKeys): PathProblem[] {
  const parent = schemaAt(configSchema, issue.path as ConfigPath);
  const node = parent === undefined ? undefined : schemaNode(parent);
  const known = node?.kind === 'object' || node?.kind === 'secret' ? Object.keys(node.shape) : [];
  return issue.keys.map((key) => {
    const suggestion = didYouMean(key, known);
    const hint = suggestion === undefined ? `expected one of: ${known.join(', ')}` : `did you mean "${suggestion}"?`;
    return problemAt([...(issue.path as ConfigPath), key], 'UnknownKey', `unknown key; ${hint}`);
  });
}

function codeOf(issue: z.core.$ZodIssue, raw: unknown): string {
  const path = issue.path as ConfigPath;
  switch (issue.code) {
    case 'invalid_type': {
      const schema = schemaAt(configSchema, path);
      const plainSecret = schema !== undefined && schemaNode(schema).kind === 'secret' && typeof getAtPath(raw, path) === 'string';
      if (plainSecret) return 'PlainSecret';
      return getAtPath(raw, path) === undefined ? 'MissingValue' : 'InvalidType';
    }
    case 'too_small':
    case 'too_big':
      return 'OutOfRange';
    case 'invalid_key':
      return 'InvalidKey';
    case 'custom':
      return typeof issue.params?.problemCode === 'string' ? issue.params.problemCode : 'InvalidValue';
    default:
      return 'InvalidValue';
  }
}

/** Pure validation of a merged configuration tree: the typed configuration, or every problem found. */
export function validateConfig(raw: unknown): ConfigValidation {
  const result = configSchema.safeParse(raw, { error: formatIssue });
  const problems: PathProblem[] = [];
  if (!result.success) {
    for (const issue of result.error.issues) {
      if (issue.code === 'unrecognized_keys') problems.push(...unknownKeyProblems(issue));
      else problems.push(problemAt(issue.path as ConfigPath, codeOf(issue, raw), issue.message));
    }
  }
  problems.push(...exclusiveProblems(raw));
  if (problems.length > 0 || !result.success) return { ok: false, problems };
  return { ok: true, config: result.data };
}
