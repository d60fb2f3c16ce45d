import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { Agent, request } from 'undici';
import type { Clock } from '../domain/clock.ts';
import { backoffDelay, DEFAULT_BACKOFF } from './backoff.ts';
import type { BackoffPolicy } from './backoff.ts';
import { BulkLimiter } from './bulk-limiter.ts';
import { endpointLabel } from './endpoint-label.ts';
import { silentLog } from './log-port.ts';
import type { LogPort } from './log-port.ts';
import { parseErrorEnvelope } from './parse-error-envelope.ts';
import { isVersionAtLeast } from './platform-version.ts';
import { parseRetryAfter } from './retry-after.ts';
import { isRow, stringField } from './row-fields.ts';
import { findSessionCookie } from './set-cookie.ts';
import { realSleep } from '../controller/system-time.ts';
import type { Sleep } from '../domain/clock.ts';
import { systemClock } from '../controller/system-time.ts';
import { TokenBucket } from './token-bucket.ts';
import { classifyTransportError } from './transport-error.ts';
import { isVmanageError, VMANAGE_ERROR_CODES, VmanageError } from './vmanage-error.ts';

export type VmanageAuthMode = 'session' | 'jwt';
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';
export type VmanageQuery = Readonly<Record<string, string | number | boolean | undefined>>;

/** One HTTP exchange, for `isthmus_vmanage_requests_total{endpoint, code}`. */
export interface VmanageRequestEvent {
  /** Normalised path: no query, ids replaced by `{id}`. */
  readonly endpoint: string;
  readonly method: HttpMethod;
  /** The HTTP status (`"200"`, `"429"`), or `timeout` / `tls` / `unreachable` when none came back. */
  readonly code: string;
  readonly durationMs: number;
}

export interface VmanageSessionOptions {
  /** `https://vmanage.example.com[:port]`; no credentials in the URL. */
  readonly baseUrl: string;
  readonly username: string;
  readonly password: string;
  /** `session` (JSESSIONID + XSRF token, every release) or `jwt` (20.18.1+). Default `session`. */
  readonly auth?: VmanageAuthMode;
  /** Access-token lifetime asked for in JWT mode, seconds (vManage: 1–604800, default 1800). */
  readonly jwtDurationSeconds?: number;
  /** Refresh a JWT this long before it expires. Default 60 s. */
  readonly jwtRefreshMarginSeconds?: number;
  /** PEM file of the CA(s) that signed vManage's certificate, trusted in addition to the public roots. */
  readonly caFile?: string;
  /** Skip certificate verification. Logged as a warning; never the default. */
  readonly insecure?: boolean;
  /** Per-request timeout (connect, headers and body), ms. Default 30 000. */
  readonly timeoutMs?: number;
  /** Client-side rate limit, well under vManage's 100/s. Default 20. */
  readonly requestsPerSecond?: number;
  /** Requests allowed back to back. Default: requestsPerSecond. */
  readonly burst?: number;
  /** Concurrent bulk statistics calls. Default 2 (vManage's limit). */
  readonly bulkMaxConcurrent?: number;
  /** Bulk statistics calls per rolling minute. Default 48 (vManage's limit). */
  readonly bulkPerMinute?: number;
  /** Retries of a 429 or 503 before giving up. Default 5. */
  readonly maxRetries?: number;
  readonly backoff?: BackoffPolicy;
  /** Upper bound on a `Retry-After` wait. Default 30 000 ms. */
  readonly retryAfterCapMs?: number;
  /** vManage's version when known (chooses the logout form); otherwise asked at logout. */
  readonly platformVersion?: string;
  readonly logger?: LogPort;
  readonly clock?: Clock;
  readonly sleep?: Sleep;
  /** [0, 1), for backoff jitter. */
  readonly random?: () => number;
  /** Called once per HTTP exchange (login and logout included). Exceptions it throws are ignored. */
  readonly onRequest?: (event: VmanageRequestEvent) => void;
}

/** What `/dataservice/client/server` says about the Manager. */
export interface VmanageServerInfo {
  readonly platformVersion: string | undefined;
  readonly tenancyMode: string | undefined;
  readonly userMode: string | undefined;
}

export interface VmanageRequestOptions {
  readonly query?: VmanageQuery;
  /** Sent as JSON. */
  readonly body?: unknown;
}

interface SessionAuth {
  readonly kind: 'session';
  readonly generation: number;
  readonly cookie: string;
  readonly xsrf: string;
}

interface JwtAuth {
  readonly kind: 'jwt';
  readonly generation: number;
  readonly token: string;
  readonly refresh: string;
  readonly csrf: string;
  /** Local clock, ms: when to stop using the access token. */
  readonly refreshAt: number;
}

type AuthState = SessionAuth | JwtAuth;

/** The credentials an exchange carries: none (login), a bare cookie (token fetch), or a full state. */
type ExchangeAuth = AuthState | { readonly kind: 'cookie'; readonly cookie: string } | undefined;

type RequestBody = { readonly kind: 'json'; readonly value: unknown } | { readonly kind: 'form'; readonly value: Readonly<Record<string, string>> };

interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly text: string;
}

interface Exchange {
  readonly method: HttpMethod;
  readonly path: string;
  readonly query?: VmanageQuery | undefined;
  readonly body?: RequestBody | undefined;
  readonly auth: ExchangeAuth;
}

const BULK_STATISTICS_PREFIX = '/dataservice/data/device/statistics/';
const TOKEN_MISMATCH = /SessionTokenFilter|does not match the token/i;
const LOGIN_LOCATION = /login|welcome|j_security_check/i;

/**
 * A vManage REST session: logs in (form login + XSRF token, or JWT), re-establishes an expired session
 * exactly once per request, limits its own rate, retries 429/503 with bounded backoff, and turns every
 * failure into a VmanageError with a stable code. Credentials live only in this object's private
 * fields and in request headers; they never reach a log line, an error or a metric.
 */
export class VmanageSession {
  readonly #base: URL;
  readonly #username: string;
  readonly #password: string;
  readonly #mode: VmanageAuthMode;
  readonly #jwtDurationSeconds: number;
  readonly #jwtRefreshMarginMs: number;
  readonly #timeoutMs: number;
  readonly #maxRetries: number;
  readonly #backoff: BackoffPolicy;
  readonly #retryAfterCapMs: number;
  readonly #logger: LogPort;
  readonly #clock: Clock;
  readonly #sleep: Sleep;
  readonly #random: () => number;
  readonly #onRequest: ((event: VmanageRequestEvent) => void) | undefined;
  readonly #agent: Agent;
  readonly #bucket: TokenBucket;
  readonly #bulk: BulkLimiter;
  readonly #closing = new AbortController();
  #platformVersion: string | undefined;
  #state: AuthState | undefined;
  #pending: Promise<AuthState> | undefined;
  #generation = 0;
  #closed = false;
  /** Set once the Manager rejected the credentials: retrying them only risks locking the account. */
  #rejected: VmanageError | undefined;

  constructor(options: VmanageSessionOptions) {
    this.#base = baseUrlOf(options.baseUrl);
    if (options.username === '' || options.password === '') {
      throw new VmanageError(VMANAGE_ERROR_CODES.config, 'vManage username and password must not be empty');
    }
    this.#username = options.username;
    this.#password = options.password;
    this.#mode = options.auth ?? 'session';
    this.#jwtDurationSeconds = options.jwtDurationSeconds ?? 1800;
    this.#jwtRefreshMarginMs = (options.jwtRefreshMarginSeconds ?? 60) * 1000;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#maxRetries = options.maxRetries ?? 5;
    this.#backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.#retryAfterCapMs = options.retryAfterCapMs ?? 30_000;
    this.#logger = options.logger ?? silentLog;
    this.#clock = options.clock ?? systemClock;
    this.#sleep = options.sleep ?? realSleep;
    this.#random = options.random ?? Math.random;
    this.#onRequest = options.onRequest;
    this.#platformVersion = options.platformVersion;
    const requestsPerSecond = options.requestsPerSecond ?? 20;
    this.#bucket = new TokenBucket({
      ratePerSecond: requestsPerSecond,
      burst: options.burst ?? requestsPerSecond,
      clock: this.#clock,
      sleep: this.#sleep,
    });
    this.#bulk = new BulkLimiter({
      maxConcurrent: options.bulkMaxConcurrent ?? 2,
      perWindow: options.bulkPerMinute ?? 48,
      windowMs: 60_000,
      clock: this.#clock,
      sleep: this.#sleep,
    });
    if (options.insecure === true) {
      this.#logger.warn(
        { vmanage: this.#base.origin },
        'TLS certificate verification for vManage is disabled (insecure: true): its identity is not checked',
      );
    }
    this.#agent = new Agent({
      connect: { rejectUnauthorized: options.insecure !== true, ...(options.caFile === undefined ? {} : { ca: readCa(options.caFile) }) },
      headersTimeout: this.#timeoutMs,
      bodyTimeout: this.#timeoutMs,
    });
  }

  /** Logs in now (otherwise the first request does). */
  async login(): Promise<void> {
    this.#assertOpen();
    await this.#authenticated();
  }

  async get(path: string, query?: VmanageQuery): Promise<unknown> {
    return this.request('GET', path, { query });
  }

  async post(path: string, body: unknown, query?: VmanageQuery): Promise<unknown> {
    return this.request('POST', path, { body, query });
  }

  async put(path: string, body: unknown, query?: VmanageQuery): Promise<unknown> {
    return this.request('PUT', path, { body, query });
  }

  async delete(path: string, query?: VmanageQuery): Promise<unknown> {
    return this.request('DELETE', path, { query });
  }

  /**
   * One API call: the parsed JSON body (a string for text bodies, undefined for empty ones). A session
   * found expired — login page, text/html, 401, 403 token mismatch, expired cookie, redirect to the
   * login page — is re-established once and the call repeated; a second expiry is an auth error.
   */
  async request(method: HttpMethod, path: string, options: VmanageRequestOptions = {}): Promise<unknown> {
    this.#assertOpen();
    const endpoint = endpointLabel(path);
    const body: RequestBody | undefined = options.body === undefined ? undefined : { kind: 'json', value: options.body };
    let renewed = false;
    for (;;) {
      const auth = await this.#authenticated();
      const response = await this.#exchange({ method, path, query: options.query, body, auth });
      const signal = this.#expirySignal(response, auth);
      if (signal === undefined) return decodeResponse(response, method, endpoint);
      if (renewed) {
        throw new VmanageError(
          VMANAGE_ERROR_CODES.auth,
          `vManage ${method} ${endpoint}: session rejected again right after logging in anew (${signal})`,
          { status: response.status, endpoint },
        );
      }
      renewed = true;
      this.#logger.info({ endpoint, signal }, 'vManage session expired; authenticating again');
      this.#invalidate(auth);
    }
  }

  /** `/dataservice/client/server`: the Manager's version and tenancy. */
  async serverInfo(): Promise<VmanageServerInfo> {
    const info = serverInfoOf(await this.get('/dataservice/client/server'));
    if (info.platformVersion !== undefined) this.#platformVersion = info.platformVersion;
    return info;
  }

  /**
   * Ends the session on the Manager: `POST /logout` from 20.12, `GET /logout?nocache=` before. Both 200
   * and 302 count as success. Never throws: a failed logout only leaves a session to expire on its own.
   * JWT has no logout endpoint; the tokens are simply dropped.
   */
  async logout(): Promise<void> {
    const state = this.#state;
    this.#state = undefined;
    if (state?.kind !== 'session') return;
    try {
      const modern = isVersionAtLeast(this.#platformVersion ?? (await this.#probeVersion(state)), 20, 12);
      const exchange: Exchange = modern
        ? { method: 'POST', path: '/logout', auth: state }
        : { method: 'GET', path: '/logout', query: { nocache: this.#clock.now() }, auth: state };
      const unstoppable = new AbortController().signal;
      await this.#bucket.take(unstoppable);
      const response = await this.#send(exchange, endpointLabel(exchange.path), unstoppable);
      if (response.status === 200 || (response.status >= 300 && response.status < 400)) {
        this.#logger.info({ endpoint: '/logout', status: response.status }, 'logged out of vManage');
      } else {
        this.#logger.warn({ endpoint: '/logout', status: response.status }, 'vManage logout answered unexpectedly; the session will expire on its own');
      }
    } catch (error) {
      this.#logger.warn({ endpoint: '/logout', error: describeError(error) }, 'vManage logout failed; the session will expire on its own');
    }
  }

  /**
   * Refuses new calls and aborts those in flight (they fail with ISTHMUS_E_VMANAGE_CLOSED), then logs out
   * and releases connections. Aborting first means a poll in flight neither holds up a shutdown for a
   * request timeout nor logs in again behind the logout's back.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#closing.abort();
    await this.logout();
    await this.#agent.close().catch(() => this.#agent.destroy());
  }

  #assertOpen(): void {
    if (this.#closed) throw new VmanageError(VMANAGE_ERROR_CODES.closed, 'the vManage session is closed');
  }

  /** The current credentials, logging in or refreshing first when needed; one login at a time. */
  async #authenticated(): Promise<AuthState> {
    if (this.#pending !== undefined) return this.#pending;
    const state = this.#state;
    if (state !== undefined && !(state.kind === 'jwt' && this.#clock.now() >= state.refreshAt)) return state;
    const pending: Promise<AuthState> = this.#establish(state)
      .then((established) => {
        this.#state = established;
        return established;
      })
      .finally(() => {
        if (this.#pending === pending) this.#pending = undefined;
      });
    this.#pending = pending;
    return pending;
  }

  async #establish(previous: AuthState | undefined): Promise<AuthState> {
    if (this.#rejected !== undefined) {
      throw new VmanageError(VMANAGE_ERROR_CODES.auth, `${this.#rejected.message}; not retried until the credentials change`, {
        status: this.#rejected.status,
        endpoint: this.#rejected.endpoint,
      });
    }
    if (previous?.kind === 'jwt') return this.#refreshJwt(previous);
    return this.#mode === 'jwt' ? this.#loginJwt() : this.#loginSession();
  }

  #reject(error: VmanageError): VmanageError {
    this.#rejected = error;
    return error;
  }

  /** Forgets credentials a response showed to be dead, unless another request already replaced them. */
  #invalidate(auth: AuthState): void {
    if (this.#state?.generation !== auth.generation) return;
    // A JWT session keeps its refresh token: marking the access token stale makes the next call refresh.
    this.#state = auth.kind === 'jwt' ? { ...auth, refreshAt: -Infinity } : undefined;
  }

  async #loginSession(): Promise<SessionAuth> {
    const endpoint = '/j_security_check';
    const response = await this.#exchange({
      method: 'POST',
      path: endpoint,
      body: { kind: 'form', value: { j_username: this.#username, j_password: this.#password } },
      auth: undefined,
    });
    // vManage answers a failed login with 200 and its HTML login page; only the body tells (Cisco's
    // guidance), as a successful login's empty body may be labelled text/html too.
    if (bodyIsHtml(response.text)) throw this.#reject(authError('vManage rejected the credentials (the login page came back)', response.status, endpoint));
    if (response.status !== 200) throw authError(`vManage login answered HTTP ${response.status}`, response.status, endpoint, response.status >= 500);
    const cookie = findSessionCookie(response.headers['set-cookie'], this.#clock.now());
    if (cookie === undefined || cookie.expired || cookie.value === '') {
      throw authError('vManage login set no JSESSIONID cookie', response.status, endpoint);
    }
    const tokenEndpoint = '/dataservice/client/token';
    const tokenResponse = await this.#exchange({ method: 'GET', path: tokenEndpoint, auth: { kind: 'cookie', cookie: cookie.value } });
    if (isHtml(tokenResponse) || tokenResponse.status !== 200) {
      throw authError(`vManage did not hand out an XSRF token (HTTP ${tokenResponse.status})`, tokenResponse.status, tokenEndpoint);
    }
    const xsrf = xsrfTokenOf(tokenResponse.text);
    if (xsrf === undefined) throw authError('vManage returned an empty XSRF token', tokenResponse.status, tokenEndpoint);
    this.#logger.info({ vmanage: this.#base.origin, auth: 'session' }, 'logged in to vManage');
    return { kind: 'session', generation: ++this.#generation, cookie: cookie.value, xsrf };
  }

  async #loginJwt(): Promise<JwtAuth> {
    const endpoint = '/jwt/login';
    const response = await this.#exchange({
      method: 'POST',
      path: endpoint,
      body: { kind: 'json', value: { username: this.#username, password: this.#password, duration: this.#jwtDurationSeconds } },
      auth: undefined,
    });
    if (response.status === 401 || response.status === 403 || isHtml(response)) {
      throw this.#reject(authError('vManage rejected the credentials (JWT login)', response.status, endpoint));
    }
    if (response.status !== 200) throw authError(`vManage JWT login answered HTTP ${response.status}`, response.status, endpoint, response.status >= 500);
    const body = jsonOrUndefined(response.text);
    const token = isRow(body) ? stringField(body, 'token') : undefined;
    const refresh = isRow(body) ? stringField(body, 'refresh') : undefined;
    const csrf = isRow(body) ? stringField(body, 'csrf') : undefined;
    if (!isRow(body) || token === undefined || refresh === undefined || csrf === undefined) {
      throw authError('vManage JWT login returned no token, refresh token or csrf', response.status, endpoint);
    }
    this.#logger.info({ vmanage: this.#base.origin, auth: 'jwt' }, 'logged in to vManage');
    return { kind: 'jwt', generation: ++this.#generation, token, refresh, csrf, refreshAt: this.#refreshAt(durationOf(body, this.#jwtDurationSeconds)) };
  }

  /** `/jwt/refresh`; a refused refresh token falls back to a full login. */
  async #refreshJwt(previous: JwtAuth): Promise<JwtAuth> {
    const endpoint = '/jwt/refresh';
    const response = await this.#exchange({
      method: 'POST',
      path: endpoint,
      body: { kind: 'json', value: { refresh: previous.refresh, duration: this.#jwtDurationSeconds } },
      auth: undefined,
    });
    const body = response.status === 200 && !isHtml(response) ? jsonOrUndefined(response.text) : undefined;
    const token = isRow(body) ? stringField(body, 'token') : undefined;
    if (!isRow(body) || token === undefined) {
      this.#logger.debug({ endpoint, status: response.status }, 'vManage refused the JWT refresh; logging in again');
      return this.#loginJwt();
    }
    this.#logger.debug({ endpoint }, 'refreshed the vManage JWT');
    return {
      kind: 'jwt',
      generation: ++this.#generation,
      token,
      // The refresh token is long-lived and refreshing does not replace it, unless the server says so.
      refresh: stringField(body, 'refresh') ?? previous.refresh,
      csrf: stringField(body, 'csrf') ?? previous.csrf,
      refreshAt: this.#refreshAt(durationOf(body, this.#jwtDurationSeconds)),
    };
  }

  /** The server's `exp` is on its clock; the lifetime it granted, counted on ours, is immune to skew. */
  #refreshAt(durationSeconds: number): number {
    const lifetimeMs = durationSeconds * 1000;
    return this.#clock.now() + Math.max(lifetimeMs / 2, lifetimeMs - this.#jwtRefreshMarginMs);
  }

  /** Why the response shows the credentials dead, or undefined when it does not. */
  #expirySignal(response: RawResponse, auth: AuthState): string | undefined {
    if (isHtml(response)) return 'login page';
    if (response.status === 401) return 'HTTP 401';
    if (response.status === 403 && TOKEN_MISMATCH.test(response.text)) return 'XSRF token mismatch';
    if (response.status >= 300 && response.status < 400 && LOGIN_LOCATION.test(headerOf(response, 'location') ?? '')) {
      return 'redirect to login';
    }
    if (auth.kind === 'session' && findSessionCookie(response.headers['set-cookie'], this.#clock.now())?.expired === true) {
      return 'session cookie expired';
    }
    return undefined;
  }

  /** One logical exchange: rate limits, then 429/503 retried with backoff up to the retry budget. */
  async #exchange(exchange: Exchange): Promise<RawResponse> {
    const endpoint = endpointLabel(exchange.path);
    const bulk = exchange.path.startsWith(BULK_STATISTICS_PREFIX);
    for (let attempt = 0; ; attempt++) {
      await this.#bucket.take(this.#closing.signal);
      const release = bulk ? await this.#bulk.acquire(this.#closing.signal) : undefined;
      let response: RawResponse;
      try {
        response = await this.#send(exchange, endpoint);
      } finally {
        release?.();
      }
      if (response.status !== 429 && response.status !== 503) return response;
      const rateLimited = response.status === 429;
      if (attempt >= this.#maxRetries) {
        throw new VmanageError(
          rateLimited ? VMANAGE_ERROR_CODES.rateLimited : VMANAGE_ERROR_CODES.unavailable,
          `vManage ${exchange.method} ${endpoint}: HTTP ${response.status} after ${attempt + 1} attempts`,
          { retryable: true, status: response.status, endpoint },
        );
      }
      const retryAfter = parseRetryAfter(headerOf(response, 'retry-after'), this.#clock.now(), this.#retryAfterCapMs);
      const delayMs = retryAfter ?? backoffDelay(attempt, this.#backoff, this.#random);
      this.#logger.debug(
        { endpoint, status: response.status, attempt: attempt + 1, delayMs, retryAfter: retryAfter !== undefined },
        rateLimited ? 'vManage rate limit hit; backing off' : 'vManage unavailable; backing off',
      );
      await this.#sleep(delayMs, this.#closing.signal);
      this.#assertOpen();
    }
  }

  /**
   * One HTTP request with a timeout; transport failures become typed errors. `cancel` aborts it (closing
   * the session); the logout, sent while closing, passes one that never fires and has only the timeout.
   */
  async #send(exchange: Exchange, endpoint: string, cancel: AbortSignal = this.#closing.signal): Promise<RawResponse> {
    const url = new URL(exchange.path, this.#base);
    for (const [key, value] of Object.entries(exchange.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { accept: 'application/json, text/plain;q=0.9, */*;q=0.5', ...authHeaders(exchange.auth) };
    let payload: string | undefined;
    if (exchange.body?.kind === 'json') {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(exchange.body.value);
    } else if (exchange.body?.kind === 'form') {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      payload = new URLSearchParams(exchange.body.value).toString();
    }
    const timeout = new AbortController();
    const timer = setTimeout(() => {
      timeout.abort();
    }, this.#timeoutMs);
    const started = this.#clock.now();
    try {
      const response = await request(url, {
        method: exchange.method,
        headers,
        body: payload,
        dispatcher: this.#agent,
        signal: AbortSignal.any([timeout.signal, cancel]),
      });
      const text = await response.body.text();
      this.#emit(endpoint, exchange.method, String(response.statusCode), started);
      return { status: response.statusCode, headers: response.headers, text };
    } catch (error) {
      if (cancel.aborted) throw new VmanageError(VMANAGE_ERROR_CODES.closed, 'the vManage session is closed', { endpoint });
      const failure = classifyTransportError(error, timeout.signal.aborted);
      this.#emit(endpoint, exchange.method, failure.label, started);
      const message =
        failure.label === 'timeout'
          ? `vManage ${exchange.method} ${endpoint}: no answer within ${this.#timeoutMs} ms`
          : `vManage ${exchange.method} ${endpoint} (${this.#base.host}): ${failure.reason}`;
      throw new VmanageError(failure.code, message, { cause: error, retryable: failure.label !== 'tls', endpoint });
    } finally {
      clearTimeout(timer);
    }
  }

  #emit(endpoint: string, method: HttpMethod, code: string, started: number): void {
    try {
      this.#onRequest?.({ endpoint, method, code, durationMs: Math.max(0, this.#clock.now() - started) });
    } catch {
      // A metrics hook must never break a request.
    }
  }

  /** The version decides the logout form; ask the Manager, and assume a current one if it will not say. */
  async #probeVersion(state: SessionAuth): Promise<string> {
    try {
      // One attempt, no backoff: shutdown must not wait out a retry budget for a version number.
      const unstoppable = new AbortController().signal;
      await this.#bucket.take(unstoppable);
      const response = await this.#send({ method: 'GET', path: '/dataservice/client/server', auth: state }, '/dataservice/client/server', unstoppable);
      if (response.status !== 200 || isHtml(response)) return '';
      return serverInfoOf(jsonOrUndefined(response.text)).platformVersion ?? '';
    } catch {
      return '';
    }
  }
}

function baseUrlOf(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new VmanageError(VMANAGE_ERROR_CODES.config, 'vManage URL is not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new VmanageError(VMANAGE_ERROR_CODES.config, `vManage URL must be https (or http for an emulator), not ${url.protocol}`);
  }
  // Credentials belong in the credential options, where they cannot leak through a logged URL.
  if (url.username !== '' || url.password !== '') {
    throw new VmanageError(VMANAGE_ERROR_CODES.config, 'vManage URL must not carry credentials; use the username and password options');
  }
  return new URL(url.origin);
}

/** Node's `ca` replaces the default roots; keep them, so a publicly signed Manager still verifies. */
function readCa(path: string): string[] {
  try {
    return [...rootCertificates, readFileSync(path, 'utf8')];
  } catch (error) {
    throw new VmanageError(VMANAGE_ERROR_CODES.config, `cannot read the vManage CA file ${path}`, { cause: error });
  }
}

function authHeaders(auth: ExchangeAuth): Record<string, string> {
  if (auth === undefined) return {};
  if (auth.kind === 'cookie') return { cookie: `JSESSIONID=${auth.cookie}` };
  if (auth.kind === 'session') return { cookie: `JSESSIONID=${auth.cookie}`, 'x-xsrf-token': auth.xsrf };
  return { authorization: `Bearer ${auth.token}`, 'x-xsrf-token': auth.csrf };
}

function headerOf(response: RawResponse, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The login page: a `text/html` answer, or a body that is an HTML document whatever its type says. */
function isHtml(response: RawResponse): boolean {
  return (headerOf(response, 'content-type') ?? '').toLowerCase().includes('text/html') || bodyIsHtml(response.text);
}

function bodyIsHtml(text: string): boolean {
  const start = text.trimStart().slice(0, 512).toLowerCase();
  return start.startsWith('<') && start.includes('<html');
}

function jsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** `/client/token` answers the bare token; `?json=true` forms answer `{"token": …}`. Accept both. */
function xsrfTokenOf(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    const body = jsonOrUndefined(trimmed);
    return isRow(body) ? stringField(body, 'token') : undefined;
  }
  return trimmed === '' ? undefined : trimmed;
}

function durationOf(body: Readonly<Record<string, unknown>>, requested: number): number {
  const duration = body.duration;
  return typeof duration === 'number' && duration > 0 ? duration : requested;
}

function serverInfoOf(body: unknown): VmanageServerInfo {
  const data = isRow(body) && isRow(body.data) ? body.data : isRow(body) ? body : {};
  return {
    platformVersion: stringField(data, 'platformVersion'),
    tenancyMode: stringField(data, 'tenancyMode'),
    userMode: stringField(data, 'userMode'),
  };
}

function authError(message: string, status: number, endpoint: string, retryable = false): VmanageError {
  return new VmanageError(VMANAGE_ERROR_CODES.auth, message, { status, endpoint, retryable });
}

/** The parsed body, or the API error vManage reported (status ≥ 400, or an error envelope on any status). */
function decodeResponse(response: RawResponse, method: HttpMethod, endpoint: string): unknown {
  const text = response.text;
  const contentType = (headerOf(response, 'content-type') ?? '').toLowerCase();
  const looksJson = contentType.includes('json') || /^\s*[[{]/.test(text);
  let body: unknown = text === '' ? undefined : text;
  if (looksJson && text.trim() !== '') {
    try {
      body = JSON.parse(text) as unknown;
    } catch (error) {
      if (response.status < 400) {
        throw new VmanageError(VMANAGE_ERROR_CODES.protocol, `vManage ${method} ${endpoint}: the JSON body does not parse`, {
          cause: error,
          status: response.status,
          endpoint,
        });
      }
    }
  }
  const apiError = parseErrorEnvelope(body);
  if (response.status >= 400 || apiError !== undefined) {
    const said = apiError === undefined ? '' : `: ${apiError.message}${apiError.details === undefined ? '' : ` (${apiError.details})`}`;
    throw new VmanageError(VMANAGE_ERROR_CODES.api, `vManage ${method} ${endpoint} failed with HTTP ${response.status}${said}`, {
      status: response.status,
      endpoint,
      retryable: response.status >= 500 || response.status === 408,
      ...(apiError === undefined ? {} : { apiError }),
    });
  }
  return body;
}

/** What may be logged of an error: its code and message, which never carry credentials. */
function describeError(error: unknown): { readonly code: string | undefined; readonly message: string } {
  if (isVmanageError(error)) return { code: error.code, message: error.message };
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { code: typeof code === 'string' ? code : undefined, message: error.message };
  }
  return { code: undefined, message: String(error) };
}
