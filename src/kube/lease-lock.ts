import { CoordinationV1Api, V1Lease, V1LeaseSpec, V1MicroTime, V1ObjectMeta } from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';
import { KUBE_ERROR_CODES, toKubeError } from './kube-error.ts';

/** What a coordination.k8s.io/v1 Lease says about leadership, times in epoch milliseconds. */
export interface LeaseRecord {
  /** '' when released. */
  readonly holderIdentity: string;
  readonly leaseDurationSeconds: number;
  readonly acquireTimeMs: number | undefined;
  readonly renewTimeMs: number | undefined;
  readonly leaseTransitions: number;
}

export interface ObservedLease {
  readonly record: LeaseRecord;
  /** For the optimistic-concurrency update. */
  readonly resourceVersion: string;
}

/**
 * The port leader election writes through: one Lease, read and written with optimistic concurrency.
 * Failures are thrown as KubeError (`ISTHMUS_E_KUBE_CONFLICT` when another candidate wrote first).
 */
export interface LeaseLock {
  /** `namespace/name`, for messages. */
  readonly description: string;
  /** Undefined when the Lease does not exist. */
  get(): Promise<ObservedLease | undefined>;
  create(record: LeaseRecord): Promise<ObservedLease>;
  /** Fails with a conflict unless the Lease is still at `resourceVersion`. */
  update(record: LeaseRecord, resourceVersion: string): Promise<ObservedLease>;
}

/** A LeaseLock on a Lease through @kubernetes/client-node. RBAC: get, create, update on leases. */
export function createLeaseLock(kubeConfig: KubeConfig, namespace: string, name: string): LeaseLock {
  const api = kubeConfig.makeApiClient(CoordinationV1Api);
  const description = `${namespace}/${name}`;
  return {
    description,
    get: async () => {
      try {
        return observe(await api.readNamespacedLease({ namespace, name }));
      } catch (error) {
        const failure = toKubeError(error, `get lease ${description}`);
        if (failure.code === KUBE_ERROR_CODES.notFound) return undefined;
        throw failure;
      }
    },
    create: async (record) => {
      try {
        return observe(await api.createNamespacedLease({ namespace, body: toLease(namespace, name, record, undefined) }));
      } catch (error) {
        throw toKubeError(error, `create lease ${description}`);
      }
    },
    update: async (record, resourceVersion) => {
      try {
        return observe(await api.replaceNamespacedLease({ namespace, name, body: toLease(namespace, name, record, resourceVersion) }));
      } catch (error) {
        throw toKubeError(error, `update lease ${description}`);
      }
    },
  };
}

function toLease(namespace: string, name: string, record: LeaseRecord, resourceVersion: string | undefined): V1Lease {
  const metadata = Object.assign(new V1ObjectMeta(), { namespace, name, ...(resourceVersion === undefined ? {} : { resourceVersion }) });
  const spec = Object.assign(new V1LeaseSpec(), {
    holderIdentity: record.holderIdentity,
    leaseDurationSeconds: record.leaseDurationSeconds,
    leaseTransitions: record.leaseTransitions,
    ...(record.acquireTimeMs === undefined ? {} : { acquireTime: new V1MicroTime(record.acquireTimeMs) }),
    ...(record.renewTimeMs === undefined ? {} : { renewTime: new V1MicroTime(record.renewTimeMs) }),
  });
  return Object.assign(new V1Lease(), { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata, spec });
}

function observe(lease: V1Lease): ObservedLease {
  const spec = lease.spec;
  return {
    resourceVersion: lease.metadata?.resourceVersion ?? '',
    record: {
      holderIdentity: spec?.holderIdentity ?? '',
      leaseDurationSeconds: spec?.leaseDurationSeconds ?? 0,
      acquireTimeMs: epochMs(spec?.acquireTime),
      renewTimeMs: epochMs(spec?.renewTime),
      leaseTransitions: spec?.leaseTransitions ?? 0,
    },
  };
}

/** The client may hand MicroTime back as a Date or as the RFC 3339 text it received. */
function epochMs(value: unknown): number | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime();
  if (typeof value === 'string') {
    const parsed = Date.parse(value);
    return Number.isNaN(parsed) ? undefined : parsed;
  }
  return undefined;
}
