import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from './run-cli.ts';

const SECRET = 'correct-horse-battery-staple';

let directory = '';
let configFile = '';
let secretFile = '';
let fileSecretConfig = '';

const CONFIG = `cluster:
  name: edge
vmanage:
  url: https://vmanage.example.com
  username: isthmus
  password: {env: VMANAGE_PASSWORD}
  requestTimeout: 20s
optimizer:
  failuresBeforeMove: 5
`;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'isthmus-cli-config-'));
  configFile = join(directory, 'config.yaml');
  secretFile = join(directory, 'vmanage-password');
  fileSecretConfig = join(directory, 'file-secret.yaml');
  await writeFile(configFile, CONFIG);
  await writeFile(secretFile, `${SECRET}\n`);
  await writeFile(fileSecretConfig, CONFIG.replace('{env: VMANAGE_PASSWORD}', `{file: ${secretFile}}`));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('isthmus config print', () => {
  it('prints the effective configuration with defaults, secrets as references', async () => {
    const result = await runCli(['config', 'print', '--config', configFile], { env: { VMANAGE_PASSWORD: SECRET } });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('  password: { env: VMANAGE_PASSWORD }\n');
    expect(result.stdout).toContain('  requestTimeout: 20s\n');
    expect(result.stdout).toContain('  address: localhost:4245\n');
    expect(result.stdout).not.toContain(SECRET);
    const printed = parse(result.stdout) as { optimizer: { failuresBeforeMove: number; holdTime: string } };
    expect(printed.optimizer).toMatchObject({ failuresBeforeMove: 5, holdTime: '10m' });
  });

  it('prints JSON', async () => {
    const result = await runCli(['config', 'print', '--config', configFile, '-o', 'json']);
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as { vmanage: { password: unknown; rateLimit: { requestsPerSecond: number } } };
    expect(printed.vmanage.password).toEqual({ env: 'VMANAGE_PASSWORD' });
    expect(printed.vmanage.rateLimit.requestsPerSecond).toBe(20);
  });

  it('applies flags over environment variables over the file, and shows where each value came from', async () => {
    const env = { ISTHMUS_VMANAGE_URL: 'https://env.example.com', ISTHMUS_VMANAGE_REQUEST_TIMEOUT: '40s', ISTHMUS_CONFIG: configFile };
    const result = await runCli(['config', 'print', '--set', 'vmanage.url=https://flag.example.com', '--set', 'optimizer.dryRun=true', '--show-origin'], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('  url: https://flag.example.com # --set vmanage.url\n');
    expect(result.stdout).toContain('  requestTimeout: 40s # environment variable ISTHMUS_VMANAGE_REQUEST_TIMEOUT\n');
    expect(result.stdout).toContain(`  failuresBeforeMove: 5 # ${configFile}:9:3\n`);
    expect(result.stdout).toContain('  dryRun: true # --set optimizer.dryRun\n');
    expect(result.stdout).toContain('  statistic: p95 # default\n');
  });

  it('warns about an unknown ISTHMUS_ variable and still prints', async () => {
    const result = await runCli(['config', 'print', '--config', configFile], { env: { ISTHMUS_VMANAGE_UR: 'https://x' } });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('warning: ISTHMUS_VMANAGE_UR: not a configuration variable, ignored; did you mean ISTHMUS_VMANAGE_URL?\n');
  });

  it('exits 1 with the problems when the configuration is invalid', async () => {
    const result = await runCli(['config', 'print', '--config', configFile, '--set', 'optimizer.statistic=median']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('optimizer.statistic: expected one of mean, p95, max, found "median"; did you mean "mean"? (--set optimizer.statistic)\n');
  });
});

describe('isthmus config validate', () => {
  it('exits 0 for a valid configuration whose secrets resolve', async () => {
    const result = await runCli(['config', 'validate', '--config', configFile], { env: { VMANAGE_PASSWORD: SECRET } });
    expect(result).toEqual({ code: 0, stdout: `${configFile}: valid\n`, stderr: '' });
  });

  it('resolves a file secret without printing it', async () => {
    const result = await runCli(['config', 'validate', '--config', fileSecretConfig]);
    expect(result.code).toBe(0);
    const printed = await runCli(['config', 'print', '--config', fileSecretConfig]);
    expect(printed.stdout).toContain(`  password: { file: ${secretFile} }\n`);
    for (const output of [result.stdout, result.stderr, printed.stdout, printed.stderr]) expect(output).not.toContain(SECRET);
  });

  it('exits 1 when a secret reference does not resolve', async () => {
    const result = await runCli(['config', 'validate', '--config', configFile]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`vmanage.password: environment variable VMANAGE_PASSWORD is not set\n${configFile}: invalid, 1 problem\n`);
  });

  it('skips secret resolution with --no-check-secrets', async () => {
    const result = await runCli(['config', 'validate', '--config', configFile, '--no-check-secrets']);
    expect(result.code).toBe(0);
  });

  it('lists every problem, one per line as path: message, and exits 1', async () => {
    const bad = join(directory, 'bad.yaml');
    await writeFile(bad, `vmanage:\n  url: http://vmanage.example.com\n  username: isthmus\n  password: ${SECRET}\n  requestTimout: 5s\nkubernetes:\n  siteRanges:\n    - cidr: 10.0.0.0/33\n      siteId: 1\n`);
    const result = await runCli(['config', 'validate', '--config', bad], { env: { ISTHMUS_OPTIMIZER_FAILURES_BEFORE_MOVE: '0' } });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')).toEqual([
      `kubernetes.siteRanges[0].cidr: prefix length must be an integer from 0 to 32 for IPv4, found "/33" (${bad}:8:7)`,
      `vmanage.url: expected a https URL such as https://host.example.com, found the scheme "http" (plain http is only accepted for a loopback host) (${bad}:2:3)`,
      `vmanage.password: a secret must not be written in the configuration; write {env: VARIABLE_NAME} (read from that environment variable) or {file: /path/to/file} (e.g. a mounted Kubernetes Secret) (${bad}:4:3)`,
      `vmanage.requestTimout: unknown key; did you mean "requestTimeout"? (${bad}:5:3)`,
      'optimizer.failuresBeforeMove: must be at least 1, found 0 (environment variable ISTHMUS_OPTIMIZER_FAILURES_BEFORE_MOVE)',
      `${bad}: invalid, 5 problems`,
      '',
    ]);
    expect(result.stderr).not.toContain(SECRET);
  });

  it('reports a missing file', async () => {
    const missing = join(directory, 'missing.yaml');
    const result = await runCli(['config', 'validate', '--config', missing]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${missing}: configuration file not found (given by --config or ISTHMUS_CONFIG)\n`);
  });

  it('never prints a secret given by mistake through the environment or a flag', async () => {
    const result = await runCli(['config', 'validate', '--config', configFile, '--set', `telemetry.otlp={endpoint: "http://otel:4318", headers: {x-key: ${SECRET}}}`], {
      env: { ISTHMUS_VMANAGE_PASSWORD: SECRET },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('vmanage.password: a secret must not be written in the configuration');
    expect(result.stderr).toContain('telemetry.otlp.headers.x-key: a secret must not be written in the configuration');
    expect(`${result.stdout}${result.stderr}`).not.toContain(SECRET);
  });

  it('validates the example configuration', async () => {
    const result = await runCli(['config', 'validate', '--config', 'deploy/config.example.yaml', '--no-check-secrets']);
    expect(result).toEqual({ code: 0, stdout: 'deploy/config.example.yaml: valid\n', stderr: '' });
  });
});

describe('isthmus config schema', () => {
  it('prints the JSON Schema', async () => {
    const result = await runCli(['config', 'schema']);
    expect(result.code).toBe(0);
    const schema = JSON.parse(result.stdout) as { $schema: string; properties: Record<string, unknown> };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(Object.keys(schema.properties)).toContain('vmanage');
  });
});

describe('isthmus config usage', () => {
  it('explains sources, variables and secrets in --help', async () => {
    const result = await runCli(['config', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('ISTHMUS_OPTIMIZER_FAILURES_BEFORE_MOVE=3');
    expect(result.stdout).toContain('password: {env: VMANAGE_PASSWORD}');
    const print = await runCli(['config', 'print', '--help']);
    expect(print.stdout).toContain('--show-origin');
    expect(print.stdout).toContain('$ isthmus config print --config config.yaml');
  });

  it.each([
    [['config', 'print', '--set', 'vmanage.url'], '--set expects path=value'],
    [['config', 'print', '-o', 'xml'], 'Allowed choices are yaml, json'],
    [['config', 'validate', '--bogus'], "unknown option '--bogus'"],
    [['config', 'frobnicate'], "unknown command 'frobnicate'"],
  ])('exits 2 on a usage error: %j', async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it('does not echo a malformed --set', async () => {
    const result = await runCli(['config', 'print', '--set', `vmanage.password:${SECRET}`]);
    expect(result.code).toBe(2);
    expect(result.stderr).not.toContain(SECRET);
  });
});
