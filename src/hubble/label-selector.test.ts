import { describe, expect, it } from 'vitest';
import { labelsMatch, parseLabelSelector } from './label-selector.ts';

const labels = ['k8s:app=frontend', 'k8s:tier=web', 'k8s:io.kubernetes.pod.namespace=shop', 'reserved:host'];

function matches(selector: string): boolean {
  const requirements = parseLabelSelector(selector);
  if (requirements === undefined) throw new Error(`did not parse: ${selector}`);
  return labelsMatch(requirements, labels);
}

describe('label selectors over Cilium labels', () => {
  it('matches equality, with or without the source', () => {
    expect(matches('app=frontend')).toBe(true);
    expect(matches('k8s:app=frontend')).toBe(true);
    expect(matches('k8s:app==frontend')).toBe(true);
    expect(matches('reserved:app=frontend')).toBe(false);
    expect(matches('app=backend')).toBe(false);
    expect(matches('k8s:io.kubernetes.pod.namespace=shop')).toBe(true);
  });

  it('matches inequality, existence and sets, ANDed', () => {
    expect(matches('app!=backend')).toBe(true);
    expect(matches('app!=frontend')).toBe(false);
    expect(matches('missing!=x')).toBe(true);
    expect(matches('tier')).toBe(true);
    expect(matches('reserved:host')).toBe(true);
    expect(matches('!canary')).toBe(true);
    expect(matches('!tier')).toBe(false);
    expect(matches('app in (frontend, api)')).toBe(true);
    expect(matches('app notin (frontend, api)')).toBe(false);
    expect(matches('app in (frontend),tier=web')).toBe(true);
    expect(matches('app in (frontend),tier=db')).toBe(false);
  });

  it('refuses what is not a selector', () => {
    for (const text of ['', ',', 'app=fr ontend', 'app in frontend', 'a b']) expect(parseLabelSelector(text), text).toBeUndefined();
  });
});
