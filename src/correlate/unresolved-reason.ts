/**
 * Why a flow could not be attributed to a Service and a site pair. Reasons name the connection's ends
 * after reply swapping: "source" is the client, "destination" the server. The first failing step is
 * counted: the record itself, then the server's Service, then the client's place, then the server's.
 *  - `not-a-flow`: not a packet of a connection (socket-translation traces, unknown record types, no IPs);
 *  - `unknown-destination-ip`: nothing known about the server address (not a pod, node or frontend);
 *  - `no-service`: the server is a known pod, node or frontend, but no Service serves that port there;
 *  - `unknown-source-ip`: the client address is unknown to the index and not local to the observing node;
 *  - `unknown-node`: an end's node (or the observing node, for a local end) is not in the inventory;
 *  - `node-without-site`: an end's node is known but no label or CIDR range places it at a site.
 */
export const UNRESOLVED_REASONS = [
  'not-a-flow',
  'unknown-destination-ip',
  'no-service',
  'unknown-source-ip',
  'unknown-node',
  'node-without-site',
] as const;

export type UnresolvedReason = (typeof UNRESOLVED_REASONS)[number];
