import { isRow, numberField, stringField } from './row-fields.ts';
import type { Row } from './row-fields.ts';

/** Paging state as vManage reports it: `startId`/`endId`/`moreEntries` (state) or `scrollId`/`hasMoreData` (statistics). */
export interface VmanagePageInfo {
  readonly startId: string | undefined;
  readonly endId: string | undefined;
  readonly moreEntries: boolean;
  readonly scrollId: string | undefined;
  readonly hasMoreData: boolean;
  readonly count: number | undefined;
}

export interface VmanageEnvelope {
  readonly rows: readonly unknown[];
  readonly pageInfo: VmanagePageInfo | undefined;
  /** `header.generatedOn`, epoch ms. */
  readonly generatedOn: number | undefined;
  /** True when the body had no `data` array (or was not an array itself). */
  readonly malformed: boolean;
}

/**
 * Unwraps `{header, data, pageInfo}`. A bare array is accepted as the data itself (some endpoints,
 * and the captured samples, are the array alone).
 */
export function parseEnvelope(body: unknown): VmanageEnvelope {
  if (Array.isArray(body)) return { rows: body, pageInfo: undefined, generatedOn: undefined, malformed: false };
  if (!isRow(body)) return { rows: [], pageInfo: undefined, generatedOn: undefined, malformed: true };
  const data = body.data;
  const header = body.header;
  const pageInfo = body.pageInfo;
  return {
    rows: Array.isArray(data) ? data : [],
    pageInfo: isRow(pageInfo) ? parsePageInfo(pageInfo) : undefined,
    generatedOn: isRow(header) ? numberField(header, 'generatedOn') : undefined,
    malformed: !Array.isArray(data),
  };
}

function parsePageInfo(row: Row): VmanagePageInfo {
  return {
    startId: idField(row, 'startId'),
    endId: idField(row, 'endId'),
    moreEntries: row.moreEntries === true || row.moreEntries === 'true',
    scrollId: stringField(row, 'scrollId'),
    hasMoreData: row.hasMoreData === true || row.hasMoreData === 'true',
    count: numberField(row, 'count'),
  };
}

/** Ids are strings in the Datadog types; accept numbers too and keep them as text. */
function idField(row: Row, key: string): string | undefined {
  const value = row[key];
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return stringField(row, key);
}
