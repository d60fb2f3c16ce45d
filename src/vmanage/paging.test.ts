import { describe, expect, it } from 'vitest';
import { scrollPages } from './scroll-pages.ts';
import { startIdPages } from './start-id-pages.ts';
import type { VmanageGetter } from './vmanage-getter.ts';
import type { VmanageQuery } from './vmanage-session.ts';

function fake(pages: readonly unknown[]): VmanageGetter & { readonly queries: (VmanageQuery | undefined)[] } {
  const queries: (VmanageQuery | undefined)[] = [];
  return {
    queries,
    get: (_path, query) => {
      queries.push(query);
      return Promise.resolve(pages[queries.length - 1] ?? { data: [] });
    },
  };
}

async function collect(pages: AsyncIterable<readonly unknown[]>): Promise<unknown[]> {
  const rows: unknown[] = [];
  for await (const page of pages) rows.push(...page);
  return rows;
}

describe('scrollPages', () => {
  it('sends the query once, then only the scroll id', async () => {
    const session = fake([
      { data: [1, 2], pageInfo: { scrollId: 's1', hasMoreData: true, count: 2 } },
      { data: [3], pageInfo: { scrollId: 's1', hasMoreData: false, count: 1 } },
    ]);
    expect(await collect(scrollPages(session, '/p', { query: { count: 2, startDate: 'x' } }, { maxPages: 10 }))).toEqual([1, 2, 3]);
    expect(session.queries).toEqual([{ count: 2, startDate: 'x' }, { scrollId: 's1' }]);
  });

  it('can ask for the first page with a POST query body', async () => {
    const calls: string[] = [];
    const session = {
      get: (_path: string, query?: VmanageQuery) => {
        calls.push(`GET ${JSON.stringify(query)}`);
        return Promise.resolve({ data: [2], pageInfo: { hasMoreData: false } });
      },
      post: (_path: string, body: unknown, query?: VmanageQuery) => {
        calls.push(`POST ${JSON.stringify(body)} ${JSON.stringify(query)}`);
        return Promise.resolve({ data: [1], pageInfo: { scrollId: 's', hasMoreData: true } });
      },
    };
    expect(await collect(scrollPages(session, '/p', { body: { query: {} }, query: { count: 1 } }, { maxPages: 5 }))).toEqual([1, 2]);
    expect(calls).toEqual(['POST {"query":{}} {"count":1}', 'GET {"scrollId":"s"}']);
  });

  it('stops on an empty page or a missing scroll id that still claims more', async () => {
    const empty = fake([{ data: [], pageInfo: { scrollId: 's', hasMoreData: true } }]);
    expect(await collect(scrollPages(empty, '/p', { query: {} }, { maxPages: 10 }))).toEqual([]);
    const noId = fake([{ data: [1], pageInfo: { hasMoreData: true } }]);
    expect(await collect(scrollPages(noId, '/p', { query: {} }, { maxPages: 10 }))).toEqual([1]);
  });

  it('throws ISTHMUS_E_VMANAGE_PAGE_LIMIT past the bound, after yielding what it had', async () => {
    const endless = { get: () => Promise.resolve({ data: [1], pageInfo: { scrollId: 's', hasMoreData: true } }) };
    const rows: unknown[] = [];
    await expect(
      (async () => {
        for await (const page of scrollPages(endless, '/p', { query: {} }, { maxPages: 3 })) rows.push(...page);
      })(),
    ).rejects.toMatchObject({ code: 'ISTHMUS_E_VMANAGE_PAGE_LIMIT' });
    expect(rows).toEqual([1, 1, 1]);
  });
});

describe('startIdPages', () => {
  it('pages with count and startId=endId', async () => {
    const session = fake([
      { data: [1, 2], pageInfo: { startId: '1', endId: '2', moreEntries: true, count: 2 } },
      { data: [3], pageInfo: { startId: '3', endId: '3', moreEntries: false, count: 1 } },
    ]);
    expect(await collect(startIdPages(session, '/s', 2, { maxPages: 10 }))).toEqual([1, 2, 3]);
    expect(session.queries).toEqual([{ count: 2 }, { count: 2, startId: '2' }]);
  });

  it('stops when the cursor does not move', async () => {
    const stuck = { get: () => Promise.resolve({ data: [1], pageInfo: { endId: '7', moreEntries: true } }) };
    expect(await collect(startIdPages(stuck, '/s', 1, { maxPages: 10 }))).toEqual([1, 1]);
  });
});
