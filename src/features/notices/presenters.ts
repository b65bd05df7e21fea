import { findLocalAuthority } from '../../platform/agencies/reference-data';
import { formatDateTime } from '../../platform/views/filters';
import { escapeHtml } from '../../platform/views/html';
import type { NoticesService } from './notices.service';
import { categoryNames, priorityNames } from './schemas';
import { type NoticeCategory, noticeCategories, type Priority } from './tables';

type Queue = Awaited<ReturnType<NoticesService['queue']>>['rows'];
type Detail = Awaited<ReturnType<NoticesService['get']>>;

const tagClass: Record<Priority, string> = {
  red: 'govuk-tag--red',
  amber: 'govuk-tag--orange',
  green: 'govuk-tag--green',
};

export function priorityTag(priority: Priority | null): string {
  return priority
    ? `<strong class="govuk-tag ${tagClass[priority]}">${priorityNames[priority]}</strong>`
    : '<strong class="govuk-tag govuk-tag--grey">Not yet set</strong>';
}

export const categoryList = (categories: string[]) =>
  categories.map((c) => categoryNames[c as NoticeCategory] ?? c).join(', ');

function aboutHtml(
  noticeId: string,
  child: { id: string; givenName: string; familyName: string } | null,
  unidentified: string | null,
) {
  const who = child ? `${child.givenName} ${child.familyName}` : `Not identified: ${unidentified ?? ''}`;
  return `<a class="govuk-link" href="/notices/${noticeId}">${escapeHtml(who)}</a>`;
}

export function queueRows(queue: Queue, now: Date) {
  return queue.map((q) => {
    const overdue = !q.notice.decidedAt && q.notice.decisionDueAt < now;
    return [
      { html: aboutHtml(q.notice.id, q.child, q.notice.unidentifiedDescription) },
      { text: categoryList(q.notice.categories) },
      { text: q.raisedBy },
      { text: formatDateTime(q.notice.raisedAt) },
      { html: priorityTag(q.notice.priority) },
      {
        html: q.notice.decidedAt
          ? `Decided ${escapeHtml(formatDateTime(q.notice.decidedAt))}`
          : `${escapeHtml(formatDateTime(q.notice.decisionDueAt))}${overdue ? ' <strong class="govuk-tag govuk-tag--red">Overdue</strong>' : ''}`,
      },
    ];
  });
}

export function noticeRows(d: Detail, now: Date) {
  const n = d.notice;
  const overdue = !n.decidedAt && n.decisionDueAt < now;
  return [
    {
      key: { text: 'About' },
      value: {
        html: d.child
          ? `<a class="govuk-link" href="/children/${d.child.id}">${escapeHtml(`${d.child.givenName} ${d.child.familyName}`)}</a>`
          : escapeHtml(
              n.childId
                ? 'A child your agency cannot see'
                : `Not identified: ${n.unidentifiedDescription ?? ''}`,
            ),
      },
    },
    { key: { text: 'Categories' }, value: { text: categoryList(n.categories) } },
    { key: { text: 'What happened' }, value: { text: n.whatHappened } },
    { key: { text: 'Source' }, value: { text: n.source } },
    { key: { text: 'Raised by' }, value: { text: `${d.raisedBy}, ${formatDateTime(n.raisedAt)}` } },
    {
      key: { text: 'MASH area' },
      value: { text: findLocalAuthority(n.areaAuthorityCode)?.name ?? n.areaAuthorityCode },
    },
    { key: { text: 'Priority' }, value: { html: priorityTag(n.priority) } },
    {
      key: { text: n.decidedAt ? 'Decided' : 'Decision due' },
      value: {
        html: n.decidedAt
          ? escapeHtml(formatDateTime(n.decidedAt))
          : `${escapeHtml(formatDateTime(n.decisionDueAt))}${overdue ? ' <strong class="govuk-tag govuk-tag--red">Overdue</strong>' : ''}`,
      },
    },
  ];
}

export function decisionRows(decision: Detail['decisions'][number]) {
  const confirmed = (who: string | null, at: Date | null) =>
    who && at ? `${who}, ${formatDateTime(at)}` : 'Not yet confirmed';
  return [
    { key: { text: 'Decision' }, value: { text: decision.outcomeLabel } },
    { key: { text: 'Reasons' }, value: { text: decision.rationale } },
    {
      key: { text: 'Proposed by' },
      value: { text: `${decision.proposedBy}, ${formatDateTime(decision.proposedAt)}` },
    },
    {
      key: { text: 'Police' },
      value: { text: confirmed(decision.policeConfirmedBy, decision.policeConfirmedAt) },
    },
    {
      key: { text: 'Social care' },
      value: { text: confirmed(decision.socialCareConfirmedBy, decision.socialCareConfirmedAt) },
    },
  ];
}

export function categoryItems(selected: string[]) {
  return noticeCategories.map((c) => ({ value: c, text: categoryNames[c], checked: selected.includes(c) }));
}
