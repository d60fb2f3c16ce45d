import { describe, expect, it } from 'vitest';
import { HUBBLE_ERROR_CODES } from './hubble-error.ts';
import { hubbleEventFromJson } from './hubble-event-from-json.ts';

describe('hubbleEventFromJson', () => {
  it('reads a legacy bare flow (HUBBLE_COMPAT=legacy-json-output) as a flow', () => {
    expect(hubbleEventFromJson({ time: '2021-10-04T14:28:38Z', verdict: 'DROPPED', node_name: 'n1', drop_reason_desc: 'POLICY_DENIED' })).toMatchObject({
      kind: 'flow',
      nodeName: 'n1',
      timeNs: 1_633_357_718_000_000_000n,
      flow: { verdict: 'DROPPED', dropReason: 'POLICY_DENIED', nodeName: 'n1' },
    });
  });

  it('treats an envelope without payload as unknown, and null members as absent', () => {
    expect(hubbleEventFromJson({ node_name: 'n', time: '2025-01-01T00:00:00Z' })).toMatchObject({ kind: 'unknown', nodeName: 'n' });
    expect(hubbleEventFromJson({ flow: null, lost_events: { num_events_lost: 2 } })).toMatchObject({ kind: 'lost_events', numEventsLost: 2 });
  });

  it('keeps drop-reason names it does not know, and maps unknown verdict names to VERDICT_UNKNOWN', () => {
    const event = hubbleEventFromJson({ flow: { verdict: 'TELEPORTED', drop_reason_desc: 'DROP_FROM_THE_FUTURE' } });
    expect(event).toMatchObject({ flow: { verdict: 'VERDICT_UNKNOWN', dropReason: 'DROP_FROM_THE_FUTURE' } });
  });

  it.each([
    [[1], /the line is not an object/],
    [{ flow: 'x' }, /flow is not an object/],
    [{ flow: { source: { identity: 'seven' } } }, /flow\.source\.identity is not an integer/],
    [{ flow: { source: { labels: [1] } } }, /flow\.source\.labels is not a list of strings/],
    [{ flow: { l4: { TCP: { source_port: -1 } } } }, /flow\.l4\.TCP\.source_port is not a uint32/],
    [{ flow: { l4: { TCP: {}, UDP: {} } } }, /more than one protocol/],
    [{ flow: { is_reply: 'yes' } }, /flow\.is_reply is not a boolean/],
    [{ flow: { time: 1 } }, /flow\.time is not an RFC 3339 timestamp/],
    [{ flow: {}, node_status: {} }, /both flow and node_status/],
  ])('names what is wrong in %j', (value, message) => {
    expect(() => hubbleEventFromJson(value)).toThrow(expect.objectContaining({ code: HUBBLE_ERROR_CODES.json, message: expect.stringMatching(message) as string }) as Error);
  });
});
