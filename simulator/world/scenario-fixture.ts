import { parseScenario } from './parse-scenario.ts';
import type { Scenario } from './scenario.ts';

/** For tests: a scenario from YAML text, or an exception listing its problems. */
export function scenarioFixture(text: string): Scenario {
  const result = parseScenario(text, 'fixture.yaml');
  if (!result.ok) throw new Error(`invalid fixture:\n${result.problems.map((problem) => problem.message).join('\n')}`);
  return result.scenario;
}

/** Two sites, one edge each, public-internet and biz-internet, one client and one Service across the WAN. */
export const TWO_SITE_FIXTURE = `
name: fixture
seed: 11
sites:
  - { id: 100, location: [48.86, 2.35], colors: [public-internet, biz-internet], edges: [{ systemIp: 10.0.0.1 }] }
  - { id: 200, location: [50.11, 8.68], colors: [public-internet, biz-internet], edges: [{ systemIp: 10.0.0.2 }] }
cluster:
  nodes:
    - { name: n1, site: 100, podCidr: 10.244.1.0/24 }
    - { name: n2, site: 200, podCidr: 10.244.2.0/24 }
  services:
    - { name: api, namespace: shop, replicas: 2, nodes: [n2], responseTime: 10ms }
  workloads:
    - { name: web, namespace: shop, replicas: 2, nodes: [n1] }
  traffic:
    - { from: shop/web, to: shop/api, rate: 50, http: 50%, drops: 10% }
`;
