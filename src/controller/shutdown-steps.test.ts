import { describe, expect, it } from 'vitest';
import type { LogPort } from '../vmanage/log-port.ts';
import { isShutdownTimeout, runShutdownSteps } from './shutdown-steps.ts';

function recordingLog(): { readonly logger: LogPort; readonly lines: string[] } {
  const lines: string[] = [];
  const record = (level: string) => (_obj: object, message?: string): void => {
    lines.push(`${level} ${message ?? ''}`);
  };
  return { logger: { info: record('info'), warn: record('warn'), debug: record('debug') }, lines };
}

describe('runShutdownSteps', () => {
  it('runs the steps in order, logging each at info, and goes on past a failing one', async () => {
    const { logger, lines } = recordingLog();
    const ran: string[] = [];
    await runShutdownSteps(
      [
        { name: 'release the Lease', run: () => void ran.push('lease') },
        { name: 'flush the exporters', run: () => Promise.reject(new Error('collector down')) },
        { name: 'log out of vManage', run: () => Promise.resolve().then(() => void ran.push('logout')) },
      ],
      { timeoutMs: 5000, logger },
    );
    expect(ran).toEqual(['lease', 'logout']);
    expect(lines).toEqual([
      'info shutdown: release the Lease',
      'info shutdown: flush the exporters',
      'warn shutdown: flush the exporters failed; going on',
      'info shutdown: log out of vManage',
      'info shutdown complete',
    ]);
  });

  it('gives up at the deadline, naming the step that is still pending, and runs no later step', async () => {
    const { logger } = recordingLog();
    let later = false;
    const outcome = runShutdownSteps(
      [
        { name: 'release the Lease', run: () => undefined },
        { name: 'log out of vManage', run: () => new Promise<void>(() => undefined) },
        { name: 'stop the Kubernetes informers', run: () => void (later = true) },
      ],
      { timeoutMs: 50, logger },
    );
    const error: unknown = await outcome.catch((rejection: unknown) => rejection);
    expect(isShutdownTimeout(error)).toBe(true);
    expect(error).toMatchObject({ pending: 'log out of vManage', timeoutMs: 50, message: 'shutdown did not finish within 50ms: still pending: log out of vManage' });
    expect(later).toBe(false);
  });
});
