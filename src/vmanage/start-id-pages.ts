import { parseEnvelope } from './parse-envelope.ts';
import { pageLimitError } from './scroll-pages.ts';
import type { PageBound } from './scroll-pages.ts';
import type { VmanageGetter } from './vmanage-getter.ts';
import type { VmanageQuery } from './vmanage-session.ts';

/**
 * Index paging of the state families (`/dataservice/data/device/state/…`): `?count=N`, then
 * `?count=N&startId=<endId>` while `moreEntries` is true. Yields each page's rows; throws
 * ISTHMUS_E_VMANAGE_PAGE_LIMIT after `maxPages` pages with more to come.
 */
export async function* startIdPages(
  session: VmanageGetter,
  path: string,
  count: number,
  bound: PageBound,
  query: VmanageQuery = {},
): AsyncGenerator<readonly unknown[], void, undefined> {
  let next: VmanageQuery | undefined = { ...query, count };
  let previousStart: string | undefined;
  for (let page = 0; next !== undefined; page++) {
    if (page >= bound.maxPages) throw pageLimitError(path, bound.maxPages);
    const envelope = parseEnvelope(await session.get(path, next));
    yield envelope.rows;
    const info = envelope.pageInfo;
    const endId = info?.endId;
    // A cursor that does not move, or an empty page, would loop forever: treat as the end.
    const more = info?.moreEntries === true && endId !== undefined && endId !== previousStart && envelope.rows.length > 0;
    previousStart = endId;
    next = more ? { count, startId: endId } : undefined;
  }
}
