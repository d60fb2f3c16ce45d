/**
 * The HTTP endpoint is read-only and listens exactly where `telemetry.listen` says: every route answers
 * POST, PUT, PATCH, DELETE (and OPTIONS, TRACE) with 405 and an Allow header listing only GET and HEAD,
 * and those requests change nothing; 127.0.0.1 and ::1 are bound as given (and nothing else is), and a
 * bad address is refused by validation with a message naming `telemetry.listen`.
 */
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/config-schema.ts';
import type { TelemetryConfig } from '../../src/config/config-schema.ts';
import { validateConfig } from '../../src/config/validate-config.ts';
import type { Bridge } from '../../src/controller/bridge.ts';
import { serveBridge } from '../../src/controller/serve-bridge.ts';
import type { ServedBridge } from '../../src/controller/serve-bridge.ts';
import type { ServiceStatus } from '../../src/controller/service-status.ts';
import { NOW, sampleTelemetry } from '../telemetry/sample-telemetry.ts';

const CHECKOUT: ServiceStatus = {
  key: 'shop/checkout',
  namespace: 'shop',
  name: 'checkout',
  mode: 'auto',
  slo: { bounds: { maxLatencySeconds: 0.05 }, objective: 0.99, windowSeconds: 30 * 86_400 },
  assignment: undefined,
  reason: undefined,
  color: 'mpls',
  path: undefined,
  flows: 3,
  flowsPerSecond: 0.5,
  sitePairs: [],
};

/** Enough of a Bridge for serveBridge: its telemetry view, readiness, and the API's read side. */
function fakeBridge(): Bridge {
  const telemetry = sampleTelemetry();
  const source = {
    telemetry,
    readiness: () => ({ leader: () => ({ ready: true, detail: 'leader' }) }),
    services: () => [CHECKOUT],
    service: (key: string) => (key === CHECKOUT.key ? CHECKOUT : undefined),
    tunnels: () => [...telemetry.tunnels()],
    tunnelHealth: () => ({ status: 'ok', lastSuccessAt: NOW, lastAttemptAt: NOW, lastError: undefined, consecutiveFailures: 0, gapMs: 0 }),
    recentEvents: () => [{ seq: 1, time: NOW, type: 'assignment', service: CHECKOUT.key, from: undefined, to: 'mpls', message: 'assigned' }],
    now: () => NOW,
  };
  return source as unknown as Bridge;
}

const silent = { warn: () => undefined, info: () => undefined, error: () => undefined, debug: () => undefined };

/** The validated section for `host:9464`, then port 0 (which validation refuses) so parallel tests never collide. */
function telemetryConfig(listen: string): TelemetryConfig {
  const withPort = listen.replace(/:0$/, ':9464');
  const validated = configSchema.parse({ vmanage: { enabled: false }, telemetry: { listen: withPort } }).telemetry;
  expect(validated.listen).toBe(withPort);
  return { ...validated, listen };
}

async function serve(listen: string): Promise<ServedBridge> {
  return serveBridge(fakeBridge(), { config: telemetryConfig(listen), clusterName: 'test', serviceVersion: '0.0.0', env: {}, logger: silent });
}

/** Whether a TCP connection to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      resolve(false);
    });
  });
}

/** One request with any method (fetch refuses TRACE): status, Allow header and body. */
function send(url: string, method: string, body?: string): Promise<{ status: number; allow: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method, agent: false, headers: body === undefined ? {} : { 'content-type': 'application/json' } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const allow = response.headers.allow;
        resolve({ status: response.statusCode ?? 0, allow, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    outgoing.on("error", (error) => { reject(new Error(`${method} ${url}: ${error.message}`)); });
    outgoing.end(body);
  });
}

const ROUTES = ['/metrics', '/healthz', '/readyz', '/api/v1/services', '/api/v1/services/shop/checkout', '/api/v1/tunnels', '/api/v1/events'];
const WRITES = ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE'];

describe('the HTTP API', () => {
  let served: ServedBridge | undefined;
  afterEach(async () => {
    await served?.stop();
    served = undefined;
  });

  it('answers every write method on every route with 405 and Allow: GET, HEAD, and changes nothing', async () => {
    served = await serve('127.0.0.1:0');
    const base = served.url;
    const snapshot = async (): Promise<string[]> =>
      Promise.all(ROUTES.filter((route) => route !== '/metrics').map(async (route) => `${route} ${await (await fetch(`${base}${route}`)).text()}`));
    const before = await snapshot();
    for (const route of ROUTES) {
      expect((await fetch(`${base}${route}`)).status, route).toBe(200);
      expect((await fetch(`${base}${route}`, { method: 'HEAD' })).status, route).toBe(200);
      for (const method of WRITES) {
        const response = await send(`${base}${route}`, method, method === 'TRACE' ? undefined : '{"mode":"pinned","color":"lte"}');
        expect([response.status, response.allow], `${method} ${route}`).toEqual([405, 'GET, HEAD']);
        expect(JSON.parse(response.body), `${method} ${route}`).toEqual({ error: `method ${method} not allowed` });
      }
    }
    expect(await snapshot()).toEqual(before);
  });

  it('listens on 127.0.0.1 only when configured so', async () => {
    served = await serve('127.0.0.1:0');
    expect(served.address.host).toBe('127.0.0.1');
    expect(await accepts('127.0.0.1', served.address.port)).toBe(true);
    expect(await accepts('::1', served.address.port)).toBe(false);
  });

  it('listens on ::1 only when configured so', async () => {
    served = await serve('[::1]:0');
    expect(served.address.host).toBe('::1');
    expect(served.url).toBe(`http://[::1]:${String(served.address.port)}`);
    expect((await fetch(`${served.url}/healthz`)).status).toBe(200);
    expect(await accepts('127.0.0.1', served.address.port)).toBe(false);
  });

  it('refuses a bad listen address in validation, naming telemetry.listen', () => {
    for (const listen of ['9464', '127.0.0.1', '[::1]', '::1:9464', '127.0.0.1:99999', '127.0.0.1:-1', 'unix:///tmp/isthmus.sock', '', ' 127.0.0.1:9464', 'http://127.0.0.1:9464']) {
      const result = validateConfig({ telemetry: { listen } });
      expect(result.ok, listen).toBe(false);
      if (!result.ok) expect(result.problems.map((problem) => problem.key), listen).toContain('telemetry.listen');
    }
  });

  it('fails to start clearly on an address this host does not have', async () => {
    await expect(serve('192.0.2.1:0')).rejects.toThrow(/EADDRNOTAVAIL|192\.0\.2\.1/);
  });
});
