import { formatDate, formatDateTime } from '../../platform/views/filters';
import type { ScoredItem } from './scoring';
import { type Answer, type Level, levelNames, type ScreeningTool, sectionNames } from './tool';

const levelTag: Record<Level, string> = {
  not_at_risk: 'govuk-tag--green',
  mild: 'govuk-tag--yellow',
  moderate: 'govuk-tag--orange',
  significant: 'govuk-tag--red',
};

export function levelTagHtml(level: Level): string {
  return `<strong class="govuk-tag ${levelTag[level]}">${levelNames[level]}</strong>`;
}

const answerNames: Record<Exclude<Answer, 'no'>, string> = {
  current: 'Current',
  past: 'In the last 6 to 12 months',
};

/** The form's questions, a fieldset of radios per indicator, grouped by section. */
export function questionSections(
  tool: ScreeningTool,
  values: Record<string, string | undefined>,
  reasons: Record<string, string> = {},
) {
  const sections = ['vulnerability', 'moderate', 'significant'] as const;
  return sections.map((section) => ({
    heading: sectionNames[section],
    questions: tool.indicators
      .filter((i) => i.section === section)
      .map((i) => ({
        name: `a_${i.code}`,
        legend: i.text,
        hint: reasons[i.code],
        items: (['no', 'past', 'current'] as const).map((a) => ({
          value: a,
          text: a === 'no' ? 'No' : answerNames[a],
          checked: (values[`a_${i.code}`] ?? 'no') === a,
        })),
      })),
  }));
}

export function scoredRows(items: ScoredItem[]) {
  return items.map((i) => [
    { text: sectionNames[i.section] },
    { text: i.text },
    { text: answerNames[i.answer] },
    { text: String(i.points), format: 'numeric' },
  ]);
}

export function screeningSummaryRows(s: {
  level: Level;
  score: number;
  toolVersion: string;
  screenedAt: Date;
  reviewOn: string;
  notes: string | null;
}) {
  return [
    { key: { text: 'Level' }, value: { html: levelTagHtml(s.level) } },
    { key: { text: 'Score' }, value: { text: String(s.score) } },
    { key: { text: 'Screened' }, value: { text: formatDateTime(s.screenedAt) } },
    { key: { text: 'Next review' }, value: { text: formatDate(s.reviewOn) } },
    { key: { text: 'Tool version' }, value: { text: s.toolVersion } },
    { key: { text: 'Notes' }, value: { text: s.notes ?? 'None' } },
  ];
}
