export interface ListenAddress {
  /** Without brackets: `0.0.0.0`, `127.0.0.1`, `::`. */
  readonly host: string;
  /** 0 asks the system for a free port (tests). */
  readonly port: number;
}

/**
 * Splits `host:port` or `[ipv6]:port` (the form of `telemetry.listen`, already validated by the
 * configuration) into what `server.listen` takes.
 */
export function parseListenAddress(text: string): ListenAddress {
  const bracketed = /^\[([^\]]+)\]:(\d{1,5})$/.exec(text);
  const plain = /^([^:[\]]+):(\d{1,5})$/.exec(text);
  const match = bracketed ?? plain;
  const port = Number(match?.[2]);
  if (match?.[1] === undefined || !Number.isInteger(port) || port > 65_535) {
    throw new RangeError(`expected host:port or [ipv6]:port to listen on, found "${text}"`);
  }
  return { host: match[1], port };
}
