import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../../platform/context';
import type { FieldError } from '../../platform/http/errors';
import {
  asFormErrors,
  calendarDate,
  type Form,
  type FormErrors,
  fieldErrorsOf,
  formErrors,
  serviceFieldErrors,
  text,
} from '../../platform/http/forms';
import { recordRoute } from '../../platform/http/record-routes';
import { formatDate, formatDateTime } from '../../platform/views/filters';
import { escapeHtml } from '../../platform/views/html';
import type { Services } from '../../services';
import type { NoticeView } from './evidence.service';
import { linkTypeNames } from './schemas';
import { endNoticeInput, warningNoticeInput } from './warning-notices.service';

/** Date fields are named by their day box, so the error summary links to it. */
const dateField = (field: string) => (field === 'servedOn' || field === 'reviewOn' ? `${field}-day` : field);
const fieldOrder = ['personId', 'servedOn-day', 'terms', 'reviewOn-day'];

/** Typed text keeps its line breaks, and nothing of the template's own white space. */
const pre = (value: string) => `<span class="lantern-pre">${escapeHtml(value)}</span>`;

const status = (n: Pick<NoticeView, 'endedAt'>) =>
  n.endedAt
    ? '<strong class="govuk-tag govuk-tag--grey">Ended</strong>'
    : '<strong class="govuk-tag govuk-tag--red">In force</strong>';

/**
 * A child's warning notices as view data, for the child's page or the list page: table rows, and
 * where to record a new one when the user may. Null for someone without `intelligence:view`.
 */
export async function childWarningNotices(services: Services, ctx: Context, childId: string) {
  if (!ctx.permissions.has('intelligence:view')) return null;
  const notices = await services.warningNotices.forChild(ctx, childId);
  return {
    head: [
      { text: 'Person of concern' },
      { text: 'Served on' },
      { text: 'Review' },
      { text: 'Status' },
      { text: 'Breaches', format: 'numeric' },
    ],
    rows: notices.map((n) => [
      { html: `<a class="govuk-link" href="/warning-notices/${n.id}">${escapeHtml(n.person.label)}</a>` },
      { text: formatDate(n.servedOn) },
      { text: formatDate(n.reviewOn) },
      { html: status(n) },
      { text: String(n.breaches.length + n.breachesWithheld), format: 'numeric' },
    ]),
    count: notices.length,
    newHref: ctx.permissions.has('warning-notice:record') ? `/children/${childId}/warning-notices/new` : null,
  };
}

/** The notice's page: what was served, by whom, and each breach with its source. */
export function noticeRows(n: NoticeView) {
  return {
    summaryRows: [
      {
        key: { text: 'Person of concern' },
        value: {
          html: `<a class="govuk-link" href="/intelligence/entities/${n.person.id}">${escapeHtml(n.person.label)}</a>`,
        },
      },
      {
        key: { text: 'Child' },
        value: {
          html: `<a class="govuk-link" href="/children/${n.child.id}">${escapeHtml(n.child.name)}</a>`,
        },
      },
      { key: { text: 'Status' }, value: { html: status(n) } },
      {
        key: { text: 'Served by' },
        value: { text: n.servedBy.name ? `${n.servedBy.name}, ${n.servedBy.agency}` : n.servedBy.agency },
      },
      { key: { text: 'Served on' }, value: { text: formatDate(n.servedOn) } },
      { key: { text: 'Terms' }, value: { html: pre(n.terms) } },
      { key: { text: 'Review date' }, value: { text: formatDate(n.reviewOn) } },
      { key: { text: 'Recorded' }, value: { text: formatDateTime(n.recordedAt) } },
      ...(n.endedAt
        ? [
            { key: { text: 'Ended' }, value: { text: formatDateTime(n.endedAt) } },
            { key: { text: 'Why it ended' }, value: { html: pre(n.endedReason ?? '') } },
          ]
        : []),
    ],
    breachRows: n.breaches.map((b) => [
      { text: formatDateTime(b.occurredAt) },
      {
        html: `${escapeHtml(b.linkType ? linkTypeNames[b.linkType] : 'Linked')}${
          b.status === 'in_error'
            ? ' <strong class="govuk-tag govuk-tag--grey">Link entered in error</strong>'
            : ''
        }`,
      },
      { html: `<strong>${escapeHtml(b.source.typeName)}</strong>: ${escapeHtml(b.source.description)}` },
      { text: formatDateTime(b.recordedAt) },
    ]),
  };
}

export function registerWarningNoticeRoutes(web: FastifyInstance, services: Services): void {
  const formPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    childId: string,
    values: Form,
    errors: Partial<FormErrors> = {},
    code = 200,
  ) => {
    const personId = text(values, 'personId');
    const q = (text(values, 'q') ?? '').trim();
    const { child, person } = await services.warningNotices.formContext(
      request.ctx,
      childId,
      personId && /^[0-9a-f-]{36}$/i.test(personId) ? personId : undefined,
    );
    // Search before choosing: people of concern whose names sound or are spelt like the search.
    const found = q ? await services.intelligence.findSimilar(request.ctx, 'person', q) : [];
    const chosen = person && !found.some((f) => f.id === person.id) ? person : null;
    return reply.code(code).render('intelligence/views/warning-new.njk', {
      pageTitle: 'Record a warning notice',
      backLink: `/children/${childId}/warning-notices`,
      child,
      q,
      searched: q !== '',
      chosen,
      personItems: found.map((f) => ({
        value: f.id,
        text: f.label,
        hint: f.why ? { text: f.why } : undefined,
        checked: f.id === personId,
      })),
      values,
      ...errors,
    });
  };

  recordRoute(
    web,
    'GET',
    '/children/:id/warning-notices/new',
    'warning-notice:record',
    async (request, reply, id) => {
      return formPage(request, reply, id, (request.query ?? {}) as Form);
    },
  );

  recordRoute(
    web,
    'POST',
    '/children/:id/warning-notices/new',
    'warning-notice:record',
    async (request, reply, id, form) => {
      const errors: FieldError[] = [];
      const served = calendarDate(form, 'servedOn', 'the date the notice was served');
      const review = calendarDate(form, 'reviewOn', 'the date the notice is to be reviewed');
      if (served.error) errors.push({ field: 'servedOn-day', message: served.error });
      if (review.error) errors.push({ field: 'reviewOn-day', message: review.error });
      const parsed = warningNoticeInput.safeParse({
        personId: text(form, 'personId'),
        servedOn: served.date,
        terms: text(form, 'terms'),
        reviewOn: review.date,
      });
      if (!parsed.success) {
        for (const e of fieldErrorsOf(parsed.error)) {
          const field = dateField(e.field);
          if (!errors.some((x) => x.field === field)) errors.push({ field, message: e.message });
        }
      }
      if (errors.length > 0 || !parsed.success) {
        errors.sort((a, b) => fieldOrder.indexOf(a.field) - fieldOrder.indexOf(b.field));
        return formPage(request, reply, id, form, formErrors(errors), 400);
      }
      let noticeId: string;
      try {
        noticeId = await services.warningNotices.record(request.ctx, id, parsed.data);
      } catch (error) {
        return formPage(request, reply, id, form, formErrors(serviceFieldErrors(error, dateField)), 400);
      }
      return reply.redirect(`/warning-notices/${noticeId}`, 303);
    },
  );

  const noticePage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    values: Form = {},
    errors: Partial<FormErrors> = {},
    code = 200,
  ) => {
    const n = await services.warningNotices.get(request.ctx, id);
    return reply.code(code).render('intelligence/views/warning-notice.njk', {
      pageTitle: 'Child Abduction Warning Notice',
      backLink: `/children/${n.child.id}/warning-notices`,
      notice: n,
      ...noticeRows(n),
      values,
      ...errors,
    });
  };

  recordRoute(web, 'GET', '/warning-notices/:id', 'intelligence:view', (request, reply, id) =>
    noticePage(request, reply, id),
  );

  recordRoute(
    web,
    'POST',
    '/warning-notices/:id/end',
    'warning-notice:record',
    async (request, reply, id, form) => {
      const parsed = endNoticeInput.safeParse({ reason: text(form, 'reason') });
      if (!parsed.success) {
        return noticePage(request, reply, id, form, formErrors(fieldErrorsOf(parsed.error)), 400);
      }
      try {
        await services.warningNotices.end(request.ctx, id, parsed.data.reason);
      } catch (error) {
        return noticePage(request, reply, id, form, asFormErrors(error), 400);
      }
      return reply.redirect(`/warning-notices/${id}`, 303);
    },
  );

  recordRoute(
    web,
    'GET',
    '/children/:id/warning-notices',
    'intelligence:view',
    async (request, reply, id) => {
      const list = await childWarningNotices(services, request.ctx, id);
      const child = await services.children.get(request.ctx, id);
      return reply.render('intelligence/views/warning-list.njk', {
        pageTitle: 'Warning notices',
        backLink: `/children/${id}`,
        child,
        list,
      });
    },
  );
}
