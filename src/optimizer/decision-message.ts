import type { AssignmentMode } from '../domain/assignment.ts';
import type { Color } from '../domain/color.ts';
import type { DecisionReason } from '../domain/decision.ts';
import type { FallbackMode } from '../domain/slo.ts';

export interface MessageFacts {
  readonly reason: DecisionReason;
  readonly mode: AssignmentMode;
  readonly from: Color | undefined;
  readonly to: Color;
  readonly fallback: FallbackMode | undefined;
  readonly failures: number;
  readonly failuresBeforeMove: number;
  /** With `move-deferred`: where the Service wanted to go. */
  readonly deferredTo: Color | undefined;
}

/** The one-line message of a decision (Events, logs): the rule that decided, in words. */
export function decisionMessage(facts: MessageFacts): string {
  const { from, to } = facts;
  const moved = from !== undefined && from !== to;
  const fallbackNote = facts.mode === 'fallback' && facts.reason !== 'no-compliant-candidate' ? '; no candidate meets the SLO' : '';
  switch (facts.reason) {
    case 'pinned':
      return `pinned to ${to}`;
    case 'initial':
      return `assigned ${to}, the most preferred candidate that meets the SLO`;
    case 'compliant':
      return moved ? `moved from ${from} to ${to}, which meets the SLO` : `stays on ${to}, which meets the SLO`;
    case 'violation-pending':
      return `stays on ${to}, which violates the SLO: ${facts.failures} of ${facts.failuresBeforeMove} consecutive failing evaluations before a move`;
    case 'slo-violated':
      return `moved from ${from ?? 'no color'} to ${to}: ${from ?? 'the previous color'} violates the SLO`;
    case 'preferred-recovered':
      return `returned from ${from ?? 'no color'} to ${to}: the more preferred ${to} has met the SLO with margin for the hold time`;
    case 'no-compliant-candidate':
      if (facts.fallback === 'hold' && !moved) return `no candidate meets the SLO; held on ${to} (fallback hold)`;
      return `no candidate meets the SLO; ${moved ? `moved from ${from} to` : 'on'} ${to}, the least-violating color (fallback best-effort)`;
    case 'telemetry-unknown':
      return `${moved ? `moved from ${from} to` : 'on'} ${to}: the telemetry that would decide is stale or missing${fallbackNote}`;
    case 'no-wan-path':
      return `${moved ? `moved from ${from} to` : 'on'} ${to}: its traffic crosses no site pair, so there is no tunnel to judge`;
    case 'tenancy-clipped':
      return `moved from ${from ?? 'no color'} to ${to}: ${from ?? 'the previous color'} is not allowed for the namespace${fallbackNote}`;
    case 'candidates-changed':
      return `moved from ${from ?? 'no color'} to ${to}: ${from ?? 'the previous color'} is no longer a candidate${fallbackNote}`;
    case 'move-deferred':
      return `stays on ${to}: a move to ${facts.deferredTo ?? 'another color'} is deferred, the round's move budget went to worse violations`;
  }
}
