import type { Answer, Indicator, Level, ScreeningTool } from './tool';

export interface ScoredItem {
  code: string;
  text: string;
  section: Indicator['section'];
  answer: Exclude<Answer, 'no'>;
  points: number;
}

export interface ScreeningResult {
  score: number;
  level: Level;
  /** Every indicator that scored, with its points: the score explained item by item. */
  items: ScoredItem[];
}

/** Points for one answer: 1 for a vulnerability or moderate indicator; 5 for a current significant one, 1 for a past one. */
export function pointsFor(indicator: Indicator, answer: Answer): number {
  if (answer === 'no') return 0;
  if (indicator.section === 'significant') return answer === 'current' ? 5 : 1;
  return 1;
}

export function levelFor(score: number, bands: ScreeningTool['bands']): Level {
  if (score >= bands.significant) return 'significant';
  if (score >= bands.moderate) return 'moderate';
  if (score >= bands.mild) return 'mild';
  return 'not_at_risk';
}

/** Scores the answers with the given version of the tool; indicators not answered count as "no". */
export function score(tool: ScreeningTool, answers: Record<string, Answer | undefined>): ScreeningResult {
  const items: ScoredItem[] = [];
  for (const indicator of tool.indicators) {
    const answer = answers[indicator.code] ?? 'no';
    if (answer === 'no') continue;
    items.push({
      code: indicator.code,
      text: indicator.text,
      section: indicator.section,
      answer,
      points: pointsFor(indicator, answer),
    });
  }
  const total = items.reduce((sum, i) => sum + i.points, 0);
  return { score: total, level: levelFor(total, tool.bands), items };
}
