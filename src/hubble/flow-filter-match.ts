import type { Flow, FlowEndpoint } from '../domain/flow.ts';
import type { FlowFilter } from './get-flows-request.ts';
import { HUBBLE_ERROR_CODES, HubbleError } from './hubble-error.ts';
import { labelsMatch, parseLabelSelector } from './label-selector.ts';

/**
 * A flow as the matcher reads it: the domain Flow, plus the HTTP fields of an L7 record when the caller
 * has them (the emulator's records do; flows decoded on the bridge's hot path do not, and HTTP filters
 * then match nothing).
 */
export interface MatchableFlow extends Flow {
  readonly http?: { readonly code: number; readonly method: string; readonly url: string } | undefined;
}

export type FlowPredicate = (flow: MatchableFlow) => boolean;

type FieldTest = (flow: MatchableFlow) => boolean;

/** The FlowFilter fields this matcher implements; any other populated field is refused, not ignored. */
export const MATCHED_FILTER_FIELDS = [
  'uuid',
  'source_ip',
  'destination_ip',
  'source_pod',
  'destination_pod',
  'source_service',
  'destination_service',
  'source_label',
  'destination_label',
  'source_identity',
  'destination_identity',
  'traffic_direction',
  'verdict',
  'drop_reason_desc',
  'http_status_code',
  'http_method',
  'http_path',
  'http_url',
  'protocol',
  'source_port',
  'destination_port',
  'reply',
  'node_name',
  'ip_version',
] as const;

const MATCHED = new Set<string>(MATCHED_FILTER_FIELDS);

/**
 * Hubble's allow/deny semantics as one predicate: a flow passes when it matches at least one allow filter
 * (or there are none) and no deny filter. Within a filter every populated field must match; within a
 * field one value is enough. Throws a HubbleError (`rejected`) naming a field it does not implement or a
 * value it cannot read, so that a filter is never silently dropped.
 */
export function compileFlowFilters(whitelist: readonly FlowFilter[] = [], blacklist: readonly FlowFilter[] = []): FlowPredicate {
  const allow = whitelist.map(compileFilter);
  const deny = blacklist.map(compileFilter);
  if (allow.length === 0 && deny.length === 0) return () => true;
  return (flow) => (allow.length === 0 || allow.some((test) => test(flow))) && !deny.some((test) => test(flow));
}

/** Populated fields of a filter that this matcher does not implement. */
export function unmatchedFilterFields(filter: FlowFilter): string[] {
  return Object.entries(filter)
    .filter(([key, value]) => !MATCHED.has(key) && isPopulated(value))
    .map(([key]) => key);
}

function compileFilter(filter: FlowFilter): FieldTest {
  const unsupported = unmatchedFilterFields(filter);
  if (unsupported.length > 0) throw rejected(`flow filter field${unsupported.length === 1 ? '' : 's'} ${unsupported.join(', ')} not supported here`);
  const tests: FieldTest[] = [];
  const add = <T>(values: readonly T[] | undefined, make: (values: readonly T[]) => FieldTest): void => {
    if (values !== undefined && values.length > 0) tests.push(make(values));
  };
  add(filter.uuid, (uuids) => {
    const set = new Set(uuids);
    return (flow) => set.has(flow.uuid);
  });
  add(filter.source_ip, (ips) => ipTest(ips, (flow) => flow.source.ip));
  add(filter.destination_ip, (ips) => ipTest(ips, (flow) => flow.destination.ip));
  add(filter.source_pod, (names) => namespacedTest(names, (flow) => flow.source, 'pod'));
  add(filter.destination_pod, (names) => namespacedTest(names, (flow) => flow.destination, 'pod'));
  add(filter.source_service, (names) => namespacedTest(names, (flow) => flow.source, 'service'));
  add(filter.destination_service, (names) => namespacedTest(names, (flow) => flow.destination, 'service'));
  add(filter.source_label, (selectors) => labelTest(selectors, (flow) => flow.source.labels));
  add(filter.destination_label, (selectors) => labelTest(selectors, (flow) => flow.destination.labels));
  add(filter.source_identity, (ids) => (flow) => ids.includes(flow.source.identity));
  add(filter.destination_identity, (ids) => (flow) => ids.includes(flow.destination.identity));
  add(filter.traffic_direction, (directions) => (flow) => directions.includes(flow.trafficDirection));
  add(filter.verdict, (verdicts) => (flow) => verdicts.includes(flow.verdict));
  add(filter.drop_reason_desc, (reasons) => (flow) => reasons.includes(flow.dropReason));
  add(filter.http_status_code, statusTest);
  add(filter.http_method, (methods) => {
    const upper = methods.map((method) => method.toUpperCase());
    return (flow) => flow.http !== undefined && upper.includes(flow.http.method.toUpperCase());
  });
  add(filter.http_path, (patterns) => {
    const regexes = patterns.map(regex);
    return (flow) => flow.http !== undefined && regexes.some((pattern) => pattern.test(urlPath(flow.http?.url ?? '')));
  });
  add(filter.http_url, (patterns) => {
    const regexes = patterns.map(regex);
    return (flow) => flow.http !== undefined && regexes.some((pattern) => pattern.test(flow.http?.url ?? ''));
  });
  add(filter.protocol, protocolTest);
  add(filter.source_port, (ports) => portTest(ports, (flow) => flow.source.port));
  add(filter.destination_port, (ports) => portTest(ports, (flow) => flow.destination.port));
  // Hubble reads an unknown is_reply as false here.
  add(filter.reply, (replies) => (flow) => replies.includes(flow.isReply ?? false));
  add(filter.node_name, nodeNameTest);
  add(filter.ip_version, (versions) => (flow) => versions.includes(ipVersion(flow.source.ip || flow.destination.ip)));
  return (flow) => tests.every((test) => test(flow));
}

function isPopulated(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value !== null && typeof value === 'object') return Object.values(value).some(isPopulated);
  return value !== undefined && value !== null && value !== '' && value !== false && value !== 0;
}

/** Exact addresses, and IPv4 CIDRs. */
function ipTest(values: readonly string[], read: (flow: MatchableFlow) => string): FieldTest {
  const exact = new Set<string>();
  const ranges: { base: number; mask: number }[] = [];
  for (const value of values) {
    const slash = value.indexOf('/');
    if (slash < 0) {
      exact.add(value);
      continue;
    }
    const base = ipv4(value.slice(0, slash));
    const bits = Number(value.slice(slash + 1));
    if (base === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) throw rejected(`"${value}" is not an IP address or IPv4 CIDR`);
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    ranges.push({ base: (base & mask) >>> 0, mask });
  }
  return (flow) => {
    const ip = read(flow);
    if (exact.has(ip)) return true;
    if (ranges.length === 0) return false;
    const address = ipv4(ip);
    return address !== undefined && ranges.some((range) => ((address & range.mask) >>> 0) === range.base);
  };
}

function ipv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    value = value * 256 + Number(part);
  }
  return value;
}

/**
 * `name-prefix`, `namespace/name-prefix`, `namespace/` (namespace only) or `/name-prefix` (any
 * namespace), over pods or Services. A bare prefix, like `/prefix`, matches any namespace.
 */
function namespacedTest(values: readonly string[], side: (flow: MatchableFlow) => FlowEndpoint, of: 'pod' | 'service'): FieldTest {
  const parsed = values.map((value) => {
    const slash = value.indexOf('/');
    return slash < 0 ? { namespace: '', prefix: value } : { namespace: value.slice(0, slash), prefix: value.slice(slash + 1) };
  });
  return (flow) => {
    const endpoint = side(flow);
    const namespace = of === 'pod' ? endpoint.namespace : endpoint.serviceNamespace;
    const name = of === 'pod' ? endpoint.podName : endpoint.serviceName;
    return parsed.some((entry) => (entry.namespace === '' || entry.namespace === namespace) && (entry.prefix === '' ? entry.namespace !== '' : name.startsWith(entry.prefix)));
  };
}

function labelTest(selectors: readonly string[], read: (flow: MatchableFlow) => readonly string[]): FieldTest {
  const parsed = selectors.map((selector) => {
    const requirements = parseLabelSelector(selector);
    if (requirements === undefined) throw rejected(`"${selector}" is not a label selector`);
    return requirements;
  });
  return (flow) => parsed.some((requirements) => labelsMatch(requirements, read(flow)));
}

/** `404` exactly, or `4+` / `40+`: every code with that prefix. */
function statusTest(values: readonly string[]): FieldTest {
  const parsed = values.map((value) => {
    const match = /^([1-5]\d{0,2})(\+?)$/.exec(value);
    if (match === null || (match[2] === '' && (match[1] ?? '').length !== 3)) throw rejected(`"${value}" is not an HTTP status code filter (404, 4+, 40+)`);
    return { digits: match[1] ?? '', prefix: match[2] === '+' };
  });
  return (flow) => {
    const code = flow.http?.code ?? 0;
    if (code === 0) return false;
    const text = String(code);
    return parsed.some((entry) => (entry.prefix ? text.startsWith(entry.digits) : text === entry.digits));
  };
}

function protocolTest(values: readonly string[]): FieldTest {
  const wanted = values.map((value) => value.toLowerCase());
  for (const value of wanted) {
    if (!['tcp', 'udp', 'sctp', 'icmp', 'icmpv4', 'icmpv6', 'http', 'dns', 'kafka'].includes(value)) throw rejected(`"${value}" is not a protocol Hubble filters on`);
  }
  return (flow) => {
    const l4 = flow.protocol.toLowerCase();
    return wanted.some((value) => {
      if (value === 'http') return flow.http !== undefined;
      if (value === 'icmp') return l4 === 'icmpv4' || l4 === 'icmpv6';
      return value === l4;
    });
  };
}

function portTest(values: readonly string[], read: (flow: MatchableFlow) => number): FieldTest {
  const ports = values.map((value) => {
    if (!/^\d{1,5}$/.test(value) || Number(value) > 65_535) throw rejected(`"${value}" is not a port number`);
    return Number(value);
  });
  return (flow) => {
    // Only L4 ports: ICMP has none.
    if (flow.protocol !== 'TCP' && flow.protocol !== 'UDP' && flow.protocol !== 'SCTP') return false;
    return ports.includes(read(flow));
  };
}

/**
 * `worker-*`, `cluster/`, `cluster/*.example.com`: a node name written `cluster/node` (the cluster part
 * absent for the `default` cluster). `*` stands for any characters but a dot, as in DNS patterns.
 */
function nodeNameTest(patterns: readonly string[]): FieldTest {
  const parsed = patterns.map((pattern) => {
    const slash = pattern.indexOf('/');
    const cluster = slash < 0 ? undefined : pattern.slice(0, slash);
    const node = slash < 0 ? pattern : pattern.slice(slash + 1);
    return { cluster: cluster === undefined ? undefined : glob(cluster), node: node === '' ? undefined : glob(node) };
  });
  return (flow) => {
    const slash = flow.nodeName.indexOf('/');
    const cluster = slash < 0 ? 'default' : flow.nodeName.slice(0, slash);
    const node = flow.nodeName.slice(slash + 1);
    return parsed.some((entry) => (entry.cluster === undefined || entry.cluster.test(cluster)) && (entry.node === undefined || entry.node.test(node)));
  };
}

function glob(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '[^.]*');
  return new RegExp(`^${escaped}$`);
}

function regex(pattern: string): RegExp {
  try {
    return new RegExp(pattern);
  } catch {
    throw rejected(`"${pattern}" is not a regular expression`);
  }
}

function urlPath(url: string): string {
  const match = /^[a-z]+:\/\/[^/]*(\/[^?#]*)?/i.exec(url);
  return match === null ? url : (match[1] ?? '/');
}

function ipVersion(ip: string): 'IP_NOT_USED' | 'IPv4' | 'IPv6' {
  if (ip === '') return 'IP_NOT_USED';
  return ip.includes(':') ? 'IPv6' : 'IPv4';
}

function rejected(message: string): HubbleError {
  return new HubbleError(HUBBLE_ERROR_CODES.rejected, message);
}
