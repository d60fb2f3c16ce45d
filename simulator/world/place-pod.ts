import { hashString } from './hash.ts';
import type { ScenarioWorkload } from './scenario.ts';

/**
 * The node a workload's pod with this ordinal runs on: round-robin over the workload's candidate nodes,
 * starting at a per-workload offset so that every workload's first pod does not land on the first node.
 */
export function placePod(workload: Pick<ScenarioWorkload, 'namespace' | 'name' | 'nodes'>, ordinal: number): string | undefined {
  const count = workload.nodes.length;
  if (count === 0) return undefined;
  const offset = hashString(`${workload.namespace}/${workload.name}`) % count;
  return workload.nodes[(ordinal + offset) % count];
}
