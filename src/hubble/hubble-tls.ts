import { readFile } from 'node:fs/promises';
import { HUBBLE_ERROR_CODES, HubbleError } from './hubble-error.ts';

/**
 * TLS towards Hubble. Present means TLS is on. `ca` replaces the system roots (Hubble's certificates
 * come from the cluster's own CA); `cert` and `key` together are the client certificate that mTLS asks
 * for (a node's port 4244 always does); `serverName` is the name checked in the server's certificate
 * when it is not the host dialled, e.g. `*.default.hubble-grpc.cilium.io` for a node.
 */
export interface HubbleTls {
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly serverName?: string;
}

export interface HubbleTlsFiles {
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly serverName?: string;
}

/** Reads the PEM files; a missing or unreadable one, or a certificate without its key, is a `config` error. */
export async function readHubbleTlsFiles(files: HubbleTlsFiles): Promise<HubbleTls> {
  if ((files.certFile === undefined) !== (files.keyFile === undefined)) {
    throw new HubbleError(HUBBLE_ERROR_CODES.config, 'a client certificate needs its key: give both the certificate file and the key file');
  }
  const [ca, cert, key] = await Promise.all([read(files.caFile, 'CA'), read(files.certFile, 'client certificate'), read(files.keyFile, 'client key')]);
  return {
    ...(ca === undefined ? {} : { ca }),
    ...(cert === undefined ? {} : { cert }),
    ...(key === undefined ? {} : { key }),
    ...(files.serverName === undefined ? {} : { serverName: files.serverName }),
  };
}

async function read(file: string | undefined, what: string): Promise<Buffer | undefined> {
  if (file === undefined) return undefined;
  let content: Buffer;
  try {
    content = await readFile(file);
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : String(error);
    throw new HubbleError(HUBBLE_ERROR_CODES.config, `cannot read the ${what} file ${file}: ${reason}`, error);
  }
  if (!content.toString('latin1').includes('-----BEGIN ')) {
    throw new HubbleError(HUBBLE_ERROR_CODES.config, `the ${what} file ${file} is not PEM (no -----BEGIN line)`);
  }
  return content;
}
