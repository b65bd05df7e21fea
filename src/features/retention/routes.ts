import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemResponses } from '../../platform/auth/api.routes';
import { asFormErrors, type Form, type FormErrors, formErrors, text } from '../../platform/http/forms';
import { formatDate, formatDateTime } from '../../platform/views/filters';
import type { Services } from '../../services';
import type { DueRow } from './retention.repository';
import { retentionDecision, retentionRecordLabels } from './retention.service';
import { type RetentionRecordType, retentionRecordTypes } from './tables';

type WithRecord = FastifyRequest<{ Params: { type: string; id: string } }>;

const recordParams = z.object({ type: z.enum(retentionRecordTypes), id: z.uuid() });

const disposeText: Record<RetentionRecordType, string> = {
  child:
    'The child’s record goes, with everything about the child: episodes, return interviews, notices, screenings, placements, care episodes, the profile and photos, case notes, intelligence links, shares, alerts, work and drafts. The audit log keeps only that a child’s record was disposed of.',
  sighting:
    'The sighting goes, with the intelligence links, alerts and work that came from it. The audit log keeps only that a sighting was disposed of.',
  nfa_notice:
    'The notice goes, with its information from each agency, its decisions, strategy discussions, attachments, the access it gave, and the alerts and work that came from it.',
  intelligence_entity:
    'The entity goes, with its links, patterns, possible duplicates and the entities merged into it.',
};

const shortId = (id: string) => id.slice(0, 8);
const months = (n: number) => (n % 12 === 0 ? `${n / 12} year${n === 12 ? '' : 's'}` : `${n} months`);

function parseRecord(request: WithRecord) {
  const parsed = recordParams.safeParse(request.params);
  return parsed.success ? parsed.data : null;
}

function summaryRows(due: DueRow) {
  return [
    { key: { text: 'Kind of record' }, value: { text: retentionRecordLabels[due.recordType] } },
    { key: { text: 'Reference' }, value: { text: due.recordId } },
    { key: { text: 'Held by' }, value: { text: due.agencyName ?? 'No agency' } },
    { key: { text: 'Last active' }, value: { text: formatDate(due.lastActivityAt) } },
    { key: { text: 'Due for review' }, value: { text: formatDate(due.dueAt) } },
  ];
}

/** Pages for an agency's administrator: records due for review, kept or disposed of with a reason. */
export function registerRetentionRoutes(web: FastifyInstance, services: Services): void {
  const { retention } = services;

  web.get('/admin/retention', { config: { access: 'retention:review' } }, async (request, reply) => {
    const query = (request.query ?? {}) as Record<string, unknown>;
    const type = z.enum(retentionRecordTypes).safeParse(query.type);
    const pageNumber = z.coerce.number().int().min(1).max(100_000).safeParse(query.page);
    const list = await retention.dueList(request.ctx, {
      ...(type.success ? { recordType: type.data } : {}),
      page: pageNumber.success ? pageNumber.data : 1,
    });
    const href = (p: number) => `/admin/retention?${type.success ? `type=${type.data}&` : ''}page=${p}`;
    const banner =
      query.done === 'kept'
        ? 'The record is kept'
        : query.done === 'disposed'
          ? 'The record is disposed of'
          : null;
    return reply.render('retention/views/list.njk', {
      pageTitle: 'Records due for review',
      banner,
      scopeText: request.ctx.permissions.has('retention:review-all')
        ? 'Records of every agency.'
        : 'Records your agency holds.',
      typeItems: [
        { value: '', text: 'Every kind' },
        ...retentionRecordTypes.map((t) => ({
          value: t,
          text: retentionRecordLabels[t],
          selected: type.success && type.data === t,
        })),
      ],
      countText: `${list.total} record${list.total === 1 ? '' : 's'} due for review`,
      rows: list.rows.map((r) => [
        {
          html: `<a class="govuk-link" href="/admin/retention/${r.recordType}/${r.recordId}">${retentionRecordLabels[r.recordType]}<span class="govuk-visually-hidden"> reference</span> ${shortId(r.recordId)}</a>`,
        },
        { text: r.agencyName ?? 'No agency' },
        { text: formatDate(r.lastActivityAt) },
        { text: formatDate(r.dueAt) },
      ]),
      pagination:
        list.pages > 1
          ? {
              ...(list.page > 1 ? { previous: { href: href(list.page - 1) } } : {}),
              ...(list.page < list.pages ? { next: { href: href(list.page + 1) } } : {}),
              // The first, the last and two either side of this one, with an ellipsis between.
              items: Array.from({ length: list.pages }, (_, i) => i + 1)
                .filter((p) => p === 1 || p === list.pages || Math.abs(p - list.page) <= 2)
                .flatMap((p, i, shown) => [
                  ...(i > 0 && p - (shown[i - 1] ?? p) > 1 ? [{ ellipsis: true }] : []),
                  { number: p, href: href(p), current: p === list.page },
                ]),
            }
          : null,
    });
  });

  const reviewPage = async (
    request: WithRecord,
    reply: FastifyReply,
    values: Form = {},
    errors: Partial<FormErrors> = {},
    status = 200,
  ) => {
    const record = parseRecord(request);
    if (!record) return reply.callNotFound();
    const found = await retention.review(request.ctx, record.type, record.id);
    return reply.code(status).render('retention/views/review.njk', {
      pageTitle: 'Review this record',
      kindLabel: retentionRecordLabels[record.type],
      base: `/admin/retention/${record.type}/${record.id}`,
      summaryRows: summaryRows(found.due),
      kept: found.kept.map((k) => ({
        key: { text: `Kept ${formatDateTime(k.decidedAt)} by ${k.by}` },
        value: { text: `Until ${formatDate(k.keptUntil)}: ${k.reason}` },
      })),
      periodText: months(found.periodMonths),
      disposeText: disposeText[record.type],
      values,
      ...errors,
    });
  };

  web.get(
    '/admin/retention/:type/:id',
    { config: { access: 'retention:review' } },
    (request: WithRecord, reply) => reviewPage(request, reply),
  );

  const renamed = (error: unknown, field: string): FormErrors => {
    const e = asFormErrors(error);
    return formErrors(e.errorSummary.map((x) => ({ field, message: x.text })));
  };

  web.post(
    '/admin/retention/:type/:id/keep',
    { config: { access: 'retention:review' } },
    async (request: WithRecord, reply) => {
      const record = parseRecord(request);
      if (!record) return reply.callNotFound();
      const form = (request.body ?? {}) as Form;
      try {
        await retention.keep(request.ctx, record.type, record.id, { reason: text(form, 'keepReason') });
      } catch (error) {
        return reviewPage(request, reply, form, renamed(error, 'keepReason'), 400);
      }
      return reply.redirect('/admin/retention?done=kept', 303);
    },
  );

  // The first step only checks the reason and asks for confirmation; nothing is removed yet.
  web.post(
    '/admin/retention/:type/:id/dispose',
    { config: { access: 'retention:review' } },
    async (request: WithRecord, reply) => {
      const record = parseRecord(request);
      if (!record) return reply.callNotFound();
      const form = (request.body ?? {}) as Form;
      const parsed = retentionDecision.safeParse({ reason: text(form, 'disposeReason') });
      if (!parsed.success) {
        return reviewPage(
          request,
          reply,
          form,
          formErrors([
            { field: 'disposeReason', message: parsed.error.issues[0]?.message ?? 'Enter the reason' },
          ]),
          400,
        );
      }
      const found = await retention.review(request.ctx, record.type, record.id);
      return reply.render('retention/views/confirm.njk', {
        pageTitle: 'Are you sure you want to dispose of this record?',
        kindLabel: retentionRecordLabels[record.type],
        base: `/admin/retention/${record.type}/${record.id}`,
        summaryRows: [
          ...summaryRows(found.due),
          { key: { text: 'Reason' }, value: { text: parsed.data.reason } },
        ],
        disposeText: disposeText[record.type],
        reason: parsed.data.reason,
      });
    },
  );

  web.post(
    '/admin/retention/:type/:id/dispose/confirm',
    { config: { access: 'retention:review' } },
    async (request: WithRecord, reply) => {
      const record = parseRecord(request);
      if (!record) return reply.callNotFound();
      const form = (request.body ?? {}) as Form;
      try {
        await retention.dispose(request.ctx, record.type, record.id, { reason: text(form, 'reason') });
      } catch (error) {
        return reviewPage(
          request,
          reply,
          { disposeReason: text(form, 'reason') },
          renamed(error, 'disposeReason'),
          400,
        );
      }
      return reply.redirect('/admin/retention?done=disposed', 303);
    },
  );
}

const dueResponse = z.object({
  recordType: z.enum(retentionRecordTypes).describe('The kind of record'),
  recordId: z.uuid(),
  agency: z
    .object({ id: z.uuid(), name: z.string() })
    .nullable()
    .describe('The agency that holds the record'),
  lastActivityAt: z.date(),
  dueAt: z.date().describe('When the review period ran out'),
});

/** The records due for review, as on the page: an agency's own, or every agency's for the hub. */
export function registerRetentionApi(api: FastifyInstance, services: Services): void {
  api.withTypeProvider<ZodTypeProvider>().get(
    '/retention/reviews',
    {
      config: { access: 'retention:review' },
      schema: {
        summary:
          'Records due for a keep-or-dispose review: your agency’s, or every agency’s for the hub’s administrators',
        tags: ['Retention'],
        querystring: z.object({
          type: z.enum(retentionRecordTypes).optional(),
          page: z.coerce.number().int().min(1).max(100_000).optional(),
        }),
        response: {
          200: z.object({
            reviews: z.array(dueResponse),
            total: z.number().int(),
            page: z.number().int(),
            pages: z.number().int(),
          }),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const list = await services.retention.dueList(request.ctx, {
        ...(request.query.type ? { recordType: request.query.type } : {}),
        ...(request.query.page ? { page: request.query.page } : {}),
      });
      return {
        reviews: list.rows.map((r) => ({
          recordType: r.recordType,
          recordId: r.recordId,
          agency: r.agencyId ? { id: r.agencyId, name: r.agencyName ?? '' } : null,
          lastActivityAt: r.lastActivityAt,
          dueAt: r.dueAt,
        })),
        total: list.total,
        page: list.page,
        pages: list.pages,
      };
    },
  );
}
