import { describe, expect, it } from 'vitest';
import { foldName, nameSimilarity, phoneticCodes } from './names';

describe('name matching', () => {
  it('finds names that sound alike', () => {
    expect(phoneticCodes('Smyth')).toEqual(expect.arrayContaining(phoneticCodes('Smith')));
    expect(phoneticCodes('Shevaun').some((c) => phoneticCodes('Siobhan').includes(c))).toBe(false);
    expect(phoneticCodes('Mary-Jane')).toEqual(
      expect.arrayContaining([...phoneticCodes('Mary'), ...phoneticCodes('Jane')]),
    );
  });

  it('scores near spellings high and different names low', () => {
    expect(nameSimilarity('Katherine', 'Catherine')).toBeGreaterThan(0.85);
    expect(nameSimilarity('Jaydon', 'Jaden')).toBeGreaterThan(0.8);
    expect(nameSimilarity('Amelia', 'Oliver')).toBeLessThan(0.7);
  });

  it('folds accents and punctuation', () => {
    expect(foldName('  Zoë O’Brien ')).toBe('zoe obrien');
  });
});
