import { CoreV1Api, CoreV1Event, PatchStrategy, setHeaderOptions, V1EventSource, V1ObjectMeta, V1ObjectReference } from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';
import { toKubeError } from './kube-error.ts';

/** The object an Event is about (`involvedObject`). */
export interface InvolvedObject {
  readonly kind: string;
  readonly apiVersion: string;
  /** Undefined for cluster-scoped objects (a Namespace, a Node). */
  readonly namespace: string | undefined;
  readonly name: string;
  readonly uid?: string;
  readonly resourceVersion?: string;
}

export type EventType = 'Normal' | 'Warning';

/** A core/v1 Event as Isthmus writes it, times in epoch milliseconds. */
export interface EventRecord {
  /** Where the Event lives: the object's namespace, `default` for cluster-scoped objects. */
  readonly namespace: string;
  readonly name: string;
  readonly involvedObject: InvolvedObject;
  readonly type: EventType;
  readonly reason: string;
  readonly message: string;
  readonly component: string;
  readonly host: string | undefined;
  readonly reportingController: string;
  readonly reportingInstance: string;
  readonly firstTimestampMs: number;
  readonly lastTimestampMs: number;
  readonly count: number;
}

/** What a repeated Event changes, as client-go patches it. */
export interface EventUpdate {
  readonly count: number;
  readonly lastTimestampMs: number;
  readonly message: string;
}

/**
 * Where the EventRecorder writes. Failures reject with a KubeError (`ISTHMUS_E_KUBE_NOT_FOUND` when the
 * Event to patch is gone).
 */
export interface EventSink {
  create(event: EventRecord): Promise<void>;
  patch(namespace: string, name: string, update: EventUpdate): Promise<void>;
}

/** An EventSink on core/v1 Events through @kubernetes/client-node. RBAC: create and patch on events. */
export function createEventSink(kubeConfig: KubeConfig): EventSink {
  const api = kubeConfig.makeApiClient(CoreV1Api);
  return {
    create: async (event) => {
      try {
        await api.createNamespacedEvent({ namespace: event.namespace, body: toCoreV1Event(event) });
      } catch (error) {
        throw toKubeError(error, `create event ${event.namespace}/${event.name}`);
      }
    },
    patch: async (namespace, name, update) => {
      // A strategic merge patch of count, lastTimestamp and message: exactly what client-go sends.
      const body = { count: update.count, lastTimestamp: kubeTime(update.lastTimestampMs), message: update.message };
      try {
        await api.patchNamespacedEvent({ namespace, name, body }, setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch));
      } catch (error) {
        throw toKubeError(error, `patch event ${namespace}/${name}`);
      }
    },
  };
}

function toCoreV1Event(event: EventRecord): CoreV1Event {
  const object = event.involvedObject;
  const involvedObject = Object.assign(new V1ObjectReference(), {
    kind: object.kind,
    apiVersion: object.apiVersion,
    name: object.name,
    ...(object.namespace === undefined ? {} : { namespace: object.namespace }),
    ...(object.uid === undefined ? {} : { uid: object.uid }),
    ...(object.resourceVersion === undefined ? {} : { resourceVersion: object.resourceVersion }),
  });
  const source = Object.assign(new V1EventSource(), { component: event.component, ...(event.host === undefined ? {} : { host: event.host }) });
  return Object.assign(new CoreV1Event(), {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: Object.assign(new V1ObjectMeta(), { name: event.name, namespace: event.namespace }),
    involvedObject,
    type: event.type,
    reason: event.reason,
    message: event.message,
    source,
    reportingComponent: event.reportingController,
    reportingInstance: event.reportingInstance,
    firstTimestamp: new Date(secondsPrecision(event.firstTimestampMs)),
    lastTimestamp: new Date(secondsPrecision(event.lastTimestampMs)),
    count: event.count,
  });
}

/** metav1.Time has second precision. */
function secondsPrecision(epochMs: number): number {
  return Math.floor(epochMs / 1000) * 1000;
}

/** RFC 3339 at second precision, as the API server writes metav1.Time. */
function kubeTime(epochMs: number): string {
  return new Date(secondsPrecision(epochMs)).toISOString().replace('.000Z', 'Z');
}
