import { inspect } from 'node:util';
import type { LogPort } from '../../src/vmanage/log-port.ts';

export interface LogLine {
  readonly level: 'warn' | 'info' | 'debug';
  readonly obj: object;
  readonly msg: string | undefined;
}

/** A logger that keeps every line, to assert on warnings and on what never gets logged. */
export function captureLog(): LogPort & { readonly lines: LogLine[]; text(): string } {
  const lines: LogLine[] = [];
  return {
    lines,
    warn: (obj, msg) => lines.push({ level: 'warn', obj, msg }),
    info: (obj, msg) => lines.push({ level: 'info', obj, msg }),
    debug: (obj, msg) => lines.push({ level: 'debug', obj, msg }),
    text: () => lines.map((line) => `${line.level} ${line.msg ?? ''} ${inspect(line.obj, { depth: 10 })}`).join('\n'),
  };
}
