import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { KubeObject } from './rendered-manifests.ts';

/** A kubernetes-models class: built from plain data, `validate()` throws on a schema violation. */
type SchemaModel = (new (data: never) => { validate(): void }) & { readonly apiVersion: string; readonly kind: string };

/**
 * Every kind the manifests may contain, each with its schema. A kind missing here is an error, not a
 * skip: a new kind gets a schema before it ships.
 */
const MODELS: readonly SchemaModel[] = [
  Namespace,
  ServiceAccount,
  ConfigMap,
  Secret,
  Service,
  Deployment,
  ClusterRole,
  ClusterRoleBinding,
  Role,
  RoleBinding,
  NetworkPolicy,
  PodDisruptionBudget,
  ServiceMonitor,
  PrometheusRule,
];

const MODEL_BY_TYPE: ReadonlyMap<string, SchemaModel> = new Map(MODELS.map((model) => [`${model.apiVersion} ${model.kind}`, model]));

/** Throws when the object's kind has no known schema or the object does not satisfy it. */
export function validateAgainstSchema(object: KubeObject): void {
  const model = MODEL_BY_TYPE.get(`${object.apiVersion} ${object.kind}`);
  if (model === undefined) throw new Error(`${object.apiVersion} ${object.kind} ${object.metadata.name}: no schema known for this kind`);
  try {
    new model(object as never).validate();
  } catch (error) {
    throw new Error(`${object.kind} ${object.metadata.name}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
