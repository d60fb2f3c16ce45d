import type { ServerResponse } from 'node:http';
import type { StoredObject } from './kube-object.ts';
import type { KubeObjectStore, StoreEvent } from './kube-object-store.ts';
import { apiVersionOf } from './kube-resources.ts';
import type { KubeResource } from './kube-resources.ts';
import type { ObjectMatcher } from './object-selector.ts';
import type { KubeStatus } from './kube-status.ts';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent {
  readonly type: WatchEventType;
  readonly object: StoredObject | KubeStatus | BookmarkObject;
}

interface BookmarkObject {
  readonly kind: string;
  readonly apiVersion: string;
  readonly metadata: { readonly resourceVersion: string };
}

export interface WatchParameters {
  readonly resource: KubeResource;
  readonly namespace: string | undefined;
  readonly matches: ObjectMatcher;
  /** Events sent before live ones: the synthetic ADDED of the current state, or the replayed history. */
  readonly initial: readonly WatchEvent[];
  readonly allowBookmarks: boolean;
  readonly bookmarkIntervalMs: number;
  /** The server closes the stream after this long (`timeoutSeconds`, or the server's default). */
  readonly timeoutMs: number;
  /** Asked before each live change is sent; true swallows it (the lossy-watch fault). */
  readonly loseEvent: () => boolean;
}

export interface OpenWatch {
  /** Ends the stream: cleanly, or by resetting the connection. */
  end(abrupt: boolean): void;
}

/**
 * One watch stream: newline-delimited JSON watch events over a chunked 200 response, the live changes of
 * the store filtered to the watch's namespace and selectors, periodic BOOKMARKs when the client allows
 * them, and a clean close at the timeout (after a last BOOKMARK, as the API server does).
 */
export function serveWatch(store: KubeObjectStore, parameters: WatchParameters, res: ServerResponse, onClose: () => void): OpenWatch {
  const { resource, namespace, matches } = parameters;
  const inScope = (object: StoredObject): boolean => (namespace === undefined || object.metadata.namespace === namespace) && matches(object);
  let closed = false;

  const send = (event: WatchEvent): void => {
    if (!closed) res.write(`${JSON.stringify(event)}\n`);
  };
  const bookmark = (): void => {
    send({ type: 'BOOKMARK', object: { kind: resource.kind, apiVersion: apiVersionOf(resource), metadata: { resourceVersion: String(store.resourceVersion) } } });
  };

  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache, private' });
  for (const event of parameters.initial) send(event);
  res.flushHeaders();

  const unsubscribe = store.watch(resource.kind, (event) => {
    const translated = translate(event, inScope);
    if (translated !== undefined && !parameters.loseEvent()) send(translated);
  });
  const bookmarks = parameters.allowBookmarks ? setInterval(bookmark, parameters.bookmarkIntervalMs) : undefined;
  const timeout = setTimeout(() => {
    if (parameters.allowBookmarks) bookmark();
    end(false);
  }, parameters.timeoutMs);

  function cleanup(): void {
    if (closed) return;
    closed = true;
    unsubscribe();
    clearInterval(bookmarks);
    clearTimeout(timeout);
    onClose();
  }

  function end(abrupt: boolean): void {
    if (abrupt) {
      cleanup();
      res.socket?.destroy();
      return;
    }
    cleanup();
    res.end();
  }

  res.on('close', cleanup);
  return { end };
}

/**
 * A change as this watch sees it: an object that stops matching the selector is DELETED for it, one
 * that starts matching is ADDED, as the API server's watch cache reports them.
 */
export function translate(event: StoreEvent, inScope: (object: StoredObject) => boolean): WatchEvent | undefined {
  const now = inScope(event.object);
  if (event.type !== 'MODIFIED' || event.previous === undefined) return now ? { type: event.type, object: event.object } : undefined;
  const before = inScope(event.previous);
  if (before && now) return { type: 'MODIFIED', object: event.object };
  if (before) return { type: 'DELETED', object: event.object };
  if (now) return { type: 'ADDED', object: event.object };
  return undefined;
}
