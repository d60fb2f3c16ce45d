import { timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import type { Clock } from '../../src/domain/clock.ts';
import { applyPatch } from './apply-patch.ts';
import { decodeContinue, encodeContinue } from './continue-token.ts';
import { apiGroupList, apiResourceList, apiVersions, EMULATED_VERSION } from './kube-discovery.ts';
import { KubeFaults } from './kube-faults.ts';
import type { KubeRequestInfo, KubeVerb } from './kube-faults.ts';
import { isPlainObject } from './kube-object.ts';
import type { KubeObject, StoredObject } from './kube-object.ts';
import { KubeObjectStore, objectKey } from './kube-object-store.ts';
import type { WriteResult } from './kube-object-store.ts';
import { apiVersionOf } from './kube-resources.ts';
import type { KubeResource } from './kube-resources.ts';
import { expiredStatus, failureStatus, reasonForCode, successStatus } from './kube-status.ts';
import type { KubeStatus } from './kube-status.ts';
import { renderKubeconfig } from './kubeconfig.ts';
import { parseKubePath } from './parse-kube-path.ts';
import type { KubeRoute } from './parse-kube-path.ts';
import { parseSelectors } from './object-selector.ts';
import type { ObjectMatcher } from './object-selector.ts';
import { serveWatch, translate } from './serve-watch.ts';
import type { OpenWatch, WatchEvent } from './serve-watch.ts';

/**
 * How a watch that resumes from a compacted resourceVersion is refused. The API server answers 200 and
 * a single ERROR event carrying a 410 Expired Status (what client-go's reflector looks for); a plain
 * HTTP 410 is what some proxies and older servers do. Clients must handle both.
 */
export type ExpiredWatchResponse = 'error-event' | 'http-410';

export interface KubeEmulatorOptions {
  /** Default 127.0.0.1: the emulator is for loopback. */
  readonly host?: string;
  /** Default 0 (any free port). */
  readonly port?: number;
  /** When set, every request must carry `Authorization: Bearer <token>` (401 otherwise). */
  readonly token?: string;
  /** The object store to serve; default a new one. A world keeps a reference and drives it. */
  readonly store?: KubeObjectStore;
  /** History size of a new store (see KubeObjectStoreOptions). */
  readonly historySize?: number;
  readonly clock?: Clock;
  /** Default `error-event`, as the API server does. */
  readonly expiredWatchResponse?: ExpiredWatchResponse;
  /** BOOKMARK period on watches that allow them. Default 10 s (under client-node's 30 s idle timeout). */
  readonly bookmarkIntervalMs?: number;
  /** Server-side watch timeout when the client gives no `timeoutSeconds`. Default 1800 s. */
  readonly defaultWatchTimeoutSeconds?: number;
}

export interface KubeRequestRecord {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly verb: KubeVerb | undefined;
  readonly resource: string | undefined;
  /** For a watch, the status of its response headers. */
  readonly status: number;
}

export interface KubeEmulator {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly store: KubeObjectStore;
  readonly faults: KubeFaults;
  /** The most recent requests (bounded), oldest first. */
  readonly requests: readonly KubeRequestRecord[];
  /** Watch streams open now. */
  readonly openWatches: number;
  /** Core/v1 Events clients created, oldest first; optionally one namespace's. */
  events(namespace?: string): readonly StoredObject[];
  /** A kubeconfig (YAML) pointing at this emulator, with its token. */
  kubeconfig(): string;
  close(): Promise<void>;
}

const MAX_RECORDS = 5000;
const MAX_BODY_BYTES = 3 * 1024 * 1024;

/**
 * A Kubernetes API server on loopback that speaks the real REST and watch protocol for the resources
 * Isthmus reads and writes — Services, EndpointSlices, Nodes, Namespaces, Leases, core/v1 Events — backed
 * by an in-memory store with a global resourceVersion and a bounded watch history, with fault knobs.
 * Lists page with `limit` and `continue` over a consistent snapshot (rebuilt from the watch history; a
 * 410 with a fresh inconsistent-continue token once compacted), except with `resourceVersion=0`, which
 * the API server serves from its watch cache without paging. Not emulated: server-side apply, admission
 * and validation beyond identity fields, `dryRun`, subresources.
 */
export async function startKubeEmulator(options: KubeEmulatorOptions = {}): Promise<KubeEmulator> {
  const store = options.store ?? new KubeObjectStore({ ...(options.historySize === undefined ? {} : { historySize: options.historySize }), ...(options.clock === undefined ? {} : { clock: options.clock }) });
  const watches = new Set<OpenWatch>();
  const faults = new KubeFaults((abrupt) => {
    const open = [...watches];
    for (const watch of open) watch.end(abrupt);
    return open.length;
  });
  const records: KubeRequestRecord[] = [];
  const expiredWatchResponse = options.expiredWatchResponse ?? 'error-event';
  const bookmarkIntervalMs = options.bookmarkIntervalMs ?? 10_000;
  const defaultWatchTimeoutSeconds = options.defaultWatchTimeoutSeconds ?? 1800;
  const expectedAuthorization = options.token === undefined ? undefined : Buffer.from(`Bearer ${options.token}`);
  let serverAddress = '';

  function record(req: IncomingMessage, url: URL, info: KubeRequestInfo | undefined, status: number): void {
    records.push({ method: req.method ?? 'GET', path: url.pathname, query: url.search, verb: info?.verb, resource: info?.resource, status });
    if (records.length > MAX_RECORDS) records.splice(0, records.length - MAX_RECORDS);
  }

  function authorized(req: IncomingMessage): boolean {
    if (expectedAuthorization === undefined) return true;
    const given = Buffer.from(req.headers.authorization ?? '');
    return given.length === expectedAuthorization.length && timingSafeEqual(given, expectedAuthorization);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const method = req.method ?? 'GET';
    const route = parseKubePath(url.pathname);
    const info = route === undefined ? undefined : requestInfo(route, method, url.searchParams);
    if (faults.latencyMs > 0) await delay(faults.latencyMs);
    const reply = (status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void => {
      record(req, url, info, status);
      writeJson(res, status, body, headers);
    };
    if (!authorized(req)) {
      reply(401, failureStatus(401, 'Unauthorized', 'Unauthorized'));
      return;
    }
    if (route === undefined || info === undefined) {
      reply(404, failureStatus(404, 'NotFound', 'the server could not find the requested resource'));
      return;
    }
    const injected = route.kind === 'health' ? undefined : faults.takeFailure(info);
    if (injected !== undefined) {
      const retry = injected.retryAfterSeconds;
      const status = failureStatus(injected.status, reasonForCode(injected.status), `injected failure (${String(injected.status)})`, retry === undefined ? undefined : { retryAfterSeconds: retry });
      reply(injected.status, status, retry === undefined ? {} : { 'retry-after': String(retry) });
      return;
    }
    switch (route.kind) {
      case 'health':
        record(req, url, info, 200);
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('ok');
        return;
      case 'version':
        reply(200, EMULATED_VERSION);
        return;
      case 'api-versions':
        reply(200, apiVersions(serverAddress));
        return;
      case 'api-groups':
        reply(200, apiGroupList());
        return;
      case 'resource-list':
        reply(200, apiResourceList(route.group, route.version));
        return;
      case 'collection':
      case 'object':
        break;
    }
    if (info.verb === 'watch' && route.kind === 'collection') {
      startWatch(req, res, url, info, route.resource, route.namespace);
      return;
    }
    const body = method === 'POST' || method === 'PUT' || method === 'PATCH' ? await readBody(req) : '';
    const [status, answer] = serveResource(route, info.verb, url.searchParams, body, req.headers['content-type'] ?? '');
    reply(status, answer);
  }

  function serveResource(route: KubeRoute & { readonly kind: 'collection' | 'object' }, verb: KubeVerb, query: URLSearchParams, body: string, contentType: string): [number, unknown] {
    const { resource, namespace } = route;
    if (route.kind === 'collection') {
      if (verb === 'list') return list(resource, namespace, query);
      if (verb === 'create') {
        const parsed = parseObject(body);
        if (typeof parsed === 'string') return badRequest(parsed);
        const bodyNamespace = parsed.metadata?.namespace;
        if (namespace !== undefined && bodyNamespace !== undefined && bodyNamespace !== namespace) {
          return badRequest('the namespace of the provided object does not match the namespace sent on the request');
        }
        return written(resource, store.create(withIdentity(parsed, resource, namespace, undefined)), 201);
      }
      return methodNotAllowed();
    }
    const { name } = route;
    switch (verb) {
      case 'get': {
        const found = store.get(resource.kind, namespace, name);
        return found === undefined ? notFound(resource, name) : [200, found];
      }
      case 'update': {
        const parsed = parseObject(body);
        if (typeof parsed === 'string') return badRequest(parsed);
        if (parsed.metadata?.name !== undefined && parsed.metadata.name !== name) {
          return badRequest('the name of the object does not match the name on the URL');
        }
        return written(resource, store.replace(withIdentity(parsed, resource, namespace, name)), 200);
      }
      case 'patch': {
        const found = store.get(resource.kind, namespace, name);
        if (found === undefined) return notFound(resource, name);
        const patched = applyPatch(found, contentType, body);
        if (!patched.ok) return [patched.status, failureStatus(patched.status, reasonForCode(patched.status), patched.message)];
        if (!isPlainObject(patched.value)) return badRequest('the patch did not produce an object');
        const patchedObject: KubeObject = patched.value;
        // A patch is applied to what the server has; a resourceVersion in it is a precondition.
        return written(resource, store.replace(withIdentity(patchedObject, resource, namespace, name)), 200);
      }
      case 'delete': {
        const removed = store.remove(resource.kind, namespace, name);
        if (removed === undefined) return notFound(resource, name);
        return [200, successStatus({ name, group: resource.group, kind: resource.plural })];
      }
      default:
        return methodNotAllowed();
    }
  }

  function list(resource: KubeResource, namespace: string | undefined, query: URLSearchParams): [number, unknown] {
    const selectors = parseSelectors(query.get('labelSelector'), query.get('fieldSelector'));
    if (!selectors.ok) return badRequest(selectors.message);
    const current = store.resourceVersion;
    const requested = query.get('resourceVersion') ?? '';
    const match = query.get('resourceVersionMatch') ?? '';
    const continueText = query.get('continue') ?? '';
    const limitText = query.get('limit') ?? '';
    const limit = limitText === '' ? 0 : parseRevision(limitText);
    if (limit === undefined) return badRequest(`limit: Invalid value: "${limitText}": must be a non-negative integer`);
    if (match !== '' && requested === '') return badRequest('resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided');
    if (match !== '' && match !== 'NotOlderThan' && match !== 'Exact') return badRequest(`resourceVersionMatch: Unsupported value: "${match}"`);
    // Without selectors the number of items left is known exactly, and the API server reports it.
    const unfiltered = (query.get('labelSelector') ?? '') === '' && (query.get('fieldSelector') ?? '') === '';
    if (continueText !== '') return listContinued(resource, namespace, selectors.matches, continueText, limit, requested, match, unfiltered);

    let revision = current;
    if (requested !== '' && requested !== '0') {
      const asked = parseRevision(requested);
      if (asked === undefined) return badRequest(`resourceVersion: Invalid value: "${requested}"`);
      if (asked > current) return [504, failureStatus(504, 'Timeout', `Too large resource version: ${requested}, current: ${String(current)}`, { retryAfterSeconds: 1 })];
      if (match === 'Exact') revision = asked;
    }
    const snapshot = store.listAt(resource.kind, namespace, revision);
    // An exact read of a revision the history no longer holds, as after an etcd compaction.
    if (snapshot === undefined) return [410, failureStatus(410, 'Expired', 'The resourceVersion for the provided list is too old.')];
    // resourceVersion=0 is served from the API server's watch cache, which ignores limit.
    const pageSize = requested === '0' ? 0 : limit;
    return [200, listPage(resource, snapshot.filter(selectors.matches), revision, pageSize, unfiltered)];
  }

  /** A later page of a paged list: the same snapshot, from where the token says; 410 once it is compacted. */
  function listContinued(
    resource: KubeResource,
    namespace: string | undefined,
    matches: ObjectMatcher,
    text: string,
    limit: number,
    requested: string,
    match: string,
    unfiltered: boolean,
  ): [number, unknown] {
    if (requested !== '' && requested !== '0') return badRequest('specifying resource version is not allowed when using continue');
    if (match !== '') return badRequest('resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided');
    const token = decodeContinue(text);
    if (typeof token === 'string') return badRequest(token);
    const current = store.resourceVersion;
    if (token.rv > current) return [504, failureStatus(504, 'Timeout', `Too large resource version: ${String(token.rv)}, current: ${String(current)}`, { retryAfterSeconds: 1 })];
    const revision = token.rv === -1 ? current : token.rv;
    const snapshot = store.listAt(resource.kind, namespace, revision);
    if (snapshot === undefined) {
      // What the API server says when etcd compacted the snapshot's revision, with a token that resumes
      // at the latest revision for clients that accept an inconsistent list.
      const fresh = encodeContinue({ rv: -1, start: token.start });
      return [410, { ...failureStatus(410, 'Expired', INCONSISTENT_CONTINUE), metadata: { continue: fresh } }];
    }
    const from = snapshot.filter((object) => objectKey(object.metadata.namespace, object.metadata.name) >= token.start);
    return [200, listPage(resource, from.filter(matches), revision, limit, unfiltered)];
  }

  function startWatch(req: IncomingMessage, res: ServerResponse, url: URL, info: KubeRequestInfo, resource: KubeResource, namespace: string | undefined): void {
    const query = url.searchParams;
    const selectors = parseSelectors(query.get('labelSelector'), query.get('fieldSelector'));
    if (!selectors.ok) {
      record(req, url, info, 400);
      writeJson(res, 400, failureStatus(400, 'BadRequest', selectors.message));
      return;
    }
    const requested = query.get('resourceVersion') ?? '';
    const resumeFrom = requested === '' || requested === '0' ? undefined : parseRevision(requested);
    if (requested !== '' && requested !== '0' && resumeFrom === undefined) {
      record(req, url, info, 400);
      writeJson(res, 400, failureStatus(400, 'BadRequest', `resourceVersion: Invalid value: "${requested}"`));
      return;
    }
    const inScope: ObjectMatcher = (object) => (namespace === undefined || object.metadata.namespace === namespace) && selectors.matches(object);
    let initial: readonly WatchEvent[];
    if (resumeFrom === undefined) {
      initial = store.list(resource.kind, namespace).filter(selectors.matches).map((object) => ({ type: 'ADDED', object }));
    } else {
      const changes = faults.takeWatchExpiry() ? undefined : store.changesSince(resource.kind, resumeFrom);
      if (changes === undefined) {
        const status = expiredStatus(resumeFrom, store.compactedResourceVersion);
        if (expiredWatchResponse === 'http-410') {
          record(req, url, info, 410);
          writeJson(res, 410, status);
        } else {
          record(req, url, info, 200);
          res.writeHead(200, { 'content-type': 'application/json' }).end(`${JSON.stringify({ type: 'ERROR', object: status })}\n`);
        }
        return;
      }
      initial = changes.flatMap((change) => {
        const event = translate(change, inScope);
        return event === undefined ? [] : [event];
      });
    }
    const timeoutSeconds = parseRevision(query.get('timeoutSeconds') ?? '');
    record(req, url, info, 200);
    const watch = serveWatch(
      store,
      {
        resource,
        namespace,
        matches: selectors.matches,
        initial,
        allowBookmarks: query.get('allowWatchBookmarks') === 'true',
        bookmarkIntervalMs,
        timeoutMs: (timeoutSeconds === undefined || timeoutSeconds === 0 ? defaultWatchTimeoutSeconds : timeoutSeconds) * 1000,
        loseEvent: () => faults.takeLostEvent(),
      },
      res,
      () => watches.delete(watch),
    );
    watches.add(watch);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) writeJson(res, 500, failureStatus(500, 'InternalError', error instanceof Error ? error.message : String(error)));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  serverAddress = `${address.address}:${String(address.port)}`;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${String(address.port)}`;

  return {
    url,
    store,
    faults,
    get requests() {
      return records;
    },
    get openWatches() {
      return watches.size;
    },
    events: (namespace) => store.list('Event', namespace),
    kubeconfig: () => renderKubeconfig({ server: url, ...(options.token === undefined ? {} : { token: options.token }) }),
    close: async () => {
      for (const watch of [...watches]) watch.end(true);
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      });
    },
  };
}

function requestInfo(route: KubeRoute, method: string, query: URLSearchParams): KubeRequestInfo | undefined {
  if (route.kind !== 'collection' && route.kind !== 'object') return method === 'GET' ? { verb: 'discovery', resource: undefined } : undefined;
  const resource = route.resource.plural;
  const watch = query.get('watch') === 'true' || query.get('watch') === '1';
  if (route.kind === 'collection') {
    if (method === 'GET') return { verb: watch ? 'watch' : 'list', resource };
    if (method === 'POST') return { verb: 'create', resource };
    return undefined;
  }
  switch (method) {
    case 'GET':
      return { verb: 'get', resource };
    case 'PUT':
      return { verb: 'update', resource };
    case 'PATCH':
      return { verb: 'patch', resource };
    case 'DELETE':
      return { verb: 'delete', resource };
    default:
      return undefined;
  }
}

/** The server decides kind, apiVersion, namespace and name from the URL; the body cannot move an object. */
function withIdentity(object: KubeObject, resource: KubeResource, namespace: string | undefined, name: string | undefined): KubeObject {
  const metadata = { ...(object.metadata ?? {}), ...(namespace === undefined ? {} : { namespace }), ...(name === undefined ? {} : { name }) };
  return { ...object, apiVersion: object.apiVersion ?? apiVersionOf(resource), kind: object.kind ?? resource.kind, metadata };
}

function written(resource: KubeResource, result: WriteResult, successCode: number): [number, unknown] {
  if (result.ok) return [successCode, result.object];
  const details = { group: resource.group, kind: resource.plural };
  switch (result.reason) {
    case 'AlreadyExists':
      return [409, failureStatus(409, 'AlreadyExists', result.message, details)];
    case 'Conflict':
      return [409, failureStatus(409, 'Conflict', result.message, details)];
    case 'NotFound':
      return [404, failureStatus(404, 'NotFound', result.message, details)];
    case 'Invalid':
      return [422, failureStatus(422, 'Invalid', result.message, details)];
  }
}

function notFound(resource: KubeResource, name: string): [number, KubeStatus] {
  const plural = resource.group === '' ? resource.plural : `${resource.plural}.${resource.group}`;
  return [404, failureStatus(404, 'NotFound', `${plural} "${name}" not found`, { name, group: resource.group, kind: resource.plural })];
}

function badRequest(message: string): [number, KubeStatus] {
  return [400, failureStatus(400, 'BadRequest', message)];
}

function methodNotAllowed(): [number, KubeStatus] {
  return [405, failureStatus(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource')];
}

const INCONSISTENT_CONTINUE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

/**
 * One page of a list at `revision`: at most `limit` items (0: all), and when more remain a `continue`
 * token for the rest of the same snapshot and, when known exactly (no selectors), how many remain.
 */
function listPage(resource: KubeResource, items: readonly StoredObject[], revision: number, limit: number, countRemaining: boolean): Readonly<Record<string, unknown>> {
  const page = limit > 0 && items.length > limit ? items.slice(0, limit) : items;
  const last = page[page.length - 1];
  const more = page.length < items.length && last !== undefined;
  const metadata = {
    resourceVersion: String(revision),
    ...(more ? { continue: encodeContinue({ rv: revision, start: `${objectKey(last.metadata.namespace, last.metadata.name)}\u0000` }) } : {}),
    ...(more && countRemaining ? { remainingItemCount: items.length - page.length } : {}),
  };
  return { kind: resource.listKind, apiVersion: apiVersionOf(resource), metadata, items: page.map(withoutTypeMeta) };
}

/** List items carry no kind or apiVersion on the wire; the list's own do. */
function withoutTypeMeta(object: StoredObject): Readonly<Record<string, unknown>> {
  const { kind: _kind, apiVersion: _apiVersion, ...rest } = object;
  return rest;
}

function parseRevision(text: string): number | undefined {
  if (!/^\d{1,15}$/.test(text)) return undefined;
  return Number(text);
}

function parseObject(body: string): KubeObject | string {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return 'the request body is not valid JSON';
  }
  return isPlainObject(value) ? value : 'the request body must be a JSON object';
}

function writeJson(res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new RangeError('request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
