import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { isIsthmusError } from '../domain/isthmus-error.ts';
import { KUBE_ERROR_CODES, statusError, toKubeError } from './kube-error.ts';
import { retryDelay } from './retry-backoff.ts';

describe('toKubeError', () => {
  it('reads status, message and Retry-After from a client-node ApiException', () => {
    const body = JSON.stringify({ kind: 'Status', code: 429, message: 'too many requests, please try again later' });
    const error = toKubeError(new ApiException(429, 'Too Many Requests', body, { 'retry-after': '7' }), 'list services');
    expect(isIsthmusError(error)).toBe(true);
    expect(error.code).toBe(KUBE_ERROR_CODES.throttled);
    expect(error.status).toBe(429);
    expect(error.retryAfterMs).toBe(7000);
    expect(error.retryable).toBe(true);
    expect(error.message).toBe('list services: HTTP 429 (too many requests, please try again later)');
  });

  it('maps statuses to codes, and knows which are worth retrying', () => {
    const cases: [number, string, boolean][] = [
      [401, KUBE_ERROR_CODES.unauthorized, false],
      [403, KUBE_ERROR_CODES.forbidden, false],
      [404, KUBE_ERROR_CODES.notFound, false],
      [409, KUBE_ERROR_CODES.conflict, true],
      [422, KUBE_ERROR_CODES.api, false],
      [500, KUBE_ERROR_CODES.unavailable, true],
      [503, KUBE_ERROR_CODES.unavailable, true],
    ];
    for (const [status, code, retryable] of cases) {
      const error = toKubeError(Object.assign(new Error('x'), { statusCode: status }), 'watch nodes');
      expect([error.code, error.retryable]).toEqual([code, retryable]);
    }
  });

  it('turns a watch ERROR event into an error', () => {
    const error = statusError({ kind: 'Status', code: 500, message: 'boom' }, 'watch services');
    expect([error.code, error.status, error.message]).toEqual([KUBE_ERROR_CODES.unavailable, 500, 'watch services: 500 boom']);
  });
});

describe('retryDelay', () => {
  it('doubles from the base with equal jitter, within the bound, honouring Retry-After', () => {
    const policy = { baseMs: 1000, maxMs: 30_000 };
    expect([0, 1, 2, 3, 4, 5, 10, 100].map((attempt) => retryDelay(attempt, policy, () => 0))).toEqual([500, 1000, 2000, 4000, 8000, 15_000, 15_000, 15_000]);
    expect(retryDelay(0, policy, () => 0.999_999)).toBe(1000);
    expect(retryDelay(0, policy, () => 0.5, 10_000)).toBe(10_000);
    expect(retryDelay(0, policy, () => 0.5, 120_000)).toBe(30_000);
  });
});
