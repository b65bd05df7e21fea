import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemResponses } from '../../platform/auth/api.routes';
import type { Context } from '../../platform/context';
import { draftFieldsOf, draftKey } from '../../platform/drafts/drafts.service';
import { afterDraft, draftView, formAction, wantsJson } from '../../platform/drafts/pages';
import type { FieldError } from '../../platform/http/errors';
import {
  asFormErrors,
  type Form,
  type FormErrors,
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
import { queueRows, timeLeft } from './presenters';
import {
  acceptInterview,
  declineInterview,
  holdInterview,
  offerInterview,
  type RecordInterview,
  recordInterviewApi,
} from './schemas';

/** Parses the form of the outcome it carries: each outcome has its own form on the page. */
function parseOutcome(form: Form): { data?: RecordInterview; errors: FieldError[] } {
  switch (text(form, 'outcome')) {
    case 'offered':
      return parseForm(offerInterview, form, { offeredAt: { label: 'when the interview was offered' } });
    case 'accepted':
      return parseForm(acceptInterview, form, {});
    case 'declined':
      return parseForm(declineInterview, form, {});
    case 'held': {
      const independent = text(form, 'interviewerIndependent');
      return parseForm(
        holdInterview,
        form,
        { heldAt: { label: 'when the interview was held' } },
        {
          interviewerIndependent: independent === undefined ? undefined : independent === 'yes',
          trustedAdultChosenByChild: text(form, 'trustedAdultChosenByChild') === 'yes',
        },
      );
    }
    default:
      return { errors: [{ field: 'outcome', message: 'Select what happened' }] };
  }
}

export function registerReturnInterviewRoutes(web: FastifyInstance, services: Services): void {
  const { returnInterviews } = services;
  type IdRequest = FastifyRequest<{ Params: { id: string } }>;

  web.get('/return-interviews', { config: { access: 'return-interview:record' } }, async (request, reply) => {
    const after = ((request.query ?? {}) as Record<string, string>).after;
    const queue = await returnInterviews.queue(request.ctx, after ? { after } : {});
    return reply.render('return-interviews/views/queue.njk', {
      pageTitle: 'Return interviews',
      rows: queueRows(queue.rows, services.clock.now()),
      overdue: queue.overdue,
      ...pageLinks('/return-interviews', queue, after),
    });
  });

  const page = async (
    request: IdRequest,
    reply: FastifyReply,
    id: string,
    values: Form | null = null,
    errors: Partial<FormErrors> = {},
    status = 200,
  ) => {
    const row = await returnInterviews.get(request.ctx, id);
    const now = services.clock.now();
    // Opening the form again fills it from the actor's own draft, if they saved one.
    const draft = await services.drafts.load(request.ctx, draftKey('return-interview', id));
    return reply.code(status).render('return-interviews/views/interview.njk', {
      pageTitle: 'Return interview',
      backLink: '/return-interviews',
      allocationPanel: await allocationPanel(services, request.ctx, 'return_interview', id),
      linked: (request.query as Record<string, string> | undefined)?.linked === 'yes',
      addIntelligenceHref: addIntelligenceHref(
        request.ctx,
        row.child.id,
        { type: 'return_interview', id },
        `/return-interviews/${id}`,
      ),
      row,
      due: formatDateTime(row.interview.dueAt),
      left: timeLeft(row.interview.dueAt, now),
      finished: row.interview.status === 'held' || row.interview.status === 'declined',
      values: values ?? (draft?.fields.outcome === 'held' ? draft.fields : {}),
      ...draftView(draft, request),
      ...errors,
    });
  };

  recordRoute(web, 'GET', '/return-interviews/:id', 'return-interview:record', (request, reply, id) =>
    page(request, reply, id),
  );

  recordRoute(
    web,
    'POST',
    '/return-interviews/:id',
    'return-interview:record',
    async (request, reply, id, form) => {
      const action = formAction(form);
      if (action === 'draft') {
        // A draft is kept as typed: nothing is checked until the findings are saved.
        await returnInterviews.saveDraft(request.ctx, id, { ...draftFieldsOf(form), outcome: 'held' });
        if (wantsJson(request)) return reply.code(204).send();
        return reply.redirect(afterDraft(`/return-interviews/${id}`, 'saved'), 303);
      }
      if (action === 'discard-draft') {
        await returnInterviews.discardDraft(request.ctx, id);
        return reply.redirect(afterDraft(`/return-interviews/${id}`, 'discarded'), 303);
      }
      const parsed = parseOutcome(form);
      if (!parsed.data) return page(request, reply, id, form, formErrors(parsed.errors), 400);
      try {
        await returnInterviews.record(request.ctx, id, parsed.data);
      } catch (error) {
        return page(request, reply, id, form, asFormErrors(error), 400);
      }
      return reply.redirect(`/return-interviews/${id}`, 303);
    },
  );
}

const interviewResponse = z.object({
  id: z.uuid(),
  episodeId: z.uuid(),
  childId: z.uuid(),
  dueAt: z.date(),
  status: z.enum(['due', 'offered', 'accepted', 'declined', 'held']),
  offeredAt: z.date().nullable(),
  heldAt: z.date().nullable(),
  interviewerIndependent: z.boolean().nullable(),
  trustedAdultChosenByChild: z.boolean().nullable(),
});

export function registerReturnInterviewApi(api: FastifyInstance, services: Services): void {
  const typed = api.withTypeProvider<ZodTypeProvider>();
  const respond = async (ctx: Context, id: string) => {
    const { interview: i } = await services.returnInterviews.get(ctx, id);
    return {
      id: i.id,
      episodeId: i.episodeId,
      childId: i.childId,
      dueAt: i.dueAt,
      status: i.status,
      offeredAt: i.offeredAt,
      heldAt: i.heldAt,
      interviewerIndependent: i.interviewerIndependent,
      trustedAdultChosenByChild: i.trustedAdultChosenByChild,
    };
  };
  const params = z.object({ id: z.uuid() });
  typed.get(
    '/return-interviews/:id',
    {
      config: { access: 'return-interview:record' },
      schema: {
        summary: 'One return interview',
        tags: ['Return interviews'],
        params,
        response: { 200: interviewResponse, ...problemResponses },
      },
    },
    async (request) => respond(request.ctx, request.params.id),
  );
  typed.post(
    '/return-interviews/:id',
    {
      config: { access: 'return-interview:record' },
      schema: {
        summary:
          'Record an offer, the child’s acceptance, a refusal or the interview itself (dates as ISO 8601)',
        tags: ['Return interviews'],
        params,
        body: recordInterviewApi,
        response: { 200: interviewResponse, ...problemResponses, 409: problemResponses[400] },
      },
    },
    async (request) => {
      await services.returnInterviews.record(request.ctx, request.params.id, request.body);
      return respond(request.ctx, request.params.id);
    },
  );
}
