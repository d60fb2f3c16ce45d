import type { PolicyObjectKind } from './policy-document.ts';

export interface PolicyObjectKindInfo {
  /** Under `/dataservice/template/policy/`. */
  readonly path: string;
  /** 0 lists, 1 definitions, 2 the centralized policy: creates go up the stages, deletes down. */
  readonly stage: 0 | 1 | 2;
  /** The id field of rows and create responses. */
  readonly idField: 'listId' | 'definitionId' | 'policyId';
  /** The body field holding the name and the description. */
  readonly nameField: 'name' | 'policyName';
  readonly descriptionField: 'description' | 'policyDescription';
}

const LIST = { stage: 0, idField: 'listId', nameField: 'name', descriptionField: 'description' } as const;
const DEFINITION = { stage: 1, idField: 'definitionId', nameField: 'name', descriptionField: 'description' } as const;

/** Where each kind lives on vManage and how its rows are keyed (reference §5.1). */
export const POLICY_OBJECT_KINDS: Readonly<Record<PolicyObjectKind, PolicyObjectKindInfo>> = {
  dataPrefix: { path: 'list/dataprefix', ...LIST },
  dataIpv6Prefix: { path: 'list/dataipv6prefix', ...LIST },
  sla: { path: 'list/sla', ...LIST },
  site: { path: 'list/site', ...LIST },
  vpn: { path: 'list/vpn', ...LIST },
  appRoute: { path: 'definition/approute', ...DEFINITION },
  data: { path: 'definition/data', ...DEFINITION },
  vsmart: { path: 'vsmart', stage: 2, idField: 'policyId', nameField: 'policyName', descriptionField: 'policyDescription' },
};

/** Every kind, in creation order. */
export const POLICY_OBJECT_KIND_ORDER: readonly PolicyObjectKind[] = ['site', 'vpn', 'sla', 'dataPrefix', 'dataIpv6Prefix', 'appRoute', 'data', 'vsmart'];
