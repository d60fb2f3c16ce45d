import { describe, expect, it } from 'vitest';
import { setOverrides } from './set-overrides.ts';

describe('setOverrides', () => {
  it('sets values by dotted path, coerced to the schema types, the last flag winning', () => {
    const layer = setOverrides([
      'vmanage.url=https://vmanage.example.com/a=b',
      'optimizer.dryRun=true',
      'optimizer.failuresBeforeMove=2',
      'optimizer.failuresBeforeMove=4',
      'kubernetes.allowedTunnels.namespaces.payments=mpls,biz-internet',
      'telemetry.otlp.headers.x-api-key={env: OTLP_KEY}',
      'vmanage.password.env=VMANAGE_PASSWORD',
    ]);
    expect(layer.problems).toEqual([]);
    expect(layer.tree).toEqual({
      vmanage: { url: 'https://vmanage.example.com/a=b', password: { env: 'VMANAGE_PASSWORD' } },
      optimizer: { dryRun: true, failuresBeforeMove: 4 },
      kubernetes: { allowedTunnels: { namespaces: { payments: ['mpls', 'biz-internet'] } } },
      telemetry: { otlp: { headers: { 'x-api-key': { env: 'OTLP_KEY' } } } },
    });
    expect(layer.entries.map((entry) => entry.origin)).toContainEqual({ kind: 'flag', flag: '--set vmanage.password.env' });
  });

  it('sets a whole section from YAML flow text', () => {
    expect(setOverrides(['telemetry.otlp={endpoint: "http://otel:4318", protocol: grpc}']).tree).toEqual({
      telemetry: { otlp: { endpoint: 'http://otel:4318', protocol: 'grpc' } },
    });
  });

  it('reports an unknown path with a suggestion, and never the value', () => {
    const layer = setOverrides(['vmanage.pasword=hunter2', 'vmanage.rateLimit.x=1', 'kubernetes.siteRanges.cidr=10.0.0.0/8', 'vmanage.url.host=x']);
    expect(layer.problems.map((problem) => `${problem.key}: ${problem.message}`)).toEqual([
      'vmanage.pasword: unknown key "pasword"; did you mean "password"?',
      'vmanage.rateLimit.x: unknown key "x"; expected one of: requestsPerSecond, bulkRequestsPerMinute, bulkConcurrency',
      'kubernetes.siteRanges.cidr: kubernetes.siteRanges is a list; set it whole, as YAML flow text such as [a, b] or [{key: value}]',
      'vmanage.url.host: vmanage.url has no keys inside it',
    ]);
    expect(JSON.stringify(layer.problems)).not.toContain('hunter2');
  });

  it('reports a flag without =', () => {
    expect(setOverrides(['vmanage.url']).problems).toEqual([
      { severity: 'error', code: 'InvalidSetFlag', key: '--set vmanage.url', message: 'expected path=value, e.g. --set vmanage.url=https://vmanage.example.com' },
    ]);
  });
});
