import { KUBE_RESOURCES, resourceForPath } from './kube-resources.ts';
import type { KubeResource } from './kube-resources.ts';

export type KubeRoute =
  | { readonly kind: 'health' }
  | { readonly kind: 'version' }
  | { readonly kind: 'api-versions' }
  | { readonly kind: 'api-groups' }
  | { readonly kind: 'resource-list'; readonly group: string; readonly version: string }
  | { readonly kind: 'collection'; readonly resource: KubeResource; readonly namespace: string | undefined }
  | { readonly kind: 'object'; readonly resource: KubeResource; readonly namespace: string | undefined; readonly name: string };

const HEALTH_PATHS: ReadonlySet<string> = new Set(['/healthz', '/livez', '/readyz']);

/**
 * Maps a request path to what it addresses, following the API server's URL scheme:
 * `/api/v1/{plural}` and `/apis/{group}/{version}/{plural}` (cluster-wide), `…/namespaces/{ns}/{plural}`,
 * and `…/{name}` for one object. Undefined for anything the emulator does not serve (404).
 */
export function parseKubePath(pathname: string): KubeRoute | undefined {
  if (HEALTH_PATHS.has(pathname)) return { kind: 'health' };
  if (pathname === '/version') return { kind: 'version' };
  if (pathname === '/api') return { kind: 'api-versions' };
  if (pathname === '/apis') return { kind: 'api-groups' };
  const segments = pathname.split('/').slice(1);
  if (segments.some((segment) => segment === '')) return undefined;
  let decoded: string[];
  try {
    decoded = segments.map((segment) => decodeURIComponent(segment));
  } catch {
    return undefined;
  }
  const [root, ...after] = decoded;
  let group: string;
  let version: string;
  let rest: string[];
  if (root === 'api' && after[0] === 'v1') {
    group = '';
    version = 'v1';
    rest = after.slice(1);
  } else if (root === 'apis' && after.length >= 2) {
    group = after[0] ?? '';
    version = after[1] ?? '';
    rest = after.slice(2);
  } else {
    return undefined;
  }
  if (!KUBE_RESOURCES.some((resource) => resource.group === group && resource.version === version)) return undefined;
  return routeWithin(group, version, rest);
}

function routeWithin(group: string, version: string, rest: readonly string[]): KubeRoute | undefined {
  const [first, second, third, fourth, ...extra] = rest;
  if (extra.length > 0) return undefined;
  if (first === undefined) return { kind: 'resource-list', group, version };
  if (first === 'namespaces' && second !== undefined && third !== undefined) {
    const resource = resourceForPath(group, version, third);
    if (!resource?.namespaced) return undefined;
    return fourth === undefined ? { kind: 'collection', resource, namespace: second } : { kind: 'object', resource, namespace: second, name: fourth };
  }
  if (third !== undefined) return undefined;
  const resource = resourceForPath(group, version, first);
  if (resource === undefined) return undefined;
  if (second === undefined) return { kind: 'collection', resource, namespace: undefined };
  // `/api/v1/services/foo` addresses nothing: a namespaced object needs its namespace in the path.
  return resource.namespaced ? undefined : { kind: 'object', resource, namespace: undefined, name: second };
}
