import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { LogPort } from './log-port.ts';
import { VmanageSession } from './vmanage-session.ts';

describe('LogPort', () => {
  it('takes a pino logger as it is', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(chunk.toString());
        callback();
      },
    });
    const logger: LogPort = pino({ level: 'debug' }, stream);
    const session = new VmanageSession({ baseUrl: 'https://vmanage.example', username: 'admin', password: 'pw', insecure: true, logger });
    await session.close();
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({
      level: 40,
      vmanage: 'https://vmanage.example',
      msg: 'TLS certificate verification for vManage is disabled (insecure: true): its identity is not checked',
    });
  });
});
