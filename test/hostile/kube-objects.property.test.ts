/**
 * Hostile Kubernetes objects: any JSON shape, and realistic objects with fields of the wrong type,
 * missing or absurd, as a watch event from an old server or another controller's object can carry.
 * Each converter returns undefined or a well-formed domain object and never throws; a field it cannot
 * read is dropped, not guessed, and does not cost the rest of the object.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSitePlacer } from '../../src/kube/site-placer.ts';
import { toClusterNode } from '../../src/kube/to-cluster-node.ts';
import { toEndpointSlice } from '../../src/kube/to-endpoint-slice.ts';
import { toNamespace } from '../../src/kube/to-namespace.ts';
import { toService } from '../../src/kube/to-service.ts';
import { anyJson, anyText, SEED } from './hostile-arbitraries.ts';

const RUNS = { seed: SEED, numRuns: 400 } as const;
const placeNode = createSitePlacer({ siteLabel: 'isthmus.io/site-id', siteRanges: [{ cidr: '10.0.0.0/8', siteId: 10 }] });

const SERVICE = {
  metadata: { name: 'web', namespace: 'shop', uid: 'u-1', resourceVersion: '42', labels: { app: 'web' }, annotations: { 'isthmus.io/max-loss': '1%' } },
  spec: { clusterIP: '10.96.0.5', clusterIPs: ['10.96.0.5', 'fd00::5'], ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 'https' }, { port: 53, protocol: 'UDP', targetPort: 5353 }] },
  status: { loadBalancer: { ingress: [{ ip: '203.0.113.9' }, { hostname: 'lb.example.com' }] } },
};
const SLICE = {
  metadata: { name: 'web-abc', namespace: 'shop', labels: { 'kubernetes.io/service-name': 'web' } },
  addressType: 'IPv4',
  ports: [{ name: 'https', port: 8443, protocol: 'TCP' }],
  endpoints: [{ addresses: ['10.244.1.5'], conditions: { ready: true }, nodeName: 'n1', targetRef: { kind: 'Pod', name: 'web-1', namespace: 'shop' } }],
};
const NODE = {
  metadata: { name: 'n1', labels: { 'isthmus.io/site-id': '100' } },
  spec: { podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'] },
  status: { addresses: [{ type: 'InternalIP', address: '10.0.0.1' }, { type: 'Hostname', address: 'n1' }] },
};
const NAMESPACE = { metadata: { name: 'shop', labels: { team: 'a' }, annotations: { 'isthmus.io/allowed-tunnels': 'mpls' } } };

const HOSTILE: readonly unknown[] = [null, undefined, '', 'None', -1, 0, 65_536, 1.5, 1e308, Number.NaN, '80', true, [], {}, [null], { kind: 'Pod' }, 'x'.repeat(100_000), '__proto__'];
const hostileValue = fc.oneof(fc.constantFrom(...HOSTILE), anyJson, anyText);

/** Every path to a value inside an object, arrays included. */
function paths(value: unknown, prefix: readonly (string | number)[] = []): (readonly (string | number)[])[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  const entries: (readonly [string | number, unknown])[] = Array.isArray(value) ? value.map((item: unknown, index) => [index, item] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([key, child]) => paths(child, [...prefix, key]))];
}

function replaceAt(value: unknown, path: readonly (string | number)[], replacement: unknown): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return replacement;
  if (Array.isArray(value)) return value.map((item: unknown, index) => (index === head ? replaceAt(item, rest, replacement) : item));
  if (typeof value !== 'object' || value === null) return value;
  return { ...value, [head]: replaceAt((value as Record<string, unknown>)[head], rest, replacement) };
}

/** A realistic object with a few of its values (or whole sub-objects) replaced by hostile ones. */
function mutated(base: object): fc.Arbitrary<unknown> {
  const all = paths(base);
  return fc.oneof(
    { weight: 4, arbitrary: fc.array(fc.tuple(fc.constantFrom(...all), hostileValue), { minLength: 1, maxLength: 4 }).map((edits) => edits.reduce<unknown>((object, [path, value]) => replaceAt(object, path, value), base)) },
    { weight: 1, arbitrary: anyJson },
  );
}

function isStringArray(value: unknown): boolean {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function isStringMap(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Object.values(value).every((item) => typeof item === 'string');
}

function isPort(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65_535;
}

describe('Kubernetes converters under hostile objects', () => {
  it('toService: undefined or a well-formed Service with valid ports', () => {
    fc.assert(
      fc.property(mutated(SERVICE), (object) => {
        const service = toService(object);
        if (service === undefined) return;
        expect(service.name.length * service.namespace.length).toBeGreaterThan(0);
        expect(isStringArray(service.clusterIps) && isStringArray(service.loadBalancerIps) && isStringMap(service.annotations)).toBe(true);
        for (const port of service.ports) {
          expect(isPort(port.port), JSON.stringify(port)).toBe(true);
          expect(['TCP', 'UDP', 'SCTP']).toContain(port.protocol);
          expect(typeof port.targetPort === 'string' ? port.targetPort !== '' : isPort(port.targetPort)).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('toEndpointSlice: undefined or a well-formed slice with valid ports', () => {
    fc.assert(
      fc.property(mutated(SLICE), (object) => {
        const slice = toEndpointSlice(object);
        if (slice === undefined) return;
        expect(['IPv4', 'IPv6', 'FQDN']).toContain(slice.addressType);
        for (const port of slice.ports) expect(port.port === undefined || isPort(port.port), JSON.stringify(port)).toBe(true);
        for (const endpoint of slice.endpoints) {
          expect(typeof endpoint.ip === 'string' && endpoint.ip !== '').toBe(true);
          expect(typeof endpoint.ready).toBe('boolean');
          expect(typeof endpoint.namespace).toBe('string');
        }
      }),
      RUNS,
    );
  });

  it('toClusterNode and toNamespace: undefined or well-formed', () => {
    fc.assert(
      fc.property(mutated(NODE), mutated(NAMESPACE), (nodeObject, namespaceObject) => {
        const node = toClusterNode(nodeObject, placeNode);
        if (node !== undefined) {
          expect(isStringArray(node.internalIps) && isStringArray(node.podCidrs) && isStringMap(node.labels)).toBe(true);
          expect(node.siteId === undefined || (Number.isInteger(node.siteId) && node.siteId > 0)).toBe(true);
        }
        const namespace = toNamespace(namespaceObject);
        if (namespace !== undefined) expect(isStringMap(namespace.labels) && isStringMap(namespace.annotations)).toBe(true);
      }),
      RUNS,
    );
  });

  it('keep what they can read when one field is wrong', () => {
    fc.assert(
      fc.property(fc.constantFrom(...HOSTILE), (bad) => {
        const service = toService(replaceAt(SERVICE, ['spec', 'ports', 0], bad));
        expect(service?.ports).toContainEqual({ name: '', port: 53, protocol: 'UDP', targetPort: 5353 });
        expect(service?.annotations).toEqual(SERVICE.metadata.annotations);
        const slice = toEndpointSlice(replaceAt(SLICE, ['endpoints', 1], bad));
        expect(slice?.endpoints.map((endpoint) => endpoint.ip)).toContain('10.244.1.5');
      }),
      { seed: SEED, numRuns: 50 },
    );
  });

  it('drop ports outside 1–65535 (regression: -1, 1.5 and 70000 passed as ports into the policy)', () => {
    const service = toService(replaceAt(SERVICE, ['spec', 'ports'], [{ port: -1 }, { port: 1.5 }, { port: 70_000 }, { port: 80, targetPort: 0 }, { port: 81, targetPort: 99_999 }]));
    expect(service?.ports).toEqual([
      { name: '', port: 80, protocol: 'TCP', targetPort: 80 },
      { name: '', port: 81, protocol: 'TCP', targetPort: 81 },
    ]);
    const slice = toEndpointSlice(replaceAt(SLICE, ['ports'], [{ port: 0 }, { port: 65_536 }, { port: 443 }]));
    expect(slice?.ports.map((port) => port.port)).toEqual([undefined, undefined, 443]);
  });
});
