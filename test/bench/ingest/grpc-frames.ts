/** gRPC's message framing (a flag byte and a 32-bit big-endian length before each message), for the replayed stream. */

/** The frames with gRPC's length prefix, back to back: the exact bytes of a response body. */
export function frameBody(frames: readonly Buffer[]): { readonly body: Buffer; readonly offsets: Uint32Array } {
  const total = frames.reduce((sum, frame) => sum + 5 + frame.length, 0);
  const body = Buffer.allocUnsafe(total);
  const offsets = new Uint32Array(frames.length + 1);
  let at = 0;
  frames.forEach((frame, index) => {
    offsets[index] = at;
    body[at] = 0; // not compressed
    body.writeUInt32BE(frame.length, at + 1);
    frame.copy(body, at + 5);
    at += 5 + frame.length;
  });
  offsets[frames.length] = at;
  return { body, offsets };
}

/** Splits a response body (or the frame file) back into its messages. */
export function splitBody(body: Buffer): Buffer[] {
  const frames: Buffer[] = [];
  for (let at = 0; at < body.length; ) {
    const length = body.readUInt32BE(at + 1);
    frames.push(body.subarray(at + 5, at + 5 + length));
    at += 5 + length;
  }
  return frames;
}

/** Where each message of a response body starts, and the body's length last. */
export function frameOffsets(body: Buffer): Uint32Array {
  const offsets: number[] = [];
  let at = 0;
  while (at < body.length) {
    offsets.push(at);
    at += 5 + body.readUInt32BE(at + 1);
  }
  offsets.push(at);
  return Uint32Array.from(offsets);
}
