const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * Cuts a byte stream into lines. A line may arrive over several chunks (a writer caught mid-line), so
 * the bytes after the last newline wait for the next chunk. Splitting on the newline byte is safe in
 * UTF-8, which never uses 0x0A inside a multi-byte character. A line longer than `maxLineBytes` is not
 * buffered: it comes out as `undefined` once its newline arrives, so one runaway line cannot exhaust
 * memory and still occupies its line number.
 */
export class LineSplitter {
  readonly #maxLineBytes: number;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #overlong = false;

  constructor(maxLineBytes: number) {
    this.#maxLineBytes = maxLineBytes;
  }

  /** Bytes held for a line not yet ended. */
  get pendingBytes(): number {
    return this.#pendingBytes;
  }

  /** The complete lines in `chunk` (with what was pending), without their `\n` or `\r\n`. */
  push(chunk: Buffer): (string | undefined)[] {
    const lines: (string | undefined)[] = [];
    let start = 0;
    for (let newline = chunk.indexOf(NEWLINE); newline !== -1; newline = chunk.indexOf(NEWLINE, start)) {
      lines.push(this.#line(chunk, start, newline));
      start = newline + 1;
    }
    if (start < chunk.length) this.#hold(chunk, start);
    return lines;
  }

  /** The unterminated last line, if any (at the end of a file that will not grow), and a fresh start. */
  flush(): string | undefined | null {
    if (this.#pendingBytes === 0 && !this.#overlong) return null;
    const line = this.#overlong ? undefined : stripCarriageReturn(Buffer.concat(this.#pending)).toString('utf8');
    this.reset();
    return line;
  }

  /** Forgets the pending bytes (the file they came from was truncated). */
  reset(): void {
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#overlong = false;
  }

  #line(chunk: Buffer, start: number, end: number): string | undefined {
    if (this.#pendingBytes === 0 && !this.#overlong) {
      if (end - start > this.#maxLineBytes) return undefined;
      const stop = end > start && chunk[end - 1] === CARRIAGE_RETURN ? end - 1 : end;
      return chunk.toString('utf8', start, stop);
    }
    const overlong = this.#overlong || this.#pendingBytes + (end - start) > this.#maxLineBytes;
    const line = overlong ? undefined : stripCarriageReturn(Buffer.concat([...this.#pending, chunk.subarray(start, end)])).toString('utf8');
    this.reset();
    return line;
  }

  #hold(chunk: Buffer, start: number): void {
    if (this.#overlong) return;
    this.#pendingBytes += chunk.length - start;
    if (this.#pendingBytes > this.#maxLineBytes) {
      this.#pending = [];
      this.#overlong = true;
      return;
    }
    // A copy: the reader reuses its chunk buffer.
    this.#pending.push(Buffer.from(chunk.subarray(start)));
  }
}

function stripCarriageReturn(line: Buffer): Buffer {
  return line.length > 0 && line[line.length - 1] === CARRIAGE_RETURN ? line.subarray(0, line.length - 1) : line;
}
