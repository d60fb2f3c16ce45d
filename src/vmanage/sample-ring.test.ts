import { describe, expect, it } from 'vitest';
import type { TunnelSample } from '../domain/tunnel-sample.ts';
import { SampleRing } from './sample-ring.ts';

function sample(time: number, latencySeconds = time / 1000): TunnelSample {
  return { time, latencySeconds, jitterSeconds: 0.001, lossRatio: 0.01, state: time % 2 === 0 ? 'up' : 'down' };
}

function times(ring: SampleRing): number[] {
  return ring.samples().map((entry) => entry.time);
}

describe('SampleRing', () => {
  it('keeps samples in time order and returns them as they went in', () => {
    const ring = new SampleRing(10);
    expect(ring.insert(sample(10))).toBe('added');
    expect(ring.insert(sample(11))).toBe('added');
    expect(ring.samples()).toEqual([sample(10), sample(11)]);
    expect(ring.newestTime()).toBe(11);
    expect(ring.oldestTime()).toBe(10);
  });

  it('treats a time already held as a duplicate, wherever it sits', () => {
    const ring = new SampleRing(10);
    for (const time of [1, 2, 3]) ring.insert(sample(time));
    expect(ring.insert(sample(2, 99))).toBe('duplicate');
    expect(ring.insert(sample(3, 99))).toBe('duplicate');
    expect(ring.samples().map((entry) => entry.latencySeconds)).toEqual([0.001, 0.002, 0.003]);
  });

  it('inserts a late sample in place, growing its array as it fills', () => {
    const ring = new SampleRing(16);
    for (const time of [10, 30, 50, 70, 90]) ring.insert(sample(time));
    expect(ring.insert(sample(20))).toBe('added');
    expect(ring.insert(sample(5))).toBe('added');
    expect(ring.insert(sample(60))).toBe('added');
    expect(times(ring)).toEqual([5, 10, 20, 30, 50, 60, 70, 90]);
    expect(ring.byteLength).toBe(8 * 5 * 8);
  });

  it('never holds more than its capacity: the oldest goes first, and an older sample than all is refused', () => {
    const ring = new SampleRing(3);
    for (let time = 1; time <= 10; time++) ring.insert(sample(time));
    expect(times(ring)).toEqual([8, 9, 10]);
    expect(ring.insert(sample(2))).toBe('too-old');
    expect(ring.insert(sample(8.5))).toBe('added');
    expect(times(ring)).toEqual([8.5, 9, 10]);
    expect(ring.byteLength).toBe(3 * 5 * 8);
  });

  it('wraps around its array and stays ordered through many inserts', () => {
    const ring = new SampleRing(5);
    for (let time = 0; time < 23; time++) ring.insert(sample(time * 10));
    ring.insert(sample(195));
    expect(times(ring)).toEqual([190, 195, 200, 210, 220]);
  });

  it('drops samples older than a cutoff, and reads from a time on', () => {
    const ring = new SampleRing(8);
    for (const time of [100, 200, 300, 400]) ring.insert(sample(time));
    expect(ring.samples(250).map((entry) => entry.time)).toEqual([300, 400]);
    expect(ring.dropOlderThan(300)).toBe(2);
    expect(times(ring)).toEqual([300, 400]);
    expect(ring.dropOlderThan(1000)).toBe(2);
    expect(ring.length).toBe(0);
    expect(ring.newestTime()).toBeUndefined();
    expect(ring.insert(sample(50))).toBe('added');
  });

  it('rejects a capacity below one', () => {
    expect(() => new SampleRing(0)).toThrow(RangeError);
  });
});
