import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Simulation } from '../../simulator/start-simulation.ts';

/** A configuration tree: sections of settings, as in the YAML file. */
export type ConfigTree = Readonly<Record<string, unknown>>;

/**
 * The configuration file of a bridge pointed at a running simulation, as a user would point one at a real
 * cluster: its kubeconfig, Hubble address and vManage URL and user, the password by reference to
 * VMANAGE_PASSWORD (see `simulationBridgeEnv`), a 10 s vManage poll. `overrides` is merged in section
 * by section (a setting given there wins), so each test writes only what it is about.
 */
export function simulationBridgeConfig(simulation: Simulation, overrides: ConfigTree = {}): string {
  const base: ConfigTree = {
    kubernetes: { kubeconfig: simulation.kube.kubeconfigPath },
    hubble: { address: simulation.hubble.address },
    vmanage: { url: simulation.vmanage.url, username: simulation.vmanage.credentials.username, password: { env: 'VMANAGE_PASSWORD' }, pollInterval: '10s' },
  };
  return stringify(mergeTrees(base, overrides));
}

/** The environment the configuration of `simulationBridgeConfig` reads its secret from. */
export function simulationBridgeEnv(simulation: Simulation): { readonly VMANAGE_PASSWORD: string } {
  return { VMANAGE_PASSWORD: simulation.vmanage.credentials.password };
}

/** Writes `simulationBridgeConfig` to `directory/name` and returns the path. */
export async function writeSimulationBridgeConfig(directory: string, simulation: Simulation, overrides: ConfigTree = {}, name = 'config.yaml'): Promise<string> {
  const file = join(directory, name);
  await writeFile(file, simulationBridgeConfig(simulation, overrides));
  return file;
}

function mergeTrees(base: ConfigTree, overrides: ConfigTree): ConfigTree {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    const under = merged[key];
    merged[key] = isTree(under) && isTree(value) ? mergeTrees(under, value) : value;
  }
  return merged;
}

function isTree(value: unknown): value is ConfigTree {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
