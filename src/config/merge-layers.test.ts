import { describe, expect, it } from 'vitest';
import { configSchema } from './config-schema.ts';
import { mergeLayers } from './merge-layers.ts';

describe('mergeLayers', () => {
  it('merges sections key by key', () => {
    const lower = { vmanage: { url: 'https://a', username: 'u', rateLimit: { requestsPerSecond: 5 } } };
    const higher = { vmanage: { url: 'https://b', rateLimit: { bulkConcurrency: 2 } } };
    expect(mergeLayers(configSchema, lower, higher)).toEqual({
      vmanage: { url: 'https://b', username: 'u', rateLimit: { requestsPerSecond: 5, bulkConcurrency: 2 } },
    });
  });

  it('merges records by key', () => {
    const lower = { kubernetes: { allowedTunnels: { namespaces: { a: ['mpls'], b: ['lte'] } } } };
    const higher = { kubernetes: { allowedTunnels: { namespaces: { b: ['gold'] } } } };
    expect(mergeLayers(configSchema, lower, higher)).toEqual({ kubernetes: { allowedTunnels: { namespaces: { a: ['mpls'], b: ['gold'] } } } });
  });

  it('replaces lists whole', () => {
    const lower = { kubernetes: { siteRanges: [{ cidr: '10.0.0.0/8', siteId: 1 }] } };
    const higher = { kubernetes: { siteRanges: [] } };
    expect(mergeLayers(configSchema, lower, higher)).toEqual({ kubernetes: { siteRanges: [] } });
  });

  it('replaces a secret reference whole instead of mixing env and file', () => {
    const lower = { vmanage: { password: { file: '/run/secrets/pw' } } };
    const higher = { vmanage: { password: { env: 'PW' } } };
    expect(mergeLayers(configSchema, lower, higher)).toEqual({ vmanage: { password: { env: 'PW' } } });
  });

  it('keeps the lower value where the higher layer says nothing, and unknown keys for validation to report', () => {
    expect(mergeLayers(configSchema, { log: { level: 'debug' } }, undefined)).toEqual({ log: { level: 'debug' } });
    expect(mergeLayers(configSchema, { bogus: { a: 1 } }, { bogus: { b: 2 } })).toEqual({ bogus: { b: 2 } });
  });
});
