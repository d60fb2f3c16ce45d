import { BlockList, isIP } from 'node:net';
import { parseCidr } from '../config/parse-cidr.ts';
import { isValidSiteId } from '../domain/site.ts';
import type { SiteId } from '../domain/site.ts';

export const DEFAULT_SITE_LABEL = 'isthmus.io/site-id';

export interface SiteRange {
  readonly cidr: string;
  readonly siteId: SiteId;
}

/** How nodes are placed at SD-WAN sites: the `kubernetes` section of the configuration, in short. */
export interface SiteMapping {
  /** Node label whose value is the site-id. Default `isthmus.io/site-id`. */
  readonly siteLabel: string;
  /** For nodes without a usable label: the site of the longest prefix holding one of their InternalIPs. */
  readonly siteRanges: readonly SiteRange[];
}

export type PlacementSource = 'label' | 'cidr' | 'none';

export interface NodePlacement {
  readonly siteId: SiteId | undefined;
  readonly source: PlacementSource;
  /** Set when the node carries the site label but its value is not a site-id (then the ranges decide). */
  readonly problem: string | undefined;
}

/** Places one node from its labels and InternalIP addresses. */
export type SitePlacer = (labels: Readonly<Record<string, string>>, internalIps: readonly string[]) => NodePlacement;

interface CompiledRange {
  readonly siteId: SiteId;
  readonly family: 'ipv4' | 'ipv6';
  readonly prefixLength: number;
  readonly list: BlockList;
}

const UNPLACED: NodePlacement = Object.freeze({ siteId: undefined, source: 'none', problem: undefined });

/**
 * The site of a node, decided in this order:
 *  1. The site label, when it holds a valid site-id (1–4294967295, decimal). The label wins over the
 *     ranges because it is the per-node statement of an administrator; ranges are a cluster-wide default.
 *  2. Otherwise the CIDR ranges: among the ranges containing any of the node's InternalIPs, the longest
 *     prefix wins, ties going to the range listed first.
 *  3. Otherwise no site: the node's traffic is observed but attributed to no SD-WAN site.
 * A label that is present but invalid is reported as a problem and ignored (the ranges still apply),
 * rather than guessed at: `site-100` is not read as 100.
 * Ranges are validated configuration; a range that does not parse is a programming error and throws.
 */
export function createSitePlacer(mapping: SiteMapping): SitePlacer {
  const ranges = mapping.siteRanges
    .map((range, index) => ({ ...compileRange(range), index }))
    .sort((a, b) => b.prefixLength - a.prefixLength || a.index - b.index);
  return (labels, internalIps) => {
    const labelValue = labels[mapping.siteLabel];
    const fromLabel = labelValue === undefined ? undefined : parseSiteId(labelValue);
    if (fromLabel !== undefined) return { siteId: fromLabel, source: 'label', problem: undefined };
    const problem = labelValue === undefined ? undefined : `node label ${mapping.siteLabel}="${labelValue}" is not a site-id (an integer from 1 to 4294967295)`;
    for (const range of ranges) {
      for (const address of internalIps) {
        if (familyOf(address) === range.family && range.list.check(address, range.family)) return { siteId: range.siteId, source: 'cidr', problem };
      }
    }
    return problem === undefined ? UNPLACED : { ...UNPLACED, problem };
  };
}

function compileRange(range: SiteRange): CompiledRange {
  const parsed = parseCidr(range.cidr);
  if (!parsed.ok) throw new TypeError(`invalid site range ${range.cidr}: ${parsed.message}`);
  const family = parsed.cidr.family === 4 ? 'ipv4' : 'ipv6';
  const list = new BlockList();
  list.addSubnet(parsed.cidr.network, parsed.cidr.prefixLength, family);
  return { siteId: range.siteId, family, prefixLength: parsed.cidr.prefixLength, list };
}

function familyOf(address: string): 'ipv4' | 'ipv6' | undefined {
  const family = isIP(address);
  if (family === 4) return 'ipv4';
  if (family === 6) return 'ipv6';
  return undefined;
}

/** Decimal digits only: Kubernetes label values cannot carry signs or spaces, and `1e3` is not a site. */
export function parseSiteId(text: string): SiteId | undefined {
  if (!/^\d{1,10}$/.test(text)) return undefined;
  const value = Number(text);
  return isValidSiteId(value) ? value : undefined;
}
