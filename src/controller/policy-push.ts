import type { PolicyApplier, PolicyPushReport } from '../policy/policy-applier.ts';
import { silentLog } from '../vmanage/log-port.ts';
import type { LogPort } from '../vmanage/log-port.ts';
import type { AssignmentPush } from './bridge.ts';

export interface PolicyPushOptions {
  readonly applier: Pick<PolicyApplier, 'push' | 'startTerm'>;
  /** `optimizer.dryRun`: read back and diff, never change vManage. */
  readonly dryRun: boolean;
  /** `isthmus_policy_pushes_total{result}` and `isthmus_policy_push_duration_seconds` (TelemetryState fits). */
  readonly counters?: { recordPolicyPush(result: string, durationSeconds: number): void };
  readonly logger?: LogPort;
  /** Every report, after it is counted (tests, the demo). */
  readonly onReport?: (report: PolicyPushReport) => void;
}

/**
 * The bridge's push path onto vManage: each evaluation's desired policy goes to the applier (which
 * renders, diffs, applies and coalesces within its minimum interval), with the leadership term's signal
 * so a push stops the moment leadership is lost. One push at a time: an evaluation that finds one in
 * flight skips, and the next evaluation pushes the then-latest policy (level-triggered, nothing queued).
 * The first push of each term tells the applier so: another leader may have changed vManage meanwhile.
 */
export function policyPush(options: PolicyPushOptions): AssignmentPush {
  const logger = options.logger ?? silentLog;
  let inFlight = false;
  let currentTerm: AbortSignal | undefined;
  return async (_assignments, term, desired) => {
    if (desired === undefined || inFlight) return;
    if (term !== currentTerm) {
      currentTerm = term;
      options.applier.startTerm();
    }
    inFlight = true;
    try {
      const report = await options.applier.push(desired, { dryRun: options.dryRun, signal: term });
      // A push the term ended (leadership lost, or shutdown closing the session under it) was stopped on
      // purpose, not failed: the next leader pushes again, so neither a warning nor a failure count.
      if (term.aborted && (report.outcome === 'failed' || report.outcome === 'rolled-back')) {
        logger.debug({ outcome: report.outcome, error: report.error?.code }, 'policy push stopped: the leadership term ended');
      } else {
        options.counters?.recordPolicyPush(report.outcome, report.durationMs / 1000);
        logReport(logger, report);
      }
      options.onReport?.(report);
    } finally {
      inFlight = false;
    }
  };
}

function logReport(logger: LogPort, report: PolicyPushReport): void {
  const changes = report.diff?.changes.length;
  if (report.outcome === 'failed' || report.outcome === 'rolled-back') {
    logger.warn({ outcome: report.outcome, error: report.error?.code, message: report.error?.message, rollbackError: report.rollbackError?.code }, `policy push ${report.outcome}`);
  } else if (report.outcome === 'applied' || report.outcome === 'dry-run') {
    logger.info({ outcome: report.outcome, changes, durationMs: report.durationMs, notes: report.notes.length }, `policy push ${report.outcome}`);
  } else {
    logger.debug({ outcome: report.outcome, nextPushAt: report.nextPushAt }, `policy push ${report.outcome}`);
  }
}
