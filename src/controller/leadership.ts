/** Notified on every change of `isLeader()`, after the change (a term's signal is already aborted on false). */
export type LeadershipListener = (leading: boolean) => void;

/**
 * The gate every decide or push path consults (DESIGN.md, "Scale path": only the elected leader decides
 * and pushes policy). A leadership *term* runs from gaining leadership to losing it; each term has its own
 * AbortSignal, aborted synchronously the moment the term ends, so that work started as leader (a policy
 * push in flight) stops at once rather than at its next check.
 *
 * Driven by the leader elector (electLeadership) through `setLeading` and `observeLeader`; `standalone()`
 * is the gate of a process that runs without election and always leads.
 */
export class Leadership {
  /** This instance's identity (the Lease's holderIdentity when it leads). */
  readonly identity: string;
  readonly #elected: boolean;
  readonly #listeners = new Set<LeadershipListener>();
  #term: AbortController;
  #leader: string | undefined;

  constructor(identity: string, options: { readonly elected: boolean }) {
    this.identity = identity;
    this.#elected = options.elected;
    this.#term = new AbortController();
    this.#term.abort(new Error('not the leader'));
  }

  /** Leads from the start and never stops: for a single replica without leader election. */
  static standalone(identity = 'standalone'): Leadership {
    const leadership = new Leadership(identity, { elected: false });
    leadership.setLeading(true);
    return leadership;
  }

  /** Whether this instance may decide and push now. */
  isLeader(): boolean {
    return !this.#term.signal.aborted;
  }

  /** The holder as last observed: this identity while leading, undefined when not known or released. */
  leader(): string | undefined {
    return this.isLeader() ? this.identity : this.#leader;
  }

  /** The current term's signal; an already aborted one when not leading. */
  term(): AbortSignal {
    return this.#term.signal;
  }

  /**
   * The one call a decide or push path makes: runs `action` with the term's signal when leading now, and
   * returns its result; returns undefined without running it on a follower. An async action should pass
   * the signal on (fetch, sleeps) and check it between steps.
   */
  ifLeader<T>(action: (term: AbortSignal) => T): T | undefined {
    const signal = this.#term.signal;
    return signal.aborted ? undefined : action(signal);
  }

  /** Returns the unsubscribe function. A throwing listener does not keep the others from being told. */
  onChange(listener: LeadershipListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** For /readyz and the logs: "leader (pod-a)", "follower; leader pod-b", … */
  describe(): string {
    if (!this.#elected) return `leader (${this.identity}, leader election disabled)`;
    if (this.isLeader()) return `leader (${this.identity})`;
    return `follower (${this.identity}); ${this.#leader === undefined ? 'no leader observed' : `leader ${this.#leader}`}`;
  }

  // Driving ----------------------------------------------------------------------------------------------

  /** Starts or ends a term; a no-op when nothing changes. Ending aborts the term's signal before listeners run. */
  setLeading(leading: boolean): void {
    if (leading === this.isLeader()) return;
    if (leading) this.#term = new AbortController();
    else this.#term.abort(new Error('leadership lost'));
    if (leading) this.#leader = this.identity;
    for (const listener of [...this.#listeners]) {
      try {
        listener(leading);
      } catch {
        // One failing listener must not keep the others (or the elector) from learning the change.
      }
    }
  }

  /** The holder the elector saw on the Lease ('' or undefined: released or not known). */
  observeLeader(holder: string | undefined): void {
    this.#leader = holder === undefined || holder === '' ? undefined : holder;
  }
}
