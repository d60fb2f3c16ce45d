/**
 * Hostile configuration: arbitrary YAML text, arbitrary trees, environment variables and `--set` flags.
 * The loader returns a valid configuration or a list of problems, each naming a path (or the variable,
 * flag or file) with a message; it never throws, never pollutes prototypes, and never echoes a secret.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { ConfigProblem } from '../../src/config/config-problem.ts';
import { formatConfigProblem } from '../../src/config/config-problem.ts';
import { configEnvNames } from '../../src/config/env-overrides.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { resolveSecret } from '../../src/config/resolve-secret.ts';
import type { LoadConfigResult } from '../../src/config/load-config.ts';
import { validateConfig } from '../../src/config/validate-config.ts';
import { anyJson, anyText, SEED } from './hostile-arbitraries.ts';

const RUNS = { seed: SEED, numRuns: 150 } as const;
const FILE = '/etc/isthmus/config.yaml';

function load(text: string, env: Record<string, string> = {}, sets: readonly string[] = []): Promise<LoadConfigResult> {
  return loadConfig({ configPath: FILE, env, sets, readFile: () => Promise.resolve(text) });
}

function expectExplained(result: LoadConfigResult): void {
  if (result.ok) return;
  expect(result.problems.length).toBeGreaterThan(0);
  for (const problem of result.problems) expectProblem(problem);
}

function expectProblem(problem: ConfigProblem): void {
  expect(['error', 'warning']).toContain(problem.severity);
  expect(problem.code).toMatch(/^[A-Za-z]+$/);
  expect(problem.key.length).toBeGreaterThan(0);
  expect(problem.message.length).toBeGreaterThan(0);
  expect(typeof formatConfigProblem(problem)).toBe('string');
}

/** Every path an override can name, and keys of the schema's sections, to build near-valid trees from. */
const CONFIG_PATHS = [...configEnvNames().values()];
const configPath = fc.constantFrom(...CONFIG_PATHS);
const SECTION_KEYS = [...new Set(CONFIG_PATHS.flat())];
const hostileKey = fc.oneof(fc.constantFrom(...SECTION_KEYS), fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', ''), anyText);

const leafValue = fc.oneof(
  anyJson,
  fc.constantFrom('30s', '0s', '-1s', '1e309', '10m', 'true', 'yes', '0.0.0.0:9464', '[::1]:0', '127.0.0.1:99999', 'https://vmanage.example', 'http://', 'unix:///x', 'mpls', '{env: X}', '{file: /x}', '{env: X, file: /y}'),
  fc.record({ env: anyText }),
  fc.record({ file: anyText }),
);

/** A tree with valid keys in mostly valid places, values of any kind, and the odd hostile key. */
const nearValidTree = fc
  .array(fc.tuple(configPath, leafValue, fc.option(hostileKey, { nil: undefined })), { maxLength: 8 })
  .map((entries) => {
    const tree: Record<string, unknown> = {};
    for (const [path, value, extraKey] of entries) {
      const full = extraKey === undefined ? path : [...path.slice(0, -1), extraKey];
      let node: Record<string, unknown> = tree;
      for (const segment of full.slice(0, -1)) {
        const child = Object.hasOwn(node, segment) ? node[segment] : undefined;
        const next: Record<string, unknown> = typeof child === 'object' && child !== null && !Array.isArray(child) ? (child as Record<string, unknown>) : {};
        Object.defineProperty(node, segment, { value: next, enumerable: true, configurable: true, writable: true });
        node = next;
      }
      const last = full.at(-1) ?? 'x';
      Object.defineProperty(node, last, { value, enumerable: true, configurable: true, writable: true });
    }
    return tree;
  });

const YAML_NOISE = ['', '---', '- a\n- b', '!!binary AAAA', '&a [*a]', 'a: &x 1\nb: *y', '{', 'key: [unclosed', '\t- tab', 'a:\n  b:\n c: 1', '? complex\n: key', '%YAML 9.9\n---\na: 1', 'a: !!js/function "x"', 'null', '42', '"string"', '\u0000', 'a: 1\na: 2', '['.repeat(2000), 'vmanage: {password: hunter2}', 'x: !!int "notanint"'];
const yamlText = fc.oneof(
  fc.constantFrom(...YAML_NOISE),
  fc.string({ maxLength: 200 }),
  nearValidTree.map((tree) => stringify(tree)),
  fc.tuple(nearValidTree, fc.nat(400), fc.nat(255)).map(([tree, position, byte]) => {
    // A valid-looking file with one character changed: the usual way a hand edit goes wrong.
    const text = stringify(tree);
    if (text.length === 0) return text;
    const at = position % text.length;
    return `${text.slice(0, at)}${String.fromCharCode(byte)}${text.slice(at + 1)}`;
  }),
);

describe('the configuration loader under hostile input', () => {
  it('answers any YAML text with a configuration or problems, never an exception', async () => {
    await fc.assert(
      fc.asyncProperty(yamlText, async (text) => {
        expectExplained(await load(text));
      }),
      RUNS,
    );
  });

  it('answers any tree with a configuration or problems naming a path', () => {
    fc.assert(
      fc.property(fc.oneof(nearValidTree, anyJson), (tree) => {
        const result = validateConfig(tree);
        if (!result.ok) {
          expect(result.problems.length).toBeGreaterThan(0);
          for (const problem of result.problems) {
            expectProblem(problem);
            expect(Array.isArray(problem.path)).toBe(true);
          }
        }
      }),
      RUNS,
    );
  });

  it('answers any environment variables and --set flags with a configuration or problems', async () => {
    const envName = fc.oneof(fc.constantFrom(...configEnvNames().keys()), anyText.map((text) => `ISTHMUS_${text}`));
    const setFlag = fc.oneof(
      fc.tuple(configPath, anyText).map(([path, value]) => `${path.join('.')}=${value}`),
      fc.constantFrom('=', 'a', '.=1', '..=1', '__proto__.polluted=1', 'constructor.prototype.polluted=1', 'vmanage.__proto__=1', 'kubernetes.allowedTunnels.namespaces.__proto__=[mpls]', 'telemetry.otlp.headers.__proto__={env: X}', 'vmanage.password=hunter2', 'kubernetes.siteRanges.0.cidr=1'),
      anyText,
    );
    await fc.assert(
      fc.asyncProperty(fc.dictionary(envName, anyText, { maxKeys: 4 }), fc.array(setFlag, { maxLength: 4 }), async (env, sets) => {
        expectExplained(await loadConfig({ env, sets, readFile: () => Promise.reject(new Error('no file')) }));
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      RUNS,
    );
  });

  it('reports aliases that cannot be built as YAML errors (regression: an unset anchor threw out of loadConfig)', async () => {
    const laughs = ['a: &a [x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, index) => `${String.fromCharCode(98 + index)}: &${String.fromCharCode(98 + index)} [${Array(9).fill(`*${String.fromCharCode(97 + index)}`).join(', ')}]`)].join('\n');
    for (const text of ['*!', 'vmanage: *undefined', laughs]) {
      const result = await load(text);
      expect(result.ok).toBe(false);
      expect(result.problems).toEqual([expect.objectContaining({ code: 'YamlSyntax', key: FILE, message: expect.stringMatching(/^YAML syntax error: .*alias/i) as unknown })]);
    }
  });

  it('reads any secret file as its text without trailing line breaks, or refuses an empty one', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 60 }), fc.array(fc.constantFrom('\n', '\r', '\r\n'), { maxLength: 5 }), async (content, endings) => {
        const text = `${content}${endings.join('')}`;
        const expected = text.replace(/[\r\n]*$/, '');
        const result = await resolveSecret({ file: '/run/secrets/x' }, {}, () => Promise.resolve(text)).then((value) => value, (error: unknown) => error);
        if (expected === '') expect(result).toMatchObject({ code: 'ISTHMUS_E_CONFIG_SECRET', message: 'secret file /run/secrets/x is empty' });
        else expect(result).toBe(expected);
      }),
      RUNS,
    );
  });

  it('reads a secret file with many line breaks before its end quickly (regression: a backtracking regex took 27 s on 50 000)', async () => {
    const text = `${'\n'.repeat(200_000)}secret\n`;
    const started = performance.now();
    expect(await resolveSecret({ file: '/run/secrets/x' }, {}, () => Promise.resolve(text))).toBe(text.slice(0, -1));
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('does not let __proto__ keys in a file or flags reach Object.prototype', async () => {
    const text = '__proto__: {polluted: 1}\nvmanage:\n  __proto__: {polluted: 1}\nkubernetes:\n  allowedTunnels:\n    namespaces:\n      __proto__: [mpls]\n';
    const result = await load(text, { ISTHMUS_KUBERNETES_ALLOWED_TUNNELS_NAMESPACES: '{__proto__: [lte]}' }, ['__proto__.polluted=1', 'constructor.prototype.polluted=1']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(result.ok).toBe(false);
    expectExplained(result);
  });

  it('refuses a secret written in plain text without ever repeating it', async () => {
    const secret = fc.string({ minLength: 8, maxLength: 40 }).filter((text) => text.trim().length >= 8 && !/[:#\n\r{}[\],&*!|>'"%@`]/.test(text));
    const secretPath = fc.constantFrom('vmanage: {password: SECRET}', 'telemetry: {influx: {url: "http://i:8086", database: d, token: SECRET}}', 'telemetry: {otlp: {endpoint: "http://o:4318", headers: {x-api-key: SECRET}}}');
    await fc.assert(
      fc.asyncProperty(secret, secretPath, async (value, template) => {
        const viaFile = await load(template.replace('SECRET', JSON.stringify(value)));
        const viaEnv = await loadConfig({ env: { ISTHMUS_VMANAGE_PASSWORD: value }, readFile: () => Promise.reject(new Error('no file')) });
        const viaFlag = await loadConfig({ env: {}, sets: [`vmanage.password=${value}`], readFile: () => Promise.reject(new Error('no file')) });
        for (const result of [viaFile, viaEnv, viaFlag]) {
          expect(result.ok).toBe(false);
          const text = result.problems.map(formatConfigProblem).join('\n');
          expect(text).toMatch(/secret must not be written|secret reference/);
          expect(text).not.toContain(value.trim());
        }
      }),
      { seed: SEED, numRuns: 60 },
    );
  });
});
