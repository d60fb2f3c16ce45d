import type { Assignment } from '../../domain/assignment.ts';
import type { Endpoint } from '../../domain/endpoint.ts';
import type { Service } from '../../domain/service.ts';
import { Inventory } from '../../kube/inventory.ts';
import { createCorrelationView } from '../create-correlation-view.ts';
import type { CorrelationView } from '../correlation-view.ts';

/**
 * A small cluster over three sites, the plain-data world of the correlation tests:
 *
 *   node          site  InternalIP   pods
 *   node-paris    100   172.18.0.2   frontend 10.244.1.5, cart 10.244.1.20
 *   node-berlin   200   172.18.0.4   catalog 10.244.2.10, api 10.244.2.30 (backs api and api-metrics)
 *   node-london   300   172.18.0.5   catalog 10.244.3.10
 *   node-nowhere  —     172.18.0.9   search 10.244.9.10 (the node has no site)
 *   (ghost: not in the inventory)     legacy 10.244.8.10
 *
 * Services (namespace shop): catalog 10.96.0.10:80→8080 (assigned mpls), cart 10.96.0.11:80→8080,
 * frontend 10.96.0.12:80→8080, api 10.96.0.13:80→8080, api-metrics 10.96.0.14:9090→9090,
 * checkout 10.96.0.20:80 (no endpoints), search 10.96.0.21:80→8080, legacy 10.96.0.22:80→8080,
 * web-http and web-https sharing the load-balancer address 203.0.113.10 (:80 and :443).
 */
export function correlationFixture(): { readonly inventory: Inventory; readonly view: CorrelationView; readonly assignments: Map<string, Assignment> } {
  const inventory = new Inventory();
  const nodes: [string, string | undefined, string][] = [
    ['node-paris', '100', '172.18.0.2'],
    ['node-berlin', '200', '172.18.0.4'],
    ['node-london', '300', '172.18.0.5'],
    ['node-nowhere', undefined, '172.18.0.9'],
  ];
  for (const [name, site, ip] of nodes) {
    inventory.upsertNode({ name, siteId: undefined, internalIps: [ip], podCidrs: [], labels: site === undefined ? {} : { 'isthmus.io/site-id': site } });
  }
  const services: [string, string, number, number | string][] = [
    ['catalog', '10.96.0.10', 80, 8080],
    ['cart', '10.96.0.11', 80, 8080],
    ['frontend', '10.96.0.12', 80, 8080],
    ['api', '10.96.0.13', 80, 8080],
    ['api-metrics', '10.96.0.14', 9090, 9090],
    ['checkout', '10.96.0.20', 80, 8080],
    ['search', '10.96.0.21', 80, 8080],
    ['legacy', '10.96.0.22', 80, 8080],
  ];
  for (const [name, ip, port, targetPort] of services) inventory.upsertService(service(name, [ip], [], port, targetPort));
  inventory.upsertService(service('web-http', [], ['203.0.113.10'], 80, 8080));
  inventory.upsertService(service('web-https', [], ['203.0.113.10'], 443, 8443));

  const slices: [string, number, Endpoint[]][] = [
    ['catalog', 8080, [pod('10.244.2.10', 'catalog-b', 'node-berlin'), pod('10.244.3.10', 'catalog-c', 'node-london')]],
    ['cart', 8080, [pod('10.244.1.20', 'cart-a', 'node-paris')]],
    ['frontend', 8080, [pod('10.244.1.5', 'frontend-a', 'node-paris')]],
    ['api', 8080, [pod('10.244.2.30', 'api-b', 'node-berlin')]],
    ['api-metrics', 9090, [pod('10.244.2.30', 'api-b', 'node-berlin')]],
    ['search', 8080, [pod('10.244.9.10', 'search-x', 'node-nowhere')]],
    ['legacy', 8080, [pod('10.244.8.10', 'legacy-g', 'ghost')]],
  ];
  for (const [name, port, endpoints] of slices) {
    inventory.upsertEndpointSlice({ namespace: 'shop', name: `${name}-abcde`, serviceName: name, addressType: 'IPv4', ports: [{ name: 'http', port, protocol: 'TCP' }], endpoints });
  }
  const assignments = new Map<string, Assignment>([['shop/catalog', { service: { namespace: 'shop', name: 'catalog' }, color: 'mpls', mode: 'auto', since: 0 }]]);
  return { inventory, view: createCorrelationView(inventory, assignments), assignments };
}

function service(name: string, clusterIps: readonly string[], loadBalancerIps: readonly string[], port: number, targetPort: number | string): Service {
  return { namespace: 'shop', name, clusterIps, loadBalancerIps, ports: [{ name: 'http', port, protocol: 'TCP', targetPort }], annotations: {} };
}

function pod(ip: string, podName: string, nodeName: string): Endpoint {
  return { ip, ready: true, podName, namespace: 'shop', nodeName };
}
