/**
 * TLS verification is on by default for every adapter that speaks TLS: Hubble (gRPC, with mTLS), vManage
 * (REST) and OTLP (HTTP and gRPC). A server whose certificate comes from a CA the bridge was not told about
 * is refused with the default settings, and accepted once that CA is configured; and no `insecure`-like
 * switch in the configuration defaults to on.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server as GrpcServer, ServerCredentials } from '@grpc/grpc-js';
import type { sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHubbleEmulator } from '../../simulator/hubble/hubble-emulator.ts';
import { hubbleTestWorld } from '../../simulator/hubble/hubble-test-world.ts';
import { startVmanageEmulator } from '../../simulator/vmanage/vmanage-emulator.ts';
import { configJsonSchema } from '../../src/config/config-json-schema.ts';
import { configSchema } from '../../src/config/config-schema.ts';
import { validateConfig } from '../../src/config/validate-config.ts';
import { HubbleClient } from '../../src/hubble/hubble-client.ts';
import type { HubbleTls } from '../../src/hubble/hubble-tls.ts';
import { isHubbleError } from '../../src/hubble/hubble-error.ts';
import type { HubbleEvent } from '../../src/hubble/hubble-event.ts';
import { readHubbleTlsFiles } from '../../src/hubble/hubble-tls.ts';
import { OtlpMetrics } from '../../src/telemetry/otlp-metrics.ts';
import type { ExportOutcome } from '../../src/telemetry/otlp-metrics.ts';
import type { OtlpProtocol } from '../../src/telemetry/otlp-exporter.ts';
import { SeriesSource } from '../../src/telemetry/series-source.ts';
import { isVmanageError } from '../../src/vmanage/vmanage-error.ts';
import { VmanageSession } from '../../src/vmanage/vmanage-session.ts';
import { sampleTelemetry } from '../telemetry/sample-telemetry.ts';
import { sampleDataSource } from '../vmanage/sample-data-source.ts';

interface Pki {
  readonly dir: string;
  /** The CA that signed the server certificate: unknown to the system roots, like a self-signed one. */
  readonly caFile: string;
  readonly server: { readonly key: Buffer; readonly cert: Buffer };
}

/** A throwaway CA and a server certificate for 127.0.0.1 (EC P-256, one day). */
function makePki(): Pki {
  const dir = mkdtempSync(join(tmpdir(), 'isthmus-tls-default-'));
  const run = (args: readonly string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  };
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=Untrusted Test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n');
  run(['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=server']);
  run(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '1', '-extfile', 'server.ext']);
  return { dir, caFile: join(dir, 'ca.pem'), server: { key: readFileSync(join(dir, 'server.key')), cert: readFileSync(join(dir, 'server.pem')) } };
}

let pki: Pki;
beforeAll(() => {
  pki = makePki();
});
afterAll(() => {
  rmSync(pki.dir, { recursive: true, force: true });
});

describe('configuration defaults', () => {
  it('turn no verification-skipping switch on, and vManage insecure defaults to false', () => {
    const config = configSchema.parse({ vmanage: { enabled: false } });
    expect(config.vmanage.insecure).toBe(false);
    const switches: string[] = [];
    const walk = (value: unknown, path: string): void => {
      if (typeof value !== 'object' || value === null) return;
      for (const [key, child] of Object.entries(value)) {
        if (/insecure|skip.*verif|no.*verif|unverified|allow.*untrusted/i.test(key)) switches.push(`${path}${key}=${JSON.stringify(child)}`);
        walk(child, `${path}${key}.`);
      }
    };
    walk(config, '');
    // And in the published JSON Schema, where every default is listed.
    walk(configJsonSchema(), 'schema:');
    expect(switches.length).toBeGreaterThan(0);
    for (const entry of switches) expect(entry, entry).not.toMatch(/=true$|"default":true/);
    expect(JSON.stringify(configJsonSchema())).not.toMatch(/"insecure":\{[^}]*"default":true/);
  });

  it('refuse an OTLP caFile that would be ignored (an http endpoint)', () => {
    const result = validateConfig({ vmanage: { enabled: false }, telemetry: { otlp: { endpoint: 'http://collector:4318', caFile: '/etc/ca.pem' } } });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.map((problem) => problem.key)).toContain('telemetry.otlp.caFile');
  });
});

describe('Hubble', () => {
  async function collect(address: string, tls: HubbleTls): Promise<HubbleEvent[] | { code: string; message: string }> {
    const client = new HubbleClient({ address, tls, request: { number: 3n }, retryInitialConnect: false, statusIntervalMs: 0, connectTimeoutMs: 3000 });
    const events: HubbleEvent[] = [];
    try {
      for await (const event of client.events()) events.push(event);
      return events;
    } catch (error) {
      if (isHubbleError(error)) return { code: error.code, message: error.message };
      throw error;
    } finally {
      client.close();
    }
  }

  it('refuses a server certificate from an unknown CA with TLS on and no caFile, and accepts it with the CA', async () => {
    const emulator = await startHubbleEmulator({ world: hubbleTestWorld(), prefillMs: 20_000, tls: pki.server });
    try {
      // hubble.tls.enabled: true without caFile: the system roots.
      expect(await collect(emulator.address, await readHubbleTlsFiles({}))).toMatchObject({ code: 'ISTHMUS_E_HUBBLE_TLS', message: expect.stringMatching(/certificate|verify/i) as unknown });
      const events = await collect(emulator.address, await readHubbleTlsFiles({ caFile: pki.caFile }));
      expect(Array.isArray(events) ? events.filter((event) => event.kind === 'flow').length : events).toBe(3);
    } finally {
      await emulator.close();
    }
  });
});

describe('vManage', () => {
  it('refuses a server certificate from an unknown CA by default, and accepts it with caFile', async () => {
    const emulator = await startVmanageEmulator({ dataSource: sampleDataSource(), tls: pki.server });
    const sessions: VmanageSession[] = [];
    const open = (caFile?: string): VmanageSession => {
      const session = new VmanageSession({ baseUrl: emulator.url, ...emulator.credentials, timeoutMs: 3000, ...(caFile === undefined ? {} : { caFile }) });
      sessions.push(session);
      return session;
    };
    try {
      const failure = await open().login().then(() => undefined, (error: unknown) => error);
      expect(isVmanageError(failure) ? failure.code : failure).toBe('ISTHMUS_E_VMANAGE_TLS');
      await expect(open(pki.caFile).login()).resolves.toBeUndefined();
    } finally {
      await Promise.all(sessions.map((session) => session.close()));
      await emulator.close();
    }
  });
});

/** A TLS OTLP receiver that only counts exports: HTTPS POST /v1/metrics, or the gRPC MetricsService. */
async function tlsReceiver(protocol: OtlpProtocol): Promise<{ endpoint: string; received: () => number; close: () => Promise<void> }> {
  let received = 0;
  if (protocol === 'http') {
    const server: HttpsServer = createServer({ key: pki.server.key, cert: pki.server.cert }, (request, response) => {
      request.resume();
      request.on('end', () => {
        received += 1;
        response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
      endpoint: `https://127.0.0.1:${String(port)}`,
      received: () => received,
      close: () => new Promise((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
    };
  }
  const server = new GrpcServer();
  const identity = (bytes: Buffer): Buffer => bytes;
  server.addService(
    { Export: { path: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export', requestStream: false, responseStream: false, requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity } },
    {
      Export: (_call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => {
        received += 1;
        callback(null, Buffer.alloc(0));
      },
    },
  );
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', ServerCredentials.createSsl(null, [{ private_key: pki.server.key, cert_chain: pki.server.cert }]), (error, bound) => {
      if (error) reject(error);
      else resolve(bound);
    });
  });
  return {
    endpoint: `https://127.0.0.1:${String(port)}`,
    received: () => received,
    close: () => new Promise((resolve) => {
      server.tryShutdown(() => {
        resolve();
      });
    }),
  };
}

describe.each(['http', 'grpc'] as const)('OTLP over %s', (protocol) => {
  async function exportOnce(endpoint: string, ca: Buffer | undefined): Promise<ExportOutcome[]> {
    const outcomes: ExportOutcome[] = [];
    const otlp = new OtlpMetrics({
      source: new SeriesSource(sampleTelemetry()),
      endpoint,
      protocol,
      intervalMs: 3_600_000,
      timeoutMs: 3000,
      clusterName: 'test',
      serviceVersion: '0.0.0',
      onExport: (outcome) => outcomes.push(outcome),
      ...(ca === undefined ? {} : { ca }),
    });
    try {
      await otlp.forceFlush().catch(() => undefined);
    } finally {
      await otlp.shutdown().catch(() => undefined);
    }
    return outcomes;
  }

  it('refuses a collector certificate from an unknown CA by default, and accepts it with its CA', async () => {
    const receiver = await tlsReceiver(protocol);
    try {
      const refused = await exportOnce(receiver.endpoint, undefined);
      expect(refused.length).toBeGreaterThan(0);
      expect(refused.every((outcome) => !outcome.ok)).toBe(true);
      expect(receiver.received()).toBe(0);
      const accepted = await exportOnce(receiver.endpoint, readFileSync(pki.caFile));
      expect(accepted[0]?.ok, String(accepted[0]?.error)).toBe(true);
      expect(receiver.received()).toBeGreaterThan(0);
    } finally {
      await receiver.close();
    }
  });
});
