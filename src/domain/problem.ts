/** A finding about user input (an annotation, a scenario, a configuration value). Never thrown. */
export type Severity = 'error' | 'warning';

export interface Problem {
  readonly severity: Severity;
  /** Stable machine-readable code, e.g. `InvalidSLO`, `ConflictingKeys`, `UnknownKey`. */
  readonly code: string;
  /** The annotation key, configuration path or field the problem is about. */
  readonly key: string;
  readonly message: string;
}

export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((problem) => problem.severity === 'error');
}
