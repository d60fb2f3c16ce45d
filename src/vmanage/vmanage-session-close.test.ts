/**
 * Closing a session mid-request, as a shutdown does: the request in flight is aborted at once (not left
 * to its timeout), the logout is still sent, and nothing logs in again afterwards; a collector closed
 * during a poll does not wait the poll out. Loopback only.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../config/config-schema.ts';
import { startVmanageEmulator } from '../../simulator/vmanage/vmanage-emulator.ts';
import type { VmanageEmulator } from '../../simulator/vmanage/vmanage-emulator.ts';
import { sampleDataSource } from '../../test/vmanage/sample-data-source.ts';
import { createTunnelCollector } from './create-tunnel-collector.ts';
import { VMANAGE_ERROR_CODES } from './vmanage-error.ts';
import { VmanageSession } from './vmanage-session.ts';

/** Far beyond the test's own timeout: only an abort can end a request that waits this long. */
const REQUEST_TIMEOUT_MS = 120_000;

let emulator: VmanageEmulator | undefined;

afterEach(async () => {
  emulator?.faults.reset();
  await emulator?.close();
  emulator = undefined;
});

describe('VmanageSession.close', () => {
  it('aborts a request in flight, still logs out, and refuses to log in again', async () => {
    emulator = await startVmanageEmulator({ dataSource: sampleDataSource({ edges: 2, intervals: 1, now: Date.now() }) });
    const session = new VmanageSession({
      baseUrl: emulator.url,
      username: emulator.credentials.username,
      password: emulator.credentials.password,
      timeoutMs: REQUEST_TIMEOUT_MS,
      // The emulator's version: no probe before the logout, which is then the only request after the slow one.
      platformVersion: '20.12.1',
    });
    await session.login();
    const logins = emulator.stats.logins;
    // Only the request below is slow: the fault is lifted again before the logout goes out.
    emulator.faults.setLatencyMs(REQUEST_TIMEOUT_MS);
    const inFlight = session.get('/dataservice/device');
    const outcome = inFlight.then(
      () => 'answered',
      (error: unknown) => error,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    emulator.faults.setLatencyMs(0);

    await session.close();

    expect(await outcome).toMatchObject({ code: VMANAGE_ERROR_CODES.closed });
    expect(emulator.stats.logouts).toBe(1);
    await expect(session.get('/dataservice/device')).rejects.toMatchObject({ code: VMANAGE_ERROR_CODES.closed });
    expect(emulator.stats.logins).toBe(logins);
  }, 20_000);
});

describe('VmanageTunnelCollector.close', () => {
  it('ends a poll in flight instead of waiting for its request timeout, and logs out', async () => {
    emulator = await startVmanageEmulator({ dataSource: sampleDataSource({ edges: 2, intervals: 1, now: Date.now() }) });
    const config = configSchema.parse({
      vmanage: { url: emulator.url, username: emulator.credentials.username, password: { env: 'VMANAGE_PASSWORD' }, requestTimeout: '2m', pollInterval: '1h' },
    }).vmanage;
    const built = await createTunnelCollector({ config, env: { VMANAGE_PASSWORD: emulator.credentials.password } });
    await built.session.login();
    emulator.faults.setLatencyMs(REQUEST_TIMEOUT_MS);
    const polling = built.collector.poll();
    await new Promise((resolve) => setTimeout(resolve, 100));
    emulator.faults.setLatencyMs(0);

    // The request timeout is two minutes; the test's own timeout, far shorter, is the bound.
    await built.close();

    expect(await polling).toMatchObject({ outcome: 'failed', errorCode: VMANAGE_ERROR_CODES.closed });
    expect(emulator.stats.logouts).toBe(1);
  }, 20_000);
});
