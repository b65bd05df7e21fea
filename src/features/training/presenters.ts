import { formatDate } from '../../platform/views/filters';
import { escapeHtml } from '../../platform/views/html';
import { sectorNames } from './csv-import';
import type { TrainingSector } from './tables';
import type { Share } from './training.service';

/** "6 of 10 staff, 60%": the counts with the share, never a bare percentage. */
export function shareText(share: Share): string {
  if (share.percent === null) return 'No current staff recorded';
  return `${share.trained} of ${share.staff} staff, ${share.percent}%`;
}

const link = (href: string, text: string) => `<a class="govuk-link" href="${href}">${escapeHtml(text)}</a>`;
const tag = (text: string, colour: string) =>
  `<strong class="govuk-tag govuk-tag--${colour}">${escapeHtml(text)}</strong>`;
const numeric = (n: number) => ({ text: String(n), format: 'numeric' });
const percent = (s: Share) => ({ text: s.percent === null ? '–' : `${s.percent}%`, format: 'numeric' });

export const shareHead = [
  { text: 'Current staff', format: 'numeric' },
  { text: 'Trained now', format: 'numeric' },
  { text: 'Share trained', format: 'numeric' },
];

export function shareCells(s: Share) {
  return [numeric(s.staff), numeric(s.trained), percent(s)];
}

export function homeRows(homes: ({ name: string; urn: string } & Share)[]) {
  return homes.map((h) => [{ text: `${h.name} (${h.urn})` }, ...shareCells(h)]);
}

export function organisationRows(orgs: ({ id: string; name: string } & Share)[]) {
  return orgs.map((o) => [{ html: link(`/training/organisations/${o.id}`, o.name) }, ...shareCells(o)]);
}

export function sectorRows(sectors: ({ sector: TrainingSector } & Share)[]) {
  return sectors.map((s) => [{ text: sectorNames[s.sector] }, ...shareCells(s)]);
}

interface StaffListRow {
  id: string;
  givenName: string;
  familyName: string;
  sector: TrainingSector;
  homeName: string | null;
  leftOn: string | null;
  validUntil: string | null;
  current: boolean;
  trained: boolean;
}

export function staffRows(staff: StaffListRow[]) {
  return staff.map((s) => [
    { html: link(`/training/staff/${s.id}`, `${s.givenName} ${s.familyName}`) },
    { text: s.homeName ? `${sectorNames[s.sector]}, ${s.homeName}` : sectorNames[s.sector] },
    {
      html: !s.current
        ? tag(s.leftOn ? `Left ${formatDate(s.leftOn)}` : 'Not started yet', 'grey')
        : s.trained
          ? tag('Trained', 'green')
          : tag(s.validUntil ? 'Expired' : 'Not trained', 'red'),
    },
    { text: s.validUntil ? formatDate(s.validUntil) : 'None recorded' },
  ]);
}

export function renewalRows(
  renewals: {
    staffId: string;
    givenName: string;
    familyName: string;
    homeName: string | null;
    course: string;
    validUntil: string;
  }[],
  today: string,
) {
  return renewals.map((r) => [
    { html: link(`/training/staff/${r.staffId}`, `${r.givenName} ${r.familyName}`) },
    { text: r.homeName ? `${r.course} (${r.homeName})` : r.course },
    { text: formatDate(r.validUntil) },
    { html: r.validUntil < today ? tag('Expired', 'red') : tag('Due', 'yellow') },
  ]);
}

export function recordRows(
  records: {
    id: string;
    course: string;
    completedOn: string;
    validUntil: string;
    provider: string | null;
    current: boolean;
    enteredInErrorAt: Date | null;
    enteredInErrorReason: string | null;
  }[],
  mayRecord: boolean,
) {
  return records.map((r) => [
    { text: r.course },
    { text: formatDate(r.completedOn) },
    { text: formatDate(r.validUntil) },
    { text: r.provider ?? '' },
    {
      html: r.enteredInErrorAt
        ? `${tag('Entered in error', 'grey')}<br><span class="govuk-body-s">${escapeHtml(r.enteredInErrorReason ?? '')}</span>`
        : r.current
          ? tag('Current', 'green')
          : tag('Expired', 'red'),
    },
    {
      html:
        mayRecord && !r.enteredInErrorAt
          ? `<a class="govuk-link" href="/training/records/${r.id}/error">Mark as entered in error<span class="govuk-visually-hidden">: ${escapeHtml(r.course)}, ${escapeHtml(formatDate(r.completedOn))}</span></a>`
          : '',
    },
  ]);
}

export const sectorItems = (chosen: string | undefined) =>
  (Object.entries(sectorNames) as [TrainingSector, string][]).map(([value, text]) => ({
    value,
    text,
    checked: value === chosen,
  }));
