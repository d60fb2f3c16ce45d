/** A path into the configuration tree: keys of mappings, indexes of lists (`['kubernetes', 'siteRanges', 0]`). */
export type ConfigPath = readonly (string | number)[];

/** A configuration tree before validation: what YAML, environment variables and flags produce. */
export type RawTree = Record<string, unknown>;

/** `kubernetes.siteRanges[0].cidr`: the form error messages and `--set` use. */
export function formatConfigPath(path: ConfigPath): string {
  let text = '';
  for (const segment of path) {
    text += typeof segment === 'number' ? `[${segment}]` : text === '' ? segment : `.${segment}`;
  }
  return text === '' ? '(root)' : text;
}

export function isPlainObject(value: unknown): value is RawTree {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function getAtPath(tree: unknown, path: ConfigPath): unknown {
  let node = tree;
  for (const segment of path) {
    if (typeof segment === 'number') {
      if (!Array.isArray(node)) return undefined;
      node = (node as unknown[])[segment];
    } else {
      if (!isPlainObject(node)) return undefined;
      node = node[segment];
    }
  }
  return node;
}

/** A copy of `tree` with `value` at `path` (string keys only), creating mappings on the way. */
export function setAtPath(tree: RawTree, path: readonly string[], value: unknown): RawTree {
  const [head, ...rest] = path;
  if (head === undefined) return tree;
  if (rest.length === 0) return { ...tree, [head]: value };
  const child = tree[head];
  return { ...tree, [head]: setAtPath(isPlainObject(child) ? child : {}, rest, value) };
}

/** `true` when one path is the other or lies inside it. */
export function pathsOverlap(a: ConfigPath, b: ConfigPath): boolean {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index++) if (a[index] !== b[index]) return false;
  return true;
}
