import { isPlainObject } from './kube-object.ts';

export type PatchResult = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly status: 400 | 415 | 422; readonly message: string };

export const JSON_PATCH = 'application/json-patch+json';
export const MERGE_PATCH = 'application/merge-patch+json';
export const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';

/**
 * Applies a PATCH body in the three formats clients send. Strategic merge patch is applied as a JSON
 * merge patch: the difference (lists merged by key rather than replaced) matters for containers and
 * ports, not for the Events and Leases clients patch here. Server-side apply is refused with 415.
 */
export function applyPatch(target: unknown, contentType: string, body: string): PatchResult {
  const mediaType = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  if (mediaType !== JSON_PATCH && mediaType !== MERGE_PATCH && mediaType !== STRATEGIC_MERGE_PATCH) {
    return { ok: false, status: 415, message: `the body of the request was in an unknown format - accepted media types include: ${JSON_PATCH}, ${MERGE_PATCH}, ${STRATEGIC_MERGE_PATCH}` };
  }
  let patch: unknown;
  try {
    patch = JSON.parse(body);
  } catch {
    return { ok: false, status: 400, message: 'the patch body is not valid JSON' };
  }
  if (mediaType === JSON_PATCH) return applyJsonPatch(target, patch);
  if (!isPlainObject(patch)) return { ok: false, status: 400, message: 'a merge patch must be a JSON object' };
  return { ok: true, value: mergePatch(target, patch) };
}

/** RFC 7386: objects merge recursively, null deletes, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  const base = isPlainObject(target) ? target : {};
  const removed = new Set(Object.entries(patch).filter(([, value]) => value === null).map(([key]) => key));
  const result: Record<string, unknown> = Object.fromEntries(Object.entries(base).filter(([key]) => !removed.has(key)));
  for (const [key, value] of Object.entries(patch)) {
    if (value !== null) result[key] = mergePatch(result[key], value);
  }
  return result;
}

/** RFC 6902 (add, remove, replace, move, copy, test), applied to a copy; any failing operation fails all. */
export function applyJsonPatch(target: unknown, patch: unknown): PatchResult {
  if (!Array.isArray(patch)) return { ok: false, status: 400, message: 'a JSON patch must be an array of operations' };
  let document: unknown = structuredClone(target);
  for (const [index, operation] of (patch as unknown[]).entries()) {
    if (!isPlainObject(operation) || typeof operation.op !== 'string' || typeof operation.path !== 'string') {
      return { ok: false, status: 400, message: `operation ${String(index)}: op and path are required` };
    }
    const outcome = applyOperation(document, operation.op, operation.path, operation);
    if (typeof outcome === 'string') return { ok: false, status: 422, message: `operation ${String(index)} (${operation.op} ${operation.path}): ${outcome}` };
    document = outcome.value;
  }
  return { ok: true, value: document };
}

type Outcome = { readonly value: unknown } | string;

function applyOperation(document: unknown, op: string, path: string, operation: Readonly<Record<string, unknown>>): Outcome {
  switch (op) {
    case 'add':
      return 'value' in operation ? setAt(document, path, operation.value, 'add') : 'value is required';
    case 'replace':
      return 'value' in operation ? setAt(document, path, operation.value, 'replace') : 'value is required';
    case 'remove':
      return removeAt(document, path);
    case 'test': {
      const found = getAt(document, path);
      if (found === undefined) return 'path not found';
      return JSON.stringify(found.value) === JSON.stringify(operation.value) ? { value: document } : 'test failed';
    }
    case 'move':
    case 'copy': {
      if (typeof operation.from !== 'string') return 'from is required';
      const found = getAt(document, operation.from);
      if (found === undefined) return 'from path not found';
      const source = op === 'move' ? removeAt(document, operation.from) : { value: document };
      if (typeof source === 'string') return source;
      return setAt(source.value, path, structuredClone(found.value), 'add');
    }
    default:
      return `unknown op "${op}"`;
  }
}

function parsePointer(path: string): readonly string[] | undefined {
  if (path === '') return [];
  if (!path.startsWith('/')) return undefined;
  return path
    .slice(1)
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function getAt(document: unknown, path: string): { readonly value: unknown } | undefined {
  const tokens = parsePointer(path);
  if (tokens === undefined) return undefined;
  let current: unknown = document;
  for (const token of tokens) {
    if (Array.isArray(current)) {
      const index = Number(token);
      if (!Number.isInteger(index) || index < 0 || index >= current.length) return undefined;
      current = current[index] as unknown;
    } else if (isPlainObject(current) && Object.hasOwn(current, token)) {
      current = current[token];
    } else {
      return undefined;
    }
  }
  return { value: current };
}

/** Copies the containers along the path, so the input document is never modified. */
function setAt(document: unknown, path: string, value: unknown, mode: 'add' | 'replace'): Outcome {
  const tokens = parsePointer(path);
  if (tokens === undefined) return 'invalid JSON pointer';
  return update(document, tokens, (parent, last) => {
    if (Array.isArray(parent)) {
      const copy = [...(parent as unknown[])];
      if (mode === 'add' && last === '-') return { value: [...copy, value] };
      const index = Number(last);
      const limit = mode === 'add' ? copy.length : copy.length - 1;
      if (!Number.isInteger(index) || index < 0 || index > limit) return 'array index out of range';
      if (mode === 'add') copy.splice(index, 0, value);
      else copy[index] = value;
      return { value: copy };
    }
    if (!isPlainObject(parent)) return 'parent is not a container';
    if (mode === 'replace' && !Object.hasOwn(parent, last)) return 'path not found';
    return { value: { ...parent, [last]: value } };
  }, value);
}

function removeAt(document: unknown, path: string): Outcome {
  const tokens = parsePointer(path);
  if (tokens === undefined || tokens.length === 0) return 'cannot remove the whole document';
  return update(document, tokens, (parent, last) => {
    if (Array.isArray(parent)) {
      const index = Number(last);
      if (!Number.isInteger(index) || index < 0 || index >= parent.length) return 'array index out of range';
      return { value: (parent as unknown[]).filter((_, position) => position !== index) };
    }
    if (!isPlainObject(parent) || !Object.hasOwn(parent, last)) return 'path not found';
    return { value: Object.fromEntries(Object.entries(parent).filter(([key]) => key !== last)) };
  }, undefined);
}

/** Walks to the parent of the last token, applies `change` there and rebuilds the path above it. */
function update(
  document: unknown,
  tokens: readonly string[],
  change: (parent: unknown, last: string) => Outcome,
  wholeValue: unknown,
): Outcome {
  const [head, ...rest] = tokens;
  if (head === undefined) return { value: wholeValue };
  if (rest.length === 0) return change(document, head);
  if (Array.isArray(document)) {
    const index = Number(head);
    if (!Number.isInteger(index) || index < 0 || index >= document.length) return 'path not found';
    const inner = update(document[index] as unknown, rest, change, wholeValue);
    if (typeof inner === 'string') return inner;
    const copy = [...(document as unknown[])];
    copy[index] = inner.value;
    return { value: copy };
  }
  if (!isPlainObject(document) || !Object.hasOwn(document, head)) return 'path not found';
  const inner = update(document[head], rest, change, wholeValue);
  if (typeof inner === 'string') return inner;
  return { value: { ...document, [head]: inner.value } };
}
