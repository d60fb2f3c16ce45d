/**
 * One requirement of a label selector as Hubble's `source_label`/`destination_label` filters take them:
 * Kubernetes selector syntax over Cilium labels, whose keys may carry a source (`k8s:app=frontend`,
 * `reserved:world`). A key written without a source matches a label from any source.
 */
export interface LabelRequirement {
  /** Empty: any source. */
  readonly source: string;
  readonly key: string;
  readonly operator: 'in' | 'notin' | 'exists' | 'doesnotexist';
  readonly values: readonly string[];
}

const KEY = /^(?:([A-Za-z0-9_.-]+):)?([A-Za-z0-9_./-]+)$/;

/**
 * `k8s:app=frontend,tier in (web, api),!canary` → requirements, all of which must hold. Undefined when
 * the text is not a selector this parser understands (the caller reports it as a bad filter).
 */
export function parseLabelSelector(text: string): LabelRequirement[] | undefined {
  const requirements: LabelRequirement[] = [];
  for (const part of splitTopLevel(text)) {
    const requirement = parseRequirement(part.trim());
    if (requirement === undefined) return undefined;
    requirements.push(requirement);
  }
  return requirements.length === 0 ? undefined : requirements;
}

/** Whether Cilium labels (`source:key=value` strings) satisfy every requirement. */
export function labelsMatch(requirements: readonly LabelRequirement[], labels: readonly string[]): boolean {
  for (const requirement of requirements) {
    const value = labelValue(labels, requirement.source, requirement.key);
    switch (requirement.operator) {
      case 'exists':
        if (value === undefined) return false;
        break;
      case 'doesnotexist':
        if (value !== undefined) return false;
        break;
      case 'in':
        if (value === undefined || !requirement.values.includes(value)) return false;
        break;
      case 'notin':
        // As in Kubernetes: a missing key satisfies `notin`.
        if (value !== undefined && requirement.values.includes(value)) return false;
        break;
    }
  }
  return true;
}

/** The value of the first label with this key (and source, when given); undefined when absent. */
function labelValue(labels: readonly string[], source: string, key: string): string | undefined {
  for (const label of labels) {
    const colon = label.indexOf(':');
    const equals = label.indexOf('=', colon + 1);
    const labelKey = equals < 0 ? label.slice(colon + 1) : label.slice(colon + 1, equals);
    if (labelKey !== key) continue;
    if (source !== '' && source !== 'any' && label.slice(0, Math.max(0, colon)) !== source) continue;
    return equals < 0 ? '' : label.slice(equals + 1);
  }
  return undefined;
}

function parseRequirement(text: string): LabelRequirement | undefined {
  if (text.startsWith('!')) {
    const key = parseKey(text.slice(1).trim());
    return key === undefined ? undefined : { ...key, operator: 'doesnotexist', values: [] };
  }
  const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(text);
  if (set !== null) {
    const key = parseKey(set[1] ?? '');
    const values = (set[3] ?? '').split(',').map((value) => value.trim());
    if (key === undefined || values.some((value) => !validValue(value))) return undefined;
    return { ...key, operator: set[2] === 'in' ? 'in' : 'notin', values };
  }
  const comparison = /^([^!=\s]+)\s*(==|=|!=)\s*(.*)$/.exec(text);
  if (comparison !== null) {
    const key = parseKey(comparison[1] ?? '');
    const value = (comparison[3] ?? '').trim();
    if (key === undefined || !validValue(value)) return undefined;
    return { ...key, operator: comparison[2] === '!=' ? 'notin' : 'in', values: [value] };
  }
  const key = parseKey(text);
  return key === undefined ? undefined : { ...key, operator: 'exists', values: [] };
}

function parseKey(text: string): { source: string; key: string } | undefined {
  const match = KEY.exec(text);
  if (match === null) return undefined;
  return { source: match[1] ?? '', key: match[2] ?? '' };
}

function validValue(value: string): boolean {
  return /^[A-Za-z0-9_.-]*$/.test(value);
}

/** Splits on commas outside parentheses: `a in (x, y),b` → `a in (x, y)`, `b`. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.filter((part) => part.trim() !== '');
}
