import { describe, expect, it } from 'vitest';
import { formatVmanageDate } from './vmanage-date.ts';

describe('formatVmanageDate', () => {
  it('writes YYYY-MM-DDTHH:MM:SS in UTC, without milliseconds', () => {
    expect(formatVmanageDate(1709050725125)).toBe('2024-02-27T16:18:45');
  });
});
