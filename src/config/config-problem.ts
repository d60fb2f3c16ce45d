import type { Problem } from '../domain/problem.ts';
import { describeOrigin } from './config-origin.ts';
import type { ConfigOrigin } from './config-origin.ts';

/** A problem with the configuration; `key` is the configuration path (or the variable, flag or file). */
export interface ConfigProblem extends Problem {
  /** Where the offending value came from, when it did not come from the defaults. */
  readonly origin?: ConfigOrigin;
}

/** One line: `path: message (where)`; warnings say so. */
export function formatConfigProblem(problem: ConfigProblem): string {
  const where = problem.origin === undefined || problem.origin.kind === 'default' ? '' : ` (${describeOrigin(problem.origin)})`;
  const prefix = problem.severity === 'warning' ? 'warning: ' : '';
  return `${prefix}${problem.key}: ${problem.message}${where}`;
}
