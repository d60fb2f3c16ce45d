/**
 * Hostile Hubble frames: random bytes, real frames truncated, bit-flipped, spliced and with lengths that
 * lie. Both decoders — the hot path (FlowEventDecoder) and the full codec — either return an event or throw
 * a HubbleError (`ISTHMUS_E_HUBBLE_DECODE`), never anything else; and after any bad frame the same decoder
 * instance still decodes the next valid frame exactly as a fresh one does.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FlowEventDecoder } from '../../src/hubble/flow-event-decoder.ts';
import { parseFlowJson } from '../../src/hubble/flow-json.ts';
import { decodeHubble, decodeHubbleMessage } from '../../src/hubble/hubble-codec.ts';
import { HUBBLE_ERROR_CODES, isHubbleError } from '../../src/hubble/hubble-error.ts';
import type { HubbleEvent } from '../../src/hubble/hubble-event.ts';
import { hubbleEventFromJson } from '../../src/hubble/hubble-event-from-json.ts';
import { readHubbleSamples } from '../hubble/hubble-samples.ts';
import { anyJson, SEED } from './hostile-arbitraries.ts';
import { bytes, lenField, tag, varint } from '../hubble/wire.ts';

const RUNS = { seed: SEED, numRuns: 400 } as const;

/** Every real capture, as the wire bytes a GetFlows stream or the exporter carries. */
const FRAMES: readonly Uint8Array[] = readHubbleSamples().map(({ text, envelope }) => parseFlowJson(text, { envelope }));
const frame = fc.constantFrom(...FRAMES);

/** Runs a decoder; a throw must be a HubbleError with the decode code, and is returned as 'error'. */
function attempt(decode: () => unknown): unknown {
  try {
    return decode();
  } catch (error) {
    expect(isHubbleError(error), `not a HubbleError: ${String(error)}`).toBe(true);
    if (isHubbleError(error)) expect(error.code).toBe(HUBBLE_ERROR_CODES.decode);
    return 'error';
  }
}

/** The full path the flow-log reader and `isthmus observe` take. Mapping a decoded message must not throw either. */
function fullPath(message: Uint8Array): unknown {
  return attempt(() => hubbleEventFromJson(decodeHubble('observer.ExportEvent', message)));
}

const damaged = fc.oneof(
  // Random bytes.
  fc.uint8Array({ maxLength: 300 }),
  // A real frame cut short.
  frame.chain((original) => fc.nat(original.length).map((cut) => original.subarray(0, cut))),
  // A real frame with bits flipped.
  fc.tuple(frame, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 6 })).map(([original, flips]) => {
    const copy = Uint8Array.from(original);
    for (const [position, bit] of flips) copy[position % copy.length] = (copy[position % copy.length] ?? 0) ^ (1 << bit);
    return copy;
  }),
  // Bytes overwritten with values that make lengths and tags lie: 0xff continuation runs, group starts and ends, wire types 6 and 7.
  fc.tuple(frame, fc.nat(), fc.constantFrom([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], [0x0b], [0x0c], [0x0e], [0x0f], [0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f], [0x0a, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f])).map(([original, position, patch]) => {
    const copy = Uint8Array.from(original);
    copy.set(patch.slice(0, Math.max(0, copy.length - (position % copy.length))), position % copy.length);
    return copy;
  }),
  // Two frames spliced at random points.
  fc.tuple(frame, frame, fc.nat(), fc.nat()).map(([first, second, a, b]) => bytes(first.subarray(0, a % (first.length + 1)), second.subarray(b % (second.length + 1)))),
);

describe('Hubble decoders under hostile bytes', () => {
  it('return an event or throw a decode HubbleError, for the hot path and the full codec alike', () => {
    fc.assert(
      fc.property(damaged, (message) => {
        attempt(() => new FlowEventDecoder().decode(message));
        fullPath(message);
        attempt(() => decodeHubbleMessage('observer.GetFlowsResponse', message));
      }),
      RUNS,
    );
  });

  it('leave the decoder usable: after a bad frame the next valid frame decodes as on a fresh decoder', () => {
    const decoder = new FlowEventDecoder({ stringCacheSize: 64, labelSetCacheSize: 16, endpointCacheSize: 16 });
    fc.assert(
      fc.property(fc.array(damaged, { minLength: 1, maxLength: 4 }), frame, (bad, good) => {
        for (const message of bad) attempt(() => decoder.decode(message));
        const expected: HubbleEvent = new FlowEventDecoder().decode(good);
        expect(decoder.decode(good)).toEqual(expected);
      }),
      RUNS,
    );
  });

  it('read hostile JSON lines (the flow-log path) as an event or a HubbleError', () => {
    const lines = readHubbleSamples().map((sample) => sample.text);
    const mutatedLine = fc.tuple(fc.constantFrom(...lines), fc.nat(), fc.nat(), anyJson).map(([line, at, length, value]) => {
      // Replace a random slice of a real line by a JSON value: wrong types, nulls, numbers where strings go.
      const start = at % line.length;
      return `${line.slice(0, start)}${(JSON.stringify(value) as string | undefined) ?? 'null'}${line.slice(start + (length % 20))}`;
    });
    fc.assert(
      fc.property(fc.oneof(mutatedLine, anyJson.map((value) => (JSON.stringify(value) as string | undefined) ?? '')), (line) => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(line);
        } catch {
          return;
        }
        try {
          hubbleEventFromJson(parsed);
        } catch (error) {
          expect(isHubbleError(error), `not a HubbleError: ${String(error)}`).toBe(true);
        }
        try {
          parseFlowJson(line);
        } catch (error) {
          expect(isHubbleError(error), `not a HubbleError: ${String(error)}`).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('refuse lengths past the end before allocating for them', () => {
    // A Flow field claiming 2 GiB, and a uuid string claiming 4 GiB − 1, inside a frame of a few bytes.
    const huge = [bytes(tag(1, 2), varint(2 ** 31)), bytes(lenField(1, [...tag(34, 2), ...varint(2 ** 32 - 1)])), bytes(tag(1, 2), varint(2n ** 64n - 1n))];
    const decoder = new FlowEventDecoder();
    for (const message of huge) {
      expect(attempt(() => decoder.decode(message))).toBe('error');
      expect(fullPath(message)).toBe('error');
    }
    const first = FRAMES[0];
    if (first === undefined) throw new Error('no Hubble samples');
    expect(decoder.decode(first)).toEqual(new FlowEventDecoder().decode(first));
  });

  it('skip deeply nested unknown groups without exhausting the stack', () => {
    // Field 99 as a start-group, 100 000 deep, never closed: a stack-hungry skipper would overflow.
    const depth = 100_000;
    const nested = new Uint8Array(depth * 2);
    for (let index = 0; index < depth; index++) nested.set([...tag(99, 3)], index * 2);
    expect(attempt(() => new FlowEventDecoder().decode(nested))).toBe('error');
    expect(fullPath(nested)).toBe('error');
  });

  it('decode a frame past the gRPC receive limit quickly, or refuse it, without breaking the next', () => {
    // grpc-js refuses messages over 4 MiB before they reach the decoder; a flow-log line may be longer.
    const uuid = Buffer.alloc(5 * 1024 * 1024, 'u');
    const uuidField = Buffer.concat([Buffer.from([...tag(34, 2), ...varint(uuid.length)]), uuid]);
    const oversized = Buffer.concat([Buffer.from([...tag(1, 2), ...varint(uuidField.length)]), uuidField]);
    const decoder = new FlowEventDecoder();
    const started = performance.now();
    const event = attempt(() => decoder.decode(oversized));
    expect(performance.now() - started).toBeLessThan(2000);
    if (event !== 'error') expect((event as HubbleEvent).kind).toBe('flow');
    const first = FRAMES[0];
    if (first === undefined) throw new Error('no Hubble samples');
    expect(decoder.decode(first)).toEqual(new FlowEventDecoder().decode(first));
  });
});
