import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  asFormErrors,
  type Form,
  type FormErrors,
  fieldErrorsOf,
  formErrors,
  text,
} from '../../platform/http/forms';
import { recordId } from '../../platform/http/params';
import { recordRoute } from '../../platform/http/record-routes';
import { formatDateTime } from '../../platform/views/filters';
import { escapeHtml } from '../../platform/views/html';
import type { Services } from '../../services';
import { type EventType, eventTypes, newCaseNote } from './chronology.service';

type WithId = FastifyRequest<{ Params: { id: string } }>;

export function registerChronologyRoutes(web: FastifyInstance, services: Services): void {
  const page = async (
    request: WithId,
    reply: FastifyReply,
    values: Form = {},
    errors: Partial<FormErrors> = {},
    status = 200,
  ) => {
    const id = recordId(request) ?? '';
    const c = await services.children.get(request.ctx, id);
    const query = (request.query ?? {}) as Record<string, string | string[]>;
    const types = ([] as string[]).concat(query.type ?? []).filter((t): t is EventType => t in eventTypes);
    const agencyFilter = typeof query.agency === 'string' ? query.agency : '';
    const after = typeof query.after === 'string' ? query.after : undefined;
    const chronology = await services.chronology.page(request.ctx, id, {
      types,
      ...(agencyFilter ? { agency: agencyFilter } : {}),
      ...(after ? { after } : {}),
    });
    const keep = new URLSearchParams();
    for (const t of types) keep.append('type', t);
    if (agencyFilter) keep.set('agency', agencyFilter);
    const path = `/children/${id}/chronology`;
    const link = (extra: string) => {
      const q = [keep.toString(), extra].filter(Boolean).join('&');
      return q ? `${path}?${q}` : path;
    };
    return reply.code(status).render('chronology/views/chronology.njk', {
      pageTitle: 'Chronology',
      backLink: `/children/${id}`,
      child: c,
      rows: chronology.rows.map((e) => [
        { text: formatDateTime(e.at) },
        { text: eventTypes[e.type] },
        { text: e.agency ?? '' },
        {
          html: e.href
            ? `<a class="govuk-link" href="${e.href}">${escapeHtml(e.title)}</a>`
            : escapeHtml(e.title),
        },
        { text: e.detail },
      ]),
      nextHref: chronology.next ? link(`after=${encodeURIComponent(chronology.next)}`) : null,
      firstHref: after ? link('') : null,
      typeItems: Object.entries(eventTypes).map(([value, label]) => ({
        value,
        text: label,
        checked: types.includes(value as EventType),
      })),
      agencyItems: [
        { value: '', text: 'All agencies' },
        ...chronology.agencies.map((a) => ({ value: a, text: a, selected: a === agencyFilter })),
      ],
      filtered: types.length > 0 || Boolean(agencyFilter),
      total: chronology.total,
      values,
      ...errors,
    });
  };

  web.get('/children/:id/chronology', { config: { access: 'child:view' } }, (request: WithId, reply) =>
    recordId(request) ? page(request, reply) : reply.callNotFound(),
  );

  recordRoute(web, 'POST', '/children/:id/case-notes', 'child:view', async (request, reply, id, form) => {
    const parsed = newCaseNote.safeParse({ note: text(form, 'note') });
    if (!parsed.success) return page(request, reply, form, formErrors(fieldErrorsOf(parsed.error)), 400);
    try {
      await services.chronology.addNote(request.ctx, id, parsed.data);
    } catch (error) {
      return page(request, reply, form, asFormErrors(error), 400);
    }
    return reply.redirect(`/children/${id}/chronology`, 303);
  });
}
