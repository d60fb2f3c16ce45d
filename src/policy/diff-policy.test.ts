import { describe, expect, it } from 'vitest';
import { diffPolicy } from './diff-policy.ts';
import type { PolicyChange } from './diff-policy.ts';
import type { RealizedPolicyObject } from './realized-policy.ts';
import { renderPolicy } from './render-policy.ts';
import { API, DB, desiredFixture, RTP, WEB } from './testdata/desired-fixture.ts';
import { realizedFrom } from './testdata/realized-from.ts';

function steps(changes: readonly PolicyChange[]): string[] {
  return changes.map((change) => `${change.op} ${change.kind} ${change.name}`);
}

describe('diffPolicy', () => {
  it('creates everything on an empty Manager, lists before definitions before the policy', () => {
    const document = renderPolicy(desiredFixture());
    const diff = diffPolicy(document, { owned: [], foreign: [] });
    expect(diff.changes.every((change) => change.op === 'create')).toBe(true);
    expect(diff.changes).toHaveLength(document.objects.length);
    const kinds = diff.changes.map((change) => change.kind);
    expect(kinds.indexOf('appRoute')).toBeGreaterThan(kinds.lastIndexOf('dataPrefix'));
    expect(kinds.indexOf('appRoute')).toBeGreaterThan(kinds.lastIndexOf('sla'));
    expect(kinds.at(-1)).toBe('vsmart');
    expect(diff.policy).toEqual({ name: 'isthmus-prod_policy', id: undefined, active: false, adopted: false });
  });

  it('finds nothing to do when vManage holds the rendering (row metadata and ids notwithstanding)', () => {
    const document = renderPolicy(desiredFixture());
    const diff = diffPolicy(document, { owned: realizedFrom(document), foreign: [] });
    expect(diff.changes).toEqual([]);
    expect(diff.policy).toEqual({ name: 'isthmus-prod_policy', id: 'id-isthmus-prod_policy', active: true, adopted: false });
  });

  it('updates only the list of a Service whose endpoints changed, in place', () => {
    const before = renderPolicy(desiredFixture());
    const after = renderPolicy(desiredFixture([{ ...API, endpoints: [{ ip: '10.244.2.99', ready: true }] }, WEB, DB, RTP]));
    const diff = diffPolicy(after, { owned: realizedFrom(before), foreign: [] });
    expect(steps(diff.changes)).toEqual(['update dataPrefix isthmus-prod_dp4_shop_api']);
    expect(diff.changes[0]).toMatchObject({ id: 'id-isthmus-prod_dp4_shop_api' });
  });

  it('updates the app-route definition, not the policy, when a color changes', () => {
    const before = renderPolicy(desiredFixture());
    const after = renderPolicy(desiredFixture([{ ...API, color: 'biz-internet' }, WEB, DB, RTP]));
    expect(steps(diffPolicy(after, { owned: realizedFrom(before), foreign: [] }).changes)).toEqual(['update appRoute isthmus-prod_aar']);
  });

  it('prunes what is no longer wanted after everything that referred to it, definitions before lists', () => {
    const before = renderPolicy(desiredFixture());
    const after = renderPolicy(desiredFixture([API, WEB, RTP]));
    expect(steps(diffPolicy(after, { owned: realizedFrom(before), foreign: [] }).changes)).toEqual([
      'update vsmart isthmus-prod_policy',
      'delete data isthmus-prod_pins',
      'delete dataPrefix isthmus-prod_dp4_shop_db',
    ]);
  });

  it('never changes objects it does not own, and reports a name they already hold as a conflict', () => {
    const document = renderPolicy(desiredFixture([API]));
    const foreign: RealizedPolicyObject[] = [
      { kind: 'dataPrefix', id: 'theirs-1', name: 'isthmus-prod_dp4_shop_api', description: 'hand-made', body: { name: 'isthmus-prod_dp4_shop_api', description: 'hand-made', entries: [] }, referenceCount: 0, active: false },
      { kind: 'dataPrefix', id: 'theirs-2', name: 'corp-servers', description: 'corp', body: { name: 'corp-servers' }, referenceCount: 3, active: false },
    ];
    const diff = diffPolicy(document, { owned: [], foreign });
    expect(diff.conflicts).toEqual([{ kind: 'dataPrefix', name: 'isthmus-prod_dp4_shop_api', foreignId: 'theirs-1' }]);
    expect(diff.changes.some((change) => change.name === 'isthmus-prod_dp4_shop_api' || change.name === 'corp-servers')).toBe(false);
  });

  it('adopting, keeps the customer policy’s own entries and appends Isthmus’ definitions', () => {
    const document = renderPolicy(desiredFixture([API]));
    const lists = realizedFrom(document).filter((object) => object.kind !== 'vsmart');
    const customer: RealizedPolicyObject = {
      kind: 'vsmart',
      id: 'cust-1',
      name: 'corp-policy',
      description: 'the customer’s',
      body: {
        policyId: 'cust-1',
        policyName: 'corp-policy',
        policyDescription: 'the customer’s',
        policyType: 'feature',
        policyDefinition: { assembly: [{ definitionId: 'cust-def', type: 'control', entries: [{ direction: 'out', siteLists: ['cust-sites'] }] }] },
      },
      referenceCount: 0,
      active: true,
    };
    const diff = diffPolicy(document, { owned: lists, foreign: [customer] }, { adopt: 'corp-policy' });
    expect(diff.policy).toEqual({ name: 'corp-policy', id: 'cust-1', active: true, adopted: true });
    expect(steps(diff.changes)).toEqual(['update vsmart corp-policy']);
    const body = diff.changes[0]?.op === 'update' ? diff.changes[0].body : {};
    expect(body).toMatchObject({ policyName: 'corp-policy', policyDescription: 'the customer’s' });
    expect((body.policyDefinition as { assembly: { definitionId: string }[] }).assembly.map((entry) => entry.definitionId)).toEqual(['cust-def', 'isthmus-prod_aar']);
    // Once merged, nothing more to do.
    const merged = { ...customer, body: { ...customer.body, policyDefinition: { assembly: [{ definitionId: 'cust-def', type: 'control', entries: [{ direction: 'out', siteLists: ['cust-sites'] }] }, { definitionId: 'id-isthmus-prod_aar', type: 'appRoute', entries: [{ siteLists: ['id-isthmus-prod_sites'], vpnLists: ['id-isthmus-prod_vpns'] }] }] } } };
    expect(diffPolicy(document, { owned: lists, foreign: [merged] }, { adopt: 'corp-policy' }).changes).toEqual([]);
  });

  it('reports no policy when the one to adopt does not exist', () => {
    expect(diffPolicy(renderPolicy(desiredFixture([API])), { owned: [], foreign: [] }, { adopt: 'missing' }).policy).toBeUndefined();
  });
});
