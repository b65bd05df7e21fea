import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { score } from './scoring';
import { type Answer, currentTool, type Level, levels } from './tool';

const answer = fc.constantFrom<Answer>('no', 'past', 'current');
const answers = fc.record(Object.fromEntries(currentTool.indicators.map((i) => [i.code, answer])));
const rank = (l: Level) => levels.indexOf(l);

/** The documented bands (standards.md), written out again so the test does not trust the code. */
function documentedLevel(total: number): Level {
  if (total <= 5) return 'not_at_risk';
  if (total <= 10) return 'mild';
  if (total <= 15) return 'moderate';
  return 'significant';
}

describe('CSE screening score', () => {
  it('follows the documented bands for any combination of indicators', () => {
    fc.assert(
      fc.property(answers, (a) => {
        let expected = 0;
        for (const indicator of currentTool.indicators) {
          const given = a[indicator.code];
          if (given === 'no') continue;
          expected += indicator.section === 'significant' && given === 'current' ? 5 : 1;
        }
        const result = score(currentTool, a);
        expect(result.score).toBe(expected);
        expect(result.level).toBe(documentedLevel(expected));
        expect(result.items.reduce((s, i) => s + i.points, 0)).toBe(result.score);
      }),
      { numRuns: 500, seed: 20261126 },
    );
  });

  it('never lowers the level when a current significant indicator is added', () => {
    const significant = currentTool.indicators.filter((i) => i.section === 'significant').map((i) => i.code);
    fc.assert(
      fc.property(answers, fc.constantFrom(...significant), (a, code) => {
        const before = score(currentTool, a);
        const after = score(currentTool, { ...a, [code]: 'current' });
        expect(rank(after.level)).toBeGreaterThanOrEqual(rank(before.level));
        expect(after.score).toBeGreaterThanOrEqual(before.score);
      }),
      { numRuns: 500, seed: 20261126 },
    );
  });

  it('explains the score item by item', () => {
    const result = score(currentTool, {
      v_care: 'current',
      m_missing: 'past',
      s_cars: 'current',
      s_locations: 'past',
    });
    expect(result.items.map((i) => [i.code, i.points])).toEqual([
      ['v_care', 1],
      ['m_missing', 1],
      ['s_locations', 1],
      ['s_cars', 5],
    ]);
    expect(result).toMatchObject({ score: 8, level: 'mild' });
  });

  it('puts the band edges where the standard says: 5, 6, 10, 11, 15 and 16', () => {
    const withPoints = (n: number) =>
      score(
        currentTool,
        Object.fromEntries(
          currentTool.indicators
            .filter((i) => i.section !== 'significant')
            .slice(0, n)
            .map((i) => [i.code, 'current']),
        ),
      ).level;
    expect([5, 6, 10, 11, 15, 16].map(withPoints)).toEqual([
      'not_at_risk',
      'mild',
      'mild',
      'moderate',
      'moderate',
      'significant',
    ]);
  });
});
