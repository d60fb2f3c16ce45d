import type { Endpoint } from './endpoint.ts';
import type { ServiceProtocol } from './service.ts';

export type AddressType = 'IPv4' | 'IPv6' | 'FQDN';

/** A port every endpoint of the slice serves. */
export interface EndpointPort {
  readonly name: string;
  /** Undefined means "all ports" (the EndpointSlice API allows it for Services without ports). */
  readonly port: number | undefined;
  readonly protocol: ServiceProtocol;
}

/** One EndpointSlice: a share of a Service's backends, with the ports they all serve. */
export interface EndpointSlice {
  readonly namespace: string;
  readonly name: string;
  /** From the `kubernetes.io/service-name` label; undefined for slices that belong to no Service. */
  readonly serviceName: string | undefined;
  readonly addressType: AddressType;
  readonly ports: readonly EndpointPort[];
  /** One entry per address: an endpoint listing two addresses gives two. */
  readonly endpoints: readonly Endpoint[];
}
