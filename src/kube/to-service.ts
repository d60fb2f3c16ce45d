import type { Service, ServicePort, ServiceProtocol } from '../domain/service.ts';
import { arrayAt, asFields, fieldsAt, metadataOf, objectIdentity, portAt, stringAt, stringMapAt, stringsAt } from './read-fields.ts';

/**
 * A Kubernetes Service object → the domain Service; undefined without a name and namespace. ClusterIPs
 * come from `spec.clusterIPs` (dual-stack) or the older `spec.clusterIP`; `None` (headless) and empty
 * values are not addresses. Load-balancer addresses are the `ip`s of `status.loadBalancer.ingress`
 * (hostname-only ingresses, as on AWS, have no address to match flows against).
 */
export function toService(object: unknown): Service | undefined {
  const metadata = metadataOf(object);
  const name = stringAt(metadata, 'name');
  const namespace = stringAt(metadata, 'namespace');
  if (name === undefined || name === '' || namespace === undefined || namespace === '') return undefined;
  const root = asFields(object);
  const spec = fieldsAt(root, 'spec');
  const listed = stringsAt(spec, 'clusterIPs');
  const single = stringAt(spec, 'clusterIP');
  const clusterIps = (listed.length > 0 ? listed : single === undefined ? [] : [single]).filter(isAddress);
  const ingress = arrayAt(fieldsAt(fieldsAt(root, 'status'), 'loadBalancer'), 'ingress');
  const loadBalancerIps = ingress.map((entry) => stringAt(asFields(entry), 'ip')).filter((ip): ip is string => ip !== undefined && isAddress(ip));
  return {
    namespace,
    name,
    clusterIps,
    loadBalancerIps,
    ports: arrayAt(spec, 'ports').flatMap((entry) => {
      const port = toServicePort(entry);
      return port === undefined ? [] : [port];
    }),
    annotations: stringMapAt(metadata, 'annotations'),
    ...objectIdentity(metadata),
  };
}

function isAddress(value: string): boolean {
  return value !== '' && value !== 'None';
}

function toServicePort(entry: unknown): ServicePort | undefined {
  const fields = asFields(entry);
  const port = portAt(fields, 'port');
  if (port === undefined) return undefined;
  const named = stringAt(fields, 'targetPort');
  return {
    name: stringAt(fields, 'name') ?? '',
    port,
    protocol: toProtocol(stringAt(fields, 'protocol')),
    // Kubernetes defaults targetPort to port; a number out of range is treated the same way.
    targetPort: named !== undefined && named !== '' ? named : (portAt(fields, 'targetPort') ?? port),
  };
}

/** Kubernetes defaults the protocol to TCP. */
export function toProtocol(value: string | undefined): ServiceProtocol {
  return value === 'UDP' || value === 'SCTP' ? value : 'TCP';
}
