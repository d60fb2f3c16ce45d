import { describe, expect, it } from 'vitest';
import type { Flow } from '../domain/flow.ts';
import { isReplyFlow } from './is-reply-flow.ts';
import { correlationFixture } from './testdata/correlation-fixture.ts';
import { testFlow } from './testdata/test-flow.ts';
import type { TestFlowFields } from './testdata/test-flow.ts';

const { view } = correlationFixture();

function reply(fields: TestFlowFields): boolean {
  const flow: Flow = testFlow({ isReply: undefined, ...fields });
  const observer = view.node(flow.nodeName);
  return isReplyFlow(flow, view.pod(flow.source.ip), view.pod(flow.destination.ip), observer, view);
}

const CATALOG_B = { ip: '10.244.2.10', port: 8080 };
const FRONTEND = { ip: '10.244.1.5', port: 40_000 };

describe('isReplyFlow', () => {
  it('takes Hubble’s is_reply when it is set, whatever else says', () => {
    expect(reply({ src: FRONTEND, dst: CATALOG_B, isReply: true })).toBe(true);
    expect(reply({ src: CATALOG_B, dst: FRONTEND, isReply: false })).toBe(false);
  });

  it('reads the direction relative to the end at the observing node', () => {
    // Local source: EGRESS is a request, INGRESS the reply of a connection it accepted.
    expect(reply({ src: FRONTEND, dst: CATALOG_B, nodeName: 'node-paris', direction: 'EGRESS' })).toBe(false);
    expect(reply({ src: CATALOG_B, dst: FRONTEND, nodeName: 'node-berlin', direction: 'INGRESS' })).toBe(true);
    // Local destination: INGRESS is a request, EGRESS the reply to its own connection.
    expect(reply({ src: FRONTEND, dst: CATALOG_B, nodeName: 'node-berlin', direction: 'INGRESS' })).toBe(false);
    expect(reply({ src: CATALOG_B, dst: FRONTEND, nodeName: 'node-paris', direction: 'EGRESS' })).toBe(true);
  });

  it('falls back to which end a Service serves when the direction cannot be placed', () => {
    // Both ends at the observing node: the direction does not say which one it is about.
    expect(reply({ src: { ip: '10.244.1.20', port: 8080 }, dst: FRONTEND, nodeName: 'node-paris', direction: 'EGRESS' })).toBe(true);
    expect(reply({ src: CATALOG_B, dst: { ip: '192.0.2.7', port: 50_000 } })).toBe(true);
    expect(reply({ src: { ip: '192.0.2.7', port: 50_000 }, dst: { ip: '10.96.0.10', port: 80 } })).toBe(false);
    expect(reply({ src: { ip: '10.96.0.10', port: 80, serviceName: 'catalog', serviceNamespace: 'shop' }, dst: { ip: '192.0.2.7', port: 50_000 } })).toBe(true);
  });

  it('falls back to ephemeral ports, then to a request', () => {
    expect(reply({ src: { ip: '192.0.2.1', port: 443 }, dst: { ip: '192.0.2.2', port: 50_000 } })).toBe(true);
    expect(reply({ src: { ip: '192.0.2.1', port: 50_000 }, dst: { ip: '192.0.2.2', port: 443 } })).toBe(false);
    expect(reply({ src: { ip: '192.0.2.1', port: 53 }, dst: { ip: '192.0.2.2', port: 443 } })).toBe(false);
    expect(reply({ src: { ip: '192.0.2.1' }, dst: { ip: '192.0.2.2' } })).toBe(false);
  });
});
