import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { draftFieldsOf, draftKey } from '../../platform/drafts/drafts.service';
import { afterDraft, draftView, formAction, wantsJson } from '../../platform/drafts/pages';
import {
  asFormErrors,
  calendarDate,
  type Form,
  type FormErrors,
  formErrors,
  text,
} from '../../platform/http/forms';
import { recordId } from '../../platform/http/params';
import { recordRoute } from '../../platform/http/record-routes';
import type { Services } from '../../services';
import { questionSections, scoredRows, screeningSummaryRows } from './presenters';
import { currentTool, levelNames } from './tool';

type WithId = FastifyRequest<{ Params: { id: string } }>;

export function registerScreeningRoutes(web: FastifyInstance, services: Services): void {
  const { screening } = services;

  const formPage = async (
    request: WithId,
    reply: FastifyReply,
    values: Form | null,
    errors: Partial<FormErrors> = {},
    status = 200,
  ) => {
    const id = recordId(request) ?? '';
    const about = await services.children.get(request.ctx, id);
    const prefill = await screening.prefill(request.ctx, id);
    // The actor's own draft, if they saved one, comes before the answers suggested from the records.
    const draft = await services.drafts.load(request.ctx, draftKey('screening', id));
    const given =
      values ??
      draft?.fields ??
      Object.fromEntries(Object.entries(prefill.answers).map(([code, a]) => [`a_${code}`, a]));
    return reply.code(status).render('screening/views/new.njk', {
      pageTitle: 'CSE risk screening',
      backLink: `/children/${id}`,
      child: about,
      toolVersion: currentTool.version,
      sections: questionSections(currentTool, given as Record<string, string | undefined>, prefill.reasons),
      prefillNotes: prefill.notes,
      prefilled: Object.keys(prefill.answers).length > 0,
      values: given,
      ...draftView(draft, request),
      ...errors,
    });
  };

  web.get(
    '/children/:id/screenings/new',
    { config: { access: 'screening:record' } },
    (request: WithId, reply) => (recordId(request) ? formPage(request, reply, null) : reply.callNotFound()),
  );

  recordRoute(
    web,
    'POST',
    '/children/:id/screenings/new',
    'screening:record',
    async (request, reply, id, form) => {
      const action = formAction(form);
      const here = `/children/${id}/screenings/new`;
      if (action === 'draft') {
        // A draft is kept as typed: nothing is checked until the screening is saved.
        await screening.saveDraft(request.ctx, id, draftFieldsOf(form));
        if (wantsJson(request)) return reply.code(204).send();
        return reply.redirect(afterDraft(here, 'saved'), 303);
      }
      if (action === 'discard-draft') {
        await screening.discardDraft(request.ctx, id);
        return reply.redirect(afterDraft(here, 'discarded'), 303);
      }
      const answers = Object.fromEntries(
        currentTool.indicators.map((i) => {
          const a = text(form, `a_${i.code}`);
          return [i.code, a === 'past' || a === 'current' ? a : 'no'];
        }),
      ) as Record<string, 'no' | 'past' | 'current'>;
      const review = calendarDate(form, 'reviewOn', 'the date of the next review');
      if (!review.date) {
        const message = review.error ?? 'Enter the date of the next review';
        return formPage(request, reply, form, formErrors([{ field: 'reviewOn-day', message }]), 400);
      }
      try {
        const screeningId = await screening.record(request.ctx, id, {
          answers,
          reviewOn: review.date,
          notes: text(form, 'notes'),
        });
        return reply.redirect(`/screenings/${screeningId}`, 303);
      } catch (error) {
        const errors = asFormErrors(error);
        const fixed = {
          errorSummary: errors.errorSummary.map((e) =>
            e.href === '#reviewOn' ? { ...e, href: '#reviewOn-day' } : e,
          ),
          errors: {
            ...errors.errors,
            ...(errors.errors.reviewOn ? { 'reviewOn-day': errors.errors.reviewOn } : {}),
          },
        };
        return formPage(request, reply, form, fixed, 400);
      }
    },
  );

  recordRoute(web, 'GET', '/screenings/:id', 'child:view', async (request, reply, id) => {
    const s = await screening.get(request.ctx, id);
    return reply.render('screening/views/screening.njk', {
      pageTitle: 'CSE risk screening',
      backLink: `/children/${s.child.id}`,
      child: s.child,
      levelName: levelNames[s.screening.level],
      summaryRows: screeningSummaryRows(s.screening),
      itemRows: scoredRows(s.screening.items),
      score: s.screening.score,
    });
  });
}
