import { describe, expect, it } from 'vitest';
import { applyJsonPatch, applyPatch, mergePatch } from './apply-patch.ts';
import { parseKubePath } from './parse-kube-path.ts';

describe('parseKubePath', () => {
  const describePath = (path: string): string => {
    const route = parseKubePath(path);
    if (route === undefined) return '404';
    if (route.kind === 'collection') return `collection ${route.resource.kind} ${route.namespace ?? '*'}`;
    if (route.kind === 'object') return `object ${route.resource.kind} ${route.namespace ?? '-'} ${route.name}`;
    return route.kind;
  };

  it('routes the API server URL scheme', () => {
    expect(describePath('/api/v1/services')).toBe('collection Service *');
    expect(describePath('/api/v1/namespaces/shop/services')).toBe('collection Service shop');
    expect(describePath('/api/v1/namespaces/shop/services/cart')).toBe('object Service shop cart');
    expect(describePath('/api/v1/namespaces')).toBe('collection Namespace *');
    expect(describePath('/api/v1/namespaces/shop')).toBe('object Namespace - shop');
    expect(describePath('/api/v1/nodes/n1')).toBe('object Node - n1');
    expect(describePath('/apis/discovery.k8s.io/v1/endpointslices')).toBe('collection EndpointSlice *');
    expect(describePath('/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/isthmus')).toBe('object Lease kube-system isthmus');
    expect(describePath('/api/v1')).toBe('resource-list');
    expect(describePath('/apis')).toBe('api-groups');
    expect(describePath('/healthz')).toBe('health');
  });

  it('refuses paths that address nothing', () => {
    for (const path of ['/api/v1/services/cart', '/api/v1/namespaces/shop/nodes', '/api/v2/services', '/apis/apps/v1/deployments', '/api/v1/namespaces/shop/services/cart/status', '/api/v1//services', '/api/v1/namespaces/%E0%A4%A/services']) {
      expect(parseKubePath(path), path).toBeUndefined();
    }
  });
});

describe('patches', () => {
  it('applies JSON merge patches (null deletes)', () => {
    expect(mergePatch({ a: 1, b: { c: 2, d: 3 } }, { b: { c: null, e: 4 }, f: [1] })).toEqual({ a: 1, b: { d: 3, e: 4 }, f: [1] });
  });

  it('applies JSON patches without touching the input', () => {
    const input = { metadata: { labels: { a: '1' } }, list: [1, 2] };
    const result = applyJsonPatch(input, [
      { op: 'add', path: '/metadata/labels/b~1c', value: '2' },
      { op: 'replace', path: '/list/0', value: 9 },
      { op: 'add', path: '/list/-', value: 3 },
      { op: 'remove', path: '/metadata/labels/a' },
      { op: 'test', path: '/list/1', value: 2 },
      { op: 'copy', from: '/list/0', path: '/copied' },
      { op: 'move', from: '/copied', path: '/moved' },
    ]);
    expect(result).toEqual({ ok: true, value: { metadata: { labels: { 'b/c': '2' } }, list: [9, 2, 3], moved: 9 } });
    expect(input).toEqual({ metadata: { labels: { a: '1' } }, list: [1, 2] });
  });

  it('fails a JSON patch whose operation cannot apply', () => {
    expect(applyJsonPatch({ a: 1 }, [{ op: 'replace', path: '/b', value: 1 }])).toMatchObject({ ok: false, status: 422 });
    expect(applyJsonPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }])).toMatchObject({ ok: false, status: 422 });
    expect(applyJsonPatch({ a: 1 }, { op: 'add' })).toMatchObject({ ok: false, status: 400 });
  });

  it('dispatches on the content type and refuses server-side apply', () => {
    expect(applyPatch({ a: 1 }, 'application/merge-patch+json; charset=utf-8', '{"b":2}')).toEqual({ ok: true, value: { a: 1, b: 2 } });
    expect(applyPatch({ a: 1 }, 'application/strategic-merge-patch+json', '{"a":null}')).toEqual({ ok: true, value: {} });
    expect(applyPatch({ a: 1 }, 'application/apply-patch+yaml', 'a: 2')).toMatchObject({ ok: false, status: 415 });
    expect(applyPatch({ a: 1 }, 'application/json-patch+json', 'not json')).toMatchObject({ ok: false, status: 400 });
  });
});
