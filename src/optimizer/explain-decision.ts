import type { CandidateEvaluation, DecisionRecord, MeasuredValues, MoveTrigger } from '../domain/decision.ts';
import type { SloBounds } from '../domain/slo.ts';

/**
 * A decision in words, for `isthmus explain`: why the Service is on its color, what every candidate
 * measured, and what would make it move. Pure; plain text, one statement per line.
 */
export function explainDecision(record: DecisionRecord): string {
  const { service, to, mode, inputs } = record;
  const lines: string[] = [`${service.namespace}/${service.name} is on ${to} (${mode}): ${record.message}.`];
  if (inputs !== undefined) {
    lines.push(`SLO: ${describeBounds(inputs.bounds)}; ${describeBasis(inputs.statistic, inputs.windowMs, inputs.pairSource, pairCount(record))}.`);
    if (inputs.fallback !== undefined) {
      lines.push(
        `When no candidate meets it: ${inputs.fallback === 'hold' ? 'hold (keep the current color)' : 'best-effort (the least-violating color)'}; ` +
          `a move needs ${inputs.failuresBeforeMove} consecutive failing evaluation${inputs.failuresBeforeMove === 1 ? '' : 's'}, ` +
          `a return ${percent(inputs.returnMargin)} headroom for ${duration(inputs.holdTimeMs)}.`,
      );
    }
  }
  lines.push(record.candidates.length === 1 ? 'Measured:' : 'Candidates, most preferred first:');
  for (const candidate of record.candidates) lines.push(`  ${candidate.color === to ? '*' : ' '} ${describeCandidate(candidate, record)}`);
  const triggers = record.wouldMove ?? [];
  if (triggers.length > 0) {
    lines.push('What would make it move:');
    for (const trigger of triggers) lines.push(`  - ${describeTrigger(trigger, record)}`);
  }
  return `${lines.join('\n')}\n`;
}

function describeBounds(bounds: SloBounds | undefined): string {
  const parts: string[] = [];
  if (bounds?.maxLatencySeconds !== undefined) parts.push(`latency ≤ ${seconds(bounds.maxLatencySeconds)}`);
  if (bounds?.maxJitterSeconds !== undefined) parts.push(`jitter ≤ ${seconds(bounds.maxJitterSeconds)}`);
  if (bounds?.maxLossRatio !== undefined) parts.push(`loss ≤ ${percent(bounds.maxLossRatio)}`);
  return parts.length === 0 ? 'no bound declared (measured only)' : parts.join(', ');
}

function describeBasis(statistic: string | undefined, windowMs: number | undefined, pairSource: string | undefined, pairs: number): string {
  const how = statistic === undefined || windowMs === undefined ? 'judged on tunnel telemetry' : `judged on the ${statistic} of tunnel samples over ${duration(windowMs)}`;
  if (pairSource === 'traffic') return `${how}, on the ${plural(pairs, 'site pair')} its traffic crossed`;
  if (pairSource === 'fallback') return `${how}, on the ${plural(pairs, 'site pair')} between its client and endpoint sites (no traffic seen yet)`;
  if (pairSource === 'none') return `${how}; its traffic crosses no site pair`;
  return how;
}

function pairCount(record: DecisionRecord): number {
  return record.inputs?.sitePairs?.length ?? Math.max(0, ...record.candidates.map((candidate) => candidate.pairs?.length ?? 0));
}

function describeCandidate(candidate: CandidateEvaluation, record: DecisionRecord): string {
  const name = candidate.color === record.from && record.from !== record.to ? `${candidate.color} (previous)` : candidate.color;
  const verdict = candidate.verdict ?? (candidate.compliant === undefined ? 'unknown-telemetry' : candidate.compliant ? 'meets' : 'violates');
  if (verdict === 'no-pairs') return `${name}: no site pair to judge`;
  if (verdict === 'unknown-telemetry' || candidate.measured === undefined || candidate.margin === undefined) {
    const gaps = (candidate.pairs ?? []).filter((pair) => pair.status === 'stale' || pair.status === 'missing').map((pair) => `${pair.from}→${pair.to} ${pair.status}`);
    return `${name}: unknown, telemetry stale or missing${gaps.length > 0 ? ` (${gaps.join(', ')})` : ''}; never taken as healthy`;
  }
  const limit = candidate.limitingBound === undefined ? '' : ` (${candidate.limitingBound})`;
  const worstPair = limitingPair(candidate);
  const where = worstPair === undefined || (candidate.pairs?.length ?? 0) < 2 ? '' : `, worst pair ${worstPair}`;
  const healthy = candidate.healthySince === undefined ? '' : `, with the return margin since ${new Date(candidate.healthySince).toISOString()}`;
  return `${name}: ${verdict === 'meets' ? 'meets' : 'violates'}, ${measured(candidate.measured)}; margin ${signedPercent(candidate.margin)}${limit}${where}${healthy}`;
}

function limitingPair(candidate: CandidateEvaluation): string | undefined {
  let worst: { readonly label: string; readonly margin: number } | undefined;
  for (const pair of candidate.pairs ?? []) {
    if (pair.margin === undefined) continue;
    if (worst === undefined || pair.margin < worst.margin) worst = { label: `${pair.from}→${pair.to}${pair.status === 'down' ? ' (down)' : ''}`, margin: pair.margin };
  }
  return worst?.label;
}

function describeTrigger(trigger: MoveTrigger, record: DecisionRecord): string {
  switch (trigger.kind) {
    case 'pin-changed':
      return 'nothing but a change of its pin annotation: a pinned Service is never optimised';
    case 'violations': {
      const where = trigger.to === undefined ? 'a fallback color, since no other candidate meets the SLO now' : `${trigger.to}, the most preferred compliant candidate now`;
      return `${plural(trigger.remaining, 'more consecutive failing evaluation')} of ${trigger.color} would move it to ${where}`;
    }
    case 'preferred-complies': {
      const headroom = `${percent(trigger.margin)} headroom on every bound`;
      if (trigger.remainingMs === undefined) return `${trigger.color} (more preferred) meeting the SLO with ${headroom} for ${duration(trigger.holdMs)} would bring it back; it does not now`;
      if (trigger.remainingMs === 0) return `${trigger.color} (more preferred) meets the SLO with ${headroom} and has for the hold time: it returns next round`;
      return `${trigger.color} (more preferred) meets the SLO with ${headroom}; ${duration(trigger.remainingMs)} more of that would bring it back`;
    }
    case 'candidate-complies':
      return 'any candidate meeting the SLO: the Service leaves fallback for the most preferred one at once';
    case 'less-violating':
      return `another candidate violating less, by more than ${percent(trigger.margin)} of the bounds`;
    case 'telemetry-known':
      return `telemetry of ${trigger.color} becoming known again, if it then violates the SLO (${record.inputs?.failuresBeforeMove ?? 'K'} evaluations in a row)`;
    case 'budget':
      return `the next round with move budget left: it moves to ${trigger.to} then, unless things change`;
  }
}

function measured(values: MeasuredValues): string {
  return `latency ${seconds(values.latencySeconds)}, jitter ${seconds(values.jitterSeconds)}, loss ${percent(values.lossRatio)}`;
}

/** Seconds as milliseconds with three significant digits: 38.2 ms, 120 ms, 1,500 ms. */
function seconds(value: number): string {
  const ms = value * 1000;
  return `${ms >= 100 ? Math.round(ms).toLocaleString('en-US') : Number(ms.toPrecision(3)).toString()} ms`;
}

function percent(ratio: number): string {
  return `${Number((ratio * 100).toPrecision(3)).toString()}%`;
}

function signedPercent(ratio: number): string {
  return ratio > 0 ? `+${percent(ratio)}` : percent(ratio);
}

/** 90000 → 1m30s; 600000 → 10m. */
function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  let rest = Math.round(ms / 1000);
  const parts: string[] = [];
  for (const [unit, size] of [
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0) parts.push(`${count}${unit}`);
  }
  return parts.join('');
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
