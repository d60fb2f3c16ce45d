import type { SiteId } from './site.ts';

/** A Kubernetes node; each sits behind exactly one SD-WAN site. */
export interface ClusterNode {
  readonly name: string;
  /** Undefined until a label or a CIDR range places the node. */
  readonly siteId: SiteId | undefined;
  readonly internalIps: readonly string[];
  readonly podCidrs: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
}
