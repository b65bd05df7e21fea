import { formatDate } from '../../platform/views/filters';
import { escapeHtml } from '../../platform/views/html';
import type { EpisodeCounts } from './homes.repository';

/** Whole years from a date of birth (YYYY-MM-DD) to a London date (YYYY-MM-DD). */
export function ageOn(dateOfBirth: string, today: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number);
  const [ty, tm, td] = today.split('-').map(Number);
  const age = (ty ?? 0) - (by ?? 0);
  return (tm ?? 0) < (bm ?? 0) || (tm === bm && (td ?? 0) < (bd ?? 0)) ? age - 1 : age;
}

export function placedChildRows(
  children: {
    childId: string;
    givenName: string;
    familyName: string;
    dateOfBirth: string | null;
    placedSince: string;
  }[],
  today: string,
) {
  return children.map((c) => [
    {
      html: `<a class="govuk-link" href="/children/${c.childId}">${escapeHtml(`${c.givenName} ${c.familyName}`)}</a>`,
    },
    {
      text: c.dateOfBirth ? `${formatDate(c.dateOfBirth)} (age ${ageOn(c.dateOfBirth, today)})` : 'Not known',
    },
    { text: formatDate(c.placedSince) },
  ]);
}

export function episodeCountRows(counts: Record<'missing' | 'absent', EpisodeCounts>) {
  const row = (label: string, key: keyof EpisodeCounts) => [
    { text: label },
    { text: String(counts.missing[key]), format: 'numeric' },
    { text: String(counts.absent[key]), format: 'numeric' },
  ];
  return [row('Last 90 days', 'last90Days'), row('Last 12 months', 'last12Months'), row('Open now', 'open')];
}
