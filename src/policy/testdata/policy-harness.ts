import { startVmanageEmulator } from '../../../simulator/vmanage/vmanage-emulator.ts';
import type { VmanageEmulator, VmanageEmulatorOptions } from '../../../simulator/vmanage/vmanage-emulator.ts';
import { FakeClock, fakeSleep } from '../../../test/vmanage/fake-time.ts';
import { sampleDataSource } from '../../../test/vmanage/sample-data-source.ts';
import { VmanageSession } from '../../vmanage/vmanage-session.ts';
import { PolicyApplier } from '../policy-applier.ts';
import type { PolicyApplierOptions } from '../policy-applier.ts';
import { VmanagePolicyClient } from '../vmanage-policy-client.ts';

export interface PolicyHarness {
  readonly emulator: VmanageEmulator;
  readonly clock: FakeClock;
  readonly session: VmanageSession;
  readonly client: VmanagePolicyClient;
  readonly leader: { value: boolean };
  /** A new applier on the same session, as a restarted process would build. */
  applier(options?: Partial<PolicyApplierOptions>): PolicyApplier;
  close(): Promise<void>;
}

/** The real session and policy client against the emulator on 127.0.0.1, on one fake clock. */
export async function policyHarness(emulatorOptions: Partial<VmanageEmulatorOptions> = {}): Promise<PolicyHarness> {
  const clock = new FakeClock(Date.UTC(2025, 0, 1));
  const emulator = await startVmanageEmulator({ dataSource: sampleDataSource(), clock, activationDelayMs: 8000, ...emulatorOptions });
  const { sleep } = fakeSleep(clock);
  const session = new VmanageSession({
    baseUrl: emulator.url,
    username: emulator.credentials.username,
    password: emulator.credentials.password,
    clock,
    sleep,
    random: () => 0.5,
    timeoutMs: 5000,
    requestsPerSecond: 1000,
  });
  const client = new VmanagePolicyClient(session);
  const leader = { value: true };
  return {
    emulator,
    clock,
    session,
    client,
    leader,
    applier: (options = {}) => new PolicyApplier({ client, clock, sleep, isLeader: () => leader.value, taskPollIntervalMs: 2000, taskTimeoutMs: 60_000, ...options }),
    close: async () => {
      await session.close();
      await emulator.close();
    },
  };
}

/** The policy API calls since `from` (an index into the request log), as `METHOD path` lines. */
export function callsSince(emulator: VmanageEmulator, from: number): string[] {
  return emulator.policy.requests.slice(from).map((request) => `${request.method} ${request.path.replace('/dataservice/template/policy/', '')}`);
}

/** Only the writes (POST, PUT, DELETE) among them. */
export function writesSince(emulator: VmanageEmulator, from: number): string[] {
  return callsSince(emulator, from).filter((call) => !call.startsWith('GET '));
}
