import { describe, expect, it } from 'vitest';
import {
  normaliseHandle,
  normalisePhone,
  normaliseRegistration,
  partialMatches,
  personNameCodes,
} from './normalise';

describe('registrations', () => {
  it('are one vehicle however they are spaced or cased', () => {
    const keys = ['AB12 CDE', 'ab12cde', 'AB12 CDE '].map((r) => normaliseRegistration(r)?.key);
    expect(new Set(keys).size).toBe(1);
    expect(normaliseRegistration('ab12 cde')?.registration).toBe('AB12CDE');
  });

  it('fold the common misreadings O/0 and I/1 together', () => {
    expect(normaliseRegistration('AB12 CDO')?.key).toBe(normaliseRegistration('AB12 CD0')?.key);
    expect(normaliseRegistration('A1 BIG')?.key).toBe(normaliseRegistration('AI B1G')?.key);
    expect(normaliseRegistration('AB12 CDE')?.key).not.toBe(normaliseRegistration('AB12 CDF')?.key);
  });

  it('take ? for a character not read, and match a partial plate against full ones', () => {
    const partial = normaliseRegistration('AB12 CD?');
    expect(partial).toMatchObject({ registration: 'AB12CD?', partial: true });
    const full = normaliseRegistration('AB12 CDE');
    expect(partialMatches(partial?.key ?? '', full?.key ?? '')).toBe(true);
    expect(partialMatches(partial?.key ?? '', normaliseRegistration('XB12 CDE')?.key ?? '')).toBe(false);
    expect(partialMatches(partial?.key ?? '', normaliseRegistration('AB12 CDEF')?.key ?? '')).toBe(false);
  });

  it('refuse what is not a registration', () => {
    expect(normaliseRegistration('  ')).toBeNull();
    expect(normaliseRegistration('???')).toBeNull();
    expect(normaliseRegistration('ABCDEFGHIJ')).toBeNull();
  });
});

describe('phones', () => {
  it('are written in E.164, UK by default', () => {
    expect(normalisePhone('07700 900123')).toBe('+447700900123');
    expect(normalisePhone('+44 7700 900123')).toBe('+447700900123');
    expect(normalisePhone('0044 7700 900 123')).toBe('+447700900123');
    expect(normalisePhone('not a number')).toBeNull();
  });
});

describe('handles and names', () => {
  it('match handles without case or a leading @', () => {
    expect(normaliseHandle(' @Some_Handle ')).toBe('some_handle');
  });

  it('give the same sound codes to spellings of one name', () => {
    const a = personNameCodes(['Mohammed', 'Ali']);
    const b = personNameCodes(['Muhammad', 'Aly']);
    expect(a.filter((c) => b.includes(c)).length).toBeGreaterThanOrEqual(2);
  });
});
