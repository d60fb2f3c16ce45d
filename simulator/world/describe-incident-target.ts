import type { IncidentTarget } from './scenario.ts';

/** `tunnel 10.0.0.1:mpls-10.0.0.2:mpls`, `sites 100-200 color lte`, `everything`: for logs and the demo. */
export function describeIncidentTarget(target: IncidentTarget): string {
  const parts: string[] = [];
  if (target.tunnel !== undefined) {
    parts.push(`tunnel ${target.tunnel.local.systemIp}:${target.tunnel.local.color}-${target.tunnel.remote.systemIp}:${target.tunnel.remote.color}`);
  }
  if (target.siteId !== undefined) parts.push(target.peerSiteId === undefined ? `site ${target.siteId}` : `sites ${target.siteId}-${target.peerSiteId}`);
  if (target.color !== undefined) parts.push(`color ${target.color}`);
  return parts.length === 0 ? 'everything' : parts.join(' ');
}
