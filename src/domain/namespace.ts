/** A Kubernetes Namespace, as far as Isthmus cares: the annotations that limit its Services' colors. */
export interface Namespace {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** The Kubernetes object's uid and resourceVersion, when it came from the API: Events refer to them. */
  readonly uid?: string;
  readonly resourceVersion?: string;
}
