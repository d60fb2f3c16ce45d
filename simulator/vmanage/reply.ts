import type { IncomingMessage, ServerResponse } from 'node:http';

/** A response, built by route handlers as data and written in one place. */
export interface Reply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
  readonly body: string;
}

export function jsonReply(status: number, value: unknown, headers: Readonly<Record<string, string | readonly string[]>> = {}): Reply {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(value) };
}

export function textReply(status: number, text: string, headers: Readonly<Record<string, string | readonly string[]>> = {}): Reply {
  return { status, headers: { 'content-type': 'text/plain;charset=UTF-8', ...headers }, body: text };
}

export function htmlReply(status: number, html: string, headers: Readonly<Record<string, string | readonly string[]>> = {}): Reply {
  return { status, headers: { 'content-type': 'text/html;charset=UTF-8', ...headers }, body: html };
}

export function writeReply(res: ServerResponse, reply: Reply): void {
  res.statusCode = reply.status;
  for (const [name, value] of Object.entries(reply.headers)) res.setHeader(name, typeof value === 'string' ? value : [...value]);
  res.setHeader('content-length', Buffer.byteLength(reply.body));
  res.end(reply.body);
}

/** The request body as text, refusing more than `limit` bytes (a test client gone wrong, not an attack). */
export async function readBody(req: IncomingMessage, limit = 1_048_576): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new RangeError('request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The value of one cookie in a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
