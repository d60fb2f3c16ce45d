import type { KubeObject, StoredObject } from './kube-object.ts';
import type { KubeKind } from './kube-resources.ts';

/**
 * The narrow seam through which a simulated world drives the emulated cluster: plain Kubernetes objects in
 * (the JSON `kubectl get -o json` prints), no emulator internals. `apply` creates or replaces an object
 * unconditionally (no resourceVersion check, like a controller that owns it); applying an unchanged object
 * is a no-op that produces no watch event, so a world can re-apply its whole state on every tick.
 */
export interface KubeObjectSink {
  apply(object: KubeObject): StoredObject;
  /** Deletes the object; false when it did not exist (which is not an error). */
  delete(kind: KubeKind, namespace: string | undefined, name: string): boolean;
}
