import type { PathMeasure } from '../../correlate/path-on-color.ts';
import type { PathVerdict } from '../../correlate/service-path.ts';
import type { AssignmentMode } from '../../domain/assignment.ts';
import type { Color } from '../../domain/color.ts';
import type { SloBounds } from '../../domain/slo.ts';
import type { TunnelReading, TunnelSourceHealth } from '../../domain/tunnel-stats-source.ts';
import type { BridgeEvent } from '../../controller/recent-events.ts';
import { formatMilliseconds, formatPercent, formatTunnelTable } from '../format-tunnel-table.ts';

export interface DemoIncident {
  readonly name: string;
  readonly kind: string;
  readonly target: string;
  readonly untilMs: number;
}

/** One Service as the bridge sees it: SLO, color, SLI and traffic. */
export interface DemoService {
  readonly key: string;
  readonly intent: 'auto' | 'pinned' | 'unmanaged';
  readonly bounds: SloBounds | undefined;
  /** The color its traffic takes (assignment, else the fabric default). */
  readonly color: Color | undefined;
  /** Undefined: no assignment, the fabric default applies. */
  readonly mode: AssignmentMode | undefined;
  readonly compliant: 0 | 1 | undefined;
  readonly verdict: PathVerdict | undefined;
  readonly worst: PathMeasure | undefined;
  readonly flowsPerSecond: number;
}

export interface DemoHubble {
  readonly address: string;
  readonly connected: boolean;
  readonly flows: number;
  readonly lostEvents: number;
}

/** Everything one refresh of the demo shows; built by the demo loop, rendered by `formatDemoSummary`. */
export interface DemoSnapshot {
  readonly scenario: string;
  readonly simulatedMs: number;
  readonly speed: number;
  /** Where /metrics and /api/v1 are served. */
  readonly serverUrl: string;
  readonly vmanageUrl: string;
  readonly health: TunnelSourceHealth;
  readonly polls: number;
  readonly pollFailures: number;
  readonly hubble: DemoHubble;
  readonly incidents: readonly DemoIncident[];
  /** Worst first, already cut to what fits. */
  readonly tunnels: readonly TunnelReading[];
  readonly tunnelCount: number;
  readonly services: readonly DemoService[];
  /** The newest last, already cut to what fits. */
  readonly events: readonly BridgeEvent[];
}

/** The demo's screen as text: header, incidents, worst tunnels, Services, recent events. */
export function formatDemoSummary(snapshot: DemoSnapshot): string {
  const lines: string[] = [];
  lines.push(`Isthmus demo · scenario ${snapshot.scenario} · ${formatSimTime(snapshot.simulatedMs)} simulated (${snapshot.speed}× real time)`);
  lines.push(`metrics ${snapshot.serverUrl}/metrics · API ${snapshot.serverUrl}/api/v1/services`);
  lines.push(`vManage emulator ${snapshot.vmanageUrl} · collector ${describeHealth(snapshot)}`);
  lines.push(`Hubble emulator ${snapshot.hubble.address} · ${describeHubble(snapshot.hubble)}`);
  lines.push('');
  lines.push(snapshot.incidents.length === 0 ? 'Incidents: none under way' : 'Incidents under way:');
  for (const incident of snapshot.incidents) {
    lines.push(`  ${incident.name}  ${incident.kind} on ${incident.target}, until ${formatClock(incident.untilMs)}`);
  }
  lines.push('');
  const shown = snapshot.tunnels.length < snapshot.tunnelCount ? `, ${snapshot.tunnels.length} worst of ${snapshot.tunnelCount}` : '';
  lines.push(`Tunnels as Isthmus read them from vManage${shown}:`);
  if (snapshot.tunnels.length === 0) lines.push('  (none yet: waiting for the first poll)');
  else lines.push(...indent(formatTunnelTable(snapshot.tunnels, snapshot.simulatedMs)));
  lines.push('');
  lines.push('Services (✓ path meets the SLO now, ✗ violates it, ? no current data, - no SLO or no WAN path):');
  if (snapshot.services.length === 0) lines.push('  (none yet: waiting for the Kubernetes API)');
  else lines.push(...indent(formatServiceTable(snapshot.services)));
  lines.push('');
  lines.push(snapshot.events.length === 0 ? 'Recent events: none yet' : 'Recent events:');
  for (const event of snapshot.events) lines.push(`  ${formatClock(event.time)}  ${event.message}`);
  return `${lines.join('\n')}\n`;
}

/** Columns SERVICE, SLO, COLOR, SLI, PATH (latency, jitter, loss), FLOWS/S; padded to the widest cell. */
export function formatServiceTable(services: readonly DemoService[]): string {
  const rows = services.map((service) => [
    service.key,
    describeBounds(service.bounds),
    describeColor(service),
    describeSli(service),
    service.worst === undefined ? '-' : `${formatMilliseconds(service.worst.latencySeconds)}, ${formatMilliseconds(service.worst.jitterSeconds)}, ${formatPercent(service.worst.lossRatio)}`,
    service.flowsPerSecond.toFixed(1),
  ]);
  const header = ['SERVICE', 'SLO', 'COLOR', 'SLI', 'PATH (LATENCY, JITTER, LOSS)', 'FLOWS/S'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return `${[header, ...rows].map(line).join('\n')}\n`;
}

function describeHealth(snapshot: DemoSnapshot): string {
  const { health } = snapshot;
  const failures = snapshot.pollFailures === 0 ? '' : `, ${snapshot.pollFailures} failed`;
  const status = health.status === 'stale' && health.lastError ? `stale: ${health.lastError.code}` : health.status;
  return `${status} · ${snapshot.polls} poll${snapshot.polls === 1 ? '' : 's'}${failures}`;
}

function describeHubble(hubble: DemoHubble): string {
  const lost = hubble.lostEvents === 0 ? '' : `, ${hubble.lostEvents} lost`;
  return `${hubble.connected ? 'connected' : 'not connected'} · ${hubble.flows} flows${lost}`;
}

function describeBounds(bounds: SloBounds | undefined): string {
  if (bounds === undefined) return '-';
  const parts: string[] = [];
  if (bounds.maxLatencySeconds !== undefined) parts.push(`≤ ${formatMilliseconds(bounds.maxLatencySeconds)}`);
  if (bounds.maxJitterSeconds !== undefined) parts.push(`jitter ≤ ${formatMilliseconds(bounds.maxJitterSeconds)}`);
  if (bounds.maxLossRatio !== undefined) parts.push(`loss ≤ ${formatPercent(bounds.maxLossRatio)}`);
  return parts.length === 0 ? '-' : parts.join(', ');
}

function describeColor(service: DemoService): string {
  if (service.color === undefined) return '-';
  return `${service.color} (${service.mode ?? 'default'})`;
}

function describeSli(service: DemoService): string {
  if (service.compliant === 1) return '✓';
  if (service.compliant === 0) return '✗';
  return service.verdict === 'unknown-telemetry' ? '?' : '-';
}

function indent(block: string): string[] {
  return block
    .trimEnd()
    .split('\n')
    .map((line) => `  ${line}`);
}

function formatSimTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

function formatClock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}
