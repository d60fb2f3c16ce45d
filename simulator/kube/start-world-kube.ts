import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SimulationContext, StartedEmulator } from '../started-emulator.ts';
import { startKubeEmulator } from './kube-emulator.ts';
import type { KubeEmulator, KubeEmulatorOptions } from './kube-emulator.ts';
import { writeKubeconfig } from './kubeconfig.ts';
import { feedWorldToKube } from './world-kube-feed.ts';
import type { WorldKubeFeed } from './world-kube-feed.ts';

export interface WorldKubeOptions {
  /** Default 0: any free port. */
  readonly port?: number;
  /** Bearer token the emulator requires. Default: generated. */
  readonly token?: string;
  /** Where to write the kubeconfig. Default: `kubeconfig` in a new temporary directory, removed on close. */
  readonly kubeconfigOut?: string;
  /** Any other emulator setting (history size, faults, watch timings). */
  readonly emulator?: Partial<Omit<KubeEmulatorOptions, 'host' | 'port' | 'token' | 'store' | 'clock'>>;
}

/** The Kubernetes API emulator of a running simulation. */
export interface WorldKube extends StartedEmulator {
  readonly name: 'kube';
  readonly url: string;
  /** The kubeconfig file pointing at it (token included, mode 0600). */
  readonly kubeconfigPath: string;
  readonly token: string;
  readonly emulator: KubeEmulator;
  readonly feed: WorldKubeFeed;
}

/**
 * Serves the world's cluster as a Kubernetes API server on loopback: Namespaces, Nodes, Services and
 * EndpointSlices, following scale events and annotation edits as simulated time reaches them (objects
 * carry simulated creation times), and writes a kubeconfig for clients, kubectl and the bridge.
 */
export async function startWorldKube(context: SimulationContext, options: WorldKubeOptions = {}): Promise<WorldKube> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const emulator = await startKubeEmulator({ ...options.emulator, host: context.host, port: options.port ?? 0, token, clock: context.clock });
  let temporary: string | undefined;
  let feed: WorldKubeFeed | undefined;
  try {
    feed = feedWorldToKube(context.world, emulator.store);
    if (options.kubeconfigOut === undefined) temporary = await mkdtemp(join(tmpdir(), 'isthmus-simulate-kube-'));
    const kubeconfigPath = options.kubeconfigOut ?? join(temporary ?? '', 'kubeconfig');
    await writeKubeconfig(kubeconfigPath, { server: emulator.url, token, name: 'isthmus-simulate' });
    const world = feed;
    const cluster = context.world.cluster;
    return {
      name: 'kube',
      url: emulator.url,
      kubeconfigPath,
      token,
      emulator,
      feed: world,
      info: { url: emulator.url, kubeconfig: kubeconfigPath, token },
      summary: [
        `Kubernetes   ${emulator.url}   kubeconfig ${kubeconfigPath}`,
        `             ${cluster.nodes.length} nodes, ${cluster.namespaces.length} namespaces, ${cluster.services.length} Services with their EndpointSlices`,
        `  try:       kubectl --kubeconfig ${shellQuote(kubeconfigPath)} get services,endpointslices -A`,
      ],
      close: async () => {
        world.close();
        await emulator.close();
        if (temporary !== undefined) await rm(temporary, { recursive: true, force: true });
      },
    };
  } catch (error) {
    feed?.close();
    await emulator.close();
    if (temporary !== undefined) await rm(temporary, { recursive: true, force: true });
    throw error;
  }
}

/** As typed into a POSIX shell: bare when safe, else single-quoted. */
function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}
