import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HUBBLE_PROTO_ROOT, parseHubbleProtos } from './parse-hubble-protos.ts';

const DESCRIPTOR = new URL('hubble-descriptor.json', HUBBLE_PROTO_ROOT);

/** The committed descriptor's text for a parse of the .proto files. */
function render(): string {
  return `${JSON.stringify(parseHubbleProtos(), null, 2)}\n`;
}

describe('hubble-descriptor.json', () => {
  // The run-time schema is the committed JSON; the .proto files are the source. Regenerate with
  // ISTHMUS_UPDATE_HUBBLE_DESCRIPTOR=1 npx vitest run src/hubble/hubble-descriptor.test.ts
  it('is what the .proto files say', () => {
    const expected = render();
    if (process.env.ISTHMUS_UPDATE_HUBBLE_DESCRIPTOR === '1') writeFileSync(DESCRIPTOR, expected);
    expect(readFileSync(DESCRIPTOR, 'utf8')).toBe(expected);
  });
});
