/** Keys whose string value refers to another policy object. */
const SCALAR_REFERENCES = new Set(['ref', 'definitionId']);
/** Keys holding arrays of references. */
const ARRAY_REFERENCES = new Set(['siteLists', 'vpnLists']);

/**
 * A copy of a policy body with every reference translated through `map` — names to ids before a
 * body is sent, ids back to names when a row read from vManage is compared with the rendering.
 * References the map does not know are kept as they are (and so compare as different).
 */
export function mapReferences(body: unknown, map: ReadonlyMap<string, string>): unknown {
  return walk(body, map);
}

function walk(value: unknown, map: ReadonlyMap<string, string>): unknown {
  if (Array.isArray(value)) return value.map((item) => walk(item, map));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (SCALAR_REFERENCES.has(key) && typeof field === 'string') out[key] = map.get(field) ?? field;
    else if (ARRAY_REFERENCES.has(key) && Array.isArray(field)) out[key] = (field as unknown[]).map((item): unknown => (typeof item === 'string' ? (map.get(item) ?? item) : item));
    else out[key] = walk(field, map);
  }
  return out;
}
