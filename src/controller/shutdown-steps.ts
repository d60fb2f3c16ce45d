import type { LogPort } from '../vmanage/log-port.ts';

/** One named step of a shutdown; its name is what the log says is pending when the deadline passes. */
export interface ShutdownStep {
  readonly name: string;
  run(): void | Promise<void>;
}

/** The shutdown did not finish in time; `pending` is the step that was still running. */
export class ShutdownTimeoutError extends Error {
  readonly pending: string;
  readonly timeoutMs: number;

  constructor(pending: string, timeoutMs: number) {
    super(`shutdown did not finish within ${formatSeconds(timeoutMs)}: still pending: ${pending}`);
    this.name = 'ShutdownTimeoutError';
    this.pending = pending;
    this.timeoutMs = timeoutMs;
  }
}

export function isShutdownTimeout(error: unknown): error is ShutdownTimeoutError {
  return error instanceof ShutdownTimeoutError;
}

/**
 * Runs the steps one after the other, each logged at info as it starts. A step that fails is logged and
 * the next one runs anyway: a failed flush must not keep the Lease held or the vManage session open.
 * Rejects with ShutdownTimeoutError naming the step still running once `timeoutMs` has passed; that
 * step is abandoned, not cancelled (the caller exits the process).
 */
export async function runShutdownSteps(steps: readonly ShutdownStep[], options: { readonly timeoutMs: number; readonly logger: LogPort }): Promise<void> {
  const { logger, timeoutMs } = options;
  let pending = steps[0]?.name ?? 'nothing';
  const sequence = (async () => {
    for (const step of steps) {
      pending = step.name;
      logger.info({ step: step.name }, `shutdown: ${step.name}`);
      try {
        await step.run();
      } catch (error) {
        logger.warn({ step: step.name, err: error }, `shutdown: ${step.name} failed; going on`);
      }
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new ShutdownTimeoutError(pending, timeoutMs));
    }, timeoutMs);
  });
  try {
    await Promise.race([sequence, deadline]);
  } finally {
    clearTimeout(timer);
  }
  logger.info({}, 'shutdown complete');
}

function formatSeconds(milliseconds: number): string {
  return milliseconds % 1000 === 0 ? `${milliseconds / 1000}s` : `${milliseconds}ms`;
}
