import type { Problem } from '../../src/domain/problem.ts';
import { formatPath } from './format-path.ts';
import type { SourcePath } from './scenario.ts';

/** A problem found in a scenario file: where (path, and line/column when known) and what. */
export interface ScenarioProblem extends Problem {
  readonly path: SourcePath;
  /** 1-based; undefined when the path has no place in the file (generated entities, I/O errors). */
  readonly line: number | undefined;
  readonly column: number | undefined;
}

/** Builds a problem whose message starts with its path (`sites[2].colors[0]: expected …`). */
export function scenarioProblem(severity: Problem['severity'], code: string, path: SourcePath, detail: string): ScenarioProblem {
  const key = formatPath(path);
  return { severity, code, key, message: key === '' ? detail : `${key}: ${detail}`, path, line: undefined, column: undefined };
}

/** `two-sites.yaml:12:7: error: sites[2].colors[0]: expected …`, the form editors and CI logs link. */
export function formatScenarioProblem(problem: ScenarioProblem, sourceName: string): string {
  const where = problem.line === undefined ? sourceName : `${sourceName}:${problem.line}:${problem.column ?? 1}`;
  return `${where}: ${problem.severity}: ${problem.message}`;
}
