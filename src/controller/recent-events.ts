import type { AssignmentMode } from '../domain/assignment.ts';
import type { Color } from '../domain/color.ts';
import type { DecisionReason } from '../domain/decision.ts';
import type { ServiceKey } from '../domain/service.ts';

/**
 * Something the bridge noticed that an operator wants to see in the API and the demo:
 *  - `assignment`: a Service got a color, changed color or mode, or lost its assignment (`to` undefined);
 *  - `slo-violated` / `slo-recovered`: a Service's SLI flipped (an incident as the Service sees it);
 *  - `hubble-connected` / `hubble-disconnected` / `hubble-reconnected`: the flow stream's state;
 *  - `flow-source-failed`: the flow stream ended with an error (the bridge keeps serving what it has).
 */
export type BridgeEventType =
  | 'assignment'
  | 'slo-violated'
  | 'slo-recovered'
  | 'hubble-connected'
  | 'hubble-disconnected'
  | 'hubble-reconnected'
  | 'flow-source-failed';

export interface BridgeEvent {
  /** Increases by one per event: lets a reader ask for what is new since the last one it saw. */
  readonly seq: number;
  /** Epoch ms on the bridge's clock. */
  readonly time: number;
  readonly type: BridgeEventType;
  readonly service?: ServiceKey;
  readonly from?: Color | undefined;
  readonly to?: Color | undefined;
  readonly mode?: AssignmentMode | undefined;
  readonly reason?: DecisionReason | undefined;
  /** One line for people. */
  readonly message: string;
}

export type BridgeEventInput = Omit<BridgeEvent, 'seq' | 'time'>;

export const DEFAULT_MAX_EVENTS = 200;

/** The last `capacity` events, oldest first: a fixed-size ring, so a flapping fabric cannot grow memory. */
export class RecentEvents {
  readonly #capacity: number;
  readonly #ring: (BridgeEvent | undefined)[];
  #next = 0;
  #seq = 0;

  constructor(capacity = DEFAULT_MAX_EVENTS) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, not ${capacity}`);
    this.#capacity = capacity;
    this.#ring = new Array<BridgeEvent | undefined>(capacity).fill(undefined);
  }

  add(time: number, event: BridgeEventInput): BridgeEvent {
    const stored: BridgeEvent = { ...event, seq: ++this.#seq, time };
    this.#ring[this.#next] = stored;
    this.#next = (this.#next + 1) % this.#capacity;
    return stored;
  }

  /** Oldest first; at most `limit` of the newest when given. */
  list(limit?: number): BridgeEvent[] {
    const events: BridgeEvent[] = [];
    for (let i = 0; i < this.#capacity; i++) {
      const event = this.#ring[(this.#next + i) % this.#capacity];
      if (event !== undefined) events.push(event);
    }
    return limit === undefined ? events : events.slice(Math.max(0, events.length - limit));
  }
}
