import type { z } from 'zod';
import { describeFound } from './describe-found.ts';
import { didYouMean } from './did-you-mean.ts';

const NOUNS: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'a mapping (key: value)',
  record: 'a mapping (key: value)',
  array: 'a list',
};

function bound(issue: { readonly origin: string; readonly inclusive?: boolean }, limit: unknown, direction: 'least' | 'most'): string {
  if (issue.origin === 'string') return limit === 1 && direction === 'least' ? 'must not be empty' : `must be at ${direction} ${String(limit)} characters long`;
  if (issue.origin === 'array') return `must have at ${direction} ${String(limit)} items`;
  if (issue.inclusive === false) return `must be ${direction === 'least' ? 'greater' : 'less'} than ${String(limit)}`;
  return `must be at ${direction} ${String(limit)}`;
}

/**
 * Error map for parsing the configuration: messages that name the expected type and what was found, in the
 * words of a YAML file rather than of JavaScript. Messages set by the schema itself take precedence.
 */
export function formatIssue(issue: z.core.$ZodRawIssue): string | undefined {
  const found = describeFound(issue.input);
  switch (issue.code) {
    case 'invalid_type': {
      const noun = NOUNS[issue.expected] ?? issue.expected;
      return issue.input === undefined ? `required (expected ${noun})` : `expected ${noun}, found ${found}`;
    }
    case 'too_small':
      return `${bound(issue, issue.minimum, 'least')}, found ${found}`;
    case 'too_big':
      return `${bound(issue, issue.maximum, 'most')}, found ${found}`;
    case 'invalid_value': {
      const values = issue.values.map(String);
      const suggestion = typeof issue.input === 'string' ? didYouMean(issue.input, values) : undefined;
      const hint = suggestion === undefined ? '' : `; did you mean "${suggestion}"?`;
      return `expected one of ${values.join(', ')}, found ${found}${hint}`;
    }
    case 'invalid_key':
      return `invalid key ${found}: ${issue.issues.map((inner) => inner.message).join('; ')}`;
    case 'unrecognized_keys':
      return `unknown ${issue.keys.length === 1 ? 'key' : 'keys'} ${issue.keys.join(', ')}`;
    default:
      return undefined;
  }
}
