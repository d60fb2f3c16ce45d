import { metadataOf, stringAt } from './read-fields.ts';

/**
 * The key of an object in a store: `namespace/name` for namespaced objects (the same text as
 * `serviceKey`), `name` for cluster-scoped ones, as client-go's MetaNamespaceKeyFunc.
 */
export function storeKey(namespace: string | undefined, name: string): string {
  return namespace === undefined || namespace === '' ? name : `${namespace}/${name}`;
}

/** The key of a raw object; undefined when it has no name. */
export function storeKeyOf(object: unknown): string | undefined {
  const metadata = metadataOf(object);
  const name = stringAt(metadata, 'name');
  if (name === undefined || name === '') return undefined;
  return storeKey(stringAt(metadata, 'namespace'), name);
}
