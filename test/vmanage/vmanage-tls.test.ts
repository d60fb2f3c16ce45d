import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVmanageEmulator } from '../../simulator/vmanage/vmanage-emulator.ts';
import type { VmanageEmulator } from '../../simulator/vmanage/vmanage-emulator.ts';
import { isVmanageError } from '../../src/vmanage/vmanage-error.ts';
import { VmanageSession } from '../../src/vmanage/vmanage-session.ts';
import type { VmanageSessionOptions } from '../../src/vmanage/vmanage-session.ts';
import { captureLog } from './capture-log.ts';
import { sampleDataSource } from './sample-data-source.ts';

/** Node cannot make certificates; openssl can. Without it these tests are skipped, and say why. */
function findOpenssl(): string | undefined {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return 'openssl';
  } catch {
    return undefined;
  }
}

const openssl = findOpenssl();

interface Pki {
  readonly dir: string;
  readonly caFile: string;
  /** Certificate for IP 127.0.0.1, signed by the CA. */
  readonly ip: { readonly key: string; readonly cert: string };
  /** Certificate for vmanage.example only, signed by the CA: wrong name for 127.0.0.1. */
  readonly wrongName: { readonly key: string; readonly cert: string };
}

function run(args: readonly string[], cwd: string): void {
  execFileSync(openssl ?? 'openssl', args, { cwd, stdio: 'ignore' });
}

/** A throwaway CA and two leaf certificates (EC P-256, one day), made in a temporary directory. */
function makePki(): Pki {
  const dir = mkdtempSync(join(tmpdir(), 'isthmus-vmanage-tls-'));
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=Isthmus Test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  const leaf = (name: string, san: string): { key: string; cert: string } => {
    writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n`);
    run(['req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`], dir);
    run(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '1', '-extfile', `${name}.ext`], dir);
    return { key: readFileSync(join(dir, `${name}.key`), 'utf8'), cert: readFileSync(join(dir, `${name}.pem`), 'utf8') };
  };
  return { dir, caFile: join(dir, 'ca.pem'), ip: leaf('ip', 'IP:127.0.0.1'), wrongName: leaf('named', 'DNS:vmanage.example') };
}

describe('TLS to vManage', () => {
  let pki: Pki;
  let emulator: VmanageEmulator;
  let misnamed: VmanageEmulator;
  const sessions: VmanageSession[] = [];

  beforeAll(async () => {
    pki = makePki();
    emulator = await startVmanageEmulator({ dataSource: sampleDataSource(), tls: pki.ip });
    misnamed = await startVmanageEmulator({ dataSource: sampleDataSource(), tls: pki.wrongName });
  });

  afterAll(async () => {
    await Promise.all(sessions.map((session) => session.close()));
    await emulator.close();
    await misnamed.close();
    rmSync(pki.dir, { recursive: true, force: true });
  });

  function open(target: VmanageEmulator, options: Partial<VmanageSessionOptions> = {}): VmanageSession {
    const session = new VmanageSession({ baseUrl: target.url, ...target.credentials, timeoutMs: 3000, ...options });
    sessions.push(session);
    return session;
  }

  async function tlsFailure(session: VmanageSession): Promise<{ code: string; message: string; retryable: boolean }> {
    try {
      await session.login();
    } catch (error) {
      if (isVmanageError(error)) return { code: error.code, message: error.message, retryable: error.retryable };
      throw error;
    }
    throw new Error('expected a TLS failure');
  }

  it('verifies certificates by default: an unknown CA is ISTHMUS_E_VMANAGE_TLS with the reason', async () => {
    expect(emulator.url.startsWith('https://127.0.0.1:')).toBe(true);
    const failure = await tlsFailure(open(emulator));
    expect(failure.code).toBe('ISTHMUS_E_VMANAGE_TLS');
    expect(failure.retryable).toBe(false);
    expect(failure.message).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|unable to verify/);
  });

  it('trusts the CA given as caFile', async () => {
    const session = open(emulator, { caFile: pki.caFile });
    const devices = (await session.get('/dataservice/device')) as { data: unknown[] };
    expect(devices.data.length).toBeGreaterThan(0);
  });

  it('still checks the name with a trusted CA', async () => {
    const failure = await tlsFailure(open(misnamed, { caFile: pki.caFile }));
    expect(failure.code).toBe('ISTHMUS_E_VMANAGE_TLS');
    expect(failure.message).toMatch(/ERR_TLS_CERT_ALTNAME_INVALID|altnames/);
  });

  it('skips verification only with insecure: true, and warns', async () => {
    const log = captureLog();
    const session = open(misnamed, { insecure: true, logger: log });
    await session.login();
    expect(log.lines.filter((line) => line.level === 'warn').map((line) => line.msg)).toEqual([
      'TLS certificate verification for vManage is disabled (insecure: true): its identity is not checked',
    ]);
  });
});
