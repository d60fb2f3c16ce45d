/**
 * What becomes of activation requests held by `holdActivations` when they are released: `proceed` starts
 * their tasks as if they had just arrived; `refuse` answers 503 and starts nothing, as a Manager that
 * lost them would (the caller may be long gone by then: a client killed while it waited).
 */
export type HeldActivationRelease = 'proceed' | 'refuse';

/** How a hung task ends when released: as if the vSmarts finally answered, or gave up. */
export type HungTaskOutcome = 'success' | 'failure';

/** Fault and timing knobs of the emulator's policy API, settable at runtime from tests and scenarios. */
export class PolicyFaults {
  readonly #endHungTasks: (outcome: HungTaskOutcome) => number;
  #hangs = 0;
  #failActivations = 0;
  #hold: { readonly released: Promise<HeldActivationRelease>; readonly release: (how: HeldActivationRelease) => void } | undefined;
  #heldActivations = 0;
  #failureMessage = 'Failed to push policy to vSmart: configuration rejected';
  #activationDelayMs: number;
  #validationFailures = 0;

  constructor(activationDelayMs: number, endHungTasks: (outcome: HungTaskOutcome) => number = () => 0) {
    this.#activationDelayMs = activationDelayMs;
    this.#endHungTasks = endHungTasks;
  }

  /** The next `count` activation (or deactivation) tasks end with every vSmart in `failure`. */
  failActivations(count: number, message?: string): void {
    this.#failActivations = Math.max(0, count);
    if (message !== undefined) this.#failureMessage = message;
  }

  /** The next `count` tasks fail validation (before any device is touched). */
  failValidations(count: number): void {
    this.#validationFailures = Math.max(0, count);
  }

  /**
   * The next `count` activation (or deactivation) tasks never finish: they stay `in_progress`, and every
   * other activation meanwhile is refused as "already in progress", as when a vSmart stops answering.
   */
  hangActivations(count: number): void {
    this.#hangs = Math.max(0, count);
  }

  /** Ends every hung task now with `outcome` (default success); returns how many there were. */
  releaseHungActivations(outcome: HungTaskOutcome = 'success'): number {
    return this.#endHungTasks(outcome);
  }

  /** How long an activation task runs, on the emulator's clock. */
  setActivationDelayMs(ms: number): void {
    this.#activationDelayMs = Math.max(0, ms);
  }

  /**
   * From now on, activation and deactivation requests are received but not answered, and start no task,
   * until `releaseActivations`: the widest possible window between a client's policy edits and their
   * activation, for crash tests.
   */
  holdActivations(): void {
    if (this.#hold !== undefined) return;
    let release: (how: HeldActivationRelease) => void = () => undefined;
    const released = new Promise<HeldActivationRelease>((resolve) => {
      release = resolve;
    });
    this.#hold = { released, release };
  }

  /** Ends the hold: the held requests proceed or are refused; later ones are served normally again. */
  releaseActivations(how: HeldActivationRelease): void {
    const hold = this.#hold;
    this.#hold = undefined;
    this.#heldActivations = 0;
    hold?.release(how);
  }

  /** How many activation requests the current hold has received. */
  get heldActivations(): number {
    return this.#heldActivations;
  }

  /** Resolves at once (`proceed`) when nothing holds activations, else when the hold is released. */
  async passActivationHold(): Promise<HeldActivationRelease> {
    const hold = this.#hold;
    if (hold === undefined) return 'proceed';
    this.#heldActivations++;
    return hold.released;
  }

  get activationDelayMs(): number {
    return this.#activationDelayMs;
  }

  get failureMessage(): string {
    return this.#failureMessage;
  }

  takeActivationFailure(): boolean {
    if (this.#failActivations === 0) return false;
    this.#failActivations--;
    return true;
  }

  takeHang(): boolean {
    if (this.#hangs === 0) return false;
    this.#hangs--;
    return true;
  }

  takeValidationFailure(): boolean {
    if (this.#validationFailures === 0) return false;
    this.#validationFailures--;
    return true;
  }

  /** Clears every fault; held activations are refused; tasks already hung stay hung until released. */
  reset(): void {
    this.#hangs = 0;
    this.#failActivations = 0;
    this.#validationFailures = 0;
    this.releaseActivations('refuse');
  }
}
