import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { startVmanageEmulator } from '../../simulator/vmanage/vmanage-emulator.ts';
import type { VmanageEmulator, VmanageEmulatorOptions } from '../../simulator/vmanage/vmanage-emulator.ts';
import type { LogPort } from '../../src/vmanage/log-port.ts';
import { scrollPages } from '../../src/vmanage/scroll-pages.ts';
import { APP_ROUTE_STATISTICS_PATH, VmanageTelemetryClient } from '../../src/vmanage/vmanage-telemetry-client.ts';
import { isVmanageError } from '../../src/vmanage/vmanage-error.ts';
import type { VmanageError } from '../../src/vmanage/vmanage-error.ts';
import { VmanageSession } from '../../src/vmanage/vmanage-session.ts';
import type { VmanageRequestEvent, VmanageSessionOptions } from '../../src/vmanage/vmanage-session.ts';
import { captureLog } from './capture-log.ts';
import { FakeClock, fakeSleep } from './fake-time.ts';
import { sampleDataSource } from './sample-data-source.ts';

const NOW = 1709050800000;
const HOUR = 3_600_000;

interface Harness {
  readonly emulator: VmanageEmulator;
  readonly session: VmanageSession;
  readonly telemetry: VmanageTelemetryClient;
  readonly clock: FakeClock;
  readonly delays: number[];
  readonly events: VmanageRequestEvent[];
  readonly log: ReturnType<typeof captureLog>;
}

let cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

/** The real client against the real emulator on 127.0.0.1, sharing one fake clock. */
async function harness(
  emulatorOptions: Partial<VmanageEmulatorOptions> = {},
  sessionOptions: Partial<VmanageSessionOptions> = {},
  mesh = { edges: 3, intervals: 2, now: NOW },
): Promise<Harness> {
  const clock = new FakeClock(NOW);
  const emulator = await startVmanageEmulator({ dataSource: sampleDataSource(mesh), clock, ...emulatorOptions });
  const { sleep, delays } = fakeSleep(clock);
  const events: VmanageRequestEvent[] = [];
  const log = captureLog();
  const session = new VmanageSession({
    baseUrl: emulator.url,
    username: emulator.credentials.username,
    password: emulator.credentials.password,
    clock,
    sleep,
    random: () => 0.5,
    logger: log,
    timeoutMs: 2000,
    onRequest: (event) => events.push(event),
    ...sessionOptions,
  });
  cleanups.push(
    () => emulator.close(),
    () => session.close(),
  );
  return { emulator, session, telemetry: new VmanageTelemetryClient(session, { pageSize: 5 }), clock, delays, events, log };
}

async function failure(promise: Promise<unknown>): Promise<VmanageError> {
  try {
    await promise;
  } catch (error) {
    if (isVmanageError(error)) return error;
    throw error;
  }
  throw new Error('expected a VmanageError');
}

function requestsTo(emulator: VmanageEmulator, path: string): number {
  return emulator.stats.requests.filter((request) => request.path === path).length;
}

describe('VmanageSession against the emulator: login', () => {
  it('logs in (form, cookie, XSRF token) and reads devices', async () => {
    const { session, telemetry, emulator, events } = await harness();
    const devices = await telemetry.devices();
    expect(devices.items.map((device) => device.hostName)).toEqual(['Manager', 'DC-cEdge01', 'Site1-cEdge01', 'Site2-cEdge01', 'Site3-cEdge01', 'Site4-cEdge01']);
    expect(devices.items[0]).toMatchObject({ systemIp: '10.10.1.1', siteId: 101, personality: 'vmanage' });
    expect(emulator.stats.logins).toBe(1);
    expect(events.map((event) => `${event.method} ${event.endpoint} ${event.code}`)).toEqual([
      'POST /j_security_check 200',
      'GET /dataservice/client/token 200',
      'GET /dataservice/device 200',
    ]);
    expect(await session.serverInfo()).toEqual({ platformVersion: '20.12.1', tenancyMode: 'SingleTenant', userMode: 'tenant' });
  });

  it('fails bad credentials with a terminal ISTHMUS_E_VMANAGE_AUTH after one attempt', async () => {
    const { session, emulator } = await harness({}, { password: 'not-the-password' });
    const error = await failure(session.get('/dataservice/device'));
    expect(error).toMatchObject({ code: 'ISTHMUS_E_VMANAGE_AUTH', retryable: false, endpoint: '/j_security_check', status: 200 });
    expect(emulator.stats.failedLogins).toBe(1);
    expect(emulator.stats.requests).toHaveLength(1);
    // Retrying rejected credentials only risks locking the account: later calls fail without a login.
    expect(await failure(session.get('/dataservice/device'))).toMatchObject({ code: 'ISTHMUS_E_VMANAGE_AUTH', retryable: false });
    expect(emulator.stats.requests).toHaveLength(1);
  });

  it('logs in once for concurrent first requests', async () => {
    const { session, emulator } = await harness();
    await Promise.all([session.get('/dataservice/client/about'), session.get('/dataservice/device'), session.get('/dataservice/client/about')]);
    expect(emulator.stats.logins).toBe(1);
  });

  it('rejects a URL carrying credentials and an unreadable CA file as configuration errors', () => {
    expect(() => new VmanageSession({ baseUrl: 'https://admin:secret@vmanage.example', username: 'a', password: 'b' })).toThrow(
      expect.objectContaining({ code: 'ISTHMUS_E_VMANAGE_CONFIG' }) as Error,
    );
    expect(() => new VmanageSession({ baseUrl: 'https://vmanage.example', username: 'a', password: 'b', caFile: '/nonexistent/ca.pem' })).toThrow(
      expect.objectContaining({ code: 'ISTHMUS_E_VMANAGE_CONFIG' }) as Error,
    );
  });
});

describe('VmanageSession against the emulator: session expiry', () => {
  it('re-logs in once when the session expires mid-poll, and still returns every row', async () => {
    const { session, emulator } = await harness({ pageSize: 5 });
    const query = { startDate: '2024-02-27T15:00:00', endDate: '2024-02-27T17:00:00', timeZone: 'UTC', count: 5 };
    const rows: unknown[] = [];
    let pages = 0;
    for await (const page of scrollPages(session, APP_ROUTE_STATISTICS_PATH, { query }, { maxPages: 20 })) {
      rows.push(...page);
      if (++pages === 2) emulator.faults.expireAllSessions();
    }
    expect(rows).toHaveLength(25);
    expect(emulator.stats.logins).toBe(2);
  });

  it('re-logs in after the idle timeout passes on the clock', async () => {
    const { session, emulator, clock } = await harness();
    await session.get('/dataservice/device');
    clock.advance(31 * 60_000);
    expect(await session.get('/dataservice/client/about')).toMatchObject({ data: { version: '20.12.1' } });
    expect(emulator.stats.logins).toBe(2);
  });

  it.each([
    ['302 to the welcome page', { expiredSessionResponse: 'redirect' }],
    ['401', { expiredSessionResponse: 'unauthorized' }],
    ['login page with an expired cookie', { expireCookieOnExpiry: true }],
  ] as const)('recognises expiry signalled by %s', async (_label, options) => {
    const { session, emulator } = await harness(options);
    await session.get('/dataservice/device');
    emulator.faults.expireAllSessions();
    expect(await session.get('/dataservice/client/about')).toMatchObject({ data: { version: '20.12.1' } });
    expect(emulator.stats.logins).toBe(2);
  });

  it.each(['text', 'json'] as const)('re-logs in once on a 403 token mismatch (%s body)', async (tokenMismatchBody) => {
    const { session, emulator } = await harness({ tokenMismatchBody });
    await session.get('/dataservice/device');
    emulator.faults.tokenMismatch(1);
    expect((await session.get('/dataservice/device')) as { data: unknown[] }).toMatchObject({ data: expect.any(Array) as unknown });
    expect(emulator.stats.logins).toBe(2);
  });

  it('gives up with ISTHMUS_E_VMANAGE_AUTH when the fresh session is rejected too', async () => {
    const { session, emulator } = await harness();
    await session.get('/dataservice/device');
    emulator.faults.tokenMismatch(2);
    const error = await failure(session.get('/dataservice/device'));
    expect(error).toMatchObject({ code: 'ISTHMUS_E_VMANAGE_AUTH', status: 403, retryable: false });
    expect(emulator.stats.logins).toBe(2);
  });

  it('sends the XSRF token that POSTs require', async () => {
    const { session } = await harness({ xsrfOnGet: true });
    const body = {
      query: {
        condition: 'AND',
        rules: [{ value: ['2024-02-27T15:00:00 UTC', '2024-02-27T17:00:00 UTC'], field: 'entry_time', type: 'date', operator: 'between' }],
      },
    };
    const response = (await session.post(APP_ROUTE_STATISTICS_PATH, body, { count: 100 })) as { data: unknown[] };
    expect(response.data).toHaveLength(25);
  });
});

describe('VmanageSession against the emulator: rate limits and unavailability', () => {
  it('backs off exponentially with jitter on 429 without Retry-After', async () => {
    const { session, emulator, delays, events } = await harness();
    await session.login();
    emulator.faults.rateLimit(2);
    await session.get('/dataservice/device');
    expect(delays).toEqual([750, 1500]);
    expect(events.filter((event) => event.code === '429')).toHaveLength(2);
  });

  it('honours Retry-After in seconds, "0" as one second, capped', async () => {
    const { session, emulator, delays } = await harness();
    await session.login();
    for (const seconds of [2, 0, 120]) {
      emulator.faults.setRetryAfter({ kind: 'seconds', seconds });
      emulator.faults.rateLimit(1);
      await session.get('/dataservice/client/about');
    }
    expect(delays).toEqual([2000, 1000, 30_000]);
  });

  it('honours Retry-After as an HTTP date', async () => {
    const { session, emulator, delays } = await harness();
    await session.login();
    emulator.faults.setRetryAfter({ kind: 'http-date', afterMs: 5000 });
    emulator.faults.rateLimit(1);
    await session.get('/dataservice/client/about');
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThan(4000);
    expect(delays[0]).toBeLessThanOrEqual(5000);
  });

  it('rides out the emulator’s own per-second limit', async () => {
    const { session, events } = await harness({ requestsPerSecond: 3 }, { requestsPerSecond: 1000 });
    for (let i = 0; i < 6; i++) await session.get('/dataservice/client/about');
    expect(events.some((event) => event.code === '429')).toBe(true);
    expect(events.filter((event) => event.code === '200')).toHaveLength(8);
  });

  it('fails with a retryable ISTHMUS_E_VMANAGE_RATE_LIMITED after the retry budget', async () => {
    const { session, emulator, events } = await harness({}, { maxRetries: 3 });
    await session.login();
    emulator.faults.rateLimit(10);
    const error = await failure(session.get('/dataservice/device'));
    expect(error).toMatchObject({ code: 'ISTHMUS_E_VMANAGE_RATE_LIMITED', retryable: true, status: 429, endpoint: '/dataservice/device' });
    expect(events.filter((event) => event.code === '429')).toHaveLength(4);
  });

  it('retries a 503 burst, and reports ISTHMUS_E_VMANAGE_UNAVAILABLE when it lasts', async () => {
    const { session, emulator, delays } = await harness({}, { maxRetries: 2 });
    await session.login();
    emulator.faults.serviceUnavailable(2);
    expect(await session.get('/dataservice/client/about')).toMatchObject({ data: { version: '20.12.1' } });
    expect(delays).toEqual([750, 1500]);
    emulator.faults.setRestarting(true);
    const error = await failure(session.get('/dataservice/client/about'));
    expect(error).toMatchObject({ code: 'ISTHMUS_E_VMANAGE_UNAVAILABLE', retryable: true, status: 503 });
  });

  it('keeps bulk statistics to 2 in flight', async () => {
    const { telemetry, emulator, events } = await harness();
    await telemetry.devices();
    emulator.faults.setLatencyMs(40);
    const results = await Promise.all([0, 1, 2, 3, 4].map(() => telemetry.appRouteStatistics(NOW - 2 * HOUR, NOW)));
    expect(results.every((result) => result.items.length === 25)).toBe(true);
    expect(emulator.stats.maxConcurrentBulk).toBe(2);
    expect(events.some((event) => event.code === '429')).toBe(false);
  });

  it('keeps bulk statistics to 48 a minute', async () => {
    const { session, emulator, events, delays } = await harness();
    await session.login();
    for (let i = 0; i < 50; i++) await session.get(APP_ROUTE_STATISTICS_PATH, { count: 1 });
    expect(events.some((event) => event.code === '429')).toBe(false);
    expect(requestsTo(emulator, APP_ROUTE_STATISTICS_PATH)).toBe(50);
    expect(Math.max(...delays)).toBeGreaterThan(50_000);
  });

  it('times out a slow answer with a retryable ISTHMUS_E_VMANAGE_TIMEOUT', async () => {
    const { session, emulator, events } = await harness({}, { timeoutMs: 100 });
    await session.login();
    emulator.faults.setLatencyMs(400);
    const error = await failure(session.get('/dataservice/device'));
    expect(error).toMatchObject({ code: 'ISTHMUS_E_VMANAGE_TIMEOUT', retryable: true, endpoint: '/dataservice/device' });
    expect(events.at(-1)?.code).toBe('timeout');
  });

  it('reports a refused connection as a retryable ISTHMUS_E_VMANAGE_UNREACHABLE', async () => {
    const { session, emulator } = await harness();
    await emulator.close();
    const error = await failure(session.get('/dataservice/device'));
    expect(error).toMatchObject({ code: 'ISTHMUS_E_VMANAGE_UNREACHABLE', retryable: true });
    expect(error.message).toContain('ECONNREFUSED');
  });
});

describe('VmanageSession against the emulator: data and errors', () => {
  it('pages bulk statistics across several pages: every row, no duplicates', async () => {
    const { telemetry, emulator } = await harness({ pageSize: 4 }, {}, { edges: 4, intervals: 3, now: NOW });
    const result = await telemetry.appRouteStatistics(NOW - 2 * HOUR, NOW);
    // 4 edges × 3 peers × 2 colors × 3 intervals + the sandbox row.
    expect(result.items).toHaveLength(73);
    expect(result.duplicates).toBe(0);
    expect(new Set(result.items.map((item) => `${item.name}@${item.sample.time}`)).size).toBe(73);
    expect(requestsTo(emulator, APP_ROUTE_STATISTICS_PATH)).toBe(19);
    const sandbox = result.items.find((item) => item.name === '10.10.1.13:mpls-10.10.1.11:public-internet');
    expect(sandbox?.sample).toMatchObject({ time: 1709050725125, state: 'up' });
    expect(sandbox?.sample.latencySeconds).toBeCloseTo(0.202, 9);
  });

  it('pages bulk statistics asked for with a POST query body, then GET ?scrollId=', async () => {
    const { session, emulator } = await harness({ pageSize: 10 }, {}, { edges: 4, intervals: 3, now: NOW });
    const telemetry = new VmanageTelemetryClient(session, { pageSize: 10, statisticsRequest: 'post' });
    const result = await telemetry.appRouteStatistics(NOW - 2 * HOUR, NOW);
    expect(result.items).toHaveLength(73);
    const calls = emulator.stats.requests.filter((request) => request.path === APP_ROUTE_STATISTICS_PATH);
    expect(calls.map((request) => request.method)).toEqual(['POST', ...Array<string>(7).fill('GET')]);
    expect(calls.slice(1).every((request) => request.query.startsWith('?scrollId='))).toBe(true);
  });

  it('pages BFD state with startId: every session once', async () => {
    const { telemetry, emulator } = await harness({}, {}, { edges: 4, intervals: 1, now: NOW });
    const result = await telemetry.bfdSessions();
    expect(result.items).toHaveLength(25);
    expect(result.duplicates).toBe(0);
    expect(requestsTo(emulator, '/dataservice/data/device/state/BFDSessions')).toBe(5);
    expect(result.items.find((item) => item.localHostName === 'DC-cEdge01')).toMatchObject({ state: 'up', remoteSiteId: 1001 });
  });

  it('stops at the page bound with ISTHMUS_E_VMANAGE_PAGE_LIMIT', async () => {
    const { session } = await harness({ pageSize: 4 });
    const telemetry = new VmanageTelemetryClient(session, { pageSize: 4, maxPages: 2 });
    expect(await failure(telemetry.appRouteStatistics(NOW - 2 * HOUR, NOW))).toMatchObject({ code: 'ISTHMUS_E_VMANAGE_PAGE_LIMIT' });
  });

  it('reads real-time app-route buckets as one sample per tunnel', async () => {
    const { telemetry } = await harness();
    const result = await telemetry.realtimeAppRoute('10.10.1.13');
    expect(result.items.map((item) => [item.name, item.sample.state])).toEqual([
      ['10.10.1.13:mpls-10.10.1.11:public-internet', 'up'],
      ['10.10.1.13:biz-internet-10.10.1.11:biz-internet', 'down'],
    ]);
    expect(result.items[0]?.sample.latencySeconds).toBeCloseTo(0.039, 9);
    expect(result.items[0]?.sample.jitterSeconds).toBeCloseTo(0.021, 9);
    expect(result.items[1]?.sample.lossRatio).toBe(1);
  });

  it('turns the error envelope into ISTHMUS_E_VMANAGE_API with vManage’s message, details and status', async () => {
    const { telemetry } = await harness();
    const error = await failure(telemetry.realtimeAppRoute('10.99.99.99'));
    expect(error).toMatchObject({
      code: 'ISTHMUS_E_VMANAGE_API',
      status: 400,
      retryable: false,
      endpoint: '/dataservice/device/app-route/statistics',
      apiError: { message: 'Invalid deviceId', details: 'No device with system-ip 10.99.99.99', code: undefined },
    });
    expect(error.message).toContain('Invalid deviceId');
  });

  it('counts requests by normalised endpoint and status, and survives a throwing hook', async () => {
    const clock = new FakeClock(NOW);
    const emulator = await startVmanageEmulator({ dataSource: sampleDataSource(), clock });
    cleanups.push(() => emulator.close());
    const counts = new Map<string, number>();
    const session = new VmanageSession({
      baseUrl: emulator.url,
      ...emulator.credentials,
      clock,
      sleep: fakeSleep(clock).sleep,
      onRequest: (event) => {
        const key = `${event.endpoint} ${event.code}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
        throw new Error('a broken metrics hook');
      },
    });
    cleanups.push(() => session.close());
    await session.get('/dataservice/device', { deviceId: '10.10.1.13' });
    await session.get('/dataservice/device');
    expect(counts.get('/dataservice/device 200')).toBe(2);
  });
});

describe('VmanageSession against the emulator: JWT (20.18)', () => {
  it('logs in with /jwt/login, refreshes before expiry and on 401, and logs in again when the refresh is refused', async () => {
    const { session, emulator, clock, events } = await harness({ jwt: true, platformVersion: '20.18.1' }, { auth: 'jwt', jwtDurationSeconds: 60, jwtRefreshMarginSeconds: 10 });
    await session.get('/dataservice/device');
    expect([emulator.stats.jwtLogins, emulator.stats.logins]).toEqual([1, 0]);
    expect(events.map((event) => event.endpoint)).toEqual(['/jwt/login', '/dataservice/device']);

    clock.advance(55_000);
    await session.get('/dataservice/device');
    expect([emulator.stats.jwtLogins, emulator.stats.jwtRefreshes]).toEqual([1, 1]);

    emulator.faults.expireAllSessions();
    await session.get('/dataservice/device');
    expect([emulator.stats.jwtLogins, emulator.stats.jwtRefreshes]).toEqual([1, 2]);

    emulator.faults.expireAllSessions({ includeRefreshTokens: true });
    await session.get('/dataservice/device');
    expect([emulator.stats.jwtLogins, emulator.stats.jwtRefreshes]).toEqual([2, 2]);

    // POSTs carry the csrf value of the JWT login.
    const posted = (await session.post(APP_ROUTE_STATISTICS_PATH, { query: { condition: 'AND', rules: [] } })) as { data: unknown[] };
    expect(Array.isArray(posted.data)).toBe(true);

    await session.logout();
    expect(requestsTo(emulator, '/logout')).toBe(0);
  });

  it('fails bad JWT credentials with ISTHMUS_E_VMANAGE_AUTH', async () => {
    const { session } = await harness({ jwt: true }, { auth: 'jwt', password: 'wrong' });
    expect(await failure(session.get('/dataservice/device'))).toMatchObject({ code: 'ISTHMUS_E_VMANAGE_AUTH', status: 401, retryable: false });
  });
});

describe('VmanageSession against the emulator: logout', () => {
  it('POSTs /logout on 20.12+, accepting 302, and asks the version when not told', async () => {
    const { session, emulator } = await harness();
    await session.get('/dataservice/device');
    await session.logout();
    expect(emulator.stats.logouts).toBe(1);
    expect(emulator.stats.requests.at(-1)).toMatchObject({ method: 'POST', path: '/logout', status: 302 });
    expect(requestsTo(emulator, '/dataservice/client/server')).toBe(1);
  });

  it('GETs /logout?nocache= before 20.12, accepting 200', async () => {
    const { session, emulator, clock } = await harness({ platformVersion: '20.9.3', logoutStatus: 200 }, { platformVersion: '20.9.3' });
    await session.get('/dataservice/device');
    await session.close();
    expect(emulator.stats.requests.at(-1)).toMatchObject({ method: 'GET', path: '/logout', query: `?nocache=${clock.now()}`, status: 200 });
    expect(emulator.stats.logouts).toBe(1);
    expect(await failure(session.get('/dataservice/device'))).toMatchObject({ code: 'ISTHMUS_E_VMANAGE_CLOSED' });
  });

  it('never throws when logout fails, and only warns', async () => {
    const { session, emulator, log } = await harness();
    await session.get('/dataservice/device');
    await emulator.close();
    await expect(session.logout()).resolves.toBeUndefined();
    expect(log.lines.some((line) => line.level === 'warn' && line.msg?.includes('logout failed') === true)).toBe(true);
  });

  it('does nothing when never logged in', async () => {
    const { session, emulator } = await harness();
    await session.logout();
    expect(emulator.stats.requests).toHaveLength(0);
  });
});

describe('VmanageSession: credentials never leak', () => {
  it('keeps the password, JSESSIONIDs, XSRF tokens and JWTs out of every log line and error', async () => {
    const texts: string[] = [];
    const secrets: string[] = [];
    const record = (error: VmanageError): void => {
      texts.push(error.message, inspect(error, { depth: 10 }), JSON.stringify(error), String(error.stack));
    };
    const logs: (LogPort & { text(): string })[] = [];

    const plain = await harness({ tokenMismatchBody: 'json' }, { maxRetries: 1, timeoutMs: 100 });
    logs.push(plain.log);
    await plain.session.get('/dataservice/device');
    plain.emulator.faults.expireAllSessions();
    await plain.session.get('/dataservice/device');
    plain.emulator.faults.tokenMismatch(2);
    record(await failure(plain.session.get('/dataservice/device')));
    plain.emulator.faults.rateLimit(5);
    record(await failure(plain.session.get('/dataservice/device')));
    plain.emulator.faults.serviceUnavailable(5);
    record(await failure(plain.session.get('/dataservice/device')));
    plain.emulator.faults.setLatencyMs(300);
    record(await failure(plain.session.get('/dataservice/device')));
    plain.emulator.faults.setLatencyMs(0);
    record(await failure(plain.session.get('/dataservice/device/app-route/statistics', { deviceId: '10.99.99.99' })));
    await plain.session.logout();
    secrets.push(plain.emulator.credentials.password, ...plain.emulator.issuedSecrets());

    const wrong = await harness({}, { password: 'a-wrong-password-123' });
    logs.push(wrong.log);
    record(await failure(wrong.session.get('/dataservice/device')));
    secrets.push('a-wrong-password-123');

    const jwt = await harness({ jwt: true }, { auth: 'jwt', jwtDurationSeconds: 60 });
    logs.push(jwt.log);
    await jwt.session.get('/dataservice/device');
    jwt.clock.advance(59_000);
    await jwt.session.get('/dataservice/device');
    jwt.emulator.faults.expireAllSessions({ includeRefreshTokens: true });
    await jwt.session.get('/dataservice/device');
    await jwt.emulator.close();
    record(await failure(jwt.session.get('/dataservice/device')));
    secrets.push(jwt.emulator.credentials.password, ...jwt.emulator.issuedSecrets());

    const everything = [...texts, ...logs.map((log) => log.text())].join('\n');
    expect(secrets.length).toBeGreaterThan(10);
    expect(everything.length).toBeGreaterThan(1000);
    for (const secret of secrets) expect(everything.includes(secret), `a secret leaked: ${secret.slice(0, 4)}…`).toBe(false);
  });
});
