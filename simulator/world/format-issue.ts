import { z } from 'zod';
import type { core } from 'zod';
import { suggest } from '../../src/domain/suggest.ts';
import { describeValue } from './describe-value.ts';
import { scenarioProblem } from './scenario-problem.ts';
import type { ScenarioProblem } from './scenario-problem.ts';

type Issue = core.$ZodIssue;
type Segment = string | number;

/**
 * Turns zod issues into problems a person can act on: the path in the file, what was expected (in YAML
 * words: "a list", "a mapping") and what was found. zod's own messages name TypeScript types and hide the
 * found value; unions report every branch. Here a union reports the branch the value was evidently meant
 * for, and an unknown key suggests the key it was probably meant to be.
 */
export function formatIssue(issue: Issue, schema: z.ZodType, root: unknown): ScenarioProblem[] {
  return formatAt(issue, toSegments(issue.path), schema, root);
}

function formatAt(issue: Issue, path: Segment[], schema: z.ZodType, root: unknown): ScenarioProblem[] {
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => scenarioProblem('error', 'UnknownKey', [...path, key], unknownKey(key, schema, root, path)));
    case 'invalid_union':
      return formatUnion(issue, path, schema, root);
    case 'invalid_key': {
      const key = issue.input;
      const nested = issue.issues[0];
      const detail = nested === undefined ? 'invalid key' : `unknown key; ${detailOf(nested)}`;
      return [scenarioProblem('error', 'UnknownKey', typeof key === 'string' ? [...path, key] : path, detail)];
    }
    default:
      return [scenarioProblem('error', 'InvalidValue', path, detailOf(issue))];
  }
}

/** The message after the path, for a single (non-union) issue. */
function detailOf(issue: Issue): string {
  const found = describeValue(issue.input);
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${typeName(issue.expected)}, got ${found}`;
    case 'invalid_value': {
      const values = issue.values.map(String);
      if (values.length === 1) return `expected ${JSON.stringify(issue.values[0])}, got ${found}`;
      const hint = typeof issue.input === 'string' ? suggest(issue.input, values) : undefined;
      return `expected one of ${values.join(', ')}, got ${found}${hint === undefined ? '' : ` (did you mean ${JSON.stringify(hint)}?)`}`;
    }
    case 'too_small':
      return bound(issue.origin, issue.minimum, issue.inclusive ?? true, 'small', issue.input);
    case 'too_big':
      return bound(issue.origin, issue.maximum, issue.inclusive ?? true, 'big', issue.input);
    case 'invalid_format':
      return issue.format === 'starts_with' && 'prefix' in issue
        ? `expected a string starting with ${JSON.stringify(issue.prefix)}, got ${found}`
        : `expected a string in ${issue.format} format, got ${found}`;
    case 'not_multiple_of':
      return `expected a multiple of ${issue.divisor}, got ${found}`;
    default:
      return issue.message;
  }
}

function typeName(expected: string): string {
  switch (expected) {
    case 'number':
      return 'a number';
    case 'int':
      return 'an integer';
    case 'string':
      return 'a string';
    case 'boolean':
      return 'true or false';
    case 'object':
    case 'record':
      return 'a mapping';
    case 'array':
    case 'tuple':
      return 'a list';
    default:
      return expected;
  }
}

function bound(origin: string, limit: number | bigint, inclusive: boolean, side: 'small' | 'big', input: unknown): string {
  const n = Number(limit);
  if (origin === 'array' || origin === 'set') {
    const count = Array.isArray(input) ? input.length : 0;
    const got = count === 0 ? 'an empty list' : `${count} item${count === 1 ? '' : 's'}`;
    const need = side === 'small' ? `at least ${inclusive ? n : n + 1}` : `at most ${inclusive ? n : n - 1}`;
    return `expected ${need} item${need.endsWith(' 1') ? '' : 's'}, got ${got}`;
  }
  if (origin === 'string') {
    return side === 'small' && n <= 1 ? `expected a non-empty string, got ${describeValue(input)}` : `expected a string of ${side === 'small' ? 'at least' : 'at most'} ${n} characters, got ${describeValue(input)}`;
  }
  const op = side === 'small' ? (inclusive ? '≥' : '>') : inclusive ? '≤' : '<';
  return `expected a number ${op} ${n}, got ${describeValue(input)}`;
}

/**
 * A union failed. Branches whose only complaint is the value's type (a string where the branch wants a
 * mapping) were not what the author meant; if one branch remains, its issues are the useful ones.
 */
function formatUnion(issue: core.$ZodIssueInvalidUnion, path: Segment[], schema: z.ZodType, root: unknown): ScenarioProblem[] {
  if (issue.discriminator !== undefined) {
    const value = isRecord(issue.input) ? issue.input[issue.discriminator] : undefined;
    const options = ('options' in issue ? (issue.options ?? []) : []).map(String);
    const hint = typeof value === 'string' ? suggest(value, options) : undefined;
    const detail = `expected one of ${options.join(', ')}, got ${describeValue(value)}${hint === undefined ? '' : ` (did you mean ${JSON.stringify(hint)}?)`}`;
    // zod already points the path at the discriminator key.
    return [scenarioProblem('error', 'InvalidValue', path, detail)];
  }
  const branches = issue.errors;
  const meant = branches.filter((branch) => !isTypeMismatch(branch, issue.input));
  const chosen = meant[0];
  if (chosen !== undefined) {
    return chosen.flatMap((inner) => formatAt(inner, [...path, ...toSegments(inner.path)], schema, root));
  }
  const expectations = branches.map((branch) => (branch[0] === undefined ? 'something else' : expectationOf(branch[0])));
  const last = expectations.pop() ?? 'something else';
  const list = expectations.length === 0 ? last : `${expectations.join(', ')} or ${last}`;
  return [scenarioProblem('error', 'InvalidValue', path, `expected ${list}, got ${describeValue(issue.input)}`)];
}

function isTypeMismatch(branch: readonly Issue[], input: unknown): boolean {
  if (branch.length !== 1) return false;
  const only = branch[0];
  if (only === undefined || only.path.length > 0) return false;
  if (only.code === 'invalid_type') return true;
  if (only.code === 'invalid_value') return typeof only.values[0] !== typeof input;
  // Custom fields (names, durations) take scalars: a mapping or a list was meant for another branch.
  if (only.code === 'custom') return typeof input === 'object';
  return false;
}

/** What a branch wanted, as a noun phrase ("a mapping", "one of mpls, lte"). */
function expectationOf(issue: Issue): string {
  if (issue.code === 'invalid_type') return typeName(issue.expected);
  if (issue.code === 'invalid_value') return issue.values.length === 1 ? JSON.stringify(issue.values[0]) : `one of ${issue.values.map(String).join(', ')}`;
  const match = /^expected (.*), got /.exec(issue.message);
  return match?.[1] ?? issue.message;
}

function unknownKey(key: string, schema: z.ZodType, root: unknown, path: readonly Segment[]): string {
  const allowed = objectKeysAt(schema, root, path);
  if (allowed.length === 0) return 'unknown key';
  const hint = suggest(key, allowed);
  return hint === undefined ? `unknown key; expected one of ${allowed.join(', ')}` : `unknown key; did you mean ${JSON.stringify(hint)}?`;
}

/** The keys the schema allows at `path`, walking the schema alongside the input. */
function objectKeysAt(schema: z.ZodType, input: unknown, path: readonly Segment[]): string[] {
  const node = resolve(unwrap(schema), input);
  if (path.length === 0) {
    if (node instanceof z.ZodObject) return Object.keys(node.shape);
    // A record keyed by an enum (per-color settings) allows exactly the enum's values.
    const keyType = node instanceof z.ZodRecord ? unwrap(node.keyType as z.ZodType) : undefined;
    return keyType instanceof z.ZodEnum ? keyType.options.map(String) : [];
  }
  const [head, ...rest] = path;
  const child = isRecord(input) || Array.isArray(input) ? (input as Record<string | number, unknown>)[head ?? ''] : undefined;
  if (node instanceof z.ZodObject && typeof head === 'string') {
    const next = (node.shape as Record<string, z.ZodType | undefined>)[head];
    return next === undefined ? [] : objectKeysAt(next, child, rest);
  }
  if (node instanceof z.ZodArray && typeof head === 'number') return objectKeysAt(node.element as z.ZodType, child, rest);
  if (node instanceof z.ZodTuple && typeof head === 'number') {
    const item = (node.def.items as readonly z.ZodType[])[head];
    return item === undefined ? [] : objectKeysAt(item, child, rest);
  }
  if (node instanceof z.ZodRecord) return objectKeysAt(node.valueType as z.ZodType, child, rest);
  return [];
}

/** Strips optional/default/pipe wrappers. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodDefault || current instanceof z.ZodNullable) {
      current = current.def.innerType as z.ZodType;
    } else if (current instanceof z.ZodPipe) {
      current = current.def.in as z.ZodType;
    } else {
      return current;
    }
  }
}

/** For a union, the object branch the input belongs to (by its literal keys, e.g. `kind`). */
function resolve(schema: z.ZodType, input: unknown): z.ZodType {
  if (!(schema instanceof z.ZodUnion)) return schema;
  const objects = (schema.options as readonly z.ZodType[]).map(unwrap).filter((option) => option instanceof z.ZodObject);
  const matching = objects.find((option) =>
    Object.entries(option.shape as Record<string, z.ZodType>).every(
      ([key, value]) => !(value instanceof z.ZodLiteral) || (isRecord(input) && value.values.has(input[key] as never)),
    ),
  );
  return matching ?? objects[0] ?? schema;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toSegments(path: readonly PropertyKey[]): Segment[] {
  return path.map((segment) => (typeof segment === 'number' ? segment : String(segment)));
}
