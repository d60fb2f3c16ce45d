import { configSchema } from './config-schema.ts';
import type { Config } from './config-schema.ts';
import { getAtPath, pathsOverlap } from './config-path.ts';
import type { ConfigPath, RawTree } from './config-path.ts';
import type { ConfigOrigin } from './config-origin.ts';
import type { ConfigProblem } from './config-problem.ts';
import { envOverrides } from './env-overrides.ts';
import type { OverrideLayer } from './env-overrides.ts';
import { mergeLayers } from './merge-layers.ts';
import { parseConfigFile } from './parse-config-file.ts';
import type { ReadTextFile } from './resolve-secret.ts';
import { setOverrides } from './set-overrides.ts';
import { validateConfig } from './validate-config.ts';

export interface LoadConfigOptions {
  /** The file named by `--config`; when absent, `ISTHMUS_CONFIG`; when both are absent, no file is read. */
  readonly configPath?: string | undefined;
  /** `--set path=value` flags, in command-line order. */
  readonly sets?: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly readFile: ReadTextFile;
}

/** Where the value at a path came from. */
export type OriginLookup = (path: ConfigPath) => ConfigOrigin;

export type LoadConfigResult =
  | {
      readonly ok: true;
      readonly config: Config;
      /** Warnings only (unknown `ISTHMUS_*` variables). */
      readonly problems: readonly ConfigProblem[];
      readonly file: string | undefined;
      readonly originOf: OriginLookup;
    }
  | { readonly ok: false; readonly problems: readonly ConfigProblem[]; readonly file: string | undefined; readonly originOf: OriginLookup };

interface FileLayer {
  readonly tree: RawTree;
  readonly locate: OriginLookup;
}

async function readFileLayer(file: string, readFile: ReadTextFile): Promise<{ layer?: FileLayer; problems: readonly ConfigProblem[] }> {
  let text: string;
  try {
    text = await readFile(file);
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
    const problem: ConfigProblem =
      code === 'ENOENT'
        ? { severity: 'error', code: 'ConfigFileNotFound', key: file, message: 'configuration file not found (given by --config or ISTHMUS_CONFIG)' }
        : { severity: 'error', code: 'ConfigFileUnreadable', key: file, message: `cannot read the configuration file (${code ?? String(error)})` };
    return { problems: [problem] };
  }
  const parsed = parseConfigFile(text, file);
  return parsed.ok ? { layer: { tree: parsed.tree, locate: parsed.locate }, problems: [] } : { problems: parsed.problems };
}

/** Origins by precedence: the last flag or variable whose path contains this one, else the file, else the default. */
function originLookup(file: FileLayer | undefined, overrides: readonly OverrideLayer[]): OriginLookup {
  return (path) => {
    for (const layer of overrides) {
      const entry = layer.entries.findLast((candidate) => candidate.path.length <= path.length && pathsOverlap(candidate.path, path));
      if (entry !== undefined) return entry.origin;
    }
    if (file !== undefined && getAtPath(file.tree, path) !== undefined) return file.locate(path);
    return { kind: 'default' };
  };
}

/**
 * Loads the configuration: defaults < file < `ISTHMUS_*` environment variables < `--set` flags. The file
 * system and the environment are parameters, so this is the only effect and tests can replace it. Secrets
 * stay references; `checkSecrets` or `resolveSecret` read them when (and where) they are needed.
 */
export async function loadConfig(options: LoadConfigOptions): Promise<LoadConfigResult> {
  const envFile = options.env.ISTHMUS_CONFIG;
  const file = options.configPath ?? (envFile === undefined || envFile === '' ? undefined : envFile);
  const fileResult = file === undefined ? { problems: [] } : await readFileLayer(file, options.readFile);
  const env = envOverrides(options.env);
  const flags = setOverrides(options.sets ?? []);
  const originOf = originLookup(fileResult.layer, [flags, env]);
  const inputProblems = [...fileResult.problems, ...env.problems, ...flags.problems];
  if (file !== undefined && fileResult.layer === undefined) {
    return { ok: false, problems: inputProblems, file, originOf };
  }

  const merged = [env.tree, flags.tree].reduce<unknown>((lower, higher) => mergeLayers(configSchema, lower, higher), fileResult.layer?.tree ?? {});
  const validation = validateConfig(merged);
  const validationProblems = validation.ok
    ? []
    : validation.problems.map(({ path, ...problem }): ConfigProblem => ({ ...problem, origin: originOf(path) }));
  const problems = [...inputProblems, ...validationProblems];
  if (!validation.ok || problems.some((problem) => problem.severity === 'error')) {
    return { ok: false, problems, file, originOf };
  }
  return { ok: true, config: validation.config, problems, file, originOf };
}
