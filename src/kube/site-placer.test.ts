import { describe, expect, it } from 'vitest';
import { createSitePlacer, parseSiteId } from './site-placer.ts';

describe('createSitePlacer', () => {
  const place = createSitePlacer({
    siteLabel: 'isthmus.io/site-id',
    siteRanges: [
      { cidr: '10.0.0.0/8', siteId: 1 },
      { cidr: '10.1.0.0/16', siteId: 2 },
      { cidr: '10.1.0.0/16', siteId: 3 },
      { cidr: 'fd00::/16', siteId: 6 },
    ],
  });

  it('prefers the label over any range', () => {
    expect(place({ 'isthmus.io/site-id': '42' }, ['10.1.0.1'])).toEqual({ siteId: 42, source: 'label', problem: undefined });
  });

  it('takes the longest prefix, ties to the range listed first, any InternalIP', () => {
    expect(place({}, ['10.1.0.1']).siteId).toBe(2);
    expect(place({}, ['10.2.0.1']).siteId).toBe(1);
    expect(place({}, ['192.0.2.1', 'fd00::1']).siteId).toBe(6);
    expect(place({}, ['192.0.2.1'])).toEqual({ siteId: undefined, source: 'none', problem: undefined });
    expect(place({}, ['not-an-ip'])).toEqual({ siteId: undefined, source: 'none', problem: undefined });
  });

  it('ignores an invalid label with a problem, falling back to the ranges', () => {
    const placed = place({ 'isthmus.io/site-id': 'abc' }, ['10.3.0.1']);
    expect(placed.siteId).toBe(1);
    expect(placed.source).toBe('cidr');
    expect(placed.problem).toMatch(/isthmus\.io\/site-id="abc" is not a site-id/);
  });

  it('refuses an unparseable range (configuration is validated before it gets here)', () => {
    expect(() => createSitePlacer({ siteLabel: 'x', siteRanges: [{ cidr: '10.1.2.0/16', siteId: 1 }] })).toThrow(/host bits/);
  });
});

describe('parseSiteId', () => {
  it('accepts decimal site-ids in range only', () => {
    expect(parseSiteId('1')).toBe(1);
    expect(parseSiteId('4294967295')).toBe(4_294_967_295);
    expect(parseSiteId('4294967296')).toBeUndefined();
    expect(parseSiteId('0')).toBeUndefined();
    expect(parseSiteId('1e3')).toBeUndefined();
    expect(parseSiteId('-5')).toBeUndefined();
    expect(parseSiteId('')).toBeUndefined();
  });
});
