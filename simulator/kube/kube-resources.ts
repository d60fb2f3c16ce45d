/**
 * The resources the emulator serves, with the names the REST paths and list kinds use. One table drives
 * routing, discovery and the store, so adding a resource is one line.
 */
export interface KubeResource {
  /** '' for the core group (`/api/v1`). */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly listKind: string;
  /** The path segment: `services`, `endpointslices`, … */
  readonly plural: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
}

export const KUBE_RESOURCES: readonly KubeResource[] = [
  { group: '', version: 'v1', kind: 'Namespace', listKind: 'NamespaceList', plural: 'namespaces', namespaced: false, shortNames: ['ns'] },
  { group: '', version: 'v1', kind: 'Node', listKind: 'NodeList', plural: 'nodes', namespaced: false, shortNames: ['no'] },
  { group: '', version: 'v1', kind: 'Service', listKind: 'ServiceList', plural: 'services', namespaced: true, shortNames: ['svc'] },
  { group: '', version: 'v1', kind: 'Event', listKind: 'EventList', plural: 'events', namespaced: true, shortNames: ['ev'] },
  {
    group: 'discovery.k8s.io',
    version: 'v1',
    kind: 'EndpointSlice',
    listKind: 'EndpointSliceList',
    plural: 'endpointslices',
    namespaced: true,
    shortNames: [],
  },
  { group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', listKind: 'LeaseList', plural: 'leases', namespaced: true, shortNames: [] },
];

/** The kinds the emulator stores; `kind` strings in the store API are these. */
export type KubeKind = 'Namespace' | 'Node' | 'Service' | 'Event' | 'EndpointSlice' | 'Lease';

export function apiVersionOf(resource: KubeResource): string {
  return resource.group === '' ? resource.version : `${resource.group}/${resource.version}`;
}

const byKind: ReadonlyMap<string, KubeResource> = new Map(KUBE_RESOURCES.map((resource) => [resource.kind, resource]));

export function resourceForKind(kind: string): KubeResource | undefined {
  return byKind.get(kind);
}

export function resourceForPath(group: string, version: string, plural: string): KubeResource | undefined {
  return KUBE_RESOURCES.find((resource) => resource.group === group && resource.version === version && resource.plural === plural);
}
