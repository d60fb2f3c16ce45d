import { isColor } from '../../src/domain/color.ts';
import type { Color } from '../../src/domain/color.ts';
import { ipv4ToNumber, parseIpv4Cidr } from '../world/ipv4.ts';
import type { ActivePolicySnapshot } from './policy-tasks.ts';

/** One steering rule of an active policy, reduced to what the simulated fabric can act on. */
export interface CompiledRule {
  /** Destination prefixes (the Service side of a request); a rule without one matches no Service. */
  readonly ipv4: readonly { readonly first: number; readonly size: number }[];
  readonly ipv6: ReadonlySet<string>;
  readonly port: number | undefined;
  /** IANA protocol number. */
  readonly protocol: number | undefined;
  readonly preferred: readonly Color[];
  readonly backup: readonly Color[];
  /** A data-policy pin (local TLOC list): the color regardless of quality. */
  readonly strict: boolean;
  /** Sites the rule is applied at (inclusive ranges); the client's site decides, as its edge forwards. */
  readonly sites: readonly (readonly [number, number])[];
}

export interface CompiledPolicy {
  /** Pins first (data policy is applied before app-route), then app-route sequences in id order. */
  readonly rules: readonly CompiledRule[];
}

type Body = Readonly<Record<string, unknown>>;

/**
 * The active policy as rules over destination prefix, port and protocol. Only the request direction
 * is compiled (destination lists and ports): the simulator routes a connection by the client-to-Service
 * path, and the reply-direction sequences a policy also carries describe the same path backwards.
 */
export function compileActivePolicy(snapshot: ActivePolicySnapshot): CompiledPolicy {
  const pins: CompiledRule[] = [];
  const routes: CompiledRule[] = [];
  const definition = record(snapshot.body.policyDefinition);
  for (const item of array(definition?.assembly)) {
    const assembly = record(item);
    const id = assembly?.definitionId;
    const target = typeof id === 'string' ? snapshot.objects.get(id) : undefined;
    if (assembly === undefined || target === undefined) continue;
    const sites = array(assembly.entries).flatMap((entry) => array(record(entry)?.siteLists)).flatMap((list) => siteRanges(snapshot, list));
    const sequences = array(target.body.sequences)
      .map(record)
      .filter((sequence): sequence is Body => sequence !== undefined)
      .sort((a, b) => Number(a.sequenceId) - Number(b.sequenceId));
    for (const sequence of sequences) {
      const rule = compileSequence(snapshot, sequence, sites, assembly.type === 'data');
      if (rule === undefined) continue;
      (rule.strict ? pins : routes).push(rule);
    }
  }
  return { rules: [...pins, ...routes] };
}

function compileSequence(snapshot: ActivePolicySnapshot, sequence: Body, sites: readonly (readonly [number, number])[], data: boolean): CompiledRule | undefined {
  const ipv4: { first: number; size: number }[] = [];
  const ipv6 = new Set<string>();
  let port: number | undefined;
  let protocol: number | undefined;
  for (const item of array(record(sequence.match)?.entries)) {
    const entry = record(item);
    if (entry === undefined) continue;
    if ((entry.field === 'destinationDataPrefixList' || entry.field === 'destinationDataIpv6PrefixList') && typeof entry.ref === 'string') {
      for (const prefix of listValues(snapshot, entry.ref, 'ipPrefix')) addPrefix(prefix, ipv4, ipv6);
    } else if (entry.field === 'destinationIp' && typeof entry.value === 'string') {
      for (const prefix of entry.value.split(/\s+/)) addPrefix(prefix, ipv4, ipv6);
    } else if (entry.field === 'destinationPort') {
      port = Number(entry.value);
    } else if (entry.field === 'protocol') {
      protocol = Number(entry.value);
    }
  }
  if (ipv4.length === 0 && ipv6.size === 0) return undefined;
  const base = { ipv4, ipv6, port, protocol, sites };
  if (data) {
    const color = pinColor(sequence);
    return color === undefined ? undefined : { ...base, preferred: [color], backup: [], strict: true };
  }
  const preferred: Color[] = [];
  const backup: Color[] = [];
  for (const item of array(sequence.actions)) {
    const action = record(item);
    if (action?.type === 'slaClass') {
      for (const parameter of array(action.parameter)) {
        const field = record(parameter);
        if (field?.field === 'preferredColor' && typeof field.value === 'string') preferred.push(...colors(field.value));
      }
    } else if (action?.type === 'backupSlaPreferredColor' && typeof action.parameter === 'string') {
      backup.push(...colors(action.parameter));
    }
  }
  return preferred.length === 0 && backup.length === 0 ? undefined : { ...base, preferred, backup, strict: false };
}

function pinColor(sequence: Body): Color | undefined {
  for (const item of array(sequence.actions)) {
    const action = record(item);
    if (action?.type !== 'set') continue;
    for (const parameter of array(action.parameter)) {
      const field = record(parameter);
      const value = record(field?.value);
      if (field?.field === 'localTlocList' && typeof value?.color === 'string') return colors(value.color)[0];
    }
  }
  return undefined;
}

function siteRanges(snapshot: ActivePolicySnapshot, listId: unknown): [number, number][] {
  if (typeof listId !== 'string') return [];
  return listValues(snapshot, listId, 'siteId').flatMap((text): [number, number][] => {
    const [low, high] = text.split('-').map(Number);
    if (low === undefined || !Number.isFinite(low)) return [];
    return [[low, high !== undefined && Number.isFinite(high) ? high : low]];
  });
}

function listValues(snapshot: ActivePolicySnapshot, listId: string, field: string): string[] {
  const list = snapshot.objects.get(listId);
  return array(list?.body.entries).flatMap((entry) => {
    const value = record(entry)?.[field];
    return typeof value === 'string' ? [value] : [];
  });
}

function addPrefix(prefix: string, ipv4: { first: number; size: number }[], ipv6: Set<string>): void {
  const v4 = parseIpv4Cidr(prefix.includes('/') ? prefix : `${prefix}/32`);
  if (v4 !== undefined) ipv4.push({ first: v4.first, size: v4.size });
  else if (prefix.includes(':')) ipv6.add(prefix.replace(/\/128$/, '').toLowerCase());
}

function colors(text: string): Color[] {
  return text.split(/\s+/).filter(isColor);
}

/** True when the address falls in one of the rule's prefixes. */
export function ruleMatchesAddress(rule: CompiledRule, ip: string): boolean {
  const value = ipv4ToNumber(ip);
  if (value === undefined) return rule.ipv6.has(ip.toLowerCase());
  return rule.ipv4.some((block) => value >= block.first && value < block.first + block.size);
}

function record(value: unknown): Body | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Body) : undefined;
}

function array(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}
