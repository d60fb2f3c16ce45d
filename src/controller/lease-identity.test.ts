import { describe, expect, it } from 'vitest';
import { leaseIdentity } from './lease-identity.ts';

describe('leaseIdentity', () => {
  it('is the pod name, else the hostname, with a random suffix', () => {
    expect(leaseIdentity({ POD_NAME: 'isthmus-7d9f-abcde' }, 'host', () => 0)).toBe('isthmus-7d9f-abcde_000000');
    expect(leaseIdentity({ POD_NAME: '' }, 'host', () => 0.5)).toMatch(/^host_[0-9a-z]{6}$/);
    expect(leaseIdentity({}, 'host', () => 0.25)).not.toBe(leaseIdentity({}, 'host', () => 0.75));
  });
});
