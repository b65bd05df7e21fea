import { findPoliceForce, policeForces } from '../../platform/agencies/reference-data';
import { formatDateTime } from '../../platform/views/filters';
import { escapeHtml } from '../../platform/views/html';
import type { EpisodeRow } from './episodes.repository';
import { gradeNames, kindNames } from './schemas';
import type { riskGrading } from './tables';

type Grading = typeof riskGrading.$inferSelect;

const yesNo = (v: boolean | null) => (v === null ? 'Not recorded' : v ? 'Yes' : 'No');

export function episodeRows(e: EpisodeRow) {
  const rows = [
    { key: { text: 'Kind' }, value: { text: kindNames[e.kind] } },
    { key: { text: 'Last seen' }, value: { text: formatDateTime(e.startedAt) } },
    {
      key: { text: 'Where last seen' },
      value: { text: [e.lastSeenLocation, e.lastSeenPostcode].filter(Boolean).join(', ') || 'Not recorded' },
    },
    { key: { text: 'Reported' }, value: { text: formatDateTime(e.reportedAt) } },
    {
      key: { text: 'Police force' },
      value: { text: findPoliceForce(e.policeForceCode ?? '')?.name ?? 'Not recorded' },
    },
    { key: { text: 'Police reference' }, value: { text: e.policeReference ?? 'Not recorded' } },
    { key: { text: 'Circumstances' }, value: { text: e.circumstances ?? 'Not recorded' } },
    { key: { text: 'Clothing' }, value: { text: e.clothing ?? 'Not recorded' } },
    { key: { text: 'May be with' }, value: { text: e.possiblyWith ?? 'Not recorded' } },
    {
      key: { text: 'Before reporting' },
      value: {
        html: [
          `Searched: ${yesNo(e.searchedBeforeReporting)}`,
          `Called the child: ${yesNo(e.calledChild)}`,
          `Contacted friends and family: ${yesNo(e.contactedFriendsFamily)}`,
        ]
          .map(escapeHtml)
          .join('<br>'),
      },
    },
  ];
  if (e.endedAt) {
    rows.push(
      {
        key: { text: e.kind === 'missing' ? 'Found' : 'Returned' },
        value: { text: formatDateTime(e.endedAt) },
      },
      { key: { text: 'Where' }, value: { text: e.foundLocation ?? 'Not recorded' } },
      { key: { text: 'With' }, value: { text: e.foundWith ?? 'Not recorded' } },
      { key: { text: 'Returned to' }, value: { text: e.returnedTo ?? 'Not recorded' } },
    );
  }
  return rows;
}

export function gradingRows(gradings: Grading[], now: Date) {
  return gradings.map((g) => [
    { text: formatDateTime(g.gradedAt) },
    {
      html: `<strong class="govuk-tag ${gradeTagClass(g.grade)}">${escapeHtml(gradeNames[g.grade])}</strong>`,
    },
    { text: g.rationale },
    {
      text: g.nextReviewAt
        ? `${formatDateTime(g.nextReviewAt)}${g.nextReviewAt < now ? ' (overdue)' : ''}`
        : 'None set',
    },
  ]);
}

export function gradeTagClass(grade: Grading['grade']): string {
  return {
    no_apparent_risk: 'govuk-tag--grey',
    low: 'govuk-tag--blue',
    medium: 'govuk-tag--yellow',
    high: 'govuk-tag--red',
  }[grade];
}

export function episodeListRows(episodes: EpisodeRow[]) {
  return episodes.map((e) => [
    { html: `<a class="govuk-link" href="/episodes/${e.id}">${escapeHtml(formatDateTime(e.startedAt))}</a>` },
    { text: kindNames[e.kind] },
    { text: e.endedAt ? formatDateTime(e.endedAt) : 'Open' },
  ]);
}

export const forceItems = (selected?: string) => [
  { value: '', text: 'Select force' },
  ...policeForces.map((f) => ({ value: f.code, text: f.name, selected: f.code === selected })),
];

/** "45 minutes", "5 hours", "3 days and 2 hours": how long ago a review fell due. */
export function overdueBy(dueAt: Date, now: Date): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - dueAt.getTime()) / 60_000));
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (minutes < 60) return plural(minutes, 'minute');
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return plural(hours, 'hour');
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${plural(days, 'day')} and ${plural(hours % 24, 'hour')}` : plural(days, 'day');
}

export function overdueReviewRows(
  rows: {
    episodeId: string;
    kind: EpisodeRow['kind'];
    policeReference: string | null;
    childId: string;
    givenName: string;
    familyName: string;
    grade: Grading['grade'];
    nextReviewAt: Date | null;
  }[],
  now: Date,
) {
  return rows.map((r) => {
    const name = escapeHtml(`${r.givenName} ${r.familyName}`);
    return [
      { html: `<a class="govuk-link" href="/children/${r.childId}">${name}</a>` },
      { text: r.kind === 'missing' ? 'Missing' : 'Absent' },
      { text: r.policeReference ?? 'Not recorded' },
      {
        html: `<strong class="govuk-tag ${gradeTagClass(r.grade)}">${escapeHtml(gradeNames[r.grade])}</strong>`,
      },
      { text: formatDateTime(r.nextReviewAt) },
      { text: r.nextReviewAt ? overdueBy(r.nextReviewAt, now) : '' },
      {
        html: `<a class="govuk-link" href="/episodes/${r.episodeId}">Review<span class="govuk-visually-hidden"> the grading for ${name}</span></a>`,
      },
    ];
  });
}
