import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatConfigProblem } from './config-problem.ts';
import { loadConfig } from './load-config.ts';
import type { LoadConfigOptions } from './load-config.ts';

const FILE = '/etc/isthmus/config.yaml';

const BASE = `# test configuration
cluster:
  name: edge
vmanage:
  url: https://file.example.com
  username: isthmus
  password: {file: /run/secrets/pw}
  requestTimeout: 20s
optimizer:
  failuresBeforeMove: 5
`;

function memoryFiles(files: Record<string, string>): LoadConfigOptions['readFile'] {
  return (path) => {
    const text = files[path];
    return text === undefined ? Promise.reject(Object.assign(new Error('ENOENT'), { code: 'ENOENT' })) : Promise.resolve(text);
  };
}

function load(text: string, env: Record<string, string> = {}, sets: string[] = []) {
  return loadConfig({ configPath: FILE, env, sets, readFile: memoryFiles({ [FILE]: text }) });
}

async function lines(text: string, env: Record<string, string> = {}, sets: string[] = []): Promise<string[]> {
  return (await load(text, env, sets)).problems.map(formatConfigProblem);
}

describe('loadConfig', () => {
  it('reads the file over the defaults', async () => {
    const result = await load(BASE);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.cluster.name).toBe('edge');
    expect(result.config.vmanage.requestTimeout).toBe(20_000);
    expect(result.config.vmanage.password).toEqual({ file: '/run/secrets/pw' });
    expect(result.config.hubble.address).toBe('localhost:4245');
    expect(result.file).toBe(FILE);
  });

  it('lets environment variables override the file, and flags override both', async () => {
    const env = { ISTHMUS_VMANAGE_URL: 'https://env.example.com', ISTHMUS_VMANAGE_REQUEST_TIMEOUT: '40s', ISTHMUS_LOG_LEVEL: 'debug' };
    const sets = ['vmanage.url=https://flag.example.com', 'vmanage.password.env=PW'];
    const result = await load(BASE, env, sets);
    if (!result.ok) throw new Error(result.problems.map(formatConfigProblem).join('\n'));
    expect(result.config.vmanage.url).toBe('https://flag.example.com');
    expect(result.config.vmanage.requestTimeout).toBe(40_000);
    expect(result.config.vmanage.password).toEqual({ env: 'PW' });
    expect(result.config.optimizer.failuresBeforeMove).toBe(5);
    expect(result.config.log.level).toBe('debug');
    expect(result.config.optimizer.holdTime).toBe(600_000);

    expect(result.originOf(['vmanage', 'url'])).toEqual({ kind: 'flag', flag: '--set vmanage.url' });
    expect(result.originOf(['vmanage', 'password'])).toEqual({ kind: 'flag', flag: '--set vmanage.password.env' });
    expect(result.originOf(['vmanage', 'requestTimeout'])).toEqual({ kind: 'env', variable: 'ISTHMUS_VMANAGE_REQUEST_TIMEOUT' });
    expect(result.originOf(['optimizer', 'failuresBeforeMove'])).toEqual({ kind: 'file', file: FILE, line: 10, column: 3 });
    expect(result.originOf(['optimizer', 'holdTime'])).toEqual({ kind: 'default' });
  });

  it('names the file and line of a wrong value in the file', async () => {
    expect(await lines(`${BASE}hubble:\n  address: relay\n  tls:\n    enabled: "yes"\n`)).toEqual([
      `hubble.address: expected host:port, [ipv6]:port or unix:///path, found "relay"; the port is missing (${FILE}:12:3)`,
      `hubble.tls.enabled: expected true or false, found "yes" (${FILE}:14:5)`,
    ]);
  });

  it('points at an unknown key in the file and suggests the right one', async () => {
    expect(await lines(BASE.replace('requestTimeout', 'requestTimout'))).toEqual([
      `vmanage.requestTimout: unknown key; did you mean "requestTimeout"? (${FILE}:8:3)`,
    ]);
  });

  it('names the variable or flag a wrong value came from', async () => {
    expect(await lines(BASE, { ISTHMUS_OPTIMIZER_FAILURES_BEFORE_MOVE: 'many' }, ['vmanage.requestTimeout=soon'])).toEqual([
      'vmanage.requestTimeout: expected a duration such as 30s, 5m or 1h30m (units ms, s, m, h, d), found "soon" (--set vmanage.requestTimeout)',
      'optimizer.failuresBeforeMove: expected a number, found "many" (environment variable ISTHMUS_OPTIMIZER_FAILURES_BEFORE_MOVE)',
    ]);
  });

  it('refuses a secret given as a value through any source, never repeating it', async () => {
    const result = await load(BASE, { ISTHMUS_VMANAGE_PASSWORD: 'hunter2' }, ['telemetry.otlp={endpoint: "http://o:4318", headers: {k: s3cr3t}}']);
    const text = result.problems.map(formatConfigProblem).join('\n');
    expect(result.problems.map((problem) => problem.code)).toEqual(['PlainSecret', 'PlainSecret']);
    expect(text).toContain('vmanage.password: a secret must not be written in the configuration');
    expect(text).toContain('(environment variable ISTHMUS_VMANAGE_PASSWORD)');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('s3cr3t');
  });

  it('warns about unknown ISTHMUS_ variables but loads', async () => {
    const result = await load(BASE, { ISTHMUS_VMANAGE_USERNAM: 'x' });
    expect(result.ok).toBe(true);
    expect(result.problems.map(formatConfigProblem)).toEqual([
      'warning: ISTHMUS_VMANAGE_USERNAM: not a configuration variable, ignored; did you mean ISTHMUS_VMANAGE_USERNAME?',
    ]);
  });

  it('reports a missing file clearly', async () => {
    const result = await loadConfig({ configPath: '/nowhere.yaml', env: {}, readFile: memoryFiles({}) });
    expect(result.ok).toBe(false);
    expect(result.problems.map(formatConfigProblem)).toEqual(['/nowhere.yaml: configuration file not found (given by --config or ISTHMUS_CONFIG)']);
  });

  it('reports a file it cannot read', async () => {
    const readFile = () => Promise.reject(Object.assign(new Error('EACCES'), { code: 'EACCES' }));
    const result = await loadConfig({ configPath: FILE, env: {}, readFile });
    expect(result.problems.map(formatConfigProblem)).toEqual([`${FILE}: cannot read the configuration file (EACCES)`]);
  });

  it('reports YAML syntax errors with their position', async () => {
    const result = await load('vmanage:\n  url: [unclosed\n');
    expect(result.ok).toBe(false);
    expect(result.problems[0]).toMatchObject({ code: 'YamlSyntax', key: FILE, origin: { kind: 'file', file: FILE, line: expect.any(Number) as unknown } });
    expect(await lines('a: 1\na: 2\n')).toEqual([expect.stringContaining('YAML syntax error: Map keys must be unique') as unknown]);
  });

  it('refuses a file that is not a mapping', async () => {
    expect(await lines('- a\n- b\n')).toEqual([`${FILE}: a configuration file is a YAML mapping (key: value), found a list`]);
  });

  it('reads an empty key as the default', async () => {
    const result = await load(`${BASE}kubernetes:\nhubble:\n  address:\n`);
    expect(result.ok && result.config.hubble.address).toBe('localhost:4245');
  });

  it('takes the file from ISTHMUS_CONFIG, and works without any file', async () => {
    const viaEnv = await loadConfig({ env: { ISTHMUS_CONFIG: FILE }, readFile: memoryFiles({ [FILE]: BASE }) });
    expect(viaEnv.ok && viaEnv.config.cluster.name).toBe('edge');
    const noFile = await loadConfig({ env: { ISTHMUS_VMANAGE_ENABLED: 'false' }, readFile: memoryFiles({}) });
    expect(noFile.ok && noFile.file).toBeUndefined();
    expect(noFile.ok && noFile.config.vmanage.enabled).toBe(false);
  });

  it('lists problems from every source at once', async () => {
    const result = await load(`${BASE}bogus: 1\n`, { ISTHMUS_LOG_FORMAT: 'xml' }, ['nope=1']);
    expect(result.problems.map((problem) => problem.key)).toEqual(['nope', 'log.format', 'bogus']);
  });
});

describe('loadConfig with real files', () => {
  let directory = '';

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'isthmus-config-'));
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('reads a file from disk', async () => {
    const file = join(directory, 'config.yaml');
    await writeFile(file, BASE);
    const result = await loadConfig({ configPath: file, env: {}, readFile: (path) => readFile(path, 'utf8') });
    expect(result.ok && result.config.cluster.name).toBe('edge');
  });

  it('reports a directory given as the file', async () => {
    const result = await loadConfig({ configPath: directory, env: {}, readFile: (path) => readFile(path, 'utf8') });
    expect(result.problems.map(formatConfigProblem)).toEqual([`${directory}: cannot read the configuration file (EISDIR)`]);
  });

  it('validates the example configuration in deploy/', async () => {
    const result = await loadConfig({ configPath: 'deploy/config.example.yaml', env: {}, readFile: (path) => readFile(path, 'utf8') });
    expect(result.problems.map(formatConfigProblem)).toEqual([]);
    expect(result.ok).toBe(true);
  });
});
