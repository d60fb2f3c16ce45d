import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

export const REPOSITORY_ROOT: string = fileURLToPath(new URL('../../', import.meta.url));

/** The overlays users deploy; every check runs on each, since each is what reaches a cluster. */
export const OVERLAYS = ['single', 'ha', 'prometheus-operator'] as const;
export type Overlay = (typeof OVERLAYS)[number];

export const NAMESPACE = 'isthmus';

/** A rendered object, as far as every test needs to know it; kind-specific fields go through the models. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
  };
  readonly [field: string]: unknown;
}

function isKubeObject(value: unknown): value is KubeObject {
  if (typeof value !== 'object' || value === null) return false;
  const object = value as Record<string, unknown>;
  const metadata = object.metadata as Record<string, unknown> | undefined;
  return typeof object.apiVersion === 'string' && typeof object.kind === 'string' && typeof metadata?.name === 'string';
}

function kubectlKustomize(directory: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('kubectl', ['kustomize', directory], { timeout: 20_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`kubectl kustomize ${directory} failed: ${stderr || error.message}`, { cause: error }));
      else resolve(stdout);
    });
  });
}

/** Parses `kubectl kustomize` output; anything that is not a Kubernetes object fails. */
export function parseRendered(text: string): KubeObject[] {
  return parseAllDocuments(text).map((document, index) => {
    if (document.errors.length > 0) throw new Error(`document ${index}: ${document.errors.map((error) => error.message).join('; ')}`);
    const value: unknown = document.toJS();
    if (!isKubeObject(value)) throw new Error(`document ${index} is not a Kubernetes object`);
    return value;
  });
}

const rendered = new Map<Overlay, Promise<KubeObject[]>>();

/** The overlay as `kubectl kustomize` renders it, once per test file. */
export function renderOverlay(overlay: Overlay): Promise<KubeObject[]> {
  let objects = rendered.get(overlay);
  if (objects === undefined) {
    objects = kubectlKustomize(`${REPOSITORY_ROOT}deploy/overlays/${overlay}`).then(parseRendered);
    rendered.set(overlay, objects);
  }
  return objects;
}

/** A model class of kubernetes-models: `is` tells the kind apart, the constructor gives it its type. */
interface ModelClass<T> {
  readonly is: (value: unknown) => value is T;
}

/** The objects of one kind, typed by its kubernetes-models interface. */
export function objectsOfKind<T>(objects: readonly KubeObject[], model: ModelClass<T>): T[] {
  return objects.filter((object): object is KubeObject & T => model.is(object));
}

/** The only object of one kind; fails the test when there is none or several. */
export function onlyObjectOfKind<T>(objects: readonly KubeObject[], model: ModelClass<T>): T {
  const found = objectsOfKind(objects, model);
  const [first] = found;
  if (found.length !== 1 || first === undefined) throw new Error(`expected exactly one object of this kind, found ${found.length}`);
  return first;
}
