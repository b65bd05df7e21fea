import { describe, expect, it } from 'vitest';
import { fromLondon, londonDateTimeFields } from './london-time';

describe('London wall-clock times', () => {
  it('reads winter times as UTC and summer times as UTC+1', () => {
    expect(fromLondon(2026, 3, 28, 22, 0)?.toISOString()).toBe('2026-03-28T22:00:00.000Z');
    expect(fromLondon(2026, 3, 31, 23, 0)?.toISOString()).toBe('2026-03-31T22:00:00.000Z');
    expect(fromLondon(2026, 7, 1, 0, 30)?.toISOString()).toBe('2026-06-30T23:30:00.000Z');
  });

  it('refuses dates that do not exist', () => {
    expect(fromLondon(2026, 2, 30)).toBeNull();
    expect(fromLondon(2026, 1, 1, 24, 0)).toBeNull();
  });

  it('parses the form fields and explains what is wrong', () => {
    const field = londonDateTimeFields('when the child was last seen');
    expect(
      field.parse({ day: '28', month: '3', year: '2026', hour: '22', minute: '00' })?.toISOString(),
    ).toBe('2026-03-28T22:00:00.000Z');
    expect(field.safeParse({}).error?.issues[0]?.message).toBe('Enter when the child was last seen');
    expect(
      field.safeParse({ day: '31', month: '4', year: '2026', hour: '1' }).error?.issues[0]?.message,
    ).toBe('When the child was last seen must be a real date and time');
  });
});
