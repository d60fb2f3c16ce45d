import { createTask, validate } from 'node-cron';
import type { TaskOptions } from 'node-cron';
import { silentLog } from './log-port.ts';
import type { LogPort } from './log-port.ts';
import type { PollSchedule } from './poll-schedule.ts';
import { VMANAGE_ERROR_CODES, VmanageError } from './vmanage-error.ts';

/** The part of a node-cron task a schedule uses. */
export interface CronTask {
  start(): void | Promise<void>;
  destroy(): void | Promise<void>;
}

/** node-cron's `createTask`, injectable so tests check the wiring without waiting for a cron tick. */
export type CronTaskFactory = (expression: string, run: () => void, options: TaskOptions) => CronTask;

export interface CronScheduleOptions {
  /** IANA zone the expression is read in. Default: the process's local zone, as cron does. */
  readonly timezone?: string;
  readonly logger?: LogPort;
  readonly createTask?: CronTaskFactory;
}

const nodeCronFactory: CronTaskFactory = (expression, run, options) => createTask(expression, run, options);

/**
 * Ticks on a cron expression (5 fields, or 6 with seconds) through node-cron. Overlap is not left to
 * node-cron: every tick reaches the collector, which skips and counts a tick that finds a poll running.
 */
export function cronSchedule(expression: string, options: CronScheduleOptions = {}): PollSchedule {
  if (!validate(expression)) {
    throw new VmanageError(VMANAGE_ERROR_CODES.config, `poll schedule "${expression}" is not a cron expression (5 or 6 fields, e.g. "*/1 * * * *")`);
  }
  const logger = options.logger ?? silentLog;
  const factory = options.createTask ?? nodeCronFactory;
  return (tick) => {
    const task = factory(expression, tick, {
      name: 'isthmus-vmanage-poll',
      ...(options.timezone === undefined ? {} : { timezone: options.timezone }),
      // node-cron logs to the console by default; its notices go to the adapter's log instead.
      logger: {
        info: (message) => {
          logger.debug({ schedule: expression }, message);
        },
        debug: (message) => {
          logger.debug({ schedule: expression }, String(message));
        },
        warn: (message) => {
          logger.warn({ schedule: expression }, message);
        },
        error: (message) => {
          logger.warn({ schedule: expression }, String(message));
        },
      },
    });
    void Promise.resolve(task.start()).catch((error: unknown) => {
      logger.warn({ schedule: expression, error: String(error) }, 'the vManage poll schedule did not start');
    });
    let stopped = false;
    return {
      stop() {
        if (stopped) return;
        stopped = true;
        void Promise.resolve(task.destroy()).catch(() => undefined);
      },
    };
  };
}
