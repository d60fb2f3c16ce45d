import { HUBBLE_ERROR_CODES, HubbleError } from './hubble-error.ts';

/** Hubble Relay's port (`RelayPort`); Hubble's own CLI dials `localhost:4245` by default too. */
export const DEFAULT_HUBBLE_ADDRESS = 'localhost:4245';
/** A node's Hubble server socket (agent flag `--hubble-socket-path`). */
export const DEFAULT_HUBBLE_SOCKET = 'unix:///var/run/cilium/hubble.sock';
const RELAY_PORT = 4245;

export interface HubbleAddress {
  /** What gRPC dials: `relay.example:4245`, `[::1]:4245`, `unix:///var/run/cilium/hubble.sock`. */
  readonly target: string;
  /** Written with `tls://`, as Hubble's CLI accepts it: TLS without further flags. */
  readonly tls: boolean;
  readonly unix: boolean;
}

/**
 * An address as Hubble's CLI takes it: `host:port`, `host` (port 4245), `[v6]:port`, `tls://host:port`
 * or `unix:///path/to/hubble.sock`. Anything else is a HubbleError (`config`) saying what is expected.
 */
export function parseHubbleAddress(text: string): HubbleAddress {
  const trimmed = text.trim();
  if (trimmed.startsWith('unix:')) {
    const path = trimmed.replace(/^unix:(\/\/)?/, '');
    if (!path.startsWith('/')) throw bad(text, 'a socket address is unix:///absolute/path');
    return { target: `unix://${path}`, tls: false, unix: true };
  }
  let rest = trimmed;
  let tls = false;
  if (rest.startsWith('tls://')) {
    tls = true;
    rest = rest.slice('tls://'.length);
  } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(rest)) {
    throw bad(text, 'give host:port (gRPC, not a URL), tls://host:port, or unix:///path');
  }
  const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_.-]+)(?::(\d+))?$/.exec(rest);
  if (match === null) throw bad(text, 'expected host:port, tls://host:port or unix:///path');
  const port = match[2] === undefined ? RELAY_PORT : Number(match[2]);
  if (!(port >= 1 && port <= 65_535)) throw bad(text, 'the port must be 1–65535');
  return { target: `${match[1] ?? ''}:${port}`, tls, unix: false };
}

function bad(text: string, hint: string): HubbleError {
  return new HubbleError(HUBBLE_ERROR_CODES.config, `invalid Hubble address "${text}": ${hint}`);
}
