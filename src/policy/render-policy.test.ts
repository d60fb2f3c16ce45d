import { describe, expect, it } from 'vitest';
import type { PolicyDocument } from './policy-document.ts';
import { isPolicyError } from './policy-error.ts';
import { renderPolicy } from './render-policy.ts';
import { API, DB, desiredFixture, RTP, WEB } from './testdata/desired-fixture.ts';

function golden(document: PolicyDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** Everything of one Service in a rendering: its prefix lists and its sequences, as text. */
function serviceSlice(document: PolicyDocument, suffix: string): string {
  const lists = document.objects.filter((object) => object.name.endsWith(suffix));
  const sequences = document.objects.flatMap((object) => {
    const sequences = object.body.sequences;
    return Array.isArray(sequences) ? (sequences as { sequenceName: string }[]).filter((sequence) => sequence.sequenceName.startsWith(suffix)) : [];
  });
  return JSON.stringify({ lists, sequences });
}

describe('renderPolicy', () => {
  it('renders lists, SLA classes, the app-route and pin definitions and the policy: golden', async () => {
    await expect(golden(renderPolicy(desiredFixture()))).toMatchFileSnapshot('./testdata/render-policy.golden.json');
  });

  it('renders a single Service: golden', async () => {
    await expect(golden(renderPolicy(desiredFixture([API], 'edge-1')))).toMatchFileSnapshot('./testdata/render-policy-single.golden.json');
  });

  it('does not depend on the order Services and endpoints come in', () => {
    const reversed = desiredFixture([RTP, DB, WEB, { ...API, endpoints: [...API.endpoints].reverse() }]);
    expect(golden(renderPolicy(reversed))).toBe(golden(renderPolicy(desiredFixture())));
  });

  it('renders an unchanged Service byte-identically when others come and go', () => {
    const all = renderPolicy(desiredFixture());
    const fewer = renderPolicy(desiredFixture([API, RTP]));
    const more = renderPolicy(desiredFixture([API, WEB, DB, RTP, { ...API, key: 'shop/cart', endpoints: [{ ip: '10.244.2.50', ready: true }] }]));
    const moved = renderPolicy(desiredFixture([API, { ...WEB, color: 'mpls' }, DB, RTP]));
    for (const other of [fewer, more, moved]) expect(serviceSlice(other, 'shop_api')).toBe(serviceSlice(all, 'shop_api'));
    expect(serviceSlice(all, 'shop_api')).toContain('"sequenceId"');
  });

  it('derives sequence ids from the Service, port, protocol and direction', () => {
    const document = renderPolicy(desiredFixture([API]));
    const aar = document.objects.find((object) => object.kind === 'appRoute');
    const ids = (aar?.body.sequences as { sequenceId: number }[]).map((sequence) => sequence.sequenceId);
    expect(ids).toHaveLength(2);
    for (const id of ids) expect(id).toBeGreaterThanOrEqual(1);
    for (const id of ids) expect(id).toBeLessThanOrEqual(65_534);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
  });

  it('marks every object as owned by Isthmus for the cluster', () => {
    const document = renderPolicy(desiredFixture());
    for (const object of document.objects) {
      expect(object.name).toMatch(/^isthmus-prod_[A-Za-z0-9_-]+$/);
      expect(object.name.length).toBeLessThanOrEqual(127);
      expect(object.body.description ?? object.body.policyDescription).toBe('Managed by Isthmus (cluster prod); do not edit');
    }
  });

  it('clamps SLA classes to SD-WAN ranges, never to a loss of 0, and says so', () => {
    const document = renderPolicy(desiredFixture());
    const slas = document.objects.filter((object) => object.kind === 'sla').map((object) => object.body.entries);
    expect(slas).toContainEqual([{ latency: '50', loss: '1', jitter: '10' }]);
    expect(slas).toContainEqual([{ latency: '1', loss: '1', jitter: '1000' }]);
    expect(slas).toContainEqual([{ latency: '1000', loss: '100', jitter: '30' }]);
    expect(document.notes).toContain("shop/web: SLA class loss 0.5% raised to SD-WAN's minimum 1%");
    expect(document.notes).toContain("media/rtp: SLA class latency 2000ms lowered to SD-WAN's maximum 1000ms");
  });

  it('pins strictly through the data policy only, with a restricted local TLOC', () => {
    const document = renderPolicy(desiredFixture([DB]));
    const data = document.objects.find((object) => object.kind === 'data');
    const aar = document.objects.find((object) => object.kind === 'appRoute');
    expect(aar?.body.sequences).toEqual([]);
    expect(JSON.stringify(data?.body.sequences)).toContain('"localTlocList","value":{"color":"mpls","encap":"ipsec","restrict":""}');
    const policy = document.objects.find((object) => object.kind === 'vsmart');
    expect(JSON.stringify(policy?.body.policyDefinition)).toContain('"direction":"service"');
  });

  it('leaves out Services without ready endpoints, with a note', () => {
    const document = renderPolicy(desiredFixture([{ ...API, endpoints: [{ ip: '10.244.2.10', ready: false }] }]));
    expect(document.objects.map((object) => object.kind)).toEqual(['site', 'vpn', 'appRoute', 'vsmart']);
    expect(document.notes).toEqual(['shop/api: no ready endpoints; nothing to steer']);
  });

  it('refuses a scope without sites', () => {
    let caught: unknown;
    try {
      renderPolicy({ ...desiredFixture(), scope: { siteIds: [], vpnIds: [1] } });
    } catch (error) {
      caught = error;
    }
    expect(isPolicyError(caught) && caught.code).toBe('ISTHMUS_E_POLICY_INVALID');
  });
});
