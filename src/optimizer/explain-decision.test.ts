import { describe, expect, it } from 'vitest';
import { decide } from './decide.ts';
import { explainDecision } from './explain-decision.ts';
import { autoIntent, evaluation, input, MINUTE, PARAMS, pinnedIntent, state, T0 } from './testdata/optimizer-fixture.ts';

const AUTO = autoIntent(['mpls', 'biz-internet', 'lte']);

function explain(...args: Parameters<typeof decide>): string {
  const record = decide(...args).record;
  if (record === undefined) throw new Error('no record');
  return explainDecision(record);
}

describe('explainDecision', () => {
  it('says why this color, what the others measured, and what would make it move', () => {
    const text = explain(input(AUTO, state('biz-internet', { since: T0 - 30 * MINUTE, healthySince: { mpls: T0 - 4 * MINUTE } })), evaluation({ mpls: 0.2, 'biz-internet': 0.3, lte: 'unknown' }), T0, PARAMS);
    expect(text).toBe(
      [
        'shop/checkout is on biz-internet (auto): stays on biz-internet, which meets the SLO.',
        'SLO: latency ≤ 50 ms, jitter ≤ 10 ms, loss ≤ 1%; judged on the p95 of tunnel samples over 5m, on the 1 site pair its traffic crossed.',
        'When no candidate meets it: best-effort (the least-violating color); a move needs 3 consecutive failing evaluations, a return 10% headroom for 10m.',
        'Candidates, most preferred first:',
        '    mpls: meets, latency 40 ms, jitter 1 ms, loss 0%; margin +20% (latency), with the return margin since 2025-12-31T23:56:00.000Z',
        '  * biz-internet: meets, latency 35 ms, jitter 1 ms, loss 0%; margin +30% (latency), with the return margin since 2026-01-01T00:00:00.000Z',
        '    lte: unknown, telemetry stale or missing; never taken as healthy',
        'What would make it move:',
        '  - 3 more consecutive failing evaluations of biz-internet would move it to mpls, the most preferred compliant candidate now',
        '  - mpls (more preferred) meets the SLO with 10% headroom on every bound; 6m more of that would bring it back',
        '',
      ].join('\n'),
    );
  });

  it('explains fallback, deferral and pins', () => {
    const fallback = explain(input(AUTO, state('mpls', { failures: 2 })), evaluation({ mpls: -0.3, 'biz-internet': -0.1 }), T0, PARAMS);
    expect(fallback).toContain('(fallback): no candidate meets the SLO; moved from mpls to biz-internet, the least-violating color (fallback best-effort).');
    expect(fallback).toContain('mpls (previous): violates, latency 65 ms');
    expect(fallback).toContain('any candidate meeting the SLO');
    const deferred = explain(input(AUTO, state('mpls', { failures: 2 })), evaluation({ mpls: -0.3, lte: 0.2 }), T0, PARAMS, { deferMoves: true });
    expect(deferred).toContain('a move to lte is deferred');
    expect(deferred).toContain('the next round with move budget left: it moves to lte then');
    const pinned = explain(input(pinnedIntent('lte')), evaluation({ lte: 0.5 }), T0, PARAMS);
    expect(pinned).toContain('is on lte (pinned): pinned to lte by isthmus.io/tunnel.');
    expect(pinned).toContain('SLO: no bound declared (measured only)');
    expect(pinned).toContain('Measured:');
    expect(pinned).toContain('nothing but a change of its pin annotation');
  });
});
