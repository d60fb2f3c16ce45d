/**
 * What a parser made of a list of rows: the rows it understood, and counts of the rows it dropped, so
 * a bad row becomes a number on a dashboard rather than a crash.
 */
export interface ParseResult<T> {
  readonly items: readonly T[];
  /** Rows without the fields the record needs, or with values of the wrong kind. */
  readonly skipped: number;
  /** Rows that repeat an item already taken (same key). */
  readonly duplicates: number;
}
