import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { schemaNode } from './schema-node.ts';

const NUMBER = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?$/i;
const TRUE = new Set(['true', 'yes', 'on', '1']);
const FALSE = new Set(['false', 'no', 'off', '0']);

/** YAML flow syntax (`[a, b]`, `{env: NAME}`) for structured values; the text itself if it does not parse. */
function parseStructured(text: string): unknown {
  try {
    return parseYaml(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * Turns the text of an environment variable or a `--set` flag into the type the schema expects at that
 * place. Text that does not fit is passed on unchanged, so that validation reports it with the path and
 * what was found, like any other wrong value.
 */
export function coerceOverride(schema: z.ZodType, text: string): unknown {
  const node = schemaNode(schema);
  const trimmed = text.trim();
  switch (node.kind) {
    case 'string':
      return text;
    case 'number':
      return NUMBER.test(trimmed) ? Number(trimmed) : text;
    case 'boolean': {
      const lower = trimmed.toLowerCase();
      if (TRUE.has(lower)) return true;
      if (FALSE.has(lower)) return false;
      return text;
    }
    case 'array':
      // `mpls,biz-internet` for lists of words; YAML flow (`[{cidr: ..., siteId: 1}]`) for anything else.
      if (trimmed.startsWith('[')) return parseStructured(trimmed);
      if (trimmed === '') return [];
      return trimmed.split(',').map((item) => coerceOverride(node.element, item.trim()));
    case 'object':
    case 'record':
    case 'secret':
    case 'other':
      return parseStructured(trimmed);
  }
}
