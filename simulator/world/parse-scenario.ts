import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Document, Node as YamlNode } from 'yaml';
import { checkScenario } from './check-scenario.ts';
import { expandScenario } from './expand-scenario.ts';
import { formatIssue } from './format-issue.ts';
import type { Scenario, SourcePath } from './scenario.ts';
import { scenarioProblem } from './scenario-problem.ts';
import type { ScenarioProblem } from './scenario-problem.ts';
import { scenarioSchema } from './scenario-schema.ts';

/**
 * The outcome of reading a scenario: a usable scenario (possibly with warnings), or the problems that
 * make it unusable (errors, and the warnings found alongside them). Never an exception for bad input.
 */
export type ScenarioResult =
  | { readonly ok: true; readonly scenario: Scenario; readonly warnings: readonly ScenarioProblem[] }
  | { readonly ok: false; readonly problems: readonly ScenarioProblem[] };

/** Parses, validates, expands and cross-checks scenario YAML. `sourceName` names it in messages. */
export function parseScenario(text: string, sourceName: string): ScenarioResult {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    return {
      ok: false,
      problems: document.errors.map((yamlError) => {
        const position = lineCounter.linePos(yamlError.pos[0]);
        return { ...scenarioProblem('error', 'YamlSyntax', [], yamlError.message.split('\n')[0] ?? yamlError.message), line: position.line, column: position.col };
      }),
    };
  }
  let input: unknown;
  try {
    input = document.toJS({ maxAliasCount: 1000 });
  } catch (error) {
    // An alias bomb ("billion laughs") is refused here rather than expanded.
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, problems: [scenarioProblem('error', 'YamlSyntax', [], `cannot expand the YAML: ${detail}`)] };
  }
  const locate = (problem: ScenarioProblem): ScenarioProblem => {
    const offset = offsetOf(document, problem.path, problem.code === 'UnknownKey');
    if (offset === undefined) return problem;
    const position = lineCounter.linePos(offset);
    return { ...problem, line: position.line, column: position.col };
  };

  const parsed = scenarioSchema.safeParse(input ?? {}, { reportInput: true });
  if (!parsed.success) {
    return { ok: false, problems: byPosition(parsed.error.issues.flatMap((issue) => formatIssue(issue, scenarioSchema, input)).map(locate)) };
  }
  const { scenario, problems: expansionProblems } = expandScenario(parsed.data, sourceName);
  const problems = byPosition([...expansionProblems, ...checkScenario(scenario)].map(locate));
  if (problems.some((problem) => problem.severity === 'error')) return { ok: false, problems };
  return { ok: true, scenario, warnings: problems };
}

/** In file order, as a reader goes through them; problems without a place keep their order at the end. */
function byPosition(problems: readonly ScenarioProblem[]): ScenarioProblem[] {
  const rank = (problem: ScenarioProblem) => (problem.line ?? Number.MAX_SAFE_INTEGER) * 100_000 + (problem.column ?? 0);
  return [...problems].sort((a, b) => rank(a) - rank(b));
}

/**
 * Where a path points in the YAML text: the value, or the key itself for unknown keys. A path that goes
 * beyond what the file contains (a missing key) points at the deepest node that exists.
 */
function offsetOf(document: Document, path: SourcePath, preferKey: boolean): number | undefined {
  let node: unknown = document.contents;
  let offset = rangeStart(node);
  for (const [i, segment] of path.entries()) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (pair === undefined) return offset;
      const last = i === path.length - 1;
      offset = (last && preferKey ? rangeStart(pair.key) : rangeStart(pair.value)) ?? rangeStart(pair.key) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item: unknown = node.items[segment];
      if (item === undefined) return offset;
      offset = rangeStart(item) ?? offset;
      node = item;
    } else {
      return offset;
    }
  }
  return offset;
}

function rangeStart(node: unknown): number | undefined {
  return typeof node === 'object' && node !== null && 'range' in node ? (node as YamlNode).range?.[0] : undefined;
}
