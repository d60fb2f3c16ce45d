import { shippedScenarioNames } from '../../simulator/resolve-scenario-path.ts';
import { loadScenario } from '../../simulator/world/load-scenario.ts';
import { formatScenarioProblem } from '../../simulator/world/scenario-problem.ts';
import type { Scenario } from '../../simulator/world/scenario.ts';
import type { CliIo } from './cli-io.ts';

/** Loads and checks the scenario, printing every problem (warnings too); undefined when it has errors. */
export async function readScenario(argument: string, path: string, io: CliIo, command: string): Promise<Scenario | undefined> {
  const result = await loadScenario(path);
  // The path as the user wrote it, or the shipped file's: something an editor or a CI log can link.
  const shown = path;
  const problems = result.ok ? result.warnings : result.problems;
  for (const problem of problems) io.stderr(`${formatScenarioProblem(problem, shown)}\n`);
  if (!result.ok && problems.some((problem) => problem.code === 'ScenarioUnreadable') && !argument.includes('/')) {
    io.stderr(`isthmus ${command}: shipped scenarios: ${shippedScenarioNames().join(', ')}\n`);
  }
  return result.ok ? result.scenario : undefined;
}
