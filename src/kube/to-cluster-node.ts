import type { ClusterNode } from '../domain/cluster-node.ts';
import { arrayAt, asFields, fieldsAt, metadataOf, stringAt, stringMapAt, stringsAt } from './read-fields.ts';
import type { SitePlacer } from './site-placer.ts';

/**
 * A Kubernetes Node → the domain ClusterNode, placed at its site; undefined without a name. Pod CIDRs
 * come from `spec.podCIDRs` (dual-stack) or the older `spec.podCIDR`.
 */
export function toClusterNode(object: unknown, placeNode: SitePlacer): ClusterNode | undefined {
  const metadata = metadataOf(object);
  const name = stringAt(metadata, 'name');
  if (name === undefined || name === '') return undefined;
  const root = asFields(object);
  const spec = fieldsAt(root, 'spec');
  const labels = stringMapAt(metadata, 'labels');
  const internalIps = arrayAt(fieldsAt(root, 'status'), 'addresses')
    .map((entry) => asFields(entry))
    .filter((entry) => stringAt(entry, 'type') === 'InternalIP')
    .map((entry) => stringAt(entry, 'address'))
    .filter((address): address is string => address !== undefined && address !== '');
  const listed = stringsAt(spec, 'podCIDRs');
  const single = stringAt(spec, 'podCIDR');
  const podCidrs = listed.length > 0 ? listed : single === undefined || single === '' ? [] : [single];
  return { name, siteId: placeNode(labels, internalIps).siteId, internalIps, podCidrs, labels };
}
