import { isIP } from 'node:net';
import type { Endpoint } from '../domain/endpoint.ts';
import type { AddressType, EndpointPort, EndpointSlice } from '../domain/endpoint-slice.ts';
import { arrayAt, asFields, booleanAt, fieldsAt, metadataOf, portAt, stringAt, stringMapAt, stringsAt } from './read-fields.ts';
import { toProtocol } from './to-service.ts';

/** The label the EndpointSlice controller puts on every slice of a Service. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/**
 * A Kubernetes EndpointSlice → the domain EndpointSlice, one Endpoint per address; undefined without a
 * name and namespace. `conditions.ready` absent means ready (the API documents nil as "unknown, treat as
 * ready"). The pod is the `targetRef` when it is a Pod; the endpoint's namespace is the pod's.
 */
export function toEndpointSlice(object: unknown): EndpointSlice | undefined {
  const metadata = metadataOf(object);
  const name = stringAt(metadata, 'name');
  const namespace = stringAt(metadata, 'namespace');
  if (name === undefined || name === '' || namespace === undefined || namespace === '') return undefined;
  const root = asFields(object);
  const serviceName = stringMapAt(metadata, 'labels')[SERVICE_NAME_LABEL];
  const endpoints = arrayAt(root, 'endpoints').flatMap((entry) => toEndpoints(entry, namespace));
  return {
    namespace,
    name,
    serviceName: serviceName === undefined || serviceName === '' ? undefined : serviceName,
    addressType: toAddressType(stringAt(root, 'addressType'), endpoints[0]?.ip),
    ports: arrayAt(root, 'ports').map(toEndpointPort),
    endpoints,
  };
}

function toEndpoints(entry: unknown, sliceNamespace: string): readonly Endpoint[] {
  const fields = asFields(entry);
  const targetRef = fieldsAt(fields, 'targetRef');
  const isPod = stringAt(targetRef, 'kind') === 'Pod';
  const ready = booleanAt(fieldsAt(fields, 'conditions'), 'ready') ?? true;
  const podName = isPod ? stringAt(targetRef, 'name') : undefined;
  const namespace = (isPod ? stringAt(targetRef, 'namespace') : undefined) ?? sliceNamespace;
  const nodeName = stringAt(fields, 'nodeName');
  return stringsAt(fields, 'addresses')
    .filter((ip) => ip !== '')
    .map((ip) => ({ ip, ready, podName, namespace, nodeName: nodeName === '' ? undefined : nodeName }));
}

function toEndpointPort(entry: unknown): EndpointPort {
  const fields = asFields(entry);
  return { name: stringAt(fields, 'name') ?? '', port: portAt(fields, 'port'), protocol: toProtocol(stringAt(fields, 'protocol')) };
}

/** The declared type, or (for objects that lack it) what the first address looks like. */
function toAddressType(declared: string | undefined, firstAddress: string | undefined): AddressType {
  if (declared === 'IPv4' || declared === 'IPv6' || declared === 'FQDN') return declared;
  const family = firstAddress === undefined ? 0 : isIP(firstAddress);
  if (family === 4) return 'IPv4';
  if (family === 6) return 'IPv6';
  return 'FQDN';
}
