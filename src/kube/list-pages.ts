import { toKubeError } from './kube-error.ts';
import type { ListResult } from './kube-informer.ts';

/** One page of a list, as the typed list calls return it. */
export interface ListPage {
  readonly items: readonly unknown[];
  readonly resourceVersion: string;
  /** `metadata.continue`: set while more items remain. */
  readonly continueToken: string | undefined;
}

export interface PageRequest {
  /** Undefined: no limit (one response with everything). */
  readonly limit: number | undefined;
  readonly continueToken: string | undefined;
}

export type FetchPage = (request: PageRequest) => Promise<ListPage>;

/** client-go's pager default: large lists arrive in chunks the API server can serve without a spike. */
export const DEFAULT_LIST_PAGE_SIZE = 500;

/**
 * Lists every object in pages of `pageSize` (0: in one request), following `continue` tokens, as
 * client-go's ListPager does for a reflector's initial list. All pages belong to one snapshot (the API
 * server guarantees it), so the result has the first page's resourceVersion, from which a watch resumes
 * without a gap.
 *
 * When the snapshot is compacted before the last page (410 Expired on a continued request), the list is
 * made again in one request without a limit (client-go's FullListIfExpired): the inconsistent-continue
 * token the server offers would mix revisions, and an informer needs a consistent list to watch from.
 * A 410 on the first page, and every other failure, is thrown for the informer to retry.
 */
export async function listAllPages(fetch: FetchPage, pageSize: number = DEFAULT_LIST_PAGE_SIZE): Promise<ListResult> {
  if (pageSize <= 0) return single(await fetch({ limit: undefined, continueToken: undefined }));
  const items: unknown[] = [];
  let resourceVersion: string | undefined;
  let continueToken: string | undefined;
  for (;;) {
    let page: ListPage;
    try {
      page = await fetch({ limit: pageSize, continueToken });
    } catch (error) {
      if (continueToken !== undefined && toKubeError(error, 'list').status === 410) return single(await fetch({ limit: undefined, continueToken: undefined }));
      throw error;
    }
    items.push(...page.items);
    resourceVersion ??= page.resourceVersion;
    const next = page.continueToken === undefined || page.continueToken === '' ? undefined : page.continueToken;
    if (next === undefined) return { items, resourceVersion };
    // A server that hands back the token it was given would page forever.
    if (next === continueToken) throw new Error(`the API server returned the same continue token twice (after ${String(items.length)} items)`);
    continueToken = next;
  }
}

function single(page: ListPage): ListResult {
  return { items: page.items, resourceVersion: page.resourceVersion };
}
