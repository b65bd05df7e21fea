import type { Form } from '../../platform/http/forms';
import { formatDate, formatDateTime } from '../../platform/views/filters';
import { escapeHtml } from '../../platform/views/html';
import type { ChildMeetings, MeetingChange, MeetingView } from './advocacy.service';
import { heardNames, meetingKindNames, responseNames } from './schemas';
import type { AdvocacyField, advocacyMeeting } from './tables';

type MeetingRow = typeof advocacyMeeting.$inferSelect;

/** Typed text keeps its line breaks, and nothing of the template's own white space. */
const pre = (value: string) => `<span class="lantern-pre">${escapeHtml(value)}</span>`;

const inError = '<strong class="govuk-tag govuk-tag--grey">Entered in error</strong>';

export const fieldNames: Record<AdvocacyField, string> = {
  kind: 'Meeting',
  meetingOn: 'Date of the meeting',
  offered: 'Advocacy offered',
  offeredOn: 'Date offered',
  offeredBy: 'Offered by',
  notOfferedReason: 'Why it was not offered',
  response: 'The child’s answer',
  advocateName: 'Advocate',
  advocateOrganisation: 'Advocate’s organisation',
  childViews: 'What the child wanted said',
  heard: 'Were the child’s views heard?',
  heardNote: 'How they were heard',
};

/** A stored value of a field as a person reads it. */
function valueText(field: AdvocacyField, value: string | null): string {
  if (value === null) return 'Not recorded';
  switch (field) {
    case 'kind':
      return meetingKindNames[value as keyof typeof meetingKindNames] ?? value;
    case 'meetingOn':
    case 'offeredOn':
      return formatDate(value);
    case 'offered':
      return value === 'yes' ? 'Yes' : 'No';
    case 'response':
      return responseNames[value as keyof typeof responseNames] ?? value;
    case 'heard':
      return heardNames[value as keyof typeof heardNames] ?? value;
    default:
      return value;
  }
}

const offerText = (m: MeetingRow) =>
  m.offered ? `Offered, ${(responseNames[m.response ?? 'not_answered'] ?? '').toLowerCase()}` : 'Not offered';

/** The child's meetings as a GOV.UK table, the latest first. */
export function meetingTable(list: ChildMeetings) {
  return {
    head: [
      { text: 'Date' },
      { text: 'Meeting' },
      { text: 'Advocacy' },
      { text: 'Advocate' },
      { text: 'Heard' },
    ],
    rows: list.meetings.map((m) => [
      {
        html: `<a class="govuk-link" href="/advocacy/${m.id}">${escapeHtml(formatDate(m.meetingOn))}<span class="govuk-visually-hidden">: ${escapeHtml(meetingKindNames[m.kind])}</span></a>${m.enteredInErrorAt ? ` ${inError}` : ''}`,
      },
      { text: meetingKindNames[m.kind] },
      { text: offerText(m) },
      { text: m.advocateName ? [m.advocateName, m.advocateOrganisation].filter(Boolean).join(', ') : '' },
      { text: m.heard ? heardNames[m.heard] : '' },
    ]),
  };
}

/** The card on the child's page: the latest meeting not entered in error, and how often advocacy was taken up. */
export function advocacyCard(list: ChildMeetings) {
  const current = list.meetings.filter((m) => !m.enteredInErrorAt);
  const latest = current[0];
  const offered = current.filter((m) => m.offered).length;
  const accepted = current.filter((m) => m.response === 'accepted').length;
  const rows = latest
    ? [
        {
          key: { text: 'Latest meeting' },
          value: {
            html: `<a class="govuk-link" href="/advocacy/${latest.id}">${escapeHtml(meetingKindNames[latest.kind])}, ${escapeHtml(formatDate(latest.meetingOn))}</a>`,
          },
        },
        { key: { text: 'Advocacy' }, value: { text: offerText(latest) } },
        {
          key: { text: 'All meetings' },
          value: {
            text: `${current.length} recorded: advocacy offered for ${offered}, accepted for ${accepted}`,
          },
        },
      ]
    : [
        {
          key: { text: 'Meetings' },
          value: { text: 'No care review or placement planning meeting recorded' },
        },
      ];
  const items = [
    {
      href: `/children/${list.child.id}/advocacy`,
      text: 'All meetings',
      visuallyHiddenText: 'and their advocacy',
    },
  ];
  if (list.mayRecord) {
    items.push({
      href: `/children/${list.child.id}/advocacy/new`,
      text: 'Record a meeting',
      visuallyHiddenText: 'and its advocacy',
    });
  }
  return { rows, actions: { items } };
}

/** The meeting's page: every answer, who recorded it, and whether it was entered in error. */
export function meetingSummaryRows(m: MeetingView) {
  const row = (key: string, value: { text: string } | { html: string }) => ({ key: { text: key }, value });
  const textOr = (v: string | null, none = 'Not recorded') => (v ? { html: pre(v) } : { text: none });
  return [
    ...(m.enteredInErrorAt
      ? [
          row('Status', { html: inError }),
          row('Why', { html: pre(m.enteredInErrorReason ?? '') }),
          row('Marked by', {
            text: `${m.enteredInErrorBy ?? 'Unknown'}, ${formatDateTime(m.enteredInErrorAt)}`,
          }),
        ]
      : []),
    row('Meeting', { text: meetingKindNames[m.kind] }),
    row('Date of the meeting', { text: formatDate(m.meetingOn) }),
    row('Responsible authority', { text: m.authorityName }),
    row('Independent advocacy offered', { text: m.offered ? 'Yes' : 'No' }),
    ...(m.offered
      ? [
          row('Date offered', { text: formatDate(m.offeredOn) }),
          row('Offered by', { text: m.offeredBy ?? '' }),
          row('The child’s answer', { text: m.response ? responseNames[m.response] : '' }),
        ]
      : [row('Why it was not offered', textOr(m.notOfferedReason))]),
    ...(m.response === 'accepted'
      ? [
          row('Advocate', {
            text: m.advocateName
              ? [m.advocateName, m.advocateOrganisation].filter(Boolean).join(', ')
              : 'Not recorded',
          }),
        ]
      : []),
    row('What the child wanted said', textOr(m.childViews)),
    row('Were the child’s views heard?', { text: m.heard ? heardNames[m.heard] : 'Not recorded' }),
    ...(m.heardNote ? [row('How they were heard', { html: pre(m.heardNote) })] : []),
    row('Recorded by', {
      text: `${m.recordedBy ? `${m.recordedBy}, ` : ''}${m.recordedByAgency}, ${formatDateTime(m.recordedAt)}`,
    }),
  ];
}

/** The history table: each change with the value before and after, who, when and why. */
export function changeRows(changes: MeetingChange[]) {
  return changes.map((c) => [
    { text: formatDateTime(c.changedAt) },
    { text: fieldNames[c.field] ?? c.field },
    { text: valueText(c.field, c.oldValue) },
    { text: valueText(c.field, c.newValue) },
    c.reason ? { html: pre(c.reason) } : { text: '' },
    { text: c.changedBy ?? '' },
  ]);
}

const dateBoxes = (prefix: string, iso: string | null): Form => {
  if (!iso) return {};
  const [y, m, d] = iso.split('-');
  return {
    [`${prefix}-day`]: String(Number(d)),
    [`${prefix}-month`]: String(Number(m)),
    [`${prefix}-year`]: y,
  };
};

/** A meeting as the values of the form that updates it. */
export function formValuesOf(m: MeetingRow): Form {
  return {
    kind: m.kind,
    ...dateBoxes('meetingOn', m.meetingOn),
    offered: m.offered ? 'yes' : 'no',
    ...dateBoxes('offeredOn', m.offeredOn),
    offeredBy: m.offeredBy ?? '',
    notOfferedReason: m.notOfferedReason ?? '',
    response: m.response ?? '',
    advocateName: m.advocateName ?? '',
    advocateOrganisation: m.advocateOrganisation ?? '',
    childViews: m.childViews ?? '',
    heard: m.heard ?? '',
    heardNote: m.heardNote ?? '',
  };
}
