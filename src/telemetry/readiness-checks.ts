import type { Clock } from '../domain/clock.ts';
import type { TunnelSourceHealth } from '../domain/tunnel-stats-source.ts';
import type { ReadinessCheck } from './http-server.ts';
import type { TelemetryView } from './telemetry-view.ts';

/** Ready while the flow stream from Hubble is connected. */
export function hubbleConnectedCheck(view: Pick<TelemetryView, 'hubbleConnected'>): ReadinessCheck {
  return () => (view.hubbleConnected() ? { ready: true, detail: 'flow stream connected' } : { ready: false, detail: 'flow stream not connected' });
}

/**
 * Ready while the tunnel source's last poll succeeded and is not older than `maxAgeMs` (a poller that
 * silently stopped is as bad as one that fails).
 */
export function tunnelSourceFreshCheck(source: { health(): TunnelSourceHealth }, clock: Clock, maxAgeMs: number): ReadinessCheck {
  return () => {
    const health = source.health();
    if (health.status === 'starting' || health.lastSuccessAt === undefined) return { ready: false, detail: 'no successful vManage poll yet' };
    const ageSeconds = Math.round((clock.now() - health.lastSuccessAt) / 1000);
    if (health.status === 'stale') {
      const error = health.lastError === undefined ? '' : `: ${health.lastError.code} ${health.lastError.message}`;
      return { ready: false, detail: `vManage data stale after ${health.consecutiveFailures} failed poll(s)${error}` };
    }
    if (clock.now() - health.lastSuccessAt > maxAgeMs) return { ready: false, detail: `last successful vManage poll ${ageSeconds} s ago` };
    return { ready: true, detail: `last successful vManage poll ${ageSeconds} s ago` };
  };
}

/**
 * Ready only on the elected leader. Register it only where that is wanted: a Prometheus ServiceMonitor
 * scrapes only ready endpoints, so on a readiness probe it would hide the followers' flow metrics.
 */
export function leadershipCheck(isLeader: () => boolean): ReadinessCheck {
  return () => (isLeader() ? { ready: true, detail: 'leader' } : { ready: false, detail: 'not the leader' });
}
