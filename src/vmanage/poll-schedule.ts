/** A running schedule; `stop` ends it (idempotent). */
export interface PollTrigger {
  stop(): void;
}

/**
 * When polls happen, kept apart from what a poll does: the collector hands its tick to a schedule
 * (a fixed interval on an injected timer, or a cron expression), so tests drive ticks on fake time.
 */
export type PollSchedule = (tick: () => void) => PollTrigger;
