import descriptor from './proto/hubble-descriptor.json' with { type: 'json' };

/** The slice of protobuf.js's JSON descriptor this module reads. */
interface DescriptorNode {
  readonly nested?: Readonly<Record<string, DescriptorNode>>;
  readonly values?: Readonly<Record<string, number>>;
}

/** A Hubble enum as two lookups, read straight from the descriptor (no protobuf.js on the hot path). */
export interface HubbleEnum {
  /** Name by number; undefined for numbers this schema does not name (a newer agent's values). */
  readonly names: readonly (string | undefined)[];
  readonly numbers: ReadonlyMap<string, number>;
}

// Typed loosely on purpose: only `nested` and `values` are read, and the JSON's literal type is huge.
const ROOT = descriptor as unknown as DescriptorNode;

const cache = new Map<string, HubbleEnum>();

/**
 * The enum `fullName` (`flow.DropReason`, `flow.Tunnel.Protocol`). Unknown numbers must be kept, not
 * guessed: callers print them as numbers, as protobuf JSON does.
 */
export function hubbleEnum(fullName: string): HubbleEnum {
  let found = cache.get(fullName);
  if (found === undefined) {
    found = buildEnum(fullName);
    cache.set(fullName, found);
  }
  return found;
}

/** The enum's name for `value`, or the number in decimal when the schema does not name it. */
export function enumName(hubble: HubbleEnum, value: number): string {
  return hubble.names[value] ?? String(value);
}

function buildEnum(fullName: string): HubbleEnum {
  let node: DescriptorNode | undefined = ROOT;
  for (const part of fullName.split('.')) node = node?.nested?.[part];
  const values = node?.values;
  if (values === undefined) throw new Error(`no enum ${fullName} in the Hubble descriptor`);
  const names: (string | undefined)[] = [];
  const numbers = new Map<string, number>();
  for (const [name, number] of Object.entries(values)) {
    // Aliases do not occur in Hubble's enums; the first name of a number wins if one ever does.
    names[number] ??= name;
    numbers.set(name, number);
  }
  return { names, numbers };
}
