import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { negotiateExposition } from './negotiate-exposition.ts';
import { parseListenAddress } from './parse-listen-address.ts';
import type { ListenAddress } from './parse-listen-address.ts';
import type { ExpositionFormat, PrometheusRegistry } from './prometheus-registry.ts';

/** A mounted handler (the JSON API under /api/v1). It owns the response; a throw becomes a 500. */
export type RouteHandler = (request: IncomingMessage, response: ServerResponse, url: URL) => void | Promise<void>;

export interface ReadinessResult {
  readonly ready: boolean;
  /** Why, for people reading /readyz: "leader", "connected to hubble-relay:4245", "last poll 3 min ago". */
  readonly detail?: string | undefined;
}

/** One readiness condition: leadership, Hubble connected, vManage data fresh, … */
export type ReadinessCheck = () => ReadinessResult | Promise<ReadinessResult>;

/** The subset of a pino logger the server writes to. */
export interface HttpServerLog {
  warn(obj: object, msg?: string): void;
}

export interface TelemetryHttpServerOptions {
  /** One registry per exposition format (createPrometheusRegistry). */
  readonly registries: Readonly<Record<ExpositionFormat, PrometheusRegistry>>;
  readonly logger?: HttpServerLog;
  /** A readiness check that has not answered by then counts as not ready. Default 2 s. */
  readonly readinessTimeoutMs?: number;
}

export interface ReadinessReport {
  readonly ready: boolean;
  readonly checks: readonly (ReadinessResult & { readonly name: string })[];
}

interface Route {
  readonly method: string;
  /** Exact path, or a prefix ending in `/` when registered as `…/*`. */
  readonly path: string;
  readonly prefix: boolean;
  readonly handler: RouteHandler;
}

const BUILT_IN_PATHS = new Set(['/metrics', '/healthz', '/readyz']);
const JSON_TYPE = 'application/json; charset=utf-8';

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': JSON_TYPE, 'cache-control': 'no-store', ...headers });
  response.end(`${JSON.stringify(body)}\n`);
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function withTimeout(check: ReadinessCheck, timeoutMs: number): Promise<ReadinessResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ReadinessResult>((resolve) => {
    timer = setTimeout(() => {
      resolve({ ready: false, detail: `no answer within ${timeoutMs} ms` });
    }, timeoutMs);
  });
  const answer = Promise.resolve()
    .then(check)
    .catch((error: unknown) => ({ ready: false, detail: `check failed: ${describeError(error)}` }));
  return Promise.race([answer, timeout]).finally(() => {
    clearTimeout(timer);
  });
}

/**
 * The bridge's HTTP endpoint (node:http): `/metrics` in the format the scraper asks for, `/healthz`
 * (liveness: the process answers), `/readyz` (readiness: every registered check passes, with JSON
 * detail), and whatever other handlers are mounted with addRoute (the JSON API under /api/v1).
 */
export class TelemetryHttpServer {
  readonly #registries: Readonly<Record<ExpositionFormat, PrometheusRegistry>>;
  readonly #logger: HttpServerLog | undefined;
  readonly #readinessTimeoutMs: number;
  readonly #routes: Route[] = [];
  readonly #checks = new Map<string, ReadinessCheck>();
  #server: Server | undefined;

  constructor(options: TelemetryHttpServerOptions) {
    this.#registries = options.registries;
    this.#logger = options.logger;
    this.#readinessTimeoutMs = options.readinessTimeoutMs ?? 2000;
  }

  /**
   * Mounts a handler on an exact path (`/api/v1/services`) or on every path under a prefix
   * (`/api/v1/*`). Exact routes win over prefixes, longer prefixes over shorter ones. The built-in
   * paths cannot be taken over.
   */
  addRoute(method: string, path: string, handler: RouteHandler): void {
    const prefix = path.endsWith('/*');
    const routePath = prefix ? path.slice(0, -1) : path;
    if (!routePath.startsWith('/')) throw new TypeError(`a route path starts with /, not "${path}"`);
    if (BUILT_IN_PATHS.has(routePath)) throw new TypeError(`${routePath} is served by the telemetry server itself`);
    const upper = method.toUpperCase();
    if (this.#routes.some((route) => route.method === upper && route.path === routePath && route.prefix === prefix)) {
      throw new TypeError(`a handler for ${upper} ${path} is already mounted`);
    }
    this.#routes.push({ method: upper, path: routePath, prefix, handler });
  }

  /** Registers (or replaces) a named readiness check. */
  addReadinessCheck(name: string, check: ReadinessCheck): void {
    this.#checks.set(name, check);
  }

  /** Runs every readiness check, concurrently and each with a time limit. */
  async readiness(): Promise<ReadinessReport> {
    const checks = await Promise.all(
      [...this.#checks].map(async ([name, check]) => ({ name, ...(await withTimeout(check, this.#readinessTimeoutMs)) })),
    );
    return { ready: checks.every((check) => check.ready), checks };
  }

  /** Listens on `host:port` (`[ipv6]:port`); resolves with the bound address (port 0 picks a free one). */
  async listen(address: string | ListenAddress): Promise<ListenAddress> {
    if (this.#server !== undefined) throw new Error('the telemetry server is already listening');
    const { host, port } = typeof address === 'string' ? parseListenAddress(address) : address;
    const server = createServer((request, response) => {
      void this.#handle(request, response);
    });
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    }).catch((error: unknown) => {
      this.#server = undefined;
      throw error;
    });
    const bound = server.address() as AddressInfo;
    return { host: bound.address, port: bound.port };
  }

  /** Stops listening and drops open (keep-alive) connections. */
  async close(): Promise<void> {
    const server = this.#server;
    if (server === undefined) return;
    this.#server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => {
      resolve();
    }));
    server.closeAllConnections();
    await closed;
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = request.method ?? 'GET';
    try {
      switch (url.pathname) {
        case '/metrics':
          await this.#onlyGet(method, response, () => this.#metrics(request, response));
          return;
        case '/healthz':
          await this.#onlyGet(method, response, () => {
            response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
            response.end('ok\n');
          });
          return;
        case '/readyz':
          await this.#onlyGet(method, response, async () => {
            const report = await this.readiness();
            sendJson(response, report.ready ? 200 : 503, report);
          });
          return;
        default:
          await this.#route(method, url, request, response);
      }
    } catch (error) {
      this.#logger?.warn({ path: url.pathname, method, err: error }, 'telemetry HTTP handler failed');
      if (!response.headersSent) sendJson(response, 500, { error: 'internal error' });
      else response.destroy();
    }
  }

  async #onlyGet(method: string, response: ServerResponse, serve: () => void | Promise<void>): Promise<void> {
    if (method !== 'GET' && method !== 'HEAD') {
      sendJson(response, 405, { error: `method ${method} not allowed` }, { allow: 'GET, HEAD' });
      return;
    }
    await serve();
  }

  async #metrics(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const registry = this.#registries[negotiateExposition(request.headers.accept)];
    const body = await registry.metrics();
    response.writeHead(200, { 'content-type': registry.contentType, vary: 'Accept', 'cache-control': 'no-store' });
    response.end(body);
  }

  async #route(method: string, url: URL, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const matching = this.#routes
      .filter((route) => (route.prefix ? url.pathname.startsWith(route.path) : url.pathname === route.path))
      .sort((a, b) => Number(a.prefix) - Number(b.prefix) || b.path.length - a.path.length);
    if (matching.length === 0) {
      sendJson(response, 404, { error: `no such path: ${url.pathname}` });
      return;
    }
    const route = matching.find((candidate) => candidate.method === method || (method === 'HEAD' && candidate.method === 'GET'));
    if (route === undefined) {
      // HEAD is served wherever GET is (see above), so it is allowed there too.
      const methods = matching.flatMap((candidate) => (candidate.method === 'GET' ? ['GET', 'HEAD'] : [candidate.method]));
      const allow = [...new Set(methods)].join(', ');
      sendJson(response, 405, { error: `method ${method} not allowed` }, { allow });
      return;
    }
    await route.handler(request, response, url);
  }
}
