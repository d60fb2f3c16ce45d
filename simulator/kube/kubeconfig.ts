import { writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';

export interface KubeconfigOptions {
  /** `http://127.0.0.1:<port>`. */
  readonly server: string;
  /** Bearer token of the user; omitted when the emulator does not check one. */
  readonly token?: string;
  /** Cluster, user and context name. Default `isthmus-emulator`. */
  readonly name?: string;
  /** The context's default namespace. */
  readonly namespace?: string;
}

/**
 * A kubeconfig (YAML) whose current context points at the emulator, for clients, kubectl and
 * `isthmus simulate`. A plain-HTTP server is marked `insecure-skip-tls-verify`: @kubernetes/client-node
 * refuses `http:` servers otherwise (the flag has no other effect without TLS).
 */
export function renderKubeconfig(options: KubeconfigOptions): string {
  const name = options.name ?? 'isthmus-emulator';
  const plainHttp = options.server.startsWith('http:');
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: options.server, ...(plainHttp ? { 'insecure-skip-tls-verify': true } : {}) } }],
    users: [{ name, user: options.token === undefined ? {} : { token: options.token } }],
    contexts: [{ name, context: { cluster: name, user: name, ...(options.namespace === undefined ? {} : { namespace: options.namespace }) } }],
    'current-context': name,
    preferences: {},
  });
}

/** Writes the kubeconfig with owner-only permissions (it may hold a token). */
export async function writeKubeconfig(path: string, options: KubeconfigOptions): Promise<void> {
  await writeFile(path, renderKubeconfig(options), { mode: 0o600 });
}
