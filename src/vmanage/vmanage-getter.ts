import type { VmanageQuery } from './vmanage-session.ts';

/** The capabilities paging and telemetry need from a session, so they can be tested with fakes. */
export interface VmanageGetter {
  get(path: string, query?: VmanageQuery): Promise<unknown>;
}

/** A getter that can also send a query body, for the POST form of the statistics APIs. */
export interface VmanageReader extends VmanageGetter {
  post(path: string, body: unknown, query?: VmanageQuery): Promise<unknown>;
}
