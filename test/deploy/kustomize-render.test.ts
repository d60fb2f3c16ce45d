import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service } from 'kubernetes-models/v1/Service';
import { describe, expect, it } from 'vitest';
import { validateAgainstSchema } from './kube-schemas.ts';
import { NAMESPACE, OVERLAYS, objectsOfKind, onlyObjectOfKind, parseRendered, renderOverlay } from './rendered-manifests.ts';
import type { KubeObject } from './rendered-manifests.ts';

/** Kinds that live outside any namespace; everything else must be in Isthmus' own. */
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding']);

const POD_LABELS = { 'app.kubernetes.io/name': 'isthmus', 'app.kubernetes.io/instance': 'isthmus' };

function identity(object: KubeObject): string {
  return `${object.apiVersion} ${object.kind} ${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}

function matches(selector: Readonly<Record<string, string>> | undefined, labels: Readonly<Record<string, string>> | undefined): boolean {
  return Object.entries(selector ?? {}).every(([key, value]) => labels?.[key] === value);
}

describe.each(OVERLAYS)('deploy/overlays/%s', (overlay) => {
  it('renders with kubectl kustomize, every object valid against its Kubernetes schema', async () => {
    const objects = await renderOverlay(overlay);
    expect(objects.length).toBeGreaterThan(0);
    for (const object of objects) validateAgainstSchema(object);
  });

  it('puts every namespaced object in the isthmus namespace, each once', async () => {
    const objects = await renderOverlay(overlay);
    for (const object of objects) {
      if (CLUSTER_SCOPED.has(object.kind)) expect(object.metadata.namespace, identity(object)).toBeUndefined();
      else expect(object.metadata.namespace, identity(object)).toBe(NAMESPACE);
    }
    const identities = objects.map(identity);
    expect(new Set(identities).size).toBe(identities.length);
  });

  it('has one Deployment whose Service selects its pods on the HTTP port', async () => {
    const objects = await renderOverlay(overlay);
    const deployment = onlyObjectOfKind(objects, Deployment);
    const service = onlyObjectOfKind(objects, Service);
    const podLabels = deployment.spec?.template.metadata?.labels;
    expect(podLabels).toMatchObject(POD_LABELS);
    expect(matches(deployment.spec?.selector.matchLabels, podLabels)).toBe(true);
    expect(service.spec?.selector).toEqual(POD_LABELS);
    const containerPorts = deployment.spec?.template.spec?.containers.flatMap((container) => container.ports ?? []) ?? [];
    for (const port of service.spec?.ports ?? []) expect(containerPorts.map((containerPort) => containerPort.name)).toContain(port.targetPort);
  });

  it('refers only to ConfigMaps and Secrets it contains (generated names included)', async () => {
    const objects = await renderOverlay(overlay);
    const deployment = onlyObjectOfKind(objects, Deployment);
    const names = new Set(objects.filter((object) => object.kind === 'ConfigMap' || object.kind === 'Secret').map((object) => `${object.kind}/${object.metadata.name}`));
    const volumes = deployment.spec?.template.spec?.volumes ?? [];
    expect(volumes.length).toBeGreaterThan(0);
    for (const volume of volumes) {
      if (volume.configMap !== undefined) expect(names).toContain(`ConfigMap/${volume.configMap.name ?? ''}`);
      if (volume.secret !== undefined) expect(names).toContain(`Secret/${volume.secret.secretName ?? ''}`);
    }
  });
});

describe('overlay specifics', () => {
  it('single runs one replica and needs no PodDisruptionBudget', async () => {
    const objects = await renderOverlay('single');
    expect(onlyObjectOfKind(objects, Deployment).spec?.replicas).toBe(1);
    expect(objectsOfKind(objects, PodDisruptionBudget)).toEqual([]);
  });

  it('ha runs two replicas on different nodes, never both disrupted at once', async () => {
    const objects = await renderOverlay('ha');
    const deployment = onlyObjectOfKind(objects, Deployment);
    expect(deployment.spec?.replicas).toBe(2);
    const podLabels = deployment.spec?.template.metadata?.labels;
    const budget = onlyObjectOfKind(objects, PodDisruptionBudget);
    expect(budget.spec?.minAvailable).toBe(1);
    expect(matches(budget.spec?.selector?.matchLabels, podLabels)).toBe(true);
    const byNode = deployment.spec?.template.spec?.topologySpreadConstraints?.find((constraint) => constraint.topologyKey === 'kubernetes.io/hostname');
    expect(byNode).toMatchObject({ maxSkew: 1, whenUnsatisfiable: 'DoNotSchedule' });
    expect(matches(byNode?.labelSelector?.matchLabels, podLabels)).toBe(true);
  });

  it('prometheus-operator scrapes the Service and ships the rules and every dashboard', async () => {
    const objects = await renderOverlay('prometheus-operator');
    const service = onlyObjectOfKind(objects, Service);
    const monitor = onlyObjectOfKind(objects, ServiceMonitor);
    expect(matches(monitor.spec.selector.matchLabels, service.metadata?.labels)).toBe(true);
    const servicePorts = service.spec?.ports?.map((port) => port.name) ?? [];
    for (const endpoint of monitor.spec.endpoints) expect(servicePorts).toContain(endpoint.port);
    // The job label is the Service's name unless jobLabel says otherwise; IsthmusBridgeAbsent matches .*isthmus.*.
    expect(monitor.spec.jobLabel).toBeUndefined();
    expect(service.metadata?.name).toMatch(/isthmus/);
    expect(onlyObjectOfKind(objects, PrometheusRule).spec.groups?.length).toBeGreaterThan(0);
    const dashboards = objectsOfKind(objects, ConfigMap).filter((configMap) => configMap.metadata?.labels?.grafana_dashboard === '1');
    expect(dashboards.length).toBeGreaterThanOrEqual(4);
  });
});

describe('the schema check', () => {
  it('fails an object of a kind it has no schema for, rather than skipping it', () => {
    const [widget] = parseRendered('apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n');
    expect(widget).toBeDefined();
    if (widget !== undefined) expect(() => { validateAgainstSchema(widget); }).toThrow(/no schema known/);
  });

  it('fails an object that breaks its schema', () => {
    const [deployment] = parseRendered('apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  replicas: two\n  selector: {}\n  template: {}\n');
    expect(deployment).toBeDefined();
    if (deployment !== undefined) expect(() => { validateAgainstSchema(deployment); }).toThrow(/replicas/);
  });
});
