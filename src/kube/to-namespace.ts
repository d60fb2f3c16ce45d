import type { Namespace } from '../domain/namespace.ts';
import { metadataOf, objectIdentity, stringAt, stringMapAt } from './read-fields.ts';

/** A Kubernetes Namespace → the domain Namespace; undefined without a name. */
export function toNamespace(object: unknown): Namespace | undefined {
  const metadata = metadataOf(object);
  const name = stringAt(metadata, 'name');
  if (name === undefined || name === '') return undefined;
  return { name, labels: stringMapAt(metadata, 'labels'), annotations: stringMapAt(metadata, 'annotations'), ...objectIdentity(metadata) };
}
