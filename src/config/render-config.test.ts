import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configSchema } from './config-schema.ts';
import { loadConfig } from './load-config.ts';
import { renderConfig } from './render-config.ts';

const config = configSchema.parse({
  cluster: { name: 'edge' },
  kubernetes: { siteRanges: [{ cidr: '10.0.0.0/16', siteId: 100 }], allowedTunnels: { default: ['mpls', 'biz-internet'] } },
  vmanage: { url: 'https://vmanage.example.com', username: 'isthmus', password: { env: 'VMANAGE_PASSWORD' }, requestTimeout: '90s' },
});

describe('renderConfig', () => {
  it('writes YAML in input form: durations as text, secrets as references, short lists on one line', () => {
    const text = renderConfig(config, { format: 'yaml' });
    expect(text).toContain('  password: { env: VMANAGE_PASSWORD }\n');
    expect(text).toContain('  requestTimeout: 1m30s\n');
    expect(text).toContain('    default: [ mpls, biz-internet ]\n');
    expect(text).toContain('    - cidr: 10.0.0.0/16\n      siteId: 100\n');
    expect(text).not.toContain('#');
  });

  it('round-trips: what it prints loads back to the same configuration', () => {
    const reparsed = configSchema.parse(parse(renderConfig(config, { format: 'yaml' })));
    expect(reparsed).toEqual(config);
    expect(configSchema.parse(JSON.parse(renderConfig(config, { format: 'json' })))).toEqual(config);
  });

  it('annotates each value with its origin', async () => {
    const file = 'config.yaml';
    const loaded = await loadConfig({
      configPath: file,
      env: { ISTHMUS_VMANAGE_PASSWORD_ENV: 'PW' },
      sets: ['optimizer.dryRun=true'],
      readFile: () => Promise.resolve('vmanage:\n  url: https://vmanage.example.com\n  username: isthmus\n'),
    });
    if (!loaded.ok) throw new Error('invalid');
    const text = renderConfig(loaded.config, { format: 'yaml', originOf: loaded.originOf });
    expect(text).toContain('  url: https://vmanage.example.com # config.yaml:2:3\n');
    expect(text).toContain('  password: { env: PW } # environment variable ISTHMUS_VMANAGE_PASSWORD_ENV\n');
    expect(text).toContain('  dryRun: true # --set optimizer.dryRun\n');
    expect(text).toContain('  holdTime: 10m # default\n');

    const json = JSON.parse(renderConfig(loaded.config, { format: 'json', originOf: loaded.originOf })) as { origins: Record<string, string> };
    expect(json.origins['vmanage.url']).toBe('config.yaml:2:3');
    expect(json.origins['vmanage.password']).toBe('environment variable ISTHMUS_VMANAGE_PASSWORD_ENV');
    expect(json.origins['log.level']).toBe('default');
  });
});
