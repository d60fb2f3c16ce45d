import type { StoredObject } from './kube-object.ts';

export type ObjectMatcher = (object: StoredObject) => boolean;

export type SelectorResult = { readonly ok: true; readonly matches: ObjectMatcher } | { readonly ok: false; readonly message: string };

type Requirement = (value: string | undefined) => boolean;

const FIELDS: Readonly<Record<string, (object: StoredObject) => string | undefined>> = {
  'metadata.name': (object) => object.metadata.name,
  'metadata.namespace': (object) => object.metadata.namespace,
};

/**
 * `labelSelector` and `fieldSelector` of list and watch requests. Equality-based label requirements
 * (`k=v`, `k==v`, `k!=v`, `k`, `!k`) and the two field selectors every resource supports
 * (`metadata.name`, `metadata.namespace`). Anything else is refused with 400 rather than ignored, so a
 * client relying on it notices.
 */
export function parseSelectors(labelSelector: string | null, fieldSelector: string | null): SelectorResult {
  const labels = parseRequirements(labelSelector ?? '', true);
  if (typeof labels === 'string') return { ok: false, message: `labelSelector: ${labels}` };
  const fields = parseRequirements(fieldSelector ?? '', false);
  if (typeof fields === 'string') return { ok: false, message: `fieldSelector: ${fields}` };
  if (labels.length === 0 && fields.length === 0) return { ok: true, matches: () => true };
  return {
    ok: true,
    matches: (object) =>
      labels.every(([key, requirement]) => requirement(object.metadata.labels?.[key])) &&
      fields.every(([key, requirement]) => requirement(FIELDS[key]?.(object))),
  };
}

function parseRequirements(text: string, labels: boolean): (readonly [string, Requirement])[] | string {
  const requirements: (readonly [string, Requirement])[] = [];
  for (const raw of text.split(',')) {
    const term = raw.trim();
    if (term === '') continue;
    const match = /^(!)?([^!=\s]+)\s*(?:(==|=|!=)\s*(\S*))?$/.exec(term);
    if (match === null) return `unsupported requirement "${term}" (the emulator understands k=v, k==v, k!=v, k and !k)`;
    const [, negated, key = '', operator, value = ''] = match;
    if (!labels && (operator === undefined || negated !== undefined || !(key in FIELDS))) {
      return `unsupported field selector "${term}" (the emulator understands metadata.name and metadata.namespace with =, == or !=)`;
    }
    if (negated !== undefined && operator !== undefined) return `unsupported requirement "${term}"`;
    if (operator === undefined) requirements.push([key, negated === undefined ? (found) => found !== undefined : (found) => found === undefined]);
    else if (operator === '!=') requirements.push([key, (found) => found !== value]);
    else requirements.push([key, (found) => found === value]);
  }
  return requirements;
}
