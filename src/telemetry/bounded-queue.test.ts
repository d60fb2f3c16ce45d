import { describe, expect, it } from 'vitest';
import { BoundedQueue } from './bounded-queue.ts';

describe('BoundedQueue', () => {
  it('is FIFO and drops the oldest when full', () => {
    const queue = new BoundedQueue<number>(3);
    for (const item of [1, 2, 3, 4, 5]) queue.push(item);
    expect(queue.size).toBe(3);
    expect(queue.dropped).toBe(2);
    expect(queue.take(2)).toEqual([3, 4]);
    queue.push(6);
    expect(queue.take(10)).toEqual([5, 6]);
    expect(queue.size).toBe(0);
  });

  it('puts a failed batch back in front, dropping its oldest items when room ran out', () => {
    const queue = new BoundedQueue<number>(4);
    for (const item of [1, 2, 3, 4]) queue.push(item);
    const batch = queue.take(3);
    queue.push(5);
    queue.restore(batch);
    expect(queue.take(10)).toEqual([1, 2, 3, 4, 5].slice(-4));
    expect(queue.dropped).toBe(1);
    for (const item of [6, 7]) queue.push(item);
    const again = queue.take(1);
    queue.push(8);
    queue.restore(again);
    expect(queue.take(10)).toEqual([6, 7, 8]);
    expect(queue.dropped).toBe(1);
  });

  it('wraps around its ring many times', () => {
    const queue = new BoundedQueue<number>(5);
    const out: number[] = [];
    for (let item = 0; item < 100; item += 1) {
      queue.push(item);
      if (item % 3 === 2) out.push(...queue.take(2));
    }
    out.push(...queue.take(100));
    expect(out.length + queue.dropped).toBe(100);
    expect(out).toEqual([...out].sort((a, b) => a - b));
  });

  it('rejects a capacity below one', () => {
    expect(() => new BoundedQueue(0)).toThrow(RangeError);
  });
});
