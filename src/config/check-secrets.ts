import { isIsthmusError } from '../domain/isthmus-error.ts';
import type { Config, SecretRef } from './config-schema.ts';
import { configLeaves } from './config-leaves.ts';
import { formatConfigPath } from './config-path.ts';
import type { ConfigProblem } from './config-problem.ts';
import { resolveSecret } from './resolve-secret.ts';
import type { ReadTextFile } from './resolve-secret.ts';

/**
 * Tries every secret reference of a configuration and reports those that do not resolve. The values read
 * are dropped at once: this answers "would the bridge start", nothing more.
 */
export async function checkSecrets(config: Config, env: Readonly<Record<string, string | undefined>>, readFile: ReadTextFile): Promise<ConfigProblem[]> {
  const problems: ConfigProblem[] = [];
  for (const leaf of configLeaves(config)) {
    if (!leaf.secret) continue;
    try {
      await resolveSecret(leaf.value as SecretRef, env, readFile);
    } catch (error) {
      const message = isIsthmusError(error) ? error.message : 'cannot be resolved';
      problems.push({ severity: 'error', code: 'UnresolvedSecret', key: formatConfigPath(leaf.path), message });
    }
  }
  return problems;
}
