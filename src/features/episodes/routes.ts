import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findLocalAuthority } from '../../platform/agencies/reference-data';
import { problemResponses } from '../../platform/auth/api.routes';
import type { Context } from '../../platform/context';
import {
  asFormErrors,
  type Form,
  type FormErrors,
  fieldErrorsOf,
  formErrors,
  parseForm,
  text,
} from '../../platform/http/forms';
import { pageLinks } from '../../platform/http/pagination';
import { recordRoute } from '../../platform/http/record-routes';
import { formatDateTime } from '../../platform/views/filters';
import type { Services } from '../../services';
import { allocationPanel } from '../allocation/routes';
import { addIntelligenceHref } from '../intelligence/routes';
import { episodeRows, forceItems, gradingRows, overdueReviewRows } from './presenters';
import {
  closeEpisode,
  correctableFields,
  correctEpisode,
  gradeEpisode,
  gradeNames,
  reportEpisode,
} from './schemas';
import { riskGrades } from './tables';

function defaultForce(ctx: Context): string | undefined {
  if (ctx.actor?.policeForceCode) return ctx.actor.policeForceCode;
  return findLocalAuthority(ctx.actor?.localAuthorityCode ?? '')?.policeForceCode;
}

export function registerEpisodeRoutes(web: FastifyInstance, services: Services): void {
  const { episodes, children } = services;
  type IdRequest = FastifyRequest<{ Params: { id: string } }>;

  const reportPage = async (
    request: IdRequest,
    reply: FastifyReply,
    childId: string,
    values: Form,
    errors: Partial<FormErrors> = {},
    status = 200,
  ) => {
    const child = await children.get(request.ctx, childId);
    return reply.code(status).render('episodes/views/report.njk', {
      pageTitle: 'Report a child missing or absent',
      backLink: `/children/${childId}`,
      child,
      values,
      forceItems: forceItems(text(values, 'policeForceCode')),
      ...errors,
    });
  };

  recordRoute(web, 'GET', '/children/:id/episodes/new', 'episode:report', async (request, reply, id) => {
    return reportPage(request, reply, id, { policeForceCode: defaultForce(request.ctx) });
  });

  recordRoute(
    web,
    'POST',
    '/children/:id/episodes/new',
    'episode:report',
    async (request, reply, id, form) => {
      const before = ([] as string[]).concat(form.beforeReporting ?? []);
      const { data, errors } = parseForm(
        reportEpisode,
        form,
        { startedAt: { label: 'when the child was last seen' } },
        {
          searchedBeforeReporting: before.includes('searched'),
          calledChild: before.includes('called'),
          contactedFriendsFamily: before.includes('contacted'),
        },
      );
      if (!data) return reportPage(request, reply, id, form, formErrors(errors), 400);
      try {
        const episodeId = await episodes.report(request.ctx, id, data);
        return reply.redirect(`/episodes/${episodeId}`, 303);
      } catch (error) {
        const e = asFormErrors(error);
        if (e.errors.startedAt)
          e.errorSummary = e.errorSummary.map((s) =>
            s.href === '#startedAt' ? { ...s, href: '#startedAt-day' } : s,
          );
        return reportPage(request, reply, id, form, e, 400);
      }
    },
  );

  const episodePage = async (
    request: IdRequest,
    reply: FastifyReply,
    id: string,
    extra: Record<string, unknown> = {},
    status = 200,
  ) => {
    const view = await episodes.get(request.ctx, id);
    const corrections = await episodes.corrections(request.ctx, id);
    const now = services.clock.now();
    const open = view.episode.endedAt === null;
    const latest = view.gradings.at(-1);
    return reply.code(status).render('episodes/views/episode.njk', {
      pageTitle: 'Episode',
      backLink: `/children/${view.child.id}`,
      view,
      open,
      rows: episodeRows(view.episode),
      gradingRows: gradingRows(view.gradings, now),
      latestGrade: latest ? gradeNames[latest.grade] : null,
      reviewOverdue: Boolean(open && latest?.nextReviewAt && latest.nextReviewAt < now),
      mayGrade: open && request.ctx.permissions.has('episode:grade'),
      mayClose: open && request.ctx.permissions.has('episode:close'),
      gradeItems: riskGrades.map((g) => ({ value: g, text: gradeNames[g] })),
      returnInterviewDue: view.returnInterview ? formatDateTime(view.returnInterview.dueAt) : null,
      mayCorrect: !view.episode.enteredInErrorAt && request.ctx.permissions.has('episode:report'),
      correctionRows: corrections.map(({ correction: c, by }) => [
        { text: formatDateTime(c.correctedAt) },
        { text: correctableFields[c.field as keyof typeof correctableFields] ?? c.field },
        { text: c.oldValue ?? 'Blank' },
        { text: c.newValue ?? 'Blank' },
        { text: `${c.reason} (${by ?? 'unknown'})` },
      ]),
      fieldItems: [
        { value: '', text: 'Select the detail' },
        ...Object.entries(correctableFields).map(([value, text]) => ({
          value,
          text,
          selected: (extra.values as Record<string, string> | undefined)?.field === value,
        })),
      ],
      allocationPanel: await allocationPanel(services, request.ctx, 'episode', id),
      linked: (request.query as Record<string, string> | undefined)?.linked === 'yes',
      addIntelligenceHref: addIntelligenceHref(
        request.ctx,
        view.episode.childId,
        { type: 'episode', id },
        `/episodes/${id}`,
        view.episode.endedAt ? 'found_at' : 'went_missing_from',
      ),
      values: {},
      ...extra,
    });
  };

  web.get('/episodes/reviews-overdue', { config: { access: 'episode:grade' } }, async (request, reply) => {
    const after = ((request.query ?? {}) as Record<string, string>).after;
    const page = await episodes.overdueReviews(request.ctx, after ? { after } : {});
    return reply.render('episodes/views/reviews-overdue.njk', {
      pageTitle: 'Risk reviews overdue',
      rows: overdueReviewRows(page.rows, services.clock.now()),
      ...pageLinks('/episodes/reviews-overdue', page, after),
    });
  });

  recordRoute(
    web,
    'POST',
    '/episodes/:id/corrections',
    'episode:report',
    async (request, reply, id, form) => {
      const parsed = correctEpisode.safeParse({
        field: text(form, 'field') || undefined,
        value: text(form, 'value') ?? '',
        reason: text(form, 'reason'),
      });
      if (!parsed.success) {
        return episodePage(
          request,
          reply,
          id,
          { values: form, ...formErrors(fieldErrorsOf(parsed.error)) },
          400,
        );
      }
      try {
        await episodes.correct(request.ctx, id, parsed.data);
      } catch (error) {
        return episodePage(request, reply, id, { values: form, ...asFormErrors(error) }, 400);
      }
      return reply.redirect(`/episodes/${id}`, 303);
    },
  );

  recordRoute(
    web,
    'POST',
    '/episodes/:id/entered-in-error',
    'episode:report',
    async (request, reply, id, form) => {
      try {
        await episodes.markEnteredInError(request.ctx, id, text(form, 'errorReason') ?? '');
      } catch (error) {
        return episodePage(request, reply, id, { values: form, ...asFormErrors(error) }, 400);
      }
      return reply.redirect(`/episodes/${id}`, 303);
    },
  );

  recordRoute(web, 'GET', '/episodes/:id', 'child:view', (request, reply, id) =>
    episodePage(request, reply, id),
  );

  recordRoute(web, 'POST', '/episodes/:id/grade', 'episode:grade', async (request, reply, id, form) => {
    const { data, errors } = parseForm(gradeEpisode, form, {
      nextReviewAt: { label: 'when the grade is next reviewed', optional: true },
    });
    if (!data) return episodePage(request, reply, id, { values: form, ...formErrors(errors) }, 400);
    try {
      await episodes.grade(request.ctx, id, data);
    } catch (error) {
      return episodePage(request, reply, id, { values: form, ...asFormErrors(error) }, 400);
    }
    return reply.redirect(`/episodes/${id}`, 303);
  });

  recordRoute(web, 'POST', '/episodes/:id/close', 'episode:close', async (request, reply, id, form) => {
    const { data, errors } = parseForm(closeEpisode, form, {
      endedAt: { label: 'when the child was found or returned' },
    });
    if (!data) return episodePage(request, reply, id, { values: form, ...formErrors(errors) }, 400);
    try {
      await episodes.close(request.ctx, id, data);
    } catch (error) {
      const e = asFormErrors(error);
      e.errorSummary = e.errorSummary.map((s) =>
        s.href === '#endedAt' ? { ...s, href: '#endedAt-day' } : s,
      );
      if (e.errors.endedAt) e.errors['endedAt-day'] = e.errors.endedAt;
      return episodePage(request, reply, id, { values: form, ...e }, 400);
    }
    return reply.redirect(`/episodes/${id}`, 303);
  });
}

const episodeResponse = z.object({
  id: z.uuid(),
  childId: z.uuid(),
  kind: z.enum(['missing', 'absent']),
  startedAt: z.date(),
  endedAt: z.date().nullable(),
  policeForceCode: z.string().nullable(),
  policeReference: z.string().nullable(),
  gradings: z.array(
    z.object({
      grade: z.enum(riskGrades),
      rationale: z.string(),
      gradedAt: z.date(),
      nextReviewAt: z.date().nullable(),
    }),
  ),
  returnInterviewDueAt: z.date().nullable(),
});

export function registerEpisodeApi(api: FastifyInstance, services: Services): void {
  const typed = api.withTypeProvider<ZodTypeProvider>();
  const respond = async (ctx: Context, id: string) => {
    const v = await services.episodes.get(ctx, id);
    return {
      id: v.episode.id,
      childId: v.child.id,
      kind: v.episode.kind,
      startedAt: v.episode.startedAt,
      endedAt: v.episode.endedAt,
      policeForceCode: v.episode.policeForceCode,
      policeReference: v.episode.policeReference,
      gradings: v.gradings.map((g) => ({
        grade: g.grade,
        rationale: g.rationale,
        gradedAt: g.gradedAt,
        nextReviewAt: g.nextReviewAt,
      })),
      returnInterviewDueAt: v.returnInterview?.dueAt ?? null,
    };
  };
  const params = z.object({ id: z.uuid() });

  typed.post(
    '/children/:id/episodes',
    {
      config: { access: 'episode:report' },
      schema: {
        summary: 'Report a child missing or absent',
        tags: ['Episodes'],
        params,
        body: reportEpisode,
        response: { 201: episodeResponse, ...problemResponses, 409: problemResponses[400] },
      },
    },
    async (request, reply) => {
      const id = await services.episodes.report(request.ctx, request.params.id, request.body);
      reply.code(201);
      return respond(request.ctx, id);
    },
  );
  typed.get(
    '/episodes/:id',
    {
      config: { access: 'child:view' },
      schema: {
        summary: 'One episode with its gradings',
        tags: ['Episodes'],
        params,
        response: { 200: episodeResponse, ...problemResponses },
      },
    },
    async (request) => respond(request.ctx, request.params.id),
  );
  typed.post(
    '/episodes/:id/gradings',
    {
      config: { access: 'episode:grade' },
      schema: {
        summary: 'Grade or re-grade the risk (police)',
        tags: ['Episodes'],
        params,
        body: gradeEpisode,
        response: { 201: episodeResponse, ...problemResponses },
      },
    },
    async (request, reply) => {
      await services.episodes.grade(request.ctx, request.params.id, request.body);
      reply.code(201);
      return respond(request.ctx, request.params.id);
    },
  );
  typed.post(
    '/episodes/:id/close',
    {
      config: { access: 'episode:close' },
      schema: {
        summary: 'Record that the child is found or has returned',
        tags: ['Episodes'],
        params,
        body: closeEpisode,
        response: { 200: episodeResponse, ...problemResponses, 409: problemResponses[400] },
      },
    },
    async (request) => {
      await services.episodes.close(request.ctx, request.params.id, request.body);
      return respond(request.ctx, request.params.id);
    },
  );
}
