import { fnv1a } from './fnv1a.ts';

/** vManage's sequence ids (netascode: 1–65534). */
const FIRST = 1;
const SLOTS = 65_534;

/**
 * Sequence ids from the sequences' keys (Service, protocol, port, direction, family), not from their
 * order: adding or removing a Service leaves every other Service's ids — and so its rendering —
 * unchanged. Each key hashes to a home slot; a collision (rare: a few hundred keys in 65,534 slots)
 * probes to the next free slot, in the order of (home slot, key), so the outcome is deterministic and
 * only keys sharing a home slot can ever affect each other.
 */
export function assignSequenceIds(keys: Iterable<string>): Map<string, number> {
  const homed = [...new Set(keys)].map((key) => ({ key, home: fnv1a(key) % SLOTS }));
  if (homed.length > SLOTS) throw new RangeError(`${homed.length} sequences exceed vManage's ${SLOTS} sequence ids`);
  homed.sort((a, b) => a.home - b.home || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const taken = new Set<number>();
  const ids = new Map<string, number>();
  for (const { key, home } of homed) {
    let slot = home;
    while (taken.has(slot)) slot = (slot + 1) % SLOTS;
    taken.add(slot);
    ids.set(key, FIRST + slot);
  }
  return ids;
}
