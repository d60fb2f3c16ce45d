import type { IPolicyRule } from 'kubernetes-models/rbac.authorization.k8s.io/v1/PolicyRule';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import type { IClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import type { IRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { describe, expect, it } from 'vitest';
import { NAMESPACE, OVERLAYS, objectsOfKind, onlyObjectOfKind, renderOverlay } from './rendered-manifests.ts';
import type { KubeObject } from './rendered-manifests.ts';

/**
 * What the bridge does with the API (src/kube): informers list and watch four kinds, the EventRecorder
 * creates and patches core/v1 Events in the Services' namespaces (event-sink.ts), leader election gets,
 * creates and updates its Lease in its own namespace (lease-lock.ts). `get` on the watched kinds is
 * harmless and lets an operator `kubectl auth can-i` them. Nothing else may be granted.
 */
const CLUSTER_WIDE: readonly string[] = [
  ...['services', 'nodes', 'namespaces'].flatMap((resource) => ['get', 'list', 'watch'].map((verb) => `core ${resource} ${verb}`)),
  'discovery.k8s.io endpointslices get',
  'discovery.k8s.io endpointslices list',
  'discovery.k8s.io endpointslices watch',
  'core events create',
  'core events patch',
];
const IN_OWN_NAMESPACE: readonly string[] = ['coordination.k8s.io leases get', 'coordination.k8s.io leases create', 'coordination.k8s.io leases update'];

/** What the code calls, so must be granted. */
const REQUIRED_CLUSTER_WIDE: readonly string[] = [
  ...['core services', 'core nodes', 'core namespaces', 'discovery.k8s.io endpointslices'].flatMap((resource) => [`${resource} list`, `${resource} watch`]),
  'core events create',
  'core events patch',
];

function permissionsOf(rule: IPolicyRule): string[] {
  return (rule.apiGroups ?? []).flatMap((group) =>
    (rule.resources ?? []).flatMap((resource) => rule.verbs.map((verb) => `${group === '' ? 'core' : group} ${resource} ${verb}`)),
  );
}

/** Every way a rule can exceed the allowed list; empty when it does not. */
function ruleViolations(rule: IPolicyRule, allowed: readonly string[]): string[] {
  const problems: string[] = [];
  const fields = [...(rule.apiGroups ?? []), ...(rule.resources ?? []), ...rule.verbs, ...(rule.resourceNames ?? []), ...(rule.nonResourceURLs ?? [])];
  if (fields.some((field) => field.includes('*'))) problems.push('a wildcard');
  if ((rule.nonResourceURLs ?? []).length > 0) problems.push('non-resource URLs');
  if ((rule.resources ?? []).some((resource) => resource.startsWith('secrets'))) problems.push('Secrets');
  for (const permission of permissionsOf(rule)) if (!allowed.includes(permission)) problems.push(`"${permission}" is not allowed`);
  return problems;
}

function describeObject(object: { kind?: string; metadata?: { name?: string; namespace?: string } }): string {
  return `${object.kind ?? ''} ${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
}

async function roles(overlay: (typeof OVERLAYS)[number]): Promise<{ objects: KubeObject[]; clusterRoles: IClusterRole[]; roles: IRole[] }> {
  const objects = await renderOverlay(overlay);
  return { objects, clusterRoles: objectsOfKind(objects, ClusterRole), roles: objectsOfKind(objects, Role) };
}

describe.each(OVERLAYS)('RBAC of deploy/overlays/%s', (overlay) => {
  it('grants nothing beyond the allowed list: no wildcard, no Secrets', async () => {
    const { clusterRoles, roles: namespaced } = await roles(overlay);
    expect(clusterRoles.length + namespaced.length).toBeGreaterThan(0);
    for (const role of clusterRoles) {
      expect(role.aggregationRule, describeObject(role)).toBeUndefined();
      for (const rule of role.rules ?? []) expect(ruleViolations(rule, CLUSTER_WIDE), describeObject(role)).toEqual([]);
    }
    for (const role of namespaced) {
      // Leases only in Isthmus' own namespace, through a Role.
      expect(role.metadata?.namespace, describeObject(role)).toBe(NAMESPACE);
      for (const rule of role.rules ?? []) expect(ruleViolations(rule, IN_OWN_NAMESPACE), describeObject(role)).toEqual([]);
    }
  });

  it('grants what the bridge calls', async () => {
    const { clusterRoles, roles: namespaced } = await roles(overlay);
    const clusterWide = clusterRoles.flatMap((role) => (role.rules ?? []).flatMap(permissionsOf));
    const inNamespace = namespaced.flatMap((role) => (role.rules ?? []).flatMap(permissionsOf));
    expect(clusterWide).toEqual(expect.arrayContaining([...REQUIRED_CLUSTER_WIDE]));
    expect(inNamespace).toEqual(expect.arrayContaining([...IN_OWN_NAMESPACE]));
  });

  it('limits reading and updating Leases to the configured Lease', async () => {
    const { roles: namespaced } = await roles(overlay);
    const leaseRules = namespaced.flatMap((role) => role.rules ?? []).filter((rule) => rule.resources?.includes('leases'));
    for (const rule of leaseRules.filter((candidate) => candidate.verbs.some((verb) => verb !== 'create'))) expect(rule.resourceNames).toEqual(['isthmus']);
  });

  it('binds the roles to the Deployment’s service account only', async () => {
    const { objects, clusterRoles, roles: namespaced } = await roles(overlay);
    const serviceAccount = onlyObjectOfKind(objects, Deployment).spec?.template.spec?.serviceAccountName;
    expect(serviceAccount).toBe('isthmus');
    const bindings = [...objectsOfKind(objects, ClusterRoleBinding), ...objectsOfKind(objects, RoleBinding)];
    expect(bindings.length).toBe(clusterRoles.length + namespaced.length);
    for (const binding of bindings) {
      expect(binding.subjects, describeObject(binding)).toEqual([{ kind: 'ServiceAccount', name: serviceAccount, namespace: NAMESPACE }]);
      const bound = binding.roleRef.kind === 'ClusterRole' ? clusterRoles : namespaced;
      expect(bound.map((role) => role.metadata?.name), describeObject(binding)).toContain(binding.roleRef.name);
      // The ClusterRole bound cluster-wide (a RoleBinding would narrow the informers to one namespace), the Role in its namespace.
      expect(binding.roleRef.kind, describeObject(binding)).toBe(binding.kind === 'ClusterRoleBinding' ? 'ClusterRole' : 'Role');
    }
  });
});

describe('the RBAC check', () => {
  it('catches a wildcard, Secrets and anything off the list', () => {
    expect(ruleViolations({ apiGroups: [''], resources: ['*'], verbs: ['get'] }, CLUSTER_WIDE)).toContain('a wildcard');
    expect(ruleViolations({ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }, CLUSTER_WIDE)).toContain('Secrets');
    expect(ruleViolations({ apiGroups: [''], resources: ['services'], verbs: ['delete'] }, CLUSTER_WIDE)).toEqual(['"core services delete" is not allowed']);
    expect(ruleViolations({ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get'] }, CLUSTER_WIDE)).toEqual([
      '"coordination.k8s.io leases get" is not allowed',
    ]);
  });
});
