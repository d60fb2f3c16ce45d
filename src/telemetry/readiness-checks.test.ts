import { describe, expect, it } from 'vitest';
import type { TunnelSourceHealth } from '../domain/tunnel-stats-source.ts';
import { hubbleConnectedCheck, leadershipCheck, tunnelSourceFreshCheck } from './readiness-checks.ts';

const clock = { now: () => 1_000_000 };

function health(overrides: Partial<TunnelSourceHealth>): { health(): TunnelSourceHealth } {
  const base: TunnelSourceHealth = { status: 'ok', lastSuccessAt: 990_000, lastAttemptAt: 990_000, lastError: undefined, consecutiveFailures: 0, gapMs: 0 };
  return { health: () => ({ ...base, ...overrides }) };
}

describe('readiness checks', () => {
  it('follow the Hubble connection', () => {
    let connected = false;
    const check = hubbleConnectedCheck({ hubbleConnected: () => connected });
    expect(check()).toEqual({ ready: false, detail: 'flow stream not connected' });
    connected = true;
    expect(check()).toMatchObject({ ready: true });
  });

  it('want a recent successful vManage poll', () => {
    expect(tunnelSourceFreshCheck(health({}), clock, 60_000)()).toEqual({ ready: true, detail: 'last successful vManage poll 10 s ago' });
    expect(tunnelSourceFreshCheck(health({ lastSuccessAt: 900_000 }), clock, 60_000)()).toMatchObject({ ready: false });
    expect(tunnelSourceFreshCheck(health({ status: 'starting', lastSuccessAt: undefined }), clock, 60_000)()).toMatchObject({ ready: false });
    expect(
      tunnelSourceFreshCheck(health({ status: 'stale', consecutiveFailures: 2, lastError: { code: 'ISTHMUS_E_VMANAGE_UNAVAILABLE', message: 'down', at: 0 } }), clock, 60_000)(),
    ).toEqual({ ready: false, detail: 'vManage data stale after 2 failed poll(s): ISTHMUS_E_VMANAGE_UNAVAILABLE down' });
  });

  it('can require leadership', () => {
    expect(leadershipCheck(() => false)()).toEqual({ ready: false, detail: 'not the leader' });
  });
});
