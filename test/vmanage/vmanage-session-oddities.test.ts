import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isVmanageError } from '../../src/vmanage/vmanage-error.ts';
import type { VmanageError } from '../../src/vmanage/vmanage-error.ts';
import { VmanageSession } from '../../src/vmanage/vmanage-session.ts';
import { FakeClock, fakeSleep } from './fake-time.ts';

/**
 * Answers real Managers have been seen giving that the emulator has no knob for: served by a bare
 * node:http server on 127.0.0.1 that logs in anyone and then answers `/api` with `respond`.
 */
type Responder = (req: IncomingMessage, res: ServerResponse, call: number) => void;

let servers: Server[] = [];
let sessions: VmanageSession[] = [];

afterEach(async () => {
  await Promise.all(sessions.map((session) => session.close()));
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
  servers = [];
  sessions = [];
});

async function serve(respond: Responder): Promise<{ session: VmanageSession; logins: () => number }> {
  let logins = 0;
  let calls = 0;
  const server = createServer((req, res) => {
    if (req.url === '/j_security_check') {
      logins++;
      res.writeHead(200, { 'set-cookie': `JSESSIONID=S${logins}; Path=/` }).end();
    } else if (req.url === '/dataservice/client/token') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`T${logins}`);
    } else if (req.url === '/logout') {
      res.writeHead(200).end();
    } else {
      respond(req, res, ++calls);
    }
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const clock = new FakeClock();
  const session = new VmanageSession({
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    username: 'admin',
    password: 'pw',
    clock,
    sleep: fakeSleep(clock).sleep,
    platformVersion: '20.12.1',
  });
  sessions.push(session);
  return { session, logins: () => logins };
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

describe('VmanageSession: answers the emulator does not give', () => {
  it('treats an error envelope as a failure even with status 200 (as go-sdwan does)', async () => {
    const { session } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'Error happened!', details: 'error details', code: 'ABC123' } }));
    });
    expect(await failure(session.get('/api'))).toMatchObject({
      code: 'ISTHMUS_E_VMANAGE_API',
      status: 200,
      apiError: { message: 'Error happened!', details: 'error details', code: 'ABC123' },
    });
  });

  it('reports a 500 with the envelope as a retryable API error', async () => {
    const { session } = await serve((_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'Delete users request failed', details: 'No user with name XYZ was found', code: 'USER0006' } }));
    });
    const error = await failure(session.get('/api'));
    expect(error).toMatchObject({ code: 'ISTHMUS_E_VMANAGE_API', status: 500, retryable: true });
    expect(error.message).toBe('vManage GET /api failed with HTTP 500: Delete users request failed (No user with name XYZ was found)');
  });

  it('reports JSON that does not parse as ISTHMUS_E_VMANAGE_PROTOCOL', async () => {
    const { session } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"data": [');
    });
    expect(await failure(session.get('/api'))).toMatchObject({ code: 'ISTHMUS_E_VMANAGE_PROTOCOL', status: 200 });
  });

  it('does not log in again for a 403 that is about permissions, not the token', async () => {
    const { session, logins } = await serve((_req, res) => {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('Forbidden');
    });
    expect(await failure(session.get('/api'))).toMatchObject({ code: 'ISTHMUS_E_VMANAGE_API', status: 403 });
    expect(logins()).toBe(1);
  });

  it('logs in again when a response expires the JSESSIONID cookie (catalystwan’s signal)', async () => {
    const { session, logins } = await serve((req, res, call) => {
      const headers = call === 1 ? { 'set-cookie': 'JSESSIONID=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT' } : {};
      res.writeHead(200, { 'content-type': 'application/json', ...headers }).end(JSON.stringify({ data: [req.headers.cookie] }));
    });
    expect(await session.get('/api')).toEqual({ data: ['JSESSIONID=S2'] });
    expect(logins()).toBe(2);
  });

  it('returns text bodies as text and empty bodies as undefined', async () => {
    const { session } = await serve((_req, res, call) => {
      if (call === 1) res.writeHead(200, { 'content-type': 'text/plain' }).end('plain words');
      else res.writeHead(200).end();
    });
    expect(await session.get('/api')).toBe('plain words');
    expect(await session.get('/api')).toBeUndefined();
  });
});
