/** A Kubernetes Service, as far as Isthmus cares: identity, addresses, ports and annotations. */
export interface ServiceRef {
  readonly namespace: string;
  readonly name: string;
}

export type ServiceProtocol = 'TCP' | 'UDP' | 'SCTP';

export interface ServicePort {
  readonly name: string;
  readonly port: number;
  readonly protocol: ServiceProtocol;
  readonly targetPort: number | string;
}

export interface Service extends ServiceRef {
  readonly clusterIps: readonly string[];
  readonly loadBalancerIps: readonly string[];
  readonly ports: readonly ServicePort[];
  readonly annotations: Readonly<Record<string, string>>;
  /** The Kubernetes object's uid and resourceVersion, when it came from the API: Events refer to them. */
  readonly uid?: string;
  readonly resourceVersion?: string;
}

/** `namespace/name`: the work-queue key and the key of every per-Service map. */
export type ServiceKey = string;

export function serviceKey(ref: ServiceRef): ServiceKey {
  return `${ref.namespace}/${ref.name}`;
}

/** Parses `namespace/name`; undefined unless both parts are present. */
export function parseServiceKey(key: string): ServiceRef | undefined {
  const slash = key.indexOf('/');
  if (slash <= 0 || slash === key.length - 1 || key.includes('/', slash + 1)) return undefined;
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}
