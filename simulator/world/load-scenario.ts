import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseScenario } from './parse-scenario.ts';
import type { ScenarioResult } from './parse-scenario.ts';
import { scenarioProblem } from './scenario-problem.ts';

/** Reads and parses a scenario file; a file that cannot be read is reported as a problem, not thrown. */
export async function loadScenario(path: string): Promise<ScenarioResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : error instanceof Error ? error.message : String(error);
    return { ok: false, problems: [scenarioProblem('error', 'ScenarioUnreadable', [], `cannot read scenario ${path}: ${why}`)] };
  }
  return parseScenario(text, basename(path));
}
