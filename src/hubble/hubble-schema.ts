import protobuf from 'protobufjs';
import type { Root, Type } from 'protobufjs';
import descriptor from './proto/hubble-descriptor.json' with { type: 'json' };

/** Messages the codecs are asked for by name; all of them live in Cilium's packages. */
export type HubbleMessageName =
  | 'observer.GetFlowsRequest'
  | 'observer.GetFlowsResponse'
  | 'observer.ExportEvent'
  | 'observer.ServerStatusRequest'
  | 'observer.ServerStatusResponse'
  | 'observer.GetNodesRequest'
  | 'observer.GetNodesResponse'
  | 'observer.GetNamespacesRequest'
  | 'observer.GetNamespacesResponse'
  | 'observer.GetAgentEventsRequest'
  | 'observer.GetAgentEventsResponse'
  | 'observer.GetDebugEventsRequest'
  | 'observer.GetDebugEventsResponse'
  | 'flow.Flow'
  | 'flow.FlowFilter'
  | 'flow.LostEvent'
  | 'flow.AgentEvent'
  | 'flow.DebugEvent'
  | 'relay.NodeStatusEvent';

/** Packages whose JSON keys are the proto field names (the well-known types keep their own rules). */
const HUBBLE_PACKAGES = ['flow', 'observer', 'relay'] as const;

export interface HubbleSchema {
  readonly root: Root;
  type(name: HubbleMessageName): Type;
}

let schema: HubbleSchema | undefined;

/**
 * The Hubble protobuf schema (Cilium v1.19's flow, observer and relay packages) as protobuf.js
 * reflection, built once from the committed descriptor. protobuf.js compiles a decoder and an encoder
 * per message type from it at first use, so reflection costs nothing per message.
 */
export function hubbleSchema(): HubbleSchema {
  schema ??= buildSchema();
  return schema;
}

function buildSchema(): HubbleSchema {
  const root = protobuf.Root.fromJSON(descriptor);
  for (const name of HUBBLE_PACKAGES) useProtoNamesInJson(root.lookup(name));
  root.resolveAll();
  const types = new Map<string, Type>();
  return {
    root,
    type(name) {
      let type = types.get(name);
      if (type === undefined) {
        type = root.lookupType(name);
        types.set(name, type);
      }
      return type;
    },
  };
}

/**
 * Hubble prints protobuf JSON with proto field names (`node_name`, `is_reply`, `IP`), as Go's protojson
 * does with UseProtoNames. protobuf.js's ProtoJSON writer keys fields by `jsonName`, so each field's JSON
 * name becomes its proto name; the lowerCamelCase name moves to `protoName`, which the ProtoJSON reader
 * also accepts, so input in either spelling still parses (as Go's reader allows).
 */
function useProtoNamesInJson(node: protobuf.ReflectionObject | null): void {
  if (node instanceof protobuf.Type) {
    for (const field of node.fieldsArray) {
      const camel = protobuf.util.jsonName(field.name);
      // The typings mark both readonly; they are plain properties that resolve() fills when unset.
      Object.assign(field, camel === field.name ? { jsonName: field.name } : { jsonName: field.name, protoName: camel });
    }
  }
  if (node instanceof protobuf.Namespace) for (const nested of node.nestedArray) useProtoNamesInJson(nested);
}
