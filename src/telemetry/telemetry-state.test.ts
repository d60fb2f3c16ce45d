import { describe, expect, it } from 'vitest';
import type { TunnelReading } from '../domain/tunnel-stats-source.ts';
import { KUBE_ERROR_CODES, KubeError } from '../kube/kube-error.ts';
import { TelemetryState } from './telemetry-state.ts';
import type { ServiceTelemetryView } from './telemetry-view.ts';

const checkout = { namespace: 'shop', name: 'checkout' };

describe('TelemetryState', () => {
  it('counts vManage requests by endpoint and code, as onRequest reports them', () => {
    const state = new TelemetryState();
    state.recordVmanageRequest({ endpoint: '/dataservice/device', code: '200' });
    state.recordVmanageRequest({ endpoint: '/dataservice/device', code: '200' });
    state.recordVmanageRequest({ endpoint: '/dataservice/device', code: 'timeout' });
    expect([...state.vmanageRequests()]).toEqual([
      { endpoint: '/dataservice/device', code: '200', count: 2 },
      { endpoint: '/dataservice/device', code: 'timeout', count: 1 },
    ]);
  });

  it('counts the informers\' lists, watch ends and failed requests by resource, as onEvent reports them', () => {
    const state = new TelemetryState();
    state.recordInformerEvent({ type: 'listed', resource: 'services', reason: 'initial', count: 2, resourceVersion: '1', added: 2, updated: 0, deleted: 0 });
    state.recordInformerEvent({ type: 'listed', resource: 'services', reason: 'expired', count: 2, resourceVersion: '9', added: 0, updated: 0, deleted: 0 });
    state.recordInformerEvent({ type: 'watch-ended', resource: 'services', reason: 'expired', events: 0 });
    state.recordInformerEvent({ type: 'watch-ended', resource: 'nodes', reason: 'closed', events: 3 });
    const error = new KubeError(KUBE_ERROR_CODES.unavailable, 'watch nodes: connection reset');
    state.recordInformerEvent({ type: 'retrying', resource: 'nodes', operation: 'watch', error, attempt: 1, delayMs: 100 });
    state.recordInformerEvent({ type: 'retrying', resource: 'nodes', operation: 'watch', error, attempt: 2, delayMs: 200 });
    state.recordInformerEvent({ type: 'watching', resource: 'nodes', resourceVersion: '10' });
    expect([...state.kubeLists()]).toEqual([
      { resource: 'services', reason: 'initial', count: 1 },
      { resource: 'services', reason: 'expired', count: 1 },
    ]);
    expect([...state.kubeWatchEnds()]).toEqual([
      { resource: 'services', reason: 'expired', count: 1 },
      { resource: 'nodes', reason: 'closed', count: 1 },
    ]);
    expect([...state.kubeRequestErrors()]).toEqual([{ resource: 'nodes', operation: 'watch', count: 2 }]);
  });

  it('records poll durations, not skipped ticks', () => {
    const state = new TelemetryState({ pollDurationBuckets: [1, 10] });
    state.recordPoll({ outcome: 'ok', durationSeconds: 0.5 });
    state.recordPoll({ outcome: 'failed', durationSeconds: 12 });
    state.recordPoll({ outcome: 'skipped', durationSeconds: 0 });
    expect(state.vmanagePollDurations()).toEqual({ boundaries: [1, 10], bucketCounts: [1, 0, 1], sum: 12.5, count: 2 });
  });

  it('counts Hubble flows, lost events and the connection state', () => {
    const state = new TelemetryState();
    expect(state.hubbleConnected()).toBe(false);
    state.countHubbleFlows();
    state.countHubbleFlows(41);
    state.countLostEvents('HUBBLE_RING_BUFFER', 3);
    state.countLostEvents('HUBBLE_RING_BUFFER', 4);
    state.setHubbleConnected(true);
    expect(state.hubbleFlows()).toBe(42);
    expect([...state.hubbleLostEvents()]).toEqual([{ source: 'HUBBLE_RING_BUFFER', count: 7 }]);
    expect(state.hubbleConnected()).toBe(true);
    expect(state.leader()).toBe(false);
    state.setLeader(true);
    expect(state.leader()).toBe(true);
    expect(() => {
      state.countHubbleFlows(-1);
    }).toThrow(RangeError);
  });

  it('counts policy pushes with their durations, and remaps', () => {
    const state = new TelemetryState();
    state.recordPolicyPush('success', 2);
    state.recordPolicyPush('failure', 4);
    state.countRemap({ service: checkout, from: 'mpls', to: 'lte', reason: 'slo-violated' });
    state.countRemap({ service: checkout, from: 'mpls', to: 'lte', reason: 'slo-violated' });
    expect([...state.policyPushes()]).toEqual([
      { result: 'success', count: 1 },
      { result: 'failure', count: 1 },
    ]);
    expect(state.policyPushDurations()).toMatchObject({ sum: 6, count: 2 });
    expect([...state.remaps()]).toEqual([{ service: checkout, from: 'mpls', to: 'lte', reason: 'slo-violated', count: 2 }]);
  });

  it('reads tunnels and Service series from live sources when given them', () => {
    const readings: TunnelReading[] = [];
    const services: ServiceTelemetryView = {
      serviceFlows: () => [{ service: checkout, srcSite: 1, dstSite: 2, color: 'mpls', verdict: 'FORWARDED', count: 9 }],
      servicePaths: () => [],
      serviceSlos: () => [],
      assignments: () => [{ service: checkout, color: 'mpls', mode: 'auto', since: 0 }],
      remaps: () => [],
    };
    const state = new TelemetryState({ tunnelSource: { readings: () => readings }, services });
    state.setServiceFlows([]);
    expect(state.tunnels()).toBe(readings);
    expect([...state.serviceFlows()]).toHaveLength(1);
    expect([...state.assignments()]).toHaveLength(1);
  });
});
