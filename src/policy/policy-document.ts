import type { AssignmentMode } from '../domain/assignment.ts';
import type { Color } from '../domain/color.ts';
import type { ServiceProtocol } from '../domain/service.ts';
import type { SloBounds } from '../domain/slo.ts';

/** One Service as the policy sees it: where its traffic goes, what it needs, and which color it was given. */
export interface DesiredServicePolicy {
  /** `namespace/name`. */
  readonly key: string;
  /** Its endpoints; only ready ones are steered (a terminating pod's address may be reused). */
  readonly endpoints: readonly { readonly ip: string; readonly ready: boolean }[];
  /**
   * Ports as they cross the WAN: the endpoints' (target) ports, since Cilium translates the ClusterIP
   * at the client's node and the fabric only ever sees pod address and pod port.
   */
  readonly ports: readonly { readonly port: number; readonly protocol: ServiceProtocol }[];
  /** The SLO the SLA class is derived from; undefined (or empty) for a pin without an SLO. */
  readonly slo: SloBounds | undefined;
  /** The color the optimizer (or the pin) chose. */
  readonly color: Color;
  readonly mode: AssignmentMode;
  /** Where traffic goes when no tunnel meets the SLA class. Default: the chosen color. */
  readonly backupColor?: Color;
  /** Force the color regardless of measured quality (data policy, local TLOC restricted). */
  readonly strictPin?: boolean;
}

/** Where the centralized policy applies: the sites the cluster's nodes sit behind, and its service VPNs. */
export interface PolicyScope {
  readonly siteIds: readonly number[];
  readonly vpnIds: readonly number[];
}

/** Everything Isthmus wants on vManage for one cluster. */
export interface DesiredPolicyState {
  readonly clusterName: string;
  readonly scope: PolicyScope;
  readonly services: readonly DesiredServicePolicy[];
}

/** The classic policy objects Isthmus renders. */
export type PolicyObjectKind = 'dataPrefix' | 'dataIpv6Prefix' | 'sla' | 'site' | 'vpn' | 'appRoute' | 'data' | 'vsmart';

/**
 * One object of the rendered document: its kind, its (unique) name, and the vManage request body in
 * which references to other objects hold their *names*. Names are what is stable across Managers and
 * pushes; ids are vManage's and are substituted when the body is sent.
 */
export interface PolicyObject {
  readonly kind: PolicyObjectKind;
  readonly name: string;
  readonly body: Readonly<Record<string, unknown>>;
}

/** The rendered desired policy: the objects in dependency order (lists, definitions, the policy). */
export interface PolicyDocument {
  readonly clusterName: string;
  readonly objects: readonly PolicyObject[];
  /** What rendering had to adjust (clamped SLA values), for the explanation of a push. */
  readonly notes: readonly string[];
}

