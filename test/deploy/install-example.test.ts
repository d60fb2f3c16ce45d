import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { mountedFiles } from './deployed-config.ts';
import { REPOSITORY_ROOT, objectsOfKind, onlyObjectOfKind, parseRendered } from './rendered-manifests.ts';
import type { KubeObject } from './rendered-manifests.ts';

/*
 * deploy/README.md tells users to write their own overlay; this renders the one it shows (pointing at the
 * checkout instead of GitHub) to keep the instructions working.
 */
const directory = mkdtempSync(join(tmpdir(), 'isthmus-install-example-'));

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

function readmeOverlay(): Record<string, unknown> {
  const readme = readFileSync(join(REPOSITORY_ROOT, 'deploy/README.md'), 'utf8');
  const block = /```yaml\n# my-isthmus\/kustomization\.yaml\n([\s\S]*?)```/.exec(readme)?.[1];
  if (block === undefined) throw new Error('deploy/README.md shows no my-isthmus/kustomization.yaml');
  return parse(block) as Record<string, unknown>;
}

function render(path: string): Promise<KubeObject[]> {
  return new Promise((resolve, reject) => {
    execFile('kubectl', ['kustomize', path], { timeout: 20_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(stderr || error.message, { cause: error }));
      else resolve(parseRendered(stdout));
    });
  });
}

describe('the overlay deploy/README.md shows', () => {
  it('renders with the password, the addresses and the image it supplies, and no placeholder left', async () => {
    const overlay = readmeOverlay();
    const resources = overlay.resources as string[];
    expect(resources).toHaveLength(1);
    expect(resources[0]).toMatch(/\/\/deploy\/overlays\/ha\?ref=/);
    // kustomize takes a relative path only.
    overlay.resources = [relative(directory, join(REPOSITORY_ROOT, 'deploy/overlays/ha'))];
    writeFileSync(join(directory, 'kustomization.yaml'), stringify(overlay));
    copyFileSync(join(REPOSITORY_ROOT, 'deploy/base/config.yaml'), join(directory, 'config.yaml'));
    writeFileSync(join(directory, 'vmanage-password'), 'not-a-real-password');

    const objects = await render(directory);
    expect(mountedFiles(objects).get('/var/run/secrets/isthmus/vmanage-password')).toBe('not-a-real-password');
    expect(onlyObjectOfKind(objects, Deployment).spec?.template.spec?.containers[0]?.image).toBe('REGISTRY/isthmus:0.1.0');
    const policy = objectsOfKind(objects, NetworkPolicy).find((candidate) => candidate.metadata?.name === 'isthmus');
    const cidrs = (policy?.spec?.egress ?? []).flatMap((rule) => rule.to ?? []).flatMap((peer) => (peer.ipBlock === undefined ? [] : [peer.ipBlock.cidr]));
    expect(cidrs.sort()).toEqual(['10.0.0.10/32', '203.0.113.20/32']);
    // One ConfigMap and one Secret of each name: `behavior: replace` replaced the base's, not added to them.
    const names = objects.filter((object) => object.kind === 'ConfigMap' || object.kind === 'Secret').map((object) => object.metadata.name.replace(/-[a-z0-9]{10}$/, ''));
    expect(names.sort()).toEqual(['isthmus-config', 'isthmus-vmanage']);
  });
});
