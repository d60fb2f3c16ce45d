/**
 * Defensive reads of Kubernetes objects as they arrive: typed lists are deserialized by the client, watch
 * events are raw JSON, and either may lack fields a schema calls required (old servers, other
 * controllers' objects). Every accessor returns undefined or an empty value instead of throwing.
 */
export type Fields = Readonly<Record<string, unknown>>;

const EMPTY: Fields = Object.freeze({});

export function asFields(value: unknown): Fields | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : undefined;
}

/** The nested object at `key`, or an empty one. */
export function fieldsAt(object: Fields | undefined, key: string): Fields {
  return asFields(object?.[key]) ?? EMPTY;
}

export function stringAt(object: Fields | undefined, key: string): string | undefined {
  const value = object?.[key];
  return typeof value === 'string' ? value : undefined;
}

export function numberAt(object: Fields | undefined, key: string): number | undefined {
  const value = object?.[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/**
 * A TCP/UDP/SCTP port: an integer from 1 to 65535. The API server validates ports, but a watch event is
 * raw JSON, and a port out of range would end up in the SD-WAN policy pushed to vManage.
 */
export function portAt(object: Fields | undefined, key: string): number | undefined {
  const value = numberAt(object, key);
  return value !== undefined && Number.isInteger(value) && value >= 1 && value <= 65_535 ? value : undefined;
}

export function booleanAt(object: Fields | undefined, key: string): boolean | undefined {
  const value = object?.[key];
  return typeof value === 'boolean' ? value : undefined;
}

export function arrayAt(object: Fields | undefined, key: string): readonly unknown[] {
  const value = object?.[key];
  return Array.isArray(value) ? value : [];
}

/** The strings of the array at `key`, skipping anything else. */
export function stringsAt(object: Fields | undefined, key: string): readonly string[] {
  return arrayAt(object, key).filter((item): item is string => typeof item === 'string');
}

/** A string map (labels, annotations), keeping only string values. */
export function stringMapAt(object: Fields | undefined, key: string): Readonly<Record<string, string>> {
  const map = asFields(object?.[key]);
  if (map === undefined) return EMPTY as Readonly<Record<string, string>>;
  const entries = Object.entries(map).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
  return entries.length === Object.keys(map).length ? (map as Readonly<Record<string, string>>) : Object.fromEntries(entries);
}

/** `metadata` of an object. */
export function metadataOf(object: unknown): Fields {
  return fieldsAt(asFields(object), 'metadata');
}

/** `uid` and `resourceVersion` of an object, each only when present (Events refer to them). */
export function objectIdentity(metadata: Fields): { readonly uid?: string; readonly resourceVersion?: string } {
  const uid = stringAt(metadata, 'uid');
  const resourceVersion = stringAt(metadata, 'resourceVersion');
  return { ...(uid === undefined || uid === '' ? {} : { uid }), ...(resourceVersion === undefined || resourceVersion === '' ? {} : { resourceVersion }) };
}
