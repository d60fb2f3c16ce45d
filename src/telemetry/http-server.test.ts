import { afterEach, describe, expect, it } from 'vitest';
import { TelemetryHttpServer } from './http-server.ts';
import { createPrometheusRegistry } from './prometheus-registry.ts';
import { SeriesSource } from './series-source.ts';
import { TelemetryState } from './telemetry-state.ts';

function newServer(readinessTimeoutMs = 2_000): TelemetryHttpServer {
  const source = new SeriesSource(new TelemetryState());
  return new TelemetryHttpServer({
    registries: { text: createPrometheusRegistry(source, 'text', { processMetrics: false }), openmetrics: createPrometheusRegistry(source, 'openmetrics', { processMetrics: false }) },
    readinessTimeoutMs,
    logger: { warn: () => undefined },
  });
}

describe('TelemetryHttpServer', () => {
  let server: TelemetryHttpServer | undefined;
  let base = '';

  async function start(instance: TelemetryHttpServer): Promise<void> {
    server = instance;
    const { port } = await instance.listen('127.0.0.1:0');
    base = `http://127.0.0.1:${port}`;
  }

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('answers /healthz, and /metrics to GET and HEAD only', async () => {
    await start(newServer());
    const health = await fetch(`${base}/healthz`);
    expect([health.status, await health.text()]).toEqual([200, 'ok\n']);
    expect((await fetch(`${base}/metrics`, { method: 'HEAD' })).status).toBe(200);
    const post = await fetch(`${base}/metrics`, { method: 'POST' });
    expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
  });

  it('reports readiness from every check, with detail, and 503 when one fails, hangs or throws', async () => {
    const instance = newServer(100);
    await start(instance);
    const empty = await fetch(`${base}/readyz`);
    expect([empty.status, await empty.json()]).toEqual([200, { ready: true, checks: [] }]);

    let leader = true;
    instance.addReadinessCheck('leadership', () => ({ ready: leader, detail: leader ? 'leader' : 'follower' }));
    instance.addReadinessCheck('hubble', () => Promise.resolve({ ready: true }));
    expect((await fetch(`${base}/readyz`)).status).toBe(200);

    leader = false;
    instance.addReadinessCheck('vmanage', () => new Promise(() => undefined));
    instance.addReadinessCheck('broken', () => {
      throw new Error('boom');
    });
    const response = await fetch(`${base}/readyz`);
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await response.json()).toEqual({
      ready: false,
      checks: [
        { name: 'leadership', ready: false, detail: 'follower' },
        { name: 'hubble', ready: true },
        { name: 'vmanage', ready: false, detail: 'no answer within 100 ms' },
        { name: 'broken', ready: false, detail: 'check failed: boom' },
      ],
    });
  });

  it('mounts exact and prefix routes, with 404 and 405 around them', async () => {
    const instance = newServer();
    instance.addRoute('GET', '/api/v1/*', (_request, response, url) => {
      response.writeHead(200, { 'content-type': 'text/plain' }).end(`prefix ${url.pathname}`);
    });
    instance.addRoute('GET', '/api/v1/services', (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' }).end('exact');
    });
    instance.addRoute('POST', '/api/v1/plan', () => {
      throw new Error('handler bug');
    });
    await start(instance);
    expect(await (await fetch(`${base}/api/v1/services`)).text()).toBe('exact');
    expect(await (await fetch(`${base}/api/v1/tunnels?x=1`)).text()).toBe('prefix /api/v1/tunnels');
    expect((await fetch(`${base}/api/v2/services`)).status).toBe(404);
    const wrong = await fetch(`${base}/api/v1/services`, { method: 'DELETE' });
    expect([wrong.status, wrong.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
    const failing = await fetch(`${base}/api/v1/plan`, { method: 'POST' });
    expect([failing.status, await failing.json()]).toEqual([500, { error: 'internal error' }]);
  });

  it('refuses to mount over its own paths or twice on one route', () => {
    const instance = newServer();
    const handler = (): void => undefined;
    expect(() => {
      instance.addRoute('GET', '/metrics', handler);
    }).toThrow(TypeError);
    instance.addRoute('GET', '/api/v1/services', handler);
    expect(() => {
      instance.addRoute('get', '/api/v1/services', handler);
    }).toThrow(TypeError);
    expect(() => {
      instance.addRoute('GET', 'api', handler);
    }).toThrow(TypeError);
  });

  it('fails to listen on a port in use', async () => {
    await start(newServer());
    const port = Number(new URL(base).port);
    await expect(newServer().listen({ host: '127.0.0.1', port })).rejects.toThrow(/EADDRINUSE/);
  });
});
