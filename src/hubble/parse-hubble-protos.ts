import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import type { INamespace } from 'protobufjs';

/** The folder that plays Cilium's `api/v1` include root: `flow/flow.proto`, `observer/…`, `relay/…`. */
export const HUBBLE_PROTO_ROOT = new URL('./proto/', import.meta.url);

/** The entry file; it imports the others. */
const ENTRY = 'observer/observer.proto';

/**
 * Parses the Hubble .proto files into protobuf.js's JSON descriptor form, with proto field names kept
 * as written (`node_name`, `IP`, `ipVersion`): Hubble's JSON uses them, and so does everything here.
 *
 * Only the descriptor test and regeneration read the .proto files; at run time the committed
 * `proto/hubble-descriptor.json` is loaded instead, so that the built package needs no .proto files.
 */
export function parseHubbleProtos(): INamespace {
  const root = new protobuf.Root();
  const base = fileURLToPath(HUBBLE_PROTO_ROOT);
  // The well-known types are built into protobuf.js under their usual import names.
  root.resolvePath = (_origin, target) => (target.startsWith('google/protobuf/') ? target : base + target);
  root.loadSync(ENTRY, { keepCase: true, alternateCommentMode: false });
  root.resolveAll();
  return root.toJSON({ keepComments: false });
}
