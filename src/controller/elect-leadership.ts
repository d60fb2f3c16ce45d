import { LeaderElector } from '../kube/leader-election.ts';
import type { LeaderElectionEvent, LeaderElectorOptions } from '../kube/leader-election.ts';
import type { LogPort } from '../vmanage/log-port.ts';
import { Leadership } from './leadership.ts';

export interface ElectLeadershipOptions extends Omit<LeaderElectorOptions, 'onEvent'> {
  readonly logger: LogPort;
  /** Told of every elector event after the gate and the log (tests). */
  readonly onEvent?: (event: LeaderElectionEvent) => void;
}

export interface ElectedLeadership {
  readonly leadership: Leadership;
  /**
   * Steps down at once (the term's signal is aborted before anything is awaited, so no push starts or
   * continues), then stops campaigning and releases the Lease (unless `releaseOnStop` is false).
   */
  stop(): Promise<void>;
}

/**
 * A Leadership gate driven by a LeaderElector on a Lease, started. Leadership changes are logged at info
 * (acquired, lost and why, new leader observed); failed attempts at debug, since a follower's attempts
 * fail by design whenever two candidates race (409) and the elector retries anyway.
 */
export function electLeadership(options: ElectLeadershipOptions): ElectedLeadership {
  const { logger } = options;
  const leadership = new Leadership(options.identity, { elected: true });
  const lease = options.lock.description;
  const elector = new LeaderElector({
    ...options,
    onEvent: (event) => {
      switch (event.type) {
        case 'started-leading':
          leadership.setLeading(true);
          logger.info({ lease, identity: event.identity }, 'leadership acquired: this instance decides and pushes');
          break;
        case 'stopped-leading':
          leadership.setLeading(false);
          logger.info({ lease, identity: event.identity, reason: event.reason }, `leadership lost (${event.reason}): this instance stops deciding and pushing`);
          break;
        case 'new-leader':
          leadership.observeLeader(event.leader);
          logger.info({ lease, leader: event.leader === '' ? undefined : event.leader }, event.leader === '' ? 'lease released' : `new leader observed: ${event.leader}`);
          break;
        case 'attempt-failed':
          logger.debug({ lease, code: event.error.code, err: event.error }, 'lease attempt failed');
          break;
      }
      options.onEvent?.(event);
    },
  });
  elector.start();
  return {
    leadership,
    stop: async () => {
      leadership.setLeading(false);
      await elector.stop();
    },
  };
}
