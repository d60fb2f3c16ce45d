/** Fault and timing knobs of the emulator's policy API, settable at runtime from tests and scenarios. */
export class PolicyFaults {
  #failActivations = 0;
  #failureMessage = 'Failed to push policy to vSmart: configuration rejected';
  #activationDelayMs: number;
  #validationFailures = 0;

  constructor(activationDelayMs: number) {
    this.#activationDelayMs = activationDelayMs;
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

  /** How long an activation task runs, on the emulator's clock. */
  setActivationDelayMs(ms: number): void {
    this.#activationDelayMs = Math.max(0, ms);
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

  takeValidationFailure(): boolean {
    if (this.#validationFailures === 0) return false;
    this.#validationFailures--;
    return true;
  }

  reset(): void {
    this.#failActivations = 0;
    this.#validationFailures = 0;
  }
}
