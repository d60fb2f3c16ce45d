import { describe, expect, it } from 'vitest';
import { NodeRing } from './node-ring.ts';
import type { RingEntry } from './node-ring.ts';
import { RingReader } from './ring-reader.ts';
import type { RingRead } from './ring-reader.ts';

let seq = 0;
function lost(timeNs: number): RingEntry {
  return { kind: 'lost', seq: seq++, timeNs: BigInt(timeNs), source: 'OBSERVER_EVENTS_QUEUE', count: 1 };
}

/** Writes entries alternately to rings by the given node order, times increasing. */
function fill(rings: readonly NodeRing[], order: readonly number[]): void {
  for (const [i, r] of order.entries()) rings[r]?.push(lost(1000 + i));
}

function drain(reader: RingReader, skip?: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (let read: RingRead | undefined = reader.next(skip); read !== undefined; read = reader.next(skip)) {
    out.push(read.kind === 'entry' ? `${read.ring.name}@${read.entry.timeNs}` : `${read.ring.name} lost ${read.count}`);
  }
  return out;
}

describe('NodeRing', () => {
  it('keeps the last `capacity` entries and knows what it overwrote', () => {
    const ring = new NodeRing('a', 3);
    for (let i = 0; i < 5; i++) ring.push(lost(i));
    expect([ring.written, ring.oldest, ring.size]).toEqual([5, 2, 3]);
    expect(ring.at(1)).toBeUndefined();
    expect(ring.at(2)?.timeNs).toBe(2n);
    expect(ring.at(4)?.timeNs).toBe(4n);
    expect(ring.at(5)).toBeUndefined();
    expect(ring.firstAtOrAfter(0n)).toBe(2);
    expect(ring.firstAtOrAfter(3n)).toBe(3);
    expect(ring.firstAtOrAfter(9n)).toBe(5);
    expect(() => new NodeRing('x', 0)).toThrow(RangeError);
  });
});

describe('RingReader', () => {
  it('merges the nodes\' rings in arrival order', () => {
    const rings = [new NodeRing('a', 10), new NodeRing('b', 10)];
    fill(rings, [0, 1, 1, 0, 1]);
    expect(drain(RingReader.atOldest(rings))).toEqual(['a@1000', 'b@1001', 'b@1002', 'a@1003', 'b@1004']);
    expect(drain(RingReader.atEnd(rings))).toEqual([]);
    expect(drain(RingReader.since(rings, 1002n))).toEqual(['b@1002', 'a@1003', 'b@1004']);
  });

  it('reports what was overwritten before the reader got to it, once, with the count', () => {
    const rings = [new NodeRing('a', 2), new NodeRing('b', 10)];
    const reader = RingReader.atEnd(rings);
    fill(rings, [0, 0, 1, 0, 0, 0]);
    expect(drain(reader)).toEqual(['a lost 3', 'b@1002', 'a@1004', 'a@1005']);
  });

  it('finds the newest N accepted entries across rings', () => {
    const rings = [new NodeRing('a', 10), new NodeRing('b', 10)];
    fill(rings, [0, 1, 0, 1, 0, 1]);
    expect(drain(RingReader.last(rings, 3, () => true))).toEqual(['b@1003', 'a@1004', 'b@1005']);
    // Only ring b counts; earlier entries of a after the start still come (filters apply later).
    expect(drain(RingReader.last(rings, 2, (entry) => entry.timeNs % 2n === 1n))).toEqual(['b@1003', 'a@1004', 'b@1005']);
    expect(drain(RingReader.last(rings, 100, () => true))).toHaveLength(6);
    expect(drain(RingReader.last(rings, 0, () => true))).toEqual([]);
  });

  it('passes over skipped rings, and can skip one to its end', () => {
    const rings = [new NodeRing('a', 10), new NodeRing('b', 10)];
    fill(rings, [0, 1, 0, 1]);
    const reader = RingReader.atOldest(rings);
    expect(drain(reader, new Set(['b']))).toEqual(['a@1000', 'a@1002']);
    reader.skipToEnd('b');
    fill(rings, [1]);
    expect(drain(reader)).toEqual(['b@1000']);
  });
});
