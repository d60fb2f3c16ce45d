import type { Message } from 'protobufjs';
import protojson from 'protobufjs/ext/protojson.js';
import { HUBBLE_ERROR_CODES, HubbleError } from './hubble-error.ts';
import { hubbleSchema } from './hubble-schema.ts';
import type { HubbleMessageName } from './hubble-schema.ts';

/** A JSON value as JSON.parse returns it. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | JsonObject;
export interface JsonObject {
  readonly [key: string]: JsonValue;
}

export interface EncodeHubbleOptions {
  /**
   * Skip object keys the schema does not know (a newer Hubble's fields) instead of failing. Default true:
   * the bridge reads what it knows. Tests turn it off to prove that every key of a sample was understood.
   */
  readonly ignoreUnknownFields?: boolean;
}

/**
 * The full codec: every field of every Hubble message, through protobuf.js reflection over the committed
 * descriptor. Its object form is Hubble's JSON form (see flow-json.ts): proto field names, enum names,
 * 64-bit integers as strings, RFC 3339 timestamps, bare wrapper values, zero values left out.
 *
 * This is the reference decoder: `isthmus observe -o json`, the emulator and the tests use it. The
 * bridge's ingest path uses FlowEventDecoder, which reads only what the bridge needs.
 */
export function decodeHubble(name: HubbleMessageName, bytes: Uint8Array): JsonObject {
  const message = decodeHubbleMessage(name, bytes);
  try {
    return protojson.toJson(hubbleSchema().type(name), message) as JsonObject;
  } catch (error) {
    throw new HubbleError(HUBBLE_ERROR_CODES.decode, `${name} has no JSON form: ${messageOf(error)}`, error);
  }
}

/** Hubble's JSON form of a message (an already parsed value) → protobuf bytes. */
export function encodeHubble(name: HubbleMessageName, json: unknown, options: EncodeHubbleOptions = {}): Uint8Array {
  const type = hubbleSchema().type(name);
  let message: Message;
  try {
    message = protojson.fromJson(type, json, { ignoreUnknownFields: options.ignoreUnknownFields ?? true });
  } catch (error) {
    throw new HubbleError(HUBBLE_ERROR_CODES.json, `not the JSON form of ${name}: ${messageOf(error)}`, error);
  }
  try {
    return type.encode(message).finish();
  } catch (error) {
    throw new HubbleError(HUBBLE_ERROR_CODES.encode, `cannot encode ${name}: ${messageOf(error)}`, error);
  }
}

/**
 * Bytes → protobuf.js message object (64-bit fields as Long). Fields the schema does not know, and known
 * fields sent with another wire type, are skipped, as protobuf requires; malformed bytes (truncated,
 * a length past the end, wire type 6 or 7, nesting deeper than 100) are a HubbleError.
 */
export function decodeHubbleMessage(name: HubbleMessageName, bytes: Uint8Array): Message {
  try {
    return hubbleSchema().type(name).decode(bytes);
  } catch (error) {
    throw new HubbleError(HUBBLE_ERROR_CODES.decode, `malformed ${name} (${bytes.length} bytes): ${messageOf(error)}`, error);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
