import { formatDateTime } from '../../platform/views/filters';
import { escapeHtml } from '../../platform/views/html';

/** "Overdue by 5 hours" or "Due in 30 hours", with a tag colour for how urgent it is. */
export function timeLeft(dueAt: Date, now: Date): { text: string; tag: string } {
  const hours = Math.round((dueAt.getTime() - now.getTime()) / 3_600_000);
  if (hours < 0)
    return {
      text: `Overdue by ${-hours} ${Math.abs(hours) === 1 ? 'hour' : 'hours'}`,
      tag: 'govuk-tag--red',
    };
  if (hours <= 24)
    return { text: `Due in ${hours} ${hours === 1 ? 'hour' : 'hours'}`, tag: 'govuk-tag--orange' };
  return { text: `Due in ${hours} hours`, tag: 'govuk-tag--green' };
}

export function queueRows(
  rows: {
    interview: { id: string; dueAt: Date; status: string };
    child: { givenName: string; familyName: string };
    endedAt: Date | null;
  }[],
  now: Date,
) {
  return rows.map((r) => {
    const left = timeLeft(r.interview.dueAt, now);
    return [
      {
        html: `<a class="govuk-link" href="/return-interviews/${r.interview.id}">${escapeHtml(`${r.child.givenName} ${r.child.familyName}`)}</a>`,
      },
      { text: r.endedAt ? formatDateTime(r.endedAt) : '' },
      { text: formatDateTime(r.interview.dueAt) },
      { html: `<strong class="govuk-tag ${left.tag}">${escapeHtml(left.text)}</strong>` },
      { text: r.interview.status.charAt(0).toUpperCase() + r.interview.status.slice(1) },
    ];
  });
}
