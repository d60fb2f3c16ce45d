/**
 * The real vManage session and policy client against the vManage emulator on 127.0.0.1, on one fake
 * clock (as src/policy/testdata/policy-harness.ts builds it for the tests), with a request timeout long
 * enough for a policy of a thousand Services on a busy machine.
 */
import { startVmanageEmulator } from '../../../simulator/vmanage/vmanage-emulator.ts';
import type { VmanageEmulator } from '../../../simulator/vmanage/vmanage-emulator.ts';
import { PolicyApplier } from '../../../src/policy/policy-applier.ts';
import { VmanagePolicyClient } from '../../../src/policy/vmanage-policy-client.ts';
import { VmanageSession } from '../../../src/vmanage/vmanage-session.ts';
import { FakeClock, fakeSleep } from '../../vmanage/fake-time.ts';
import { sampleDataSource } from '../../vmanage/sample-data-source.ts';

export interface PushHarness {
  readonly emulator: VmanageEmulator;
  readonly clock: FakeClock;
  readonly client: VmanagePolicyClient;
  readonly applier: PolicyApplier;
  close(): Promise<void>;
}

/** Activations take `activationDelayMs` of the fake clock; the applier polls tasks every `taskPollIntervalMs` of it. */
export async function pushHarness(options: { readonly activationDelayMs: number; readonly taskPollIntervalMs: number }): Promise<PushHarness> {
  const clock = new FakeClock(Date.UTC(2025, 0, 1));
  const emulator = await startVmanageEmulator({ dataSource: sampleDataSource(), clock, activationDelayMs: options.activationDelayMs });
  const { sleep } = fakeSleep(clock);
  const session = new VmanageSession({
    baseUrl: emulator.url,
    username: emulator.credentials.username,
    password: emulator.credentials.password,
    clock,
    sleep,
    random: () => 0.5,
    timeoutMs: 120_000,
    requestsPerSecond: 100_000,
  });
  const client = new VmanagePolicyClient(session);
  const applier = new PolicyApplier({ client, clock, sleep, isLeader: () => true, taskPollIntervalMs: options.taskPollIntervalMs, taskTimeoutMs: 600_000 });
  return {
    emulator,
    clock,
    client,
    applier,
    close: async () => {
      await session.close();
      await emulator.close();
    },
  };
}
