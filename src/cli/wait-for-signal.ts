/** Resolves on the first SIGINT or SIGTERM; `dispose` removes the handlers. */
export function waitForSignal(): { readonly promise: Promise<string>; dispose(): void } {
  let handler: (signal: NodeJS.Signals) => void = () => undefined;
  const promise = new Promise<string>((resolve) => {
    handler = (signal) => {
      resolve(signal);
    };
  });
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return {
    promise,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
