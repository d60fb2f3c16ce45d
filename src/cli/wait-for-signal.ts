export interface SignalWait {
  /** The name of the first SIGINT or SIGTERM. */
  readonly promise: Promise<string>;
  /** Removes the handlers. */
  dispose(): void;
}

/**
 * Resolves on the first SIGINT or SIGTERM. Without `onRepeat` the handlers go with the first signal, so
 * a second one gets Node's default (the process ends at once). With it, the handlers stay and every
 * later signal is passed to `onRepeat`: the caller says why it stops abruptly, then exits.
 */
export function waitForSignal(onRepeat?: (signal: NodeJS.Signals) => void): SignalWait {
  let first: (signal: NodeJS.Signals) => void = () => undefined;
  const promise = new Promise<string>((resolve) => {
    first = resolve;
  });
  let received = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (!received) {
      received = true;
      if (onRepeat === undefined) dispose();
      first(signal);
    } else {
      onRepeat?.(signal);
    }
  };
  const dispose = (): void => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return { promise, dispose };
}
