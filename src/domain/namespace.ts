/** A Kubernetes Namespace, as far as Isthmus cares: the annotations that limit its Services' colors. */
export interface Namespace {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}
