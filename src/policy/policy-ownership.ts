import { fnv1a } from './fnv1a.ts';

/**
 * How Isthmus recognises its own objects on a shared vManage. Both marks are required: the name
 * prefix (what an operator sees in lists) and the exact description (what a prefix alone cannot
 * guarantee — another tool, or another cluster whose name extends this one's, could share a prefix).
 *
 * Names are `isthmus-<cluster>_<rest>`. Cluster names are DNS labels (no `_`), so the first `_` ends
 * the cluster part and `isthmus-a_…` can never be mistaken for `isthmus-a-b_…`.
 */
export interface PolicyOwnership {
  readonly clusterName: string;
  /** `isthmus-<cluster>_`. */
  readonly prefix: string;
  /** `Managed by Isthmus (cluster <name>); do not edit`. */
  readonly description: string;
  /** The full object name for a suffix: `isthmus-<cluster>_<suffix>`, within vManage's name rules. */
  name(suffix: string): string;
  owns(name: string | undefined, description: string | undefined): boolean;
}

/** vManage object names: letters, digits, `-` and `_`, at most 127 characters (netascode's rule). */
const MAX_NAME = 127;

export function policyOwnership(clusterName: string): PolicyOwnership {
  const prefix = `isthmus-${clusterName.replace(/[^A-Za-z0-9-]/g, '-')}_`;
  const description = `Managed by Isthmus (cluster ${clusterName}); do not edit`;
  return {
    clusterName,
    prefix,
    description,
    name: (suffix) => fitName(prefix + suffix.replace(/[^A-Za-z0-9_-]/g, '-')),
    owns: (name, text) => name !== undefined && name.startsWith(prefix) && text === description,
  };
}

/** A name too long keeps its head and gets a hash of the whole, so distinct long names stay distinct. */
function fitName(name: string): string {
  if (name.length <= MAX_NAME) return name;
  const tag = fnv1a(name).toString(36).padStart(7, '0');
  return `${name.slice(0, MAX_NAME - tag.length - 1)}-${tag}`;
}
