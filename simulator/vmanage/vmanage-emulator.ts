import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import type { Clock } from '../../src/domain/clock.ts';
import { EmulatorFaults } from './emulator-faults.ts';
import type { RetryAfterSetting } from './emulator-faults.ts';
import { errorEnvelope } from './envelope.ts';
import { LOGIN_PAGE_HTML } from './login-page.ts';
import { PolicyRoutes } from './policy-routes.ts';
import type { PolicyEmulation } from './policy-routes.ts';
import { cookieValue, htmlReply, jsonReply, readBody, textReply, writeReply } from './reply.ts';
import type { Reply } from './reply.ts';
import { SessionStore } from './session-store.ts';
import { TelemetryRoutes } from './telemetry-routes.ts';
import type { VmanageDataSource } from './vmanage-data-source.ts';
import { WindowLimiter } from './window-limiter.ts';

/** How an API call without a live session is answered; real Managers have been seen doing each. */
export type ExpiredSessionResponse = 'login-page' | 'redirect' | 'unauthorized';

export interface VmanageEmulatorOptions {
  readonly dataSource: VmanageDataSource;
  /** Default 127.0.0.1; the emulator is for loopback. */
  readonly host?: string;
  /** Default 0 (any free port). */
  readonly port?: number;
  readonly username?: string;
  /** Default: random, so that leak tests can search for it. */
  readonly password?: string;
  /** `data.platformVersion` of `/client/server`; decides the logout form (POST from 20.12). Default 20.12.1. */
  readonly platformVersion?: string;
  /** Serve `/jwt/login` and `/jwt/refresh` and accept Bearer tokens (20.18.1+). Default false. */
  readonly jwt?: boolean;
  /** PEM key and certificate: serve HTTPS. */
  readonly tls?: { readonly key: string | Buffer; readonly cert: string | Buffer };
  /**
   * vManage's time: session lifetimes, `lastupdated`/`generatedOn` stamps, default statistics windows.
   * Default: the system clock.
   */
  readonly clock?: Clock;
  /**
   * Real time, for what is about the server's capacity rather than about vManage's notion of time: the
   * rate limits, `Retry-After` dates and scroll-context lifetimes. Differs from `clock` when the
   * emulator runs on accelerated simulated time (at 60×, "100 requests per second" of simulated time
   * would be 6,000 real ones, and a 5-minute scroll context would die in 5 real seconds). Default: `clock`.
   */
  readonly realClock?: Clock;
  /** Default 30 min (vManage's inactivity timeout). */
  readonly sessionIdleTimeoutMs?: number;
  /** Default 24 h. */
  readonly sessionAbsoluteTimeoutMs?: number;
  /** Default 100; beyond it the least recently used session is dropped. */
  readonly maxSessions?: number;
  /** Default `login-page` (200 text/html), the signal every client knows. */
  readonly expiredSessionResponse?: ExpiredSessionResponse;
  /** Also send `Set-Cookie: JSESSIONID=; Expires=<past>` when a dead session is used (catalystwan's signal). */
  readonly expireCookieOnExpiry?: boolean;
  /** Require `X-XSRF-TOKEN` on GETs too (some GETs need it on real Managers). Default false. */
  readonly xsrfOnGet?: boolean;
  /** Body of the 403 token-mismatch answer: the bare message (default) or an error envelope. */
  readonly tokenMismatchBody?: 'text' | 'json';
  /** Logout answers 302 to the welcome page (default) or 200. */
  readonly logoutStatus?: 200 | 302;
  /** Default 100 (vManage's documented limit). */
  readonly requestsPerSecond?: number;
  /** Default 48. */
  readonly bulkPerMinute?: number;
  /** Default 2. */
  readonly bulkMaxConcurrent?: number;
  /** `Retry-After` on 429/503; absent by default, as vManage documents none. */
  readonly retryAfter?: RetryAfterSetting;
  /** Cap on rows per page of paged endpoints. Default 10 000. */
  readonly pageSize?: number;
  /** Scroll contexts live this long after each use. Default 5 min. */
  readonly scrollTtlMs?: number;
  /** How long policy activation tasks run, on `clock`. Default 8 s. */
  readonly activationDelayMs?: number;
  /** `POST /template/policy/vsmart` answers an empty body (default, as some releases do) or `{"policyId"}`. */
  readonly policyCreateResponse?: 'empty' | 'id';
  /**
   * The policy side of an emulator that ran before (its `policy`): a restarted vManage keeps its
   * database (policies, tasks, what is active) while every session is gone. Default: a fresh, empty one,
   * as after a rebuild from scratch. `activationDelayMs` and `policyCreateResponse` then come with it.
   */
  readonly policy?: PolicyRoutes;
}

export interface EmulatorRequestRecord {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly status: number;
}

/** Counters tests assert on. */
export interface EmulatorStats {
  readonly logins: number;
  readonly failedLogins: number;
  readonly jwtLogins: number;
  readonly jwtRefreshes: number;
  readonly logouts: number;
  readonly maxConcurrentBulk: number;
  /** The most recent requests (bounded), oldest first. */
  readonly requests: readonly EmulatorRequestRecord[];
}

export interface VmanageEmulator {
  /** `http://127.0.0.1:<port>` (or https). */
  readonly url: string;
  readonly credentials: { readonly username: string; readonly password: string };
  readonly faults: EmulatorFaults;
  readonly stats: EmulatorStats;
  /** The centralized-policy API's state, knobs and request log (with bodies). */
  readonly policy: PolicyEmulation;
  /** Every session id, XSRF token and JWT handed out: what must never show up in a client's logs. */
  issuedSecrets(): readonly string[];
  close(): Promise<void>;
}

const TOKEN_MISMATCH_MESSAGE = 'SessionTokenFilter: Token provided via HTTP Header does not match the token generated by the server.';
const BULK_PREFIX = '/dataservice/data/device/statistics/';
const READY_PATH = '/dataservice/client/server/ready';
const MAX_RECORDS = 5000;

interface MutableStats {
  logins: number;
  failedLogins: number;
  jwtLogins: number;
  jwtRefreshes: number;
  logouts: number;
  maxConcurrentBulk: number;
  requests: EmulatorRequestRecord[];
}

type Principal = { readonly kind: 'session'; readonly id: string; readonly csrf: string } | { readonly kind: 'jwt'; readonly csrf: string };

/**
 * A faithful-enough Cisco Catalyst SD-WAN Manager on loopback: form and JWT login with their failure
 * modes, XSRF enforcement, idle/absolute session expiry on the injected clock, rate limits (general,
 * bulk per minute, bulk concurrency) answered with 429, fault knobs, and the telemetry endpoints
 * rendered from a data source in the captured wire shapes.
 */
export async function startVmanageEmulator(options: VmanageEmulatorOptions): Promise<VmanageEmulator> {
  const clock = options.clock ?? { now: () => Date.now() };
  const realClock = options.realClock ?? clock;
  const username = options.username ?? 'admin';
  const password = options.password ?? randomBytes(12).toString('base64url');
  const version = options.platformVersion ?? '20.12.1';
  const jwtEnabled = options.jwt ?? false;
  const secure = options.tls !== undefined;
  const store = new SessionStore({
    clock,
    idleTimeoutMs: options.sessionIdleTimeoutMs ?? 30 * 60_000,
    absoluteTimeoutMs: options.sessionAbsoluteTimeoutMs ?? 24 * 3_600_000,
    maxSessions: options.maxSessions ?? 100,
    username,
  });
  const faults = new EmulatorFaults((all) => {
    store.expireAll(all);
  }, options.retryAfter);
  const general = new WindowLimiter(options.requestsPerSecond ?? 100, 1000, realClock);
  const bulkWindow = new WindowLimiter(options.bulkPerMinute ?? 48, 60_000, realClock);
  const bulkMaxConcurrent = options.bulkMaxConcurrent ?? 2;
  const telemetry = new TelemetryRoutes({
    dataSource: options.dataSource,
    clock,
    scrollClock: realClock,
    pageSize: options.pageSize ?? 10_000,
    defaultCount: 1000,
    scrollTtlMs: options.scrollTtlMs ?? 5 * 60_000,
  });
  const policy = options.policy ?? new PolicyRoutes({
    dataSource: options.dataSource,
    clock,
    username,
    ...(options.activationDelayMs === undefined ? {} : { activationDelayMs: options.activationDelayMs }),
    ...(options.policyCreateResponse === undefined ? {} : { policyCreateResponse: options.policyCreateResponse }),
  });
  const stats: MutableStats = { logins: 0, failedLogins: 0, jwtLogins: 0, jwtRefreshes: 0, logouts: 0, maxConcurrentBulk: 0, requests: [] };
  let bulkInFlight = 0;

  function retryAfterHeaders(): Record<string, string> {
    const setting = faults.retryAfter;
    if (setting === undefined) return {};
    if (setting.kind === 'seconds') return { 'retry-after': String(setting.seconds) };
    return { 'retry-after': new Date(realClock.now() + setting.afterMs).toUTCString() };
  }

  function sessionCookie(id: string): string {
    return `JSESSIONID=${id}; Path=/; HttpOnly${secure ? '; Secure' : ''}`;
  }

  const expiredCookie = `JSESSIONID=deleted; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly`;

  /** The answer to an API call without live credentials, in the configured style. */
  function noSession(hadCookie: boolean): Reply {
    const cookie: Record<string, string> = hadCookie && options.expireCookieOnExpiry === true ? { 'set-cookie': expiredCookie } : {};
    switch (options.expiredSessionResponse ?? 'login-page') {
      case 'redirect':
        return { status: 302, headers: { location: '/welcome.html?nocache=' + String(clock.now()), ...cookie }, body: '' };
      case 'unauthorized':
        return jsonReply(401, errorEnvelope('Unauthorized', 'The session is not valid'), cookie);
      case 'login-page':
        return htmlReply(200, LOGIN_PAGE_HTML, cookie);
    }
  }

  function tokenMismatch(): Reply {
    return options.tokenMismatchBody === 'json'
      ? jsonReply(403, errorEnvelope(TOKEN_MISMATCH_MESSAGE))
      : textReply(403, TOKEN_MISMATCH_MESSAGE);
  }

  function login(body: string): Reply {
    const form = new URLSearchParams(body);
    if (form.get('j_username') !== username || form.get('j_password') !== password) {
      stats.failedLogins++;
      return htmlReply(200, LOGIN_PAGE_HTML);
    }
    const session = store.create();
    stats.logins++;
    // Success is an empty body; its content type says text/html all the same, which is why clients
    // must look for `<html` in the body rather than at the header on this one call.
    return htmlReply(200, '', { 'set-cookie': sessionCookie(session.id) });
  }

  function logout(method: string, req: IncomingMessage): Reply {
    const modern = versionAtLeast(version, 20, 12);
    if ((modern && method !== 'POST') || (!modern && method !== 'GET')) {
      return jsonReply(405, errorEnvelope('Method not allowed', `Logout takes ${modern ? 'POST' : 'GET'} on ${version}`));
    }
    const id = cookieValue(req.headers.cookie, 'JSESSIONID');
    if (id !== undefined) store.delete(id);
    stats.logouts++;
    const headers = { 'set-cookie': expiredCookie };
    if ((options.logoutStatus ?? 302) === 302) {
      return { status: 302, headers: { location: `/welcome.html?nocache=${String(clock.now())}`, ...headers }, body: '' };
    }
    return htmlReply(200, LOGIN_PAGE_HTML, headers);
  }

  function jwtLogin(body: string): Reply {
    const parsed = parseJsonObject(body);
    if (parsed?.username !== username || parsed.password !== password) {
      stats.failedLogins++;
      return jsonReply(401, errorEnvelope('Authentication failed', 'Invalid username or password'));
    }
    const duration = parsed.duration === undefined ? 1800 : Number(parsed.duration);
    if (!Number.isInteger(duration) || duration < 1 || duration > 604_800) {
      return jsonReply(400, errorEnvelope('Invalid duration', 'duration must be 1 to 604800 seconds'));
    }
    const jwt = store.issueJwt(duration);
    stats.jwtLogins++;
    return jsonReply(200, {
      token: jwt.token,
      refresh: jwt.refresh,
      sub: username,
      iss: 'emulator',
      aud: 'vmanage',
      userGroup: '[netadmin]',
      tenant: 'default',
      duration,
      exp: Math.floor(jwt.expiresAt / 1000),
      csrf: jwt.csrf,
      isAPIKey: false,
      tenantId: 'default',
    });
  }

  function jwtRefresh(body: string): Reply {
    const parsed = parseJsonObject(body);
    const refresh = typeof parsed?.refresh === 'string' ? parsed.refresh : undefined;
    if (refresh === undefined || !store.canRefresh(refresh)) {
      return jsonReply(401, errorEnvelope('Authentication failed', 'Invalid or expired refresh token'));
    }
    const duration = parsed?.duration === undefined ? 1800 : Number(parsed.duration);
    if (!Number.isInteger(duration) || duration < 1 || duration > 604_800) {
      return jsonReply(400, errorEnvelope('Invalid duration', 'duration must be 1 to 604800 seconds'));
    }
    const jwt = store.issueJwt(duration, refresh);
    stats.jwtRefreshes++;
    return jsonReply(200, { token: jwt.token, refresh: jwt.refresh });
  }

  function principalOf(req: IncomingMessage): Principal | Reply {
    const authorization = req.headers.authorization;
    if (authorization?.startsWith('Bearer ') === true) {
      const jwt = jwtEnabled ? store.lookupJwt(authorization.slice('Bearer '.length).trim()) : undefined;
      if (jwt === undefined) return jsonReply(401, errorEnvelope('Unauthorized', 'The token is not valid or has expired'));
      return { kind: 'jwt', csrf: jwt.csrf };
    }
    const id = cookieValue(req.headers.cookie, 'JSESSIONID');
    const session = store.lookup(id);
    if (session === undefined) return noSession(id !== undefined);
    store.touch(session);
    return { kind: 'session', id: session.id, csrf: session.xsrf };
  }

  async function dataservice(method: string, url: URL, req: IncomingMessage, body: string): Promise<Reply> {
    const principal = principalOf(req);
    if ('status' in principal) return principal;
    const path = url.pathname;
    // Bearer clients (API keys) fetch the token here too; JWT logins already got it as `csrf`.
    if (path === '/dataservice/client/token' && method === 'GET') {
      return url.searchParams.get('json') === 'true' ? jsonReply(200, { token: principal.csrf }) : textReply(200, principal.csrf);
    }
    if (faults.takeTokenMismatch()) return tokenMismatch();
    const protectedCall = method !== 'GET' || options.xsrfOnGet === true;
    if (protectedCall && req.headers['x-xsrf-token'] !== principal.csrf) return tokenMismatch();
    if (path === '/dataservice/client/server' && method === 'GET') {
      return jsonReply(200, {
        data: {
          CSRFToken: principal.csrf,
          platformVersion: version,
          tenancyMode: 'SingleTenant',
          userMode: 'tenant',
          VSessionId: '',
          user: username,
          isSAMLUser: false,
          isRbacVpnUser: false,
        },
      });
    }
    if (path === '/dataservice/client/about' && method === 'GET') {
      return jsonReply(200, { data: { title: 'Cisco Catalyst SD-WAN Manager', version, applicationVersion: version, applicationServer: 'vmanage' } });
    }
    const policyReply = await policy.handle(method, url, body);
    if (policyReply !== undefined) return policyReply;
    const reply = await telemetry.handle(method, url, body);
    return reply ?? jsonReply(404, errorEnvelope('Resource not found', `No resource at ${method} ${path}`));
  }

  /** Answers one request, faults and limits first, in the order a loaded Manager would apply them. */
  async function handle(req: IncomingMessage, method: string, url: URL, body: string): Promise<Reply> {
    const path = url.pathname;
    if (path === READY_PATH) return jsonReply(faults.restarting ? 503 : 200, { isServerReady: !faults.restarting });
    if (faults.restarting || faults.takeUnavailable()) {
      return jsonReply(503, errorEnvelope('Server is unable to complete request', 'The server is temporarily unavailable'), retryAfterHeaders());
    }
    if (faults.takeThrottled() || !general.tryAcquire()) {
      return jsonReply(429, errorEnvelope('Request exceed rate limit', 'Too many requests'), retryAfterHeaders());
    }
    if (faults.latencyMs > 0) await delay(faults.latencyMs);
    if (path === '/j_security_check' && method === 'POST') return login(body);
    if (path === '/logout') return logout(method, req);
    if (path === '/jwt/login' && method === 'POST' && jwtEnabled) return jwtLogin(body);
    if (path === '/jwt/refresh' && method === 'POST' && jwtEnabled) return jwtRefresh(body);
    if (path.startsWith('/dataservice/')) return dataservice(method, url, req, body);
    return jsonReply(404, errorEnvelope('Resource not found', `No resource at ${method} ${path}`));
  }

  /** Bulk statistics: 2 in flight and 48 a minute, checked before anything else is spent on the call. */
  async function handleWithBulkLimits(req: IncomingMessage, method: string, url: URL, body: string): Promise<Reply> {
    if (!url.pathname.startsWith(BULK_PREFIX) || faults.restarting) return handle(req, method, url, body);
    if (bulkInFlight >= bulkMaxConcurrent || !bulkWindow.tryAcquire()) {
      return jsonReply(429, errorEnvelope('Request exceed rate limit', 'Too many concurrent or per-minute bulk requests'), retryAfterHeaders());
    }
    bulkInFlight++;
    stats.maxConcurrentBulk = Math.max(stats.maxConcurrentBulk, bulkInFlight);
    try {
      return await handle(req, method, url, body);
    } finally {
      bulkInFlight--;
    }
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://emulator');
    let reply: Reply;
    try {
      const body = await readBody(req);
      reply = await handleWithBulkLimits(req, method, url, body);
    } catch (error) {
      reply = jsonReply(500, errorEnvelope('Internal error', error instanceof Error ? error.message : String(error)));
    }
    stats.requests.push({ method, path: url.pathname, query: url.search, status: reply.status });
    if (stats.requests.length > MAX_RECORDS) stats.requests.splice(0, stats.requests.length - MAX_RECORDS);
    if (!res.destroyed) writeReply(res, reply);
  }

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    void serve(req, res);
  };
  const server: Server = options.tls === undefined ? createHttpServer(listener) : createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, listener);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;

  return {
    url: `${secure ? 'https' : 'http'}://${host}:${address.port}`,
    credentials: { username, password },
    faults,
    stats,
    policy,
    issuedSecrets: () => store.issuedSecrets(),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function versionAtLeast(version: string, major: number, minor: number): boolean {
  const [actualMajor = 0, actualMinor = 0] = version.split('.').map(Number);
  return actualMajor > major || (actualMajor === major && actualMinor >= minor);
}
