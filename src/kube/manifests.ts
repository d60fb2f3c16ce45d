/**
 * Kubernetes manifests as text (multi-document YAML, or JSON) → plain objects that remember where each key
 * sits in the source, so that a finding can point at `file:line`.
 *
 * Choices that make the reading match what `kubectl apply` would see:
 *  - YAML 1.1 with merge keys (`<<: *base`), like the go-yaml v2 that sigs.k8s.io/yaml uses: so a value
 *    Kubernetes would read as a boolean (`yes`, `on`) or a number is not mistaken for a string here.
 *  - JSON goes through the same parser (JSON is valid YAML), so it gets positions for free.
 *  - A `kind: List` (or `ServiceList`, …, any kind ending in `List` with `items`) is unwrapped into its
 *    items, as kubectl does; the List itself is not an object to check.
 *  - Duplicate keys, syntax errors, unresolvable aliases and alias bombs are errors of the document, with
 *    the line they occur on; the other documents of the stream are still read.
 */
import { LineCounter, isAlias, isMap, isNode, isScalar, isSeq, parseAllDocuments } from 'yaml';
import type { Document, Node, Pair, YAMLMap } from 'yaml';

/** 1-based, as editors and compilers print them. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

export type PathSegment = string | number;

export interface ManifestObject {
  /** 0-based index of the YAML document in the stream. */
  readonly document: number;
  /** Where the object starts (for a List item, where the item starts). */
  readonly position: SourcePosition;
  readonly value: Readonly<Record<string, unknown>>;
  /**
   * Where the key at `path` (relative to this object, e.g. `['metadata', 'annotations', key]`) is written;
   * when part of the path is missing, the position of the deepest part that exists.
   */
  locate(path: readonly PathSegment[]): SourcePosition;
  /**
   * The text of the scalar value at `path` as written (`no`, `50`, `1.0`), or undefined when there is no
   * scalar there. Lets a finding quote what the user wrote rather than what YAML made of it (`false`, `1`).
   */
  sourceText(path: readonly PathSegment[]): string | undefined;
}

export interface ManifestError {
  readonly position: SourcePosition | undefined;
  readonly message: string;
}

export interface ManifestParse {
  readonly objects: readonly ManifestObject[];
  readonly errors: readonly ManifestError[];
}

/** An alias may be expanded at most this many times per document: `yaml`'s guard against "billion laughs". */
const MAX_ALIAS_COUNT = 100;
/** Lists nest only by mistake; the cap keeps a hostile stream from recursing deeply. */
const MAX_LIST_DEPTH = 4;

export function parseManifests(text: string): ManifestParse {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, version: '1.1', merge: true, prettyErrors: false });
  const at = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const objects: ManifestObject[] = [];
  const errors: ManifestError[] = [];
  documents.forEach((document, index) => {
    if (document.errors.length > 0) {
      for (const error of document.errors) errors.push({ position: at(error.pos[0]), message: firstLine(error.message) });
      return;
    }
    const root = document.contents;
    if (root === null) return;
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      errors.push({ position: at(root.range[0]), message: firstLine(error instanceof Error ? error.message : String(error)) });
      return;
    }
    // An empty document (only comments, or a trailing `---`) holds a null scalar: nothing to check.
    if (value === null || value === undefined) return;
    if (!isRecord(value) || !isMap(root)) {
      errors.push({ position: at(root.range[0]), message: 'not a Kubernetes object: expected a mapping with apiVersion, kind and metadata' });
      return;
    }
    collect(objects, { document: index, node: root, value, doc: document, at }, 0);
  });
  return { objects, errors };
}

interface Candidate {
  readonly document: number;
  readonly node: YAMLMap;
  readonly value: Readonly<Record<string, unknown>>;
  readonly doc: Document;
  readonly at: (offset: number) => SourcePosition;
}

function collect(objects: ManifestObject[], candidate: Candidate, depth: number): void {
  const { value, node, doc } = candidate;
  const items = value.items;
  if (typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(items) && depth < MAX_LIST_DEPTH) {
    const itemsNode = resolve(findPair(node, 'items', doc)?.value, doc);
    items.forEach((item: unknown, index) => {
      const itemNode = isSeq(itemsNode) ? resolve(itemsNode.items[index], doc) : undefined;
      if (isRecord(item) && isMap(itemNode)) collect(objects, { ...candidate, node: itemNode, value: item }, depth + 1);
    });
    return;
  }
  objects.push({
    document: candidate.document,
    position: candidate.at(node.range?.[0] ?? 0),
    value,
    locate: (path) => candidate.at(walk(node, path, doc).offset),
    sourceText: (path) => {
      const found = walk(node, path, doc);
      const value = found.complete ? resolve(found.node, doc) : undefined;
      return isScalar(value) ? value.source : undefined;
    },
  });
}

interface Walked {
  /** Whether every segment of the path was found. */
  readonly complete: boolean;
  /** The value node at the end of the path (when complete). */
  readonly node: unknown;
  /** Where the deepest key (or list item) found is written. */
  readonly offset: number;
}

function walk(root: YAMLMap, path: readonly PathSegment[], doc: Document): Walked {
  let node: unknown = root;
  let offset = root.range?.[0] ?? 0;
  for (const segment of path) {
    const current = resolve(node, doc);
    if (isMap(current)) {
      const pair = findPair(current, segment, doc);
      if (pair === undefined) return { complete: false, node: undefined, offset };
      if (isNode(pair.key) && pair.key.range) offset = pair.key.range[0];
      node = pair.value;
    } else if (isSeq(current) && typeof segment === 'number') {
      const item = current.items[segment];
      if (!isNode(item) || !item.range) return { complete: false, node: undefined, offset };
      offset = item.range[0];
      node = item;
    } else {
      return { complete: false, node: undefined, offset };
    }
  }
  return { complete: true, node, offset };
}

/** The pair for `key`, looking into merged maps (`<<: *base`) when the map itself does not have it. */
function findPair(map: YAMLMap, key: PathSegment, doc: Document, depth = 0): Pair | undefined {
  const wanted = String(key);
  let merged: Pair | undefined;
  for (const pair of map.items) {
    if (!isScalar(pair.key)) continue;
    const keyValue = pair.key.value;
    if (typeof keyValue === 'symbol') {
      // A merge key: its sources count only when the map has no key of its own (own keys win).
      if (merged === undefined && depth < MAX_LIST_DEPTH) merged = findInMergeSources(pair.value, wanted, doc, depth + 1);
    } else if (String(keyValue) === wanted) {
      return pair;
    }
  }
  return merged;
}

function findInMergeSources(value: unknown, key: string, doc: Document, depth: number): Pair | undefined {
  const source = resolve(value, doc);
  const sources = isSeq(source) ? source.items.map((item) => resolve(item, doc)) : [source];
  for (const candidate of sources) {
    if (!isMap(candidate)) continue;
    const pair = findPair(candidate, key, doc, depth);
    if (pair !== undefined) return pair;
  }
  return undefined;
}

function resolve(node: unknown, doc: Document): Node | undefined {
  if (isAlias(node)) return node.resolve(doc);
  return isNode(node) ? node : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function firstLine(message: string): string {
  const newline = message.indexOf('\n');
  return newline < 0 ? message : message.slice(0, newline);
}
