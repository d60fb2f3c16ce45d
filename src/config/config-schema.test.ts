import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configSchema } from './config-schema.ts';
import type { Config } from './config-schema.ts';

const minimal = { vmanage: { url: 'https://vmanage.example.com', username: 'isthmus', password: { env: 'VMANAGE_PASSWORD' } } };

describe('configSchema defaults', () => {
  it('fills every default in', () => {
    const expected: Config = {
      cluster: { name: 'default' },
      kubernetes: {
        siteLabel: 'isthmus.io/site-id',
        siteRanges: [],
        resyncInterval: 600_000,
        allowedTunnels: { namespaces: {} },
        leaderElection: { enabled: true, leaseName: 'isthmus', leaseDuration: 15_000, renewDeadline: 10_000, retryPeriod: 2_000 },
      },
      hubble: { address: 'localhost:4245', tls: { enabled: false }, reconnect: { minBackoff: 1_000, maxBackoff: 30_000 } },
      vmanage: {
        enabled: true,
        url: 'https://vmanage.example.com',
        username: 'isthmus',
        password: { env: 'VMANAGE_PASSWORD' },
        auth: 'session',
        insecure: false,
        requestTimeout: 30_000,
        pollInterval: 60_000,
        statsSource: 'bulk',
        rateLimit: { requestsPerSecond: 20, bulkRequestsPerMinute: 24, bulkConcurrency: 1 },
        policy: { bootstrap: true, vpnIds: [1], minPushInterval: 60_000, activationTimeout: 600_000 },
      },
      optimizer: { enabled: true, evaluationWindow: 300_000, statistic: 'p95', failuresBeforeMove: 1, holdTime: 600_000, returnMargin: 0.1, dryRun: false },
      telemetry: { listen: '0.0.0.0:9464' },
      log: { level: 'info', format: 'json' },
      shutdownTimeout: 10_000,
    };
    expect(configSchema.parse(minimal)).toEqual(expected);
  });

  it('validates the policy section: VPN ids in range, at least one', () => {
    const withPolicy = (policy: unknown) => configSchema.safeParse({ ...minimal, vmanage: { ...minimal.vmanage, policy } });
    expect(withPolicy({ adopt: 'corporate', vpnIds: [10, 20] }).success).toBe(true);
    expect(withPolicy({ vpnIds: [] }).success).toBe(false);
    expect(withPolicy({ vpnIds: [0] }).success).toBe(false);
    expect(withPolicy({ adopt: '' }).success).toBe(false);
  });

  it('takes a fabric default color only from the 22 colors', () => {
    const withDefaultColor = (defaultColor: unknown) => configSchema.safeParse({ ...minimal, vmanage: { ...minimal.vmanage, defaultColor } });
    expect(withDefaultColor('mpls').success).toBe(true);
    expect(withDefaultColor('purple').success).toBe(false);
  });

  it('keeps the rate limits under vManage’s', () => {
    const { rateLimit } = configSchema.parse(minimal).vmanage;
    expect(rateLimit.requestsPerSecond).toBeLessThan(100);
    expect(rateLimit.bulkRequestsPerMinute).toBeLessThanOrEqual(48);
    expect(rateLimit.bulkConcurrency).toBeLessThanOrEqual(2);
  });

  it('fills the defaults of an optional section once it is present', () => {
    const config = configSchema.parse({ ...minimal, telemetry: { otlp: { endpoint: 'http://otel:4318' } } });
    expect(config.telemetry.otlp).toEqual({ endpoint: 'http://otel:4318', protocol: 'http', interval: 60_000, headers: {} });
  });

  it('decodes durations to milliseconds and encodes them back to text', () => {
    const config = configSchema.parse({ ...minimal, vmanage: { ...minimal.vmanage, requestTimeout: '1m30s' } });
    expect(config.vmanage.requestTimeout).toBe(90_000);
    const written = z.encode(configSchema, config);
    expect(written.vmanage?.requestTimeout).toBe('1m30s');
    expect(configSchema.parse(written)).toEqual(config);
  });

  it('needs no vManage settings when vManage is off', () => {
    expect(configSchema.safeParse({ vmanage: { enabled: false } }).success).toBe(true);
  });
});

describe('configSchema cross-field rules', () => {
  function messages(input: unknown): string[] {
    const result = configSchema.safeParse(input);
    return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  }

  it('requires url, username and password while vManage is on', () => {
    expect(messages({})).toEqual([
      'vmanage.url: required while vmanage.enabled is true',
      'vmanage.username: required while vmanage.enabled is true',
      'vmanage.password: required while vmanage.enabled is true',
    ]);
  });

  it('refuses insecure together with caFile', () => {
    expect(messages({ vmanage: { ...minimal.vmanage, insecure: true, caFile: '/ca.pem' } })).toEqual([
      'vmanage.insecure: insecure skips verification, so caFile would be ignored; set one of them',
    ]);
  });

  it('orders the leader election durations', () => {
    expect(messages({ ...minimal, kubernetes: { leaderElection: { leaseDuration: '10s', renewDeadline: '10s', retryPeriod: '10s' } } })).toEqual([
      'kubernetes.leaderElection.renewDeadline: must be shorter than leaseDuration',
      'kubernetes.leaderElection.retryPeriod: must be shorter than renewDeadline',
    ]);
  });

  it('needs both halves of a client certificate', () => {
    expect(messages({ ...minimal, hubble: { tls: { enabled: true, certFile: '/tls.crt' } } })).toEqual([
      'hubble.tls.keyFile: a client certificate needs both certFile and keyFile',
    ]);
  });

  it('refuses TLS on a unix socket', () => {
    expect(messages({ ...minimal, hubble: { address: 'unix:///var/run/cilium/hubble.sock', tls: { enabled: true } } })).toEqual([
      'hubble.tls.enabled: a unix socket address does not use TLS; set tls.enabled to false or use host:port',
    ]);
  });

  it('orders the reconnect backoff bounds', () => {
    expect(messages({ ...minimal, hubble: { reconnect: { minBackoff: '1m', maxBackoff: '30s' } } })).toEqual([
      'hubble.reconnect.maxBackoff: must not be shorter than minBackoff',
    ]);
  });

  it('takes an InfluxDB token or a user and password, not both', () => {
    const influx = { url: 'https://influx.example.com', database: 'isthmus' };
    expect(messages({ ...minimal, telemetry: { influx: { ...influx, token: { env: 'T' }, username: 'u', password: { env: 'P' } } } })).toEqual([
      'telemetry.influx.token: use either token or username and password, not both',
    ]);
    expect(messages({ ...minimal, telemetry: { influx: { ...influx, username: 'u' } } })).toEqual(['telemetry.influx.password: username and password go together']);
    expect(messages({ ...minimal, telemetry: { influx: { ...influx, token: { file: '/token' } } } })).toEqual([]);
  });

  it('accepts a secret reference with exactly one of env and file', () => {
    expect(messages({ vmanage: { ...minimal.vmanage, password: { file: '/run/secrets/pw' } } })).toEqual([]);
    expect(messages({ vmanage: { ...minimal.vmanage, password: { env: 'A', file: '/b' } } })).toEqual([
      expect.stringContaining('vmanage.password: a secret reference has exactly one of env or file') as unknown,
    ]);
    expect(messages({ vmanage: { ...minimal.vmanage, password: {} } })).toHaveLength(1);
  });

  it('accepts a cron schedule and refuses a broken one', () => {
    expect(messages({ vmanage: { ...minimal.vmanage, pollSchedule: '*/2 * * * *' } })).toEqual([]);
    expect(messages({ vmanage: { ...minimal.vmanage, pollSchedule: 'every minute' } })).toEqual([
      'vmanage.pollSchedule: expected a cron expression such as "*/1 * * * *", found "every minute"',
    ]);
  });
});
