import { createHmac, randomBytes } from 'node:crypto';
import type { Clock } from '../../src/domain/clock.ts';

/** A form-login session: the JSESSIONID and the XSRF token bound to it. */
export interface EmulatedSession {
  readonly id: string;
  readonly xsrf: string;
  readonly createdAt: number;
  lastUsed: number;
}

/** A JWT access token and the csrf value issued with it. */
export interface EmulatedJwt {
  readonly token: string;
  readonly refresh: string;
  readonly csrf: string;
  readonly expiresAt: number;
}

interface RefreshGrant {
  readonly csrf: string;
  readonly expiresAt: number;
}

export interface SessionStoreOptions {
  readonly clock: Clock;
  /** vManage: 30 minutes of inactivity. */
  readonly idleTimeoutMs: number;
  /** vManage: 24 hours in total. */
  readonly absoluteTimeoutMs: number;
  /** Beyond it the least recently used session is invalidated (the behaviour DevNet describes for the cap). */
  readonly maxSessions: number;
  readonly username: string;
}

/**
 * Sessions and tokens of the emulated Manager, expiring on the injected clock. Every secret handed
 * out is remembered so tests can assert that none leaks into a client's logs or errors.
 */
export class SessionStore {
  readonly #options: SessionStoreOptions;
  readonly #sessions = new Map<string, EmulatedSession>();
  readonly #tokens = new Map<string, EmulatedJwt>();
  readonly #refreshGrants = new Map<string, RefreshGrant>();
  readonly #signingKey = randomBytes(32);
  readonly #issued: string[] = [];

  constructor(options: SessionStoreOptions) {
    this.#options = options;
  }

  create(): EmulatedSession {
    const now = this.#options.clock.now();
    if (this.#sessions.size >= this.#options.maxSessions) {
      const oldest = this.#sessions.keys().next();
      if (oldest.done !== true) this.#sessions.delete(oldest.value);
    }
    // JSESSIONIDs look like Tomcat's: hex with a node suffix; XSRF tokens are long hex strings.
    const session: EmulatedSession = {
      id: `${randomBytes(16).toString('hex').toUpperCase()}.node0`,
      xsrf: randomBytes(32).toString('hex').toUpperCase(),
      createdAt: now,
      lastUsed: now,
    };
    this.#sessions.set(session.id, session);
    this.#issued.push(session.id, session.xsrf);
    return session;
  }

  /** The live session with this id, or undefined (unknown, idle too long, or too old). */
  lookup(id: string | undefined): EmulatedSession | undefined {
    if (id === undefined) return undefined;
    const session = this.#sessions.get(id);
    if (session === undefined) return undefined;
    const now = this.#options.clock.now();
    if (now - session.lastUsed > this.#options.idleTimeoutMs || now - session.createdAt > this.#options.absoluteTimeoutMs) {
      this.#sessions.delete(id);
      return undefined;
    }
    return session;
  }

  /** Marks use; also moves the session to the recently-used end for LRU eviction. */
  touch(session: EmulatedSession): void {
    session.lastUsed = this.#options.clock.now();
    this.#sessions.delete(session.id);
    this.#sessions.set(session.id, session);
  }

  delete(id: string): void {
    this.#sessions.delete(id);
  }

  /** Issues an access token (and, on login, a refresh token valid 86 400 × the access duration). */
  issueJwt(durationSeconds: number, refresh?: string): EmulatedJwt {
    const now = this.#options.clock.now();
    let grant = refresh === undefined ? undefined : this.#refreshGrants.get(refresh);
    let refreshToken = refresh;
    if (grant === undefined || refreshToken === undefined) {
      refreshToken = this.#sign({ typ: 'refresh', exp: Math.floor(now / 1000) + 86_400 * durationSeconds });
      grant = { csrf: randomBytes(32).toString('hex').toUpperCase(), expiresAt: now + 86_400 * durationSeconds * 1000 };
      this.#refreshGrants.set(refreshToken, grant);
      this.#issued.push(refreshToken, grant.csrf);
    }
    const expiresAt = now + durationSeconds * 1000;
    const token = this.#sign({ typ: 'access', exp: Math.floor(expiresAt / 1000) });
    const jwt: EmulatedJwt = { token, refresh: refreshToken, csrf: grant.csrf, expiresAt };
    this.#tokens.set(token, jwt);
    this.#issued.push(token);
    return jwt;
  }

  /** True when the refresh token is known and unexpired. */
  canRefresh(refresh: string): boolean {
    const grant = this.#refreshGrants.get(refresh);
    return grant !== undefined && grant.expiresAt > this.#options.clock.now();
  }

  lookupJwt(token: string | undefined): EmulatedJwt | undefined {
    if (token === undefined) return undefined;
    const jwt = this.#tokens.get(token);
    if (jwt === undefined) return undefined;
    if (jwt.expiresAt <= this.#options.clock.now()) {
      this.#tokens.delete(token);
      return undefined;
    }
    return jwt;
  }

  /** Forced expiry: every session and access token dies now; refresh tokens too when asked. */
  expireAll(includeRefreshTokens: boolean): void {
    this.#sessions.clear();
    this.#tokens.clear();
    if (includeRefreshTokens) this.#refreshGrants.clear();
  }

  get sessionCount(): number {
    return this.#sessions.size;
  }

  issuedSecrets(): readonly string[] {
    return [...this.#issued];
  }

  /** A real-looking JWT (header.payload.signature, base64url), HMAC-signed with a per-process key. */
  #sign(claims: Readonly<Record<string, unknown>>): string {
    const header = Buffer.from(JSON.stringify({ typ: 'jwt', alg: 'HS256' })).toString('base64url');
    const payload = Buffer.from(
      JSON.stringify({ ...claims, sub: this.#options.username, aud: 'vmanage', jti: randomBytes(8).toString('hex') }),
    ).toString('base64url');
    const signature = createHmac('sha256', this.#signingKey).update(`${header}.${payload}`).digest('base64url');
    return `${header}.${payload}.${signature}`;
  }
}
