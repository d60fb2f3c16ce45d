import { parseEnvelope } from './parse-envelope.ts';
import { endpointLabel } from './endpoint-label.ts';
import type { VmanageGetter, VmanageReader } from './vmanage-getter.ts';
import type { VmanageQuery } from './vmanage-session.ts';
import { VMANAGE_ERROR_CODES, VmanageError } from './vmanage-error.ts';

export interface PageBound {
  /** Stop with ISTHMUS_E_VMANAGE_PAGE_LIMIT rather than fetch more than this many pages. */
  readonly maxPages: number;
}

/** How the first page is asked for: query parameters on a GET, or a query body on a POST. */
export type ScrollStart = { readonly query: VmanageQuery } | { readonly body: unknown; readonly query?: VmanageQuery };

/**
 * Scroll paging of the statistics families (`/dataservice/data/device/statistics/…`): the first request
 * carries the query (GET parameters, or a POST body), each next one is a GET with only `?scrollId=` from
 * the previous `pageInfo`, while `hasMoreData` is true. Yields each page's rows. After `maxPages` pages
 * with more to come it throws, so the caller keeps what it has and sees the gap.
 */
export async function* scrollPages(
  session: VmanageGetter | VmanageReader,
  path: string,
  start: ScrollStart,
  bound: PageBound,
): AsyncGenerator<readonly unknown[], void, undefined> {
  let next: VmanageQuery | undefined = start.query ?? {};
  for (let page = 0; next !== undefined; page++) {
    if (page >= bound.maxPages) throw pageLimitError(path, bound.maxPages);
    const body = page === 0 && 'body' in start ? await postOf(session, path)(path, start.body, next) : await session.get(path, next);
    const envelope = parseEnvelope(body);
    yield envelope.rows;
    const info = envelope.pageInfo;
    // An empty page or a missing scroll id while "more" is claimed would loop forever: treat as the end.
    const more = info?.hasMoreData === true && info.scrollId !== undefined && envelope.rows.length > 0;
    next = more ? { scrollId: info.scrollId } : undefined;
  }
}

export function pageLimitError(path: string, maxPages: number): VmanageError {
  return new VmanageError(
    VMANAGE_ERROR_CODES.pageLimit,
    `vManage ${endpointLabel(path)}: more than ${maxPages} pages; raise the page size or the page bound`,
    { endpoint: endpointLabel(path) },
  );
}

function postOf(session: VmanageGetter | VmanageReader, path: string): VmanageReader['post'] {
  if (!('post' in session)) throw new TypeError(`scrollPages: a POST query on ${path} needs a session that can post`);
  return session.post.bind(session);
}
