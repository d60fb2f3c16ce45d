import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configLeaves } from '../../src/config/config-leaves.ts';
import { formatConfigPath, getAtPath } from '../../src/config/config-path.ts';
import { formatConfigProblem } from '../../src/config/config-problem.ts';
import type { Config, SecretRef } from '../../src/config/config-schema.ts';
import { resolveSecret } from '../../src/config/resolve-secret.ts';
import { loadDeployedConfig } from './deployed-config.ts';
import { OVERLAYS, REPOSITORY_ROOT, onlyObjectOfKind, renderOverlay } from './rendered-manifests.ts';

function readRepositoryYaml(path: string): unknown {
  return parse(readFileSync(join(REPOSITORY_ROOT, path), 'utf8'));
}

function configOf(deployed: Awaited<ReturnType<typeof loadDeployedConfig>>): Config {
  if (!deployed.loaded.ok) throw new Error(deployed.loaded.problems.map(formatConfigProblem).join('\n'));
  return deployed.loaded.config;
}

function secretRefs(config: Config): SecretRef[] {
  return configLeaves(config)
    .filter((leaf) => leaf.secret)
    .map((leaf) => leaf.value as SecretRef);
}

describe.each(OVERLAYS)('the configuration deploy/overlays/%s runs with', (overlay) => {
  it('validates with the project’s own loader, from the mounted file and the container’s environment, without a warning', async () => {
    const deployed = await loadDeployedConfig(await renderOverlay(overlay));
    expect(deployed.files.has(deployed.file)).toBe(true);
    expect(deployed.loaded.problems.map(formatConfigProblem)).toEqual([]);
    expect(deployed.loaded.ok).toBe(true);
  });

  it('uses the in-cluster service account and the pod’s namespace for its Lease', async () => {
    const objects = await renderOverlay(overlay);
    const config = configOf(await loadDeployedConfig(objects));
    expect(config.kubernetes.kubeconfig).toBeUndefined();
    expect(config.kubernetes.leaderElection.leaseNamespace).toBeUndefined();
    expect(onlyObjectOfKind(objects, Deployment).spec?.template.spec?.automountServiceAccountToken).not.toBe(false);
  });

  it('reads every secret from a file the Secret volume provides, never from the environment', async () => {
    const deployed = await loadDeployedConfig(await renderOverlay(overlay));
    const refs = secretRefs(configOf(deployed));
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      expect(ref).toHaveProperty('file');
      if ('file' in ref) expect([...deployed.files.keys()]).toContain(ref.file);
    }
  });

  it('ships the vManage password empty, so that the bridge refuses to start until an overlay supplies it', async () => {
    const deployed = await loadDeployedConfig(await renderOverlay(overlay));
    const password = configOf(deployed).vmanage.password;
    expect(password).toBeDefined();
    if (password === undefined) return;
    const readFile = (path: string): Promise<string> => Promise.resolve(deployed.files.get(path) ?? '');
    await expect(resolveSecret(password, deployed.env, readFile)).rejects.toThrow(/is empty/);
  });
});

describe('leader election', () => {
  it('is on for ha, whatever the configuration file says', async () => {
    const deployed = await loadDeployedConfig(await renderOverlay('ha'));
    expect(configOf(deployed).kubernetes.leaderElection.enabled).toBe(true);
    expect(deployed.env.ISTHMUS_KUBERNETES_LEADER_ELECTION_ENABLED).toBe('true');
  });
});

describe('deploy/base/config.yaml', () => {
  it('agrees with deploy/config.example.yaml, the documented reference, on every value it sets', () => {
    const deployed = readRepositoryYaml('deploy/base/config.yaml');
    const example = readRepositoryYaml('deploy/config.example.yaml');
    const leaves = configLeaves(deployed);
    expect(leaves.length).toBeGreaterThan(10);
    for (const leaf of leaves) expect(getAtPath(example, leaf.path), formatConfigPath(leaf.path)).toEqual(leaf.value);
  });
});
