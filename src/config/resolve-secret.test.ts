import { describe, expect, it } from 'vitest';
import { configSchema } from './config-schema.ts';
import { checkSecrets } from './check-secrets.ts';
import { SECRET_ERROR_CODE, resolveSecret } from './resolve-secret.ts';

const SECRET = 'hunter2-very-secret';

function fakeFiles(files: Record<string, string>) {
  return (path: string): Promise<string> => {
    const text = files[path];
    return text === undefined ? Promise.reject(Object.assign(new Error(`ENOENT: no such file, open '${path}'`), { code: 'ENOENT' })) : Promise.resolve(text);
  };
}

describe('resolveSecret', () => {
  it('reads an environment variable', async () => {
    await expect(resolveSecret({ env: 'VMANAGE_PASSWORD' }, { VMANAGE_PASSWORD: SECRET }, fakeFiles({}))).resolves.toBe(SECRET);
  });

  it('reads a file without its trailing newline', async () => {
    await expect(resolveSecret({ file: '/pw' }, {}, fakeFiles({ '/pw': `${SECRET}\n` }))).resolves.toBe(SECRET);
    await expect(resolveSecret({ file: '/pw' }, {}, fakeFiles({ '/pw': `${SECRET}\r\n` }))).resolves.toBe(SECRET);
    await expect(resolveSecret({ file: '/pw' }, {}, fakeFiles({ '/pw': ` ${SECRET} ` }))).resolves.toBe(` ${SECRET} `);
  });

  it.each([
    [{ env: 'VMANAGE_PASSWORD' }, {}, {}, 'environment variable VMANAGE_PASSWORD is not set'],
    [{ env: 'VMANAGE_PASSWORD' }, { VMANAGE_PASSWORD: '' }, {}, 'environment variable VMANAGE_PASSWORD is empty'],
    [{ file: '/missing' }, {}, {}, 'cannot read secret file /missing (ENOENT)'],
    [{ file: '/empty' }, {}, { '/empty': '\n' }, 'secret file /empty is empty'],
  ])('fails with a stable code for %j', async (ref, env, files, message) => {
    await expect(resolveSecret(ref, env, fakeFiles(files))).rejects.toMatchObject({ code: SECRET_ERROR_CODE, message });
  });
});

describe('checkSecrets', () => {
  const config = configSchema.parse({
    vmanage: { url: 'https://vmanage.example.com', username: 'u', password: { env: 'VMANAGE_PASSWORD' } },
    telemetry: { otlp: { endpoint: 'http://otel:4318', headers: { 'x-api-key': { file: '/otlp-key' }, 'x-tenant': { env: 'TENANT' } } } },
  });

  it('reports each reference that does not resolve, by path', async () => {
    const problems = await checkSecrets(config, { TENANT: 'acme' }, fakeFiles({ '/otlp-key': SECRET }));
    expect(problems).toEqual([
      { severity: 'error', code: 'UnresolvedSecret', key: 'vmanage.password', message: 'environment variable VMANAGE_PASSWORD is not set' },
    ]);
  });

  it('finds nothing wrong when all resolve, and returns no values', async () => {
    const problems = await checkSecrets(config, { VMANAGE_PASSWORD: SECRET, TENANT: 'acme' }, fakeFiles({ '/otlp-key': SECRET }));
    expect(problems).toEqual([]);
  });
});
