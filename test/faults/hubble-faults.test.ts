/**
 * Hubble Relay misbehaving under the running bridge: dropped streams with calls refused for a while,
 * stalls while the rings overflow, floods of lost events, and frames that do not decode. The flow
 * stream must come back by itself, every loss and bad frame must be counted on /metrics, and the flows
 * must keep being counted after each fault.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFaultHarness } from './fault-harness.ts';
import type { FaultHarness } from './fault-harness.ts';
import type { MetricSamples } from './metric-samples.ts';

const FLOWS = 'isthmus_hubble_flows_total';
const LOST = 'isthmus_hubble_lost_events_total';
const RECONNECTS = 'isthmus_hubble_reconnects_total';
const DECODE_ERRORS = 'isthmus_hubble_decode_errors_total';
const CONNECTED = 'isthmus_hubble_connected';
/** Small rings and observer queue, so that a stall or a burst overflows them at two-sites' traffic. */
const RING_CAPACITY = 32;
const EVENTS_QUEUE = 200;

let harness: FaultHarness;

beforeAll(async () => {
  harness = await startFaultHarness({ hubble: { ringCapacity: RING_CAPACITY, emulator: { eventsQueueSize: EVENTS_QUEUE } } });
});

afterAll(async () => {
  await harness.close();
});

afterEach(() => {
  harness.resetFaults();
  expect(harness.policyProblems()).toEqual([]);
});

/** The stream is connected and flows are counted beyond what `since` had. */
async function expectFlowing(since: MetricSamples, what: string): Promise<MetricSamples> {
  return harness.waitForMetrics((metrics) => metrics.sum(CONNECTED) === 1 && metrics.sum(FLOWS) > since.sum(FLOWS), `flows counted again after ${what}`);
}

describe('Hubble faults under the running bridge', () => {
  it('reconnects after Relay drops the stream and refuses calls for a while, counting the reconnect', async () => {
    const before = await expectFlowing(await harness.scrape(), 'the start');
    expect(harness.simulation.hubble.emulator.faults.disconnect({ refuseCalls: 3, details: 'relay restarting' })).toBe(1);
    const reconnected = await harness.waitForMetrics((metrics) => metrics.sum(RECONNECTS) > before.sum(RECONNECTS), 'the reconnect counted');
    await expectFlowing(reconnected, 'the reconnect');
    expect(harness.simulation.hubble.emulator.activeStreams).toBe(1);
  });

  it('rides out a stall while the rings overflow: the overwritten events are counted as lost, the stream stays up', async () => {
    const before = await expectFlowing(await harness.scrape(), 'the start');
    harness.simulation.hubble.emulator.faults.stall(1500);
    const after = await harness.waitForMetrics((metrics) => metrics.sum(LOST, { source: 'HUBBLE_RING_BUFFER' }) > before.sum(LOST, { source: 'HUBBLE_RING_BUFFER' }), 'ring-buffer losses counted');
    await expectFlowing(after, 'the stall');
    expect((await harness.scrape()).sum(RECONNECTS)).toBe(before.sum(RECONNECTS));
  });

  it('counts a flood of lost events exactly, and keeps counting flows', async () => {
    const before = await expectFlowing(await harness.scrape(), 'the start');
    const burst = harness.simulation.hubble.emulator.faults.burst(EVENTS_QUEUE + 300);
    expect(burst).toEqual({ accepted: EVENTS_QUEUE, lost: 300 });
    const after = await harness.waitForMetrics((metrics) => metrics.sum(LOST, { source: 'OBSERVER_EVENTS_QUEUE' }) > before.sum(LOST, { source: 'OBSERVER_EVENTS_QUEUE' }), 'the observer-queue losses counted');
    expect(after.sum(LOST, { source: 'OBSERVER_EVENTS_QUEUE' }) - before.sum(LOST, { source: 'OBSERVER_EVENTS_QUEUE' })).toBe(300);
    await expectFlowing(after, 'the flood');
  });

  it('counts and skips frames that do not decode; the stream goes on without reconnecting', async () => {
    const before = await expectFlowing(await harness.scrape(), 'the start');
    harness.simulation.hubble.emulator.faults.sendMalformedFrames(5);
    const after = await harness.waitForMetrics((metrics) => metrics.sum(DECODE_ERRORS) - before.sum(DECODE_ERRORS) === 5, 'five undecodable frames counted');
    await expectFlowing(after, 'the malformed frames');
    expect((await harness.scrape()).sum(RECONNECTS)).toBe(before.sum(RECONNECTS));
  });
});
