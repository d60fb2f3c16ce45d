import { describe, expect, it } from 'vitest';
import { validateConfig } from './validate-config.ts';

const vmanage = { url: 'https://vmanage.example.com', username: 'isthmus', password: { env: 'VMANAGE_PASSWORD' } };

/** `path: message` lines with their codes, as the loader would list them (without origins). */
function problemsOf(raw: unknown): string[] {
  const result = validateConfig(raw);
  return result.ok ? [] : result.problems.map((problem) => `${problem.code} ${problem.key}: ${problem.message}`);
}

describe('validateConfig', () => {
  it('returns the typed configuration when all is well', () => {
    const result = validateConfig({ vmanage });
    expect(result.ok && result.config.vmanage.url).toBe('https://vmanage.example.com');
  });

  it('names the path, the expected type and what was found', () => {
    expect(problemsOf({ vmanage: { ...vmanage, insecure: 'yes' } })).toEqual(['InvalidType vmanage.insecure: expected true or false, found "yes"']);
    expect(problemsOf({ vmanage, optimizer: { failuresBeforeMove: 'three' } })).toEqual([
      'InvalidType optimizer.failuresBeforeMove: expected a number, found "three"',
    ]);
    expect(problemsOf({ vmanage, optimizer: { failuresBeforeMove: 2.5 } })).toEqual([
      'InvalidType optimizer.failuresBeforeMove: expected an integer, found 2.5',
    ]);
    expect(problemsOf({ vmanage, kubernetes: { siteRanges: { cidr: '10.0.0.0/8' } } })).toEqual([
      'InvalidType kubernetes.siteRanges: expected a list, found a mapping',
    ]);
    expect(problemsOf({ vmanage, hubble: 'localhost:4245' })).toEqual(['InvalidType hubble: expected a mapping (key: value), found "localhost:4245"']);
  });

  it('reports values out of range', () => {
    expect(problemsOf({ vmanage: { ...vmanage, rateLimit: { requestsPerSecond: 150, bulkConcurrency: 0 } } })).toEqual([
      'OutOfRange vmanage.rateLimit.requestsPerSecond: must be at most 100, found 150',
      'OutOfRange vmanage.rateLimit.bulkConcurrency: must be at least 1, found 0',
    ]);
    expect(problemsOf({ vmanage, optimizer: { returnMargin: 1.5 } })).toEqual(['OutOfRange optimizer.returnMargin: must be at most 1, found 1.5']);
    expect(problemsOf({ vmanage, kubernetes: { siteRanges: [{ cidr: '10.0.0.0/8', siteId: 0 }] } })).toEqual([
      'OutOfRange kubernetes.siteRanges[0].siteId: must be at least 1, found 0',
    ]);
    expect(problemsOf({ vmanage: { ...vmanage, requestTimeout: '1h' } })).toEqual(['OutOfRange vmanage.requestTimeout: must be at most 10m, found "1h"']);
  });

  it('reports unknown keys, with a suggestion when one is close', () => {
    expect(problemsOf({ vmanage: { ...vmanage, requestTimout: '5s' }, colour: 'red' })).toEqual([
      'UnknownKey vmanage.requestTimout: unknown key; did you mean "requestTimeout"?',
      'UnknownKey colour: unknown key; expected one of: cluster, kubernetes, hubble, vmanage, optimizer, telemetry, log, shutdownTimeout',
    ]);
    expect(problemsOf({ vmanage: { ...vmanage, password: { env: 'X', value: 'y' } } })).toEqual([
      'UnknownKey vmanage.password.value: unknown key; expected one of: env, file',
    ]);
  });

  it('refuses a secret written in plain text, without repeating it', () => {
    const problems = problemsOf({ vmanage: { ...vmanage, password: 'hunter2' } });
    expect(problems).toEqual([expect.stringMatching(/^PlainSecret vmanage.password: a secret must not be written in the configuration; write \{env: /) as unknown]);
    expect(problems.join('\n')).not.toContain('hunter2');
    expect(problemsOf({ vmanage, telemetry: { otlp: { endpoint: 'http://otel:4318', headers: { 'x-api-key': 's3cr3t' } } } })).toEqual([
      expect.stringMatching(/^PlainSecret telemetry.otlp.headers.x-api-key: a secret must not be written/) as unknown,
    ]);
  });

  it('refuses bad URLs', () => {
    expect(problemsOf({ vmanage: { ...vmanage, url: 'vmanage.example.com' } })).toEqual([
      'InvalidValue vmanage.url: expected a https URL such as https://host.example.com, found "vmanage.example.com"',
    ]);
    expect(problemsOf({ vmanage, telemetry: { otlp: { endpoint: 'otel:4318' } } })).toEqual([
      'InvalidValue telemetry.otlp.endpoint: expected a http or https URL such as https://host.example.com, found the scheme "otel"',
    ]);
  });

  it('refuses bad CIDRs', () => {
    expect(problemsOf({ vmanage, kubernetes: { siteRanges: [{ cidr: '10.20.0.0/33', siteId: 1 }, { cidr: '10.20.1.0/16', siteId: 2 }] } })).toEqual([
      'InvalidValue kubernetes.siteRanges[0].cidr: prefix length must be an integer from 0 to 32 for IPv4, found "/33"',
      'InvalidValue kubernetes.siteRanges[1].cidr: "10.20.1.0/16" has host bits set below the /16 prefix; did you mean 10.20.0.0/16?',
    ]);
  });

  it('refuses bad durations', () => {
    expect(problemsOf({ vmanage: { ...vmanage, pollInterval: '30 seconds' }, optimizer: { holdTime: 600 } })).toEqual([
      'InvalidValue vmanage.pollInterval: expected a duration such as 30s, 5m or 1h30m (units ms, s, m, h, d), found "30 seconds"',
      'InvalidType optimizer.holdTime: expected a duration such as 30s, 5m or 1h30m (units ms, s, m, h, d); add a unit to the number 600',
    ]);
    expect(problemsOf({ vmanage: { ...vmanage, pollInterval: '1s' } })).toEqual(['OutOfRange vmanage.pollInterval: must be at least 10s, found "1s"']);
  });

  it('lists the allowed values of a choice, with a suggestion', () => {
    expect(problemsOf({ vmanage: { ...vmanage, auth: 'jwtt' } })).toEqual(['InvalidValue vmanage.auth: expected one of session, jwt, found "jwtt"; did you mean "jwt"?']);
    expect(problemsOf({ vmanage, kubernetes: { allowedTunnels: { default: ['mpls', 'biz-internt'] } } })).toEqual([
      expect.stringContaining('kubernetes.allowedTunnels.default[1]: expected one of public-internet, biz-internet') as unknown,
    ]);
  });

  it('reports invalid record keys', () => {
    expect(problemsOf({ vmanage, kubernetes: { allowedTunnels: { namespaces: { Payments: ['mpls'] } } } })).toEqual([
      'InvalidKey kubernetes.allowedTunnels.namespaces.Payments: invalid key "Payments": expected a namespace name (a DNS label)',
    ]);
  });

  it('reports settings that exclude each other', () => {
    expect(problemsOf({ vmanage: { ...vmanage, pollInterval: '5m', pollSchedule: '*/5 * * * *' }, hubble: { address: 'localhost:4245', flowLogFile: '/f' } })).toEqual([
      'ConflictingKeys vmanage.pollSchedule: conflicts with vmanage.pollInterval; set only one of them',
      'ConflictingKeys hubble.flowLogFile: conflicts with hubble.address; set only one of them',
    ]);
  });

  it('lists every problem at once', () => {
    expect(problemsOf({ vmanage: { ...vmanage, url: 'ftp://x', insecure: 1 }, optimizer: { statistic: 'median' }, log: { level: 'loud' } })).toHaveLength(4);
  });
});
