import { apiVersionOf, KUBE_RESOURCES } from './kube-resources.ts';

/** What `/version` reports; kubectl and client libraries only look at major/minor/gitVersion. */
export const EMULATED_VERSION = {
  major: '1',
  minor: '33',
  gitVersion: 'v1.33.0-isthmus-emulator',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2025-01-01T00:00:00Z',
  goVersion: 'go1.24.0',
  compiler: 'gc',
  platform: 'linux/amd64',
} as const;

const VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] as const;

/** `/api`: the legacy core group's versions. */
export function apiVersions(serverAddress: string): object {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

/** `/apis`: the named groups the emulator serves. */
export function apiGroupList(): object {
  const groups = [...new Set(KUBE_RESOURCES.filter((resource) => resource.group !== '').map((resource) => apiVersionOf(resource)))];
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groups.map((groupVersion) => {
      const [name = '', version = ''] = groupVersion.split('/');
      return { name, versions: [{ groupVersion, version }], preferredVersion: { groupVersion, version } };
    }),
  };
}

/** `/api/v1`, `/apis/{group}/{version}`: the resources of one group version, for kubectl's discovery. */
export function apiResourceList(group: string, version: string): object {
  const resources = KUBE_RESOURCES.filter((resource) => resource.group === group && resource.version === version);
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group === '' ? version : `${group}/${version}`,
    resources: resources.map((resource) => ({
      name: resource.plural,
      singularName: resource.kind.toLowerCase(),
      namespaced: resource.namespaced,
      kind: resource.kind,
      verbs: VERBS,
      ...(resource.shortNames.length === 0 ? {} : { shortNames: resource.shortNames }),
    })),
  };
}
