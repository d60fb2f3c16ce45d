import { createServer } from 'node:http';
import type { Server } from 'node:http';

/**
 * Just enough of InfluxDB 1.x's HTTP API for the bridge's sink to set its database up and write: every
 * InfluxQL statement succeeds with no series (so the sink creates the database and the retention policy),
 * and `/write` takes the line protocol and keeps it. Far cheaper than an influxd, for a case that only
 * needs InfluxDB to come back on the port that was closed.
 */
export class InfluxStandIn {
  /** Every line written, in order. */
  readonly lines: string[];
  readonly #server: Server;

  private constructor(server: Server, lines: string[]) {
    this.#server = server;
    this.lines = lines;
  }

  static async listen(port: number): Promise<InfluxStandIn> {
    const lines: string[] = [];
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const path = new URL(request.url ?? '/', 'http://influx').pathname;
        if (path === '/write') {
          lines.push(...Buffer.concat(chunks).toString('utf8').split('\n').filter((line) => line !== ''));
          response.writeHead(204).end();
        } else if (path === '/query') {
          response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ results: [{ statement_id: 0 }] }));
        } else {
          response.writeHead(404).end();
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    return new InfluxStandIn(server, lines);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => {
        resolve();
      });
      this.#server.closeAllConnections();
    });
  }
}
