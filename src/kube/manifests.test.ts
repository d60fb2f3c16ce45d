import { describe, expect, it } from 'vitest';
import { parseManifests } from './manifests.ts';

describe('parseManifests', () => {
  it('reads every document of a stream, with the line each object starts on', () => {
    const text = ['apiVersion: v1', 'kind: Service', 'metadata: {name: a}', '---', '# comment only', '---', 'apiVersion: v1', 'kind: Namespace', 'metadata: {name: b}', '---', ''].join('\n');
    const { objects, errors } = parseManifests(text);
    expect(errors).toEqual([]);
    expect(objects.map((object) => [object.document, object.position.line, object.value.kind])).toEqual([
      [0, 1, 'Service'],
      [2, 7, 'Namespace'],
    ]);
  });

  it('locates annotation keys, 1-based', () => {
    const text = ['apiVersion: v1', 'kind: Service', 'metadata:', '  name: a', '  annotations:', '    isthmus.io/max-latency: 50ms', '    isthmus.io/tunnel: mpls'].join('\n');
    const [object] = parseManifests(text).objects;
    expect(object?.locate(['metadata', 'annotations', 'isthmus.io/tunnel'])).toEqual({ line: 7, column: 5 });
    expect(object?.locate(['metadata', 'annotations', 'isthmus.io/max-latency'])).toEqual({ line: 6, column: 5 });
    // A missing key falls back to the deepest part of the path that exists.
    expect(object?.locate(['metadata', 'annotations', 'absent'])).toEqual({ line: 5, column: 3 });
    expect(object?.locate(['spec', 'ports'])).toEqual({ line: 1, column: 1 });
  });

  it('reads JSON, with positions', () => {
    const text = '{\n\t"apiVersion": "v1",\n\t"kind": "Service",\n\t"metadata": {"name": "a", "annotations": {\n\t\t"isthmus.io/tunnel": "mpls"\n\t}}\n}\n';
    const { objects, errors } = parseManifests(text);
    expect(errors).toEqual([]);
    expect(objects[0]?.value).toEqual({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'a', annotations: { 'isthmus.io/tunnel': 'mpls' } } });
    expect(objects[0]?.locate(['metadata', 'annotations', 'isthmus.io/tunnel']).line).toBe(5);
  });

  it('unwraps a List (and a typed list such as ServiceList) into its items', () => {
    const text = [
      'apiVersion: v1',
      'kind: List',
      'items:',
      '  - kind: Service',
      '    metadata: {name: a}',
      '  - 42',
      '  - kind: ServiceList',
      '    items:',
      '      - kind: Service',
      '        metadata:',
      '          annotations: {x: y}',
    ].join('\n');
    const { objects } = parseManifests(text);
    expect(objects.map((object) => [object.position.line, object.value.kind])).toEqual([
      [4, 'Service'],
      [9, 'Service'],
    ]);
    expect(objects[1]?.locate(['metadata', 'annotations', 'x']).line).toBe(11);
  });

  it('follows aliases and merge keys to where the key is written', () => {
    const text = [
      'common: &common',
      '  isthmus.io/max-loss: 1%',
      'apiVersion: v1',
      'kind: Service',
      'metadata:',
      '  annotations:',
      '    <<: *common',
      '    isthmus.io/tunnels: mpls',
    ].join('\n');
    const [object] = parseManifests(text).objects;
    expect(object?.value.metadata).toEqual({ annotations: { 'isthmus.io/max-loss': '1%', 'isthmus.io/tunnels': 'mpls' } });
    expect(object?.locate(['metadata', 'annotations', 'isthmus.io/max-loss']).line).toBe(2);
    expect(object?.locate(['metadata', 'annotations', 'isthmus.io/tunnels']).line).toBe(8);
  });

  it('reads YAML as Kubernetes does (1.1): yes and on are booleans, and the source text is kept', () => {
    const text = 'kind: Service\nmetadata:\n  annotations:\n    a: yes\n    b: 50\n    c: "50"\n    d: 1.0\n';
    const [object] = parseManifests(text).objects;
    expect(object?.value.metadata).toEqual({ annotations: { a: true, b: 50, c: '50', d: 1 } });
    expect(object?.sourceText(['metadata', 'annotations', 'a'])).toBe('yes');
    expect(object?.sourceText(['metadata', 'annotations', 'd'])).toBe('1.0');
    expect(object?.sourceText(['metadata', 'annotations', 'absent'])).toBeUndefined();
    expect(object?.sourceText(['metadata'])).toBeUndefined();
  });

  it('reports a syntax error with its line, and still reads the other documents', () => {
    const text = 'kind: Service\nmetadata: {name: a}\n---\nkind: Service\nmetadata: {name: [b}\n---\nkind: Namespace\n';
    const { objects, errors } = parseManifests(text);
    expect(objects.map((object) => object.value.kind)).toEqual(['Service', 'Namespace']);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]?.position?.line).toBe(5);
    expect(errors[0]?.message).not.toContain('\n');
  });

  it('reports duplicate keys, as kubectl does', () => {
    const { errors } = parseManifests('kind: Service\nkind: Namespace\n');
    expect(errors).toEqual([{ position: { line: 2, column: 1 }, message: 'Map keys must be unique' }]);
  });

  it('reports a document that is not an object', () => {
    const { objects, errors } = parseManifests('just a string\n---\n- a\n- b\n');
    expect(objects).toEqual([]);
    expect(errors.map((error) => error.position?.line)).toEqual([1, 3]);
    expect(errors[0]?.message).toBe('not a Kubernetes object: expected a mapping with apiVersion, kind and metadata');
  });

  it('reports an undefined alias and an alias bomb instead of throwing', () => {
    expect(parseManifests('a: *nowhere\n').errors).toHaveLength(1);
    const bomb = ['a: &a [x,x,x,x,x,x,x,x,x]', 'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]', 'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]', 'd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]'].join('\n');
    const { errors } = parseManifests(bomb);
    expect(errors).toEqual([{ position: { line: 1, column: 1 }, message: 'Excessive alias count indicates a resource exhaustion attack' }]);
  });

  it('reads an empty stream and a byte-order mark', () => {
    expect(parseManifests('')).toEqual({ objects: [], errors: [] });
    const { objects } = parseManifests('\ufeffkind: Service\n');
    expect(objects[0]?.value.kind).toBe('Service');
    expect(objects[0]?.position.line).toBe(1);
  });
});
