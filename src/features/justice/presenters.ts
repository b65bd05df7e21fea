import { formatDate, formatDateTime } from '../../platform/views/filters';
import { escapeHtml } from '../../platform/views/html';
import type { CaseSummary, JusticeService, OpenCase } from './justice.service';
import {
  contactWithNames,
  decisionNames,
  measureNames,
  methodNames,
  reviewOutcomeNames,
  stageNames,
  statementKindNames,
  statementStateNames,
  statusNames,
} from './schemas';
import type { JusticeStatus } from './tables';
import { endingStatuses } from './tables';

type CaseView = Awaited<ReturnType<JusticeService['get']>>;
type ReviewView = Awaited<ReturnType<JusticeService['review']>>;

/** Typed text keeps its line breaks, and nothing of the template's own white space. */
const pre = (value: string) => `<span class="lantern-pre">${escapeHtml(value)}</span>`;
const link = (href: string, text: string) => `<a class="govuk-link" href="${href}">${escapeHtml(text)}</a>`;

export function statusTag(status: JusticeStatus): string {
  const colour = endingStatuses.includes(status) ? 'grey' : status === 'investigating' ? 'blue' : 'purple';
  return `<strong class="govuk-tag govuk-tag--${colour}">${escapeHtml(statusNames[status])}</strong>`;
}

const noContactTag = (days: number) =>
  ` <strong class="govuk-tag govuk-tag--red">No contact for ${days} days</strong>`;

/** The child's cases as a table. */
export function caseListRows(cases: CaseSummary[]) {
  return cases.map((c) => [
    { html: link(`/justice-cases/${c.id}`, c.crimeReference) },
    {
      html: `${statusTag(c.status)}${c.enteredInError ? ' <strong class="govuk-tag govuk-tag--grey">Entered in error</strong>' : ''}`,
    },
    { text: formatDate(c.statusOn) },
    { text: c.supporterName ?? 'Not named yet' },
    {
      html: `${escapeHtml(c.lastContactAt ? formatDateTime(c.lastContactAt) : 'None yet')}${c.noContact.flagged ? noContactTag(c.noContact.days) : ''}`,
    },
  ]);
}

/** Open cases across the children one may see: the child, the case, where it stands, the last contact. */
export function openCaseRows(cases: OpenCase[]) {
  return cases.map((c) => [
    { html: link(`/children/${c.childId}`, c.childName) },
    { html: link(`/justice-cases/${c.id}`, c.crimeReference) },
    { html: `${statusTag(c.status)} since ${escapeHtml(formatDate(c.statusOn))}` },
    { text: c.supporterName ?? 'Not named yet' },
    {
      html: `${escapeHtml(c.lastContactAt ? formatDateTime(c.lastContactAt) : 'None yet')}${c.noContact.flagged ? noContactTag(c.noContact.days) : ''}`,
    },
  ]);
}

/** The summary of the card on the child's page: how many cases, open ones, and any flag. */
export function justiceCardRows(cases: CaseSummary[]) {
  const live = cases.filter((c) => !c.enteredInError);
  const open = live.filter((c) => !endingStatuses.includes(c.status));
  const flagged = live.filter((c) => c.noContact.flagged);
  const reviews = live.reduce((n, c) => n + c.openReviews, 0);
  return [
    {
      key: { text: 'Cases' },
      value: { text: live.length ? `${live.length} (${open.length} open)` : 'None' },
    },
    ...(live.length
      ? [
          {
            key: { text: 'Latest' },
            value: {
              html: `${link(`/justice-cases/${live[0]?.id}`, live[0]?.crimeReference ?? '')} ${statusTag(live[0]?.status ?? 'investigating')}`,
            },
          },
        ]
      : []),
    ...(flagged.length
      ? [
          {
            key: { text: 'No recent contact' },
            value: {
              html: flagged
                .map((c) => `${escapeHtml(c.crimeReference)}${noContactTag(c.noContact.days)}`)
                .join('<br>'),
            },
          },
        ]
      : []),
    ...(reviews ? [{ key: { text: 'Support reviews' }, value: { text: `${reviews} waiting` } }] : []),
  ];
}

export function caseSummaryRows(c: CaseView) {
  const supporter = c.supporterName
    ? [c.supporterName, c.supporterRole, c.supporterAgency].filter(Boolean).join(', ')
    : 'Not named yet';
  return [
    { key: { text: 'Crime reference' }, value: { text: c.crimeReference } },
    { key: { text: 'Child' }, value: { html: link(`/children/${c.child.id}`, c.child.name) } },
    {
      key: { text: 'Status' },
      value: {
        html: `${statusTag(c.status)} since ${escapeHtml(formatDate(c.statusOn))}${c.noContact.flagged ? noContactTag(c.noContact.days) : ''}`,
      },
    },
    {
      key: { text: 'Supporter' },
      value: { text: supporter },
      actions: c.mayRecord
        ? {
            items: [
              {
                href: `/justice-cases/${c.id}/supporter`,
                text: 'Change',
                visuallyHiddenText: 'the supporter',
              },
            ],
          }
        : undefined,
    },
    {
      key: { text: 'Recorded by' },
      value: {
        text: c.recordedBy.name ? `${c.recordedBy.name}, ${c.recordedBy.agency}` : c.recordedBy.agency,
      },
    },
    { key: { text: 'Recorded' }, value: { text: formatDateTime(c.createdAt) } },
    {
      key: { text: 'Last contact' },
      value: {
        text: c.contacts[0]
          ? formatDateTime(c.contacts[0].contactAt)
          : `None yet (the rule is a contact every ${c.noContact.rule} days while the case is open)`,
      },
    },
    ...(c.enteredInErrorAt
      ? [
          { key: { text: 'Entered in error' }, value: { text: formatDateTime(c.enteredInErrorAt) } },
          { key: { text: 'Why' }, value: { html: pre(c.enteredInErrorReason ?? '') } },
        ]
      : []),
  ];
}

/** The status history, newest first, as MOJ timeline items. */
export function historyItems(c: CaseView) {
  return c.history.map((h) => ({
    title: statusNames[h.status],
    when: formatDate(h.statusOn),
    iso: h.statusOn,
    detail: [h.outcome ? `Outcome: ${h.outcome}` : null, h.note].filter(Boolean).join('. '),
    by: `Recorded by ${h.by ? `${h.by}, ` : ''}${h.agency} on ${formatDateTime(h.recordedAt)}`,
  }));
}

export function statementRows(c: CaseView) {
  return c.statements.map((s) => [
    { text: statementKindNames[s.kind] },
    { text: statementStateNames[s.state] },
    { text: formatDate(s.occurredOn) },
    { html: s.note ? pre(s.note) : '' },
  ]);
}

export function measureRows(c: CaseView) {
  return c.measures.map((m) => [
    { text: measureNames[m.measure] },
    { text: formatDate(m.requestedOn) },
    {
      html:
        m.decision === 'pending'
          ? '<strong class="govuk-tag govuk-tag--yellow">Waiting for the court</strong>'
          : `${escapeHtml(decisionNames[m.decision])} on ${escapeHtml(formatDate(m.decidedOn))}`,
    },
  ]);
}

export function contactRows(c: CaseView) {
  return c.contacts.map((k) => [
    { text: formatDateTime(k.contactAt) },
    { text: contactWithNames[k.contactWith] },
    { text: stageNames[k.stage] },
    { text: methodNames[k.method] },
    { html: k.note ? pre(k.note) : '' },
    { text: k.by ? `${k.by}, ${k.agency}` : k.agency },
  ]);
}

export function reviewRows(c: CaseView, now: Date) {
  return c.reviews.map((r) => [
    { html: link(`/support-reviews/${r.id}`, `Due ${formatDateTime(r.dueAt)}`) },
    {
      html: r.completedAt
        ? escapeHtml(
            `${reviewOutcomeNames[r.outcome ?? 'continue_support']}, ${formatDateTime(r.completedAt)}`,
          )
        : r.dueAt < now
          ? '<strong class="govuk-tag govuk-tag--red">Overdue</strong>'
          : '<strong class="govuk-tag govuk-tag--yellow">To do</strong>',
    },
  ]);
}

export function reviewSummaryRows(r: ReviewView, now: Date) {
  return [
    { key: { text: 'Child' }, value: { html: link(`/children/${r.child.id}`, r.child.name) } },
    {
      key: { text: 'Justice case' },
      value: { html: link(`/justice-cases/${r.case.id}`, r.case.crimeReference) },
    },
    {
      key: { text: 'How the case ended' },
      value: {
        text: r.ending
          ? `${statusNames[r.ending.status]} on ${formatDate(r.ending.statusOn)}${r.ending.outcome ? `: ${r.ending.outcome}` : ''}`
          : '',
      },
    },
    { key: { text: 'Supporter' }, value: { text: r.case.supporterName ?? 'Not named' } },
    {
      key: { text: 'Due' },
      value: {
        html: `${escapeHtml(formatDateTime(r.dueAt))}${!r.completedAt && r.dueAt < now ? ' <strong class="govuk-tag govuk-tag--red">Overdue</strong>' : ''}`,
      },
    },
    ...(r.completedAt
      ? [
          {
            key: { text: 'Outcome' },
            value: { text: reviewOutcomeNames[r.outcome ?? 'continue_support'] },
          },
          { key: { text: 'Note' }, value: { html: r.outcomeNote ? pre(r.outcomeNote) : 'None' } },
          {
            key: { text: 'Completed' },
            value: { text: `${formatDateTime(r.completedAt)}${r.completedBy ? ` by ${r.completedBy}` : ''}` },
          },
        ]
      : []),
  ];
}

/** Radio items from a code-to-name map, the chosen one checked. */
export function itemsOf(names: Record<string, string>, chosen: unknown, only?: readonly string[]) {
  return Object.entries(names)
    .filter(([value]) => !only || only.includes(value))
    .map(([value, text]) => ({ value, text, checked: value === chosen }));
}
