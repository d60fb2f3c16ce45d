import { scenarioFixture } from '../world/scenario-fixture.ts';
import { SimClock } from '../world/sim-clock.ts';
import { createWorld } from '../world/world.ts';
import type { World } from '../world/world.ts';

/**
 * For tests: every kind of record the emulator renders — cross-node TCP with HTTP and policy drops, a
 * same-node call, UDP, and a Service without endpoints (SERVICE_BACKEND_NOT_FOUND at its ClusterIP).
 */
export const HUBBLE_TEST_SCENARIO = `
name: hubble-fixture
seed: 7
start: 2025-03-01T12:00:00Z
sites:
  - { id: 100, colors: [public-internet, biz-internet], edges: [{ systemIp: 10.0.0.1 }] }
  - { id: 200, colors: [public-internet, biz-internet], edges: [{ systemIp: 10.0.0.2 }] }
cluster:
  nodes:
    - { name: worker-a, site: 100, ip: 172.18.0.2, podCidr: 10.244.1.0/24 }
    - { name: worker-b, site: 200, ip: 172.18.0.3, podCidr: 10.244.2.0/24 }
  namespaces: [shop, infra]
  services:
    - { name: payments, namespace: shop, ports: [{ name: https, port: 443, targetPort: 8443 }], replicas: 2, nodes: [worker-b], responseTime: 15ms }
    - { name: catalog, namespace: shop, ports: [{ name: http, port: 80, targetPort: 8080 }], replicas: 1, nodes: [worker-a], responseTime: 5ms }
    - { name: dns, namespace: infra, ports: [{ name: dns, port: 53, protocol: UDP }], replicas: 1, nodes: [worker-b] }
    - { name: ghost, namespace: shop, ports: [80], replicas: 0 }
  workloads:
    - { name: frontend, namespace: shop, replicas: 2, nodes: [worker-a], labels: { tier: web } }
  traffic:
    - { from: shop/frontend, to: shop/payments, rate: 20, port: 443, http: 60%, drops: 5%, method: POST, path: /charge }
    - { from: shop/frontend, to: shop/catalog, rate: 10, http: 100%, path: /products }
    - { from: shop/frontend, to: infra/dns, rate: 5, port: 53 }
    - { from: shop/frontend, to: shop/ghost, rate: 1 }
`;

export const TEST_START_MS = Date.parse('2025-03-01T12:00:00Z');

/** A world on a manual clock a minute after its start (so that history exists before "now"). */
export function hubbleTestWorld(offsetMs = 60_000): World {
  const scenario = scenarioFixture(HUBBLE_TEST_SCENARIO);
  const clock = SimClock.manual(TEST_START_MS + offsetMs);
  return createWorld(scenario, { clock });
}
