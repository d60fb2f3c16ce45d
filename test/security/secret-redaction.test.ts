/**
 * Secrets come only from files or environment variables, and their values never show: not in logs (a
 * failed and a successful vManage login at debug level), not in errors (the error, its cause chain and
 * everything inspect() prints of it), not in `config print` or `config validate`, and not in the
 * problem reported when someone writes a secret into the configuration file itself.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVmanageEmulator } from '../../simulator/vmanage/vmanage-emulator.ts';
import type { VmanageEmulator } from '../../simulator/vmanage/vmanage-emulator.ts';
import { resolveSecret } from '../../src/config/resolve-secret.ts';
import { VmanageSession } from '../../src/vmanage/vmanage-session.ts';
import { runCli } from '../cli/run-cli.ts';
import { captureLog } from '../vmanage/capture-log.ts';
import { sampleDataSource } from '../vmanage/sample-data-source.ts';

/** Recognisable values: if any of them shows up anywhere, a secret leaked. */
const PASSWORD = 'Sekr3t-Passw0rd-7f3a9c';
const WRONG_PASSWORD = 'Wr0ng-Passw0rd-b41d22';
const TOKEN = 'influx-t0ken-e8c1d05';
const API_KEY = 'otlp-api-k3y-55aa10';
const ALL = [PASSWORD, WRONG_PASSWORD, TOKEN, API_KEY];

function expectNoSecret(text: string, where: string): void {
  for (const secret of ALL) expect(text.includes(secret), `${where} contains a secret:\n${text.slice(0, 2000)}`).toBe(false);
}

/** Everything an error can carry to a log line or a terminal: message, stack, cause chain, own properties. */
function everythingOf(error: unknown): string {
  return `${inspect(error, { depth: 10, showHidden: true })}\n${JSON.stringify(error, Object.getOwnPropertyNames(error))}`;
}

let emulator: VmanageEmulator;
let directory = '';

beforeAll(async () => {
  emulator = await startVmanageEmulator({ dataSource: sampleDataSource(), password: PASSWORD });
  directory = await mkdtemp(join(tmpdir(), 'isthmus-secrets-'));
  await writeFile(join(directory, 'influx-token'), `${TOKEN}\n`);
  await writeFile(join(directory, 'otlp-key'), API_KEY);
  await writeFile(
    join(directory, 'config.yaml'),
    [
      'vmanage:',
      `  url: ${emulator.url}`,
      `  username: ${emulator.credentials.username}`,
      '  password: {env: VMANAGE_PASSWORD}',
      'telemetry:',
      '  otlp:',
      '    endpoint: http://127.0.0.1:4318',
      '    headers:',
      `      x-api-key: {file: ${join(directory, 'otlp-key')}}`,
      '  influx:',
      '    url: http://127.0.0.1:8086',
      '    database: isthmus',
      `    token: {file: ${join(directory, 'influx-token')}}`,
      '',
    ].join('\n'),
  );
});

afterAll(async () => {
  await emulator.close();
  await rm(directory, { recursive: true, force: true });
});

describe('secrets in logs and errors', () => {
  it('a failed vManage login logs and throws without the password', async () => {
    const log = captureLog();
    const session = new VmanageSession({ baseUrl: emulator.url, username: emulator.credentials.username, password: WRONG_PASSWORD, timeoutMs: 3000, logger: log });
    const failure = await session.login().then(() => undefined, (error: unknown) => error);
    await session.close();
    expect(failure).toBeInstanceOf(Error);
    expect(everythingOf(failure)).toMatch(/401|Authentication|credential|login/i);
    expectNoSecret(everythingOf(failure), 'the login error');
    expectNoSecret(log.text(), 'the log');
  });

  it('a successful session logs at debug level without the password, session cookie or token values', async () => {
    const log = captureLog();
    const session = new VmanageSession({ baseUrl: emulator.url, ...emulator.credentials, timeoutMs: 3000, logger: log });
    await session.get('/dataservice/device');
    await session.close();
    expect(log.lines.length).toBeGreaterThan(0);
    expectNoSecret(log.text(), 'the log');
    expect(log.text()).not.toMatch(/JSESSIONID=[A-Za-z0-9]/);
  });

  it('`isthmus tunnels` with a wrong password says why, without the password, at any log level', async () => {
    const run = await runCli(['--log-level', 'debug', 'tunnels', '--vmanage', emulator.url, '--username', emulator.credentials.username], { env: { VMANAGE_PASSWORD: WRONG_PASSWORD } });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/password|credential|authenticat|login/i);
    expectNoSecret(run.stdout + run.stderr, '`isthmus tunnels`');
  });

  it('resolving a reference that fails names the reference, never a value', async () => {
    const env = { VMANAGE_PASSWORD: PASSWORD, EMPTY: '' };
    const failures = await Promise.all([
      resolveSecret({ env: 'EMPTY' }, env, () => Promise.resolve(PASSWORD)).catch((error: unknown) => error),
      resolveSecret({ file: join(directory, 'missing') }, env, () => Promise.reject(Object.assign(new Error(`ENOENT ${PASSWORD}`), { code: 'ENOENT' }))).catch((error: unknown) => error),
      resolveSecret({ file: '/x' }, env, () => Promise.resolve('\n\n')).catch((error: unknown) => error),
    ]);
    for (const failure of failures) {
      expect(failure).toBeInstanceOf(Error);
      expectNoSecret(failure instanceof Error ? failure.message : String(failure), 'the message');
    }
  });
});

describe('secrets in configuration output', () => {
  it('`config print` (text, JSON, with origins) shows references, not values', async () => {
    for (const args of [[], ['-o', 'json'], ['--show-origin']]) {
      const run = await runCli(['config', 'print', '--config', join(directory, 'config.yaml'), ...args], { env: { VMANAGE_PASSWORD: PASSWORD } });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain('VMANAGE_PASSWORD');
      expect(run.stdout).toContain('influx-token');
      expectNoSecret(run.stdout + run.stderr, `config print ${args.join(' ')}`);
    }
  });

  it('`config validate` reads every reference and prints none of the values', async () => {
    const run = await runCli(['config', 'validate', '--config', join(directory, 'config.yaml')], { env: { VMANAGE_PASSWORD: PASSWORD } });
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expectNoSecret(run.stdout + run.stderr, 'config validate');
  });

  it('a secret written into the file, a variable or a flag is refused with a clear message that does not repeat it', async () => {
    const file = join(directory, 'plain.yaml');
    await writeFile(file, `vmanage:\n  url: ${emulator.url}\n  username: admin\n  password: ${PASSWORD}\ntelemetry:\n  influx: {url: "http://127.0.0.1:8086", database: d, token: ${TOKEN}}\n`);
    const runs = [
      await runCli(['config', 'validate', '--no-check-secrets', '--config', file]),
      await runCli(['config', 'print', '--config', file]),
      await runCli(['config', 'validate', '--no-check-secrets', '--config', join(directory, 'config.yaml'), '--set', `vmanage.password=${PASSWORD}`]),
      await runCli(['config', 'validate', '--no-check-secrets', '--config', join(directory, 'config.yaml')], { env: { ISTHMUS_VMANAGE_PASSWORD: PASSWORD } }),
    ];
    for (const run of runs) {
      expect(run.code).not.toBe(0);
      expect(run.stdout + run.stderr).toMatch(/vmanage\.password: a secret must not be written in the configuration; write \{env: VARIABLE_NAME\}/);
      expectNoSecret(run.stdout + run.stderr, 'the refusal');
    }
  });
});
