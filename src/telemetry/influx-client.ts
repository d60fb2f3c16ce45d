import { InfluxDB } from 'influx';
import type { IPoint, IRetentionOptions, IResults, IWriteOptions } from 'influx';

/** The part of node-influx the sink uses (the real InfluxDB class fits it). */
export interface InfluxClient {
  getDatabaseNames(): Promise<string[]>;
  createDatabase(name: string): Promise<void>;
  showRetentionPolicies(database?: string): Promise<IResults<{ name: string }>>;
  createRetentionPolicy(name: string, options: IRetentionOptions): Promise<void>;
  writePoints(points: IPoint[], options?: IWriteOptions): Promise<void>;
}

export interface InfluxConnection {
  /** `http(s)://host:port[/path]`, as in `telemetry.influx.url`. */
  readonly url: string;
  readonly database: string;
  /** InfluxDB 1.x credentials (basic auth). */
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  /** InfluxDB 2/3 token (their 1.x-compatible API), sent as `Authorization: Token …`. */
  readonly token?: string | undefined;
  readonly requestTimeoutMs?: number;
}

/** Retrying is the sink's job (each tick); node-influx's own retries and host backoff would only delay it. */
const noBackoff = {
  getDelay: () => 0,
  next() {
    return noBackoff;
  },
  reset() {
    return noBackoff;
  },
};

/** A node-influx client for one InfluxDB URL. */
export function createInfluxClient(connection: InfluxConnection): InfluxClient {
  const url = new URL(connection.url);
  const protocol = url.protocol === 'https:' ? 'https' : 'http';
  const port = url.port === '' ? (protocol === 'https' ? 443 : 80) : Number(url.port);
  return new InfluxDB({
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port,
    protocol,
    path: url.pathname === '/' ? '' : url.pathname.replace(/\/+$/, ''),
    database: connection.database,
    username: connection.username,
    password: connection.password,
    ...(connection.token === undefined ? {} : { options: { headers: { authorization: `Token ${connection.token}` } } }),
    pool: { maxRetries: 0, requestTimeout: connection.requestTimeoutMs ?? 10_000, backoff: noBackoff },
  });
}
