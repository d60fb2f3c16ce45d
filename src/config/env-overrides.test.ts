import { describe, expect, it } from 'vitest';
import { configEnvNames, envNameFor, envOverrides } from './env-overrides.ts';

describe('envNameFor', () => {
  it('spells a path in SCREAMING_SNAKE_CASE after ISTHMUS_', () => {
    expect(envNameFor(['vmanage', 'url'])).toBe('ISTHMUS_VMANAGE_URL');
    expect(envNameFor(['optimizer', 'failuresBeforeMove'])).toBe('ISTHMUS_OPTIMIZER_FAILURES_BEFORE_MOVE');
    expect(envNameFor(['hubble', 'tls', 'caFile'])).toBe('ISTHMUS_HUBBLE_TLS_CA_FILE');
  });
});

describe('configEnvNames', () => {
  const names = configEnvNames();

  it('covers leaves, lists, records and both forms of a secret reference', () => {
    expect(names.get('ISTHMUS_HUBBLE_TLS_ENABLED')).toEqual(['hubble', 'tls', 'enabled']);
    expect(names.get('ISTHMUS_KUBERNETES_SITE_RANGES')).toEqual(['kubernetes', 'siteRanges']);
    expect(names.get('ISTHMUS_KUBERNETES_ALLOWED_TUNNELS_NAMESPACES')).toEqual(['kubernetes', 'allowedTunnels', 'namespaces']);
    expect(names.get('ISTHMUS_VMANAGE_PASSWORD_ENV')).toEqual(['vmanage', 'password', 'env']);
    expect(names.get('ISTHMUS_TELEMETRY_INFLUX_TOKEN_FILE')).toEqual(['telemetry', 'influx', 'token', 'file']);
    expect(names.has('ISTHMUS_VMANAGE')).toBe(false);
  });

  it('gives every path its own variable', () => {
    const paths = [...names.values()].map((path) => path.join('.'));
    expect(new Set(paths).size).toBe(names.size);
    expect(names.size).toBeGreaterThan(60);
  });
});

describe('envOverrides', () => {
  it('coerces text to the types of the schema', () => {
    const layer = envOverrides({
      ISTHMUS_VMANAGE_URL: 'https://vmanage.example.com',
      ISTHMUS_HUBBLE_TLS_ENABLED: 'true',
      ISTHMUS_OPTIMIZER_FAILURES_BEFORE_MOVE: '3',
      ISTHMUS_OPTIMIZER_RETURN_MARGIN: '0.25',
      ISTHMUS_VMANAGE_REQUEST_TIMEOUT: '45s',
      ISTHMUS_CLUSTER_NAME: '123',
      ISTHMUS_KUBERNETES_ALLOWED_TUNNELS_DEFAULT: 'mpls, biz-internet',
      ISTHMUS_KUBERNETES_SITE_RANGES: '[{cidr: 10.0.0.0/16, siteId: 7}]',
      ISTHMUS_VMANAGE_PASSWORD_FILE: '/run/secrets/pw',
    });
    expect(layer.tree).toEqual({
      cluster: { name: '123' },
      hubble: { tls: { enabled: true } },
      kubernetes: { allowedTunnels: { default: ['mpls', 'biz-internet'] }, siteRanges: [{ cidr: '10.0.0.0/16', siteId: 7 }] },
      optimizer: { failuresBeforeMove: 3, returnMargin: 0.25 },
      vmanage: { url: 'https://vmanage.example.com', requestTimeout: '45s', password: { file: '/run/secrets/pw' } },
    });
    expect(layer.problems).toEqual([]);
  });

  it('records a secret reference as set whole by its variable', () => {
    const layer = envOverrides({ ISTHMUS_VMANAGE_PASSWORD_ENV: 'VMANAGE_PASSWORD' });
    expect(layer.entries).toEqual([{ path: ['vmanage', 'password'], origin: { kind: 'env', variable: 'ISTHMUS_VMANAGE_PASSWORD_ENV' } }]);
  });

  it('passes text that does not fit on, for validation to report', () => {
    expect(envOverrides({ ISTHMUS_HUBBLE_TLS_ENABLED: 'maybe', ISTHMUS_LOG_LEVEL: 'loud' }).tree).toEqual({
      hubble: { tls: { enabled: 'maybe' } },
      log: { level: 'loud' },
    });
  });

  it('warns about an unknown ISTHMUS_ variable, with a suggestion', () => {
    const layer = envOverrides({ ISTHMUS_VMANAGE_URI: 'https://x', ISTHMUS_ZZZ: '1', ISTHMUS_CONFIG: '/etc/isthmus.yaml', HOME: '/root' });
    expect(layer.tree).toEqual({});
    expect(layer.problems).toEqual([
      {
        severity: 'warning',
        code: 'UnknownEnvironmentVariable',
        key: 'ISTHMUS_VMANAGE_URI',
        message: 'not a configuration variable, ignored; did you mean ISTHMUS_VMANAGE_URL?',
      },
      { severity: 'warning', code: 'UnknownEnvironmentVariable', key: 'ISTHMUS_ZZZ', message: 'not a configuration variable, ignored' },
    ]);
  });

  it('treats an empty variable as unset', () => {
    expect(envOverrides({ ISTHMUS_VMANAGE_URL: '' }).tree).toEqual({});
  });
});
