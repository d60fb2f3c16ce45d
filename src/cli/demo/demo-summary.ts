import type { Color } from '../../domain/color.ts';
import type { SloBounds } from '../../domain/slo.ts';
import type { TunnelReading, TunnelSourceHealth } from '../../domain/tunnel-stats-source.ts';
import { formatMilliseconds, formatPercent, formatTunnelTable } from '../format-tunnel-table.ts';
import type { ColorCompliance } from './path-compliance.ts';

export interface DemoIncident {
  readonly name: string;
  readonly kind: string;
  readonly target: string;
  readonly untilMs: number;
}

export interface DemoService {
  readonly key: string;
  readonly bounds: SloBounds | undefined;
  /** Set for pinned Services: the color they stay on whatever happens. */
  readonly pinnedTo: Color | undefined;
  /** Candidates in order of preference, each with how it does right now. */
  readonly colors: readonly ColorCompliance[];
}

/** Everything one refresh of the demo shows; built by the demo loop, rendered by `formatDemoSummary`. */
export interface DemoSnapshot {
  readonly scenario: string;
  readonly simulatedMs: number;
  readonly speed: number;
  readonly vmanageUrl: string;
  readonly health: TunnelSourceHealth;
  readonly polls: number;
  readonly pollFailures: number;
  readonly incidents: readonly DemoIncident[];
  /** Worst first, already cut to what fits. */
  readonly tunnels: readonly TunnelReading[];
  readonly tunnelCount: number;
  readonly services: readonly DemoService[];
}

/** The demo's screen as text: header, incidents, worst tunnels, and each SLO Service's colors. */
export function formatDemoSummary(snapshot: DemoSnapshot): string {
  const lines: string[] = [];
  lines.push(`Isthmus demo · scenario ${snapshot.scenario} · ${formatSimTime(snapshot.simulatedMs)} simulated (${snapshot.speed}× real time)`);
  lines.push(`vManage emulator ${snapshot.vmanageUrl} · collector ${describeHealth(snapshot)}`);
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
  lines.push('Services with an SLO (✓ meets it now, ✗ violates it, ? no current data):');
  if (snapshot.services.length === 0) lines.push('  (none in this scenario)');
  const width = Math.max(0, ...snapshot.services.map((service) => service.key.length));
  for (const service of snapshot.services) {
    const head = `  ${service.key.padEnd(width)}  ${describeBounds(service.bounds, service.pinnedTo)}`;
    const colors = service.colors.map(describeColor).join('   ');
    lines.push(`${head}   ${colors}`);
  }
  return `${lines.join('\n')}\n`;
}

function describeHealth(snapshot: DemoSnapshot): string {
  const { health } = snapshot;
  const failures = snapshot.pollFailures === 0 ? '' : `, ${snapshot.pollFailures} failed`;
  const status = health.status === 'stale' && health.lastError ? `stale: ${health.lastError.code}` : health.status;
  return `${status} · ${snapshot.polls} poll${snapshot.polls === 1 ? '' : 's'}${failures}`;
}

function describeBounds(bounds: SloBounds | undefined, pinnedTo: Color | undefined): string {
  const parts: string[] = [];
  if (pinnedTo !== undefined) parts.push(`pinned to ${pinnedTo}`);
  if (bounds?.maxLatencySeconds !== undefined) parts.push(`latency ≤ ${formatMilliseconds(bounds.maxLatencySeconds)}`);
  if (bounds?.maxJitterSeconds !== undefined) parts.push(`jitter ≤ ${formatMilliseconds(bounds.maxJitterSeconds)}`);
  if (bounds?.maxLossRatio !== undefined) parts.push(`loss ≤ ${formatPercent(bounds.maxLossRatio)}`);
  return parts.join(', ');
}

function describeColor(compliance: ColorCompliance): string {
  const mark = compliance.compliant === undefined ? '?' : compliance.compliant ? '✓' : '✗';
  const worst = compliance.worst;
  const values = worst ? ` (${formatMilliseconds(worst.latencySeconds)}, ${formatMilliseconds(worst.jitterSeconds)}, ${formatPercent(worst.lossRatio)})` : '';
  return `${mark} ${compliance.color}${values}`;
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
