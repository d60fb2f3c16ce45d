import { randomBytes } from 'node:crypto';
import type { Clock } from '../../src/domain/clock.ts';

interface ScrollContext {
  readonly rows: readonly Record<string, unknown>[];
  readonly pageSize: number;
  offset: number;
  expiresAt: number;
}

export interface ScrollPage {
  readonly rows: readonly Record<string, unknown>[];
  readonly scrollId: string;
  readonly hasMoreData: boolean;
}

/**
 * Elasticsearch-style scroll contexts behind the statistics APIs: a query's result is frozen at the
 * first page and handed out page by page under one scroll id, which lives for `ttlMs` after each use.
 */
export class ScrollStore {
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #contexts = new Map<string, ScrollContext>();

  constructor(clock: Clock, ttlMs: number) {
    this.#clock = clock;
    this.#ttlMs = ttlMs;
  }

  open(rows: readonly Record<string, unknown>[], pageSize: number): ScrollPage {
    this.#prune();
    const scrollId = randomBytes(48).toString('base64url');
    const context: ScrollContext = { rows, pageSize, offset: 0, expiresAt: 0 };
    this.#contexts.set(scrollId, context);
    return this.#page(scrollId, context);
  }

  /** The next page, or undefined for an unknown or expired scroll id. */
  next(scrollId: string): ScrollPage | undefined {
    this.#prune();
    const context = this.#contexts.get(scrollId);
    return context === undefined ? undefined : this.#page(scrollId, context);
  }

  #page(scrollId: string, context: ScrollContext): ScrollPage {
    const rows = context.rows.slice(context.offset, context.offset + context.pageSize);
    context.offset += rows.length;
    context.expiresAt = this.#clock.now() + this.#ttlMs;
    const hasMoreData = context.offset < context.rows.length;
    if (!hasMoreData) this.#contexts.delete(scrollId);
    return { rows, scrollId, hasMoreData };
  }

  #prune(): void {
    const now = this.#clock.now();
    for (const [id, context] of this.#contexts) if (context.expiresAt <= now && context.offset > 0) this.#contexts.delete(id);
  }
}
