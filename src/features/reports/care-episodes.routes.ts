import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { asFormErrors, calendarDate, type Form, type FormErrors, text } from '../../platform/http/forms';
import { recordId } from '../../platform/http/params';
import type { Services } from '../../services';
import {
  categoriesOfNeed,
  legalStatuses,
  reasonsCeased,
  reasonsNewEpisode,
  reasonsPlaceChange,
} from './tables';

const codeItems = (codes: readonly string[], chosen: string | undefined, prompt: string) => [
  { value: '', text: prompt },
  ...codes.map((c) => ({ value: c, text: c, selected: chosen === c })),
];

/** The care episodes page of a child: the list, a form to record one, and a page per episode to end it. */
export function registerCareEpisodeRoutes(web: FastifyInstance, services: Services): void {
  type IdRequest = FastifyRequest<{ Params: { id: string } }>;
  type EpisodeRequest = FastifyRequest<{ Params: { id: string; episodeId: string } }>;

  const listPage = async (
    request: IdRequest,
    reply: FastifyReply,
    childId: string,
    values: Form,
    errors: Partial<FormErrors> = {},
    status = 200,
  ) => {
    const { child, episodes } = await services.careEpisodes.list(request.ctx, childId);
    return reply.code(status).render('reports/views/care-episodes.njk', {
      pageTitle: 'Care episodes',
      backLink: `/children/${childId}`,
      child,
      episodes,
      values,
      rneItems: codeItems(reasonsNewEpisode, text(values, 'reasonNewEpisode'), 'Select RNE'),
      lsItems: codeItems(legalStatuses, text(values, 'legalStatus'), 'Select legal status'),
      cinItems: codeItems(categoriesOfNeed, text(values, 'categoryOfNeed'), 'Select category of need'),
      ...errors,
    });
  };

  web.get(
    '/children/:id/care-episodes',
    { config: { access: 'care-episode:record' } },
    (request: IdRequest, reply) => {
      const id = recordId(request);
      return id ? listPage(request, reply, id, {}) : reply.callNotFound();
    },
  );

  web.post(
    '/children/:id/care-episodes',
    { config: { access: 'care-episode:record' } },
    async (request: IdRequest, reply) => {
      const id = recordId(request);
      if (!id) return reply.callNotFound();
      const form = (request.body ?? {}) as Form;
      const start = calendarDate(form, 'startedOn', 'the start date');
      try {
        await services.careEpisodes.record(request.ctx, id, {
          startedOn: start.error ? 'invalid' : (start.date as string),
          reasonNewEpisode: (text(form, 'reasonNewEpisode') || undefined) as never,
          legalStatus: (text(form, 'legalStatus') || undefined) as never,
          categoryOfNeed: (text(form, 'categoryOfNeed') || undefined) as never,
        });
      } catch (error) {
        const errors = asFormErrors(error);
        if (start.error) errors.errors.startedOn = { text: start.error };
        for (const e of errors.errorSummary) if (e.href === '#startedOn') e.href = '#startedOn-day';
        if (start.error) {
          const first = errors.errorSummary.find((e) => e.href === '#startedOn-day');
          if (first) first.text = start.error;
        }
        return listPage(request, reply, id, form, errors, 400);
      }
      return reply.redirect(`/children/${id}/care-episodes`, 303);
    },
  );

  const episodePage = async (
    request: EpisodeRequest,
    reply: FastifyReply,
    values: Form,
    errors: Partial<FormErrors> = {},
    status = 200,
  ) => {
    const childId = recordId(request) ?? '';
    const { child, episodes } = await services.careEpisodes.list(request.ctx, childId);
    const episode = episodes.find((e) => e.id === request.params.episodeId && !e.enteredInErrorAt);
    if (!episode) return reply.callNotFound();
    return reply.code(status).render('reports/views/care-episode.njk', {
      pageTitle: `Care episode from ${episode.startedOn}`,
      backLink: `/children/${childId}/care-episodes`,
      child,
      episode,
      values,
      recItems: codeItems(reasonsCeased, text(values, 'reasonCeased'), 'Select REC'),
      changeItems: codeItems(reasonsPlaceChange, text(values, 'reasonPlaceChange'), 'None'),
      ...errors,
    });
  };
  const validIds = (request: EpisodeRequest) =>
    recordId(request) !== null && z.uuid().safeParse(request.params.episodeId).success;

  web.get(
    '/children/:id/care-episodes/:episodeId',
    { config: { access: 'care-episode:record' } },
    (request: EpisodeRequest, reply) =>
      validIds(request) ? episodePage(request, reply, {}) : reply.callNotFound(),
  );

  web.post(
    '/children/:id/care-episodes/:episodeId/end',
    { config: { access: 'care-episode:record' } },
    async (request: EpisodeRequest, reply) => {
      if (!validIds(request)) return reply.callNotFound();
      const childId = recordId(request) ?? '';
      const form = (request.body ?? {}) as Form;
      const end = calendarDate(form, 'endedOn', 'the end date');
      try {
        await services.careEpisodes.end(request.ctx, childId, request.params.episodeId, {
          endedOn: end.error ? 'invalid' : (end.date as string),
          reasonCeased: (text(form, 'reasonCeased') || undefined) as never,
          reasonPlaceChange: (text(form, 'reasonPlaceChange') || undefined) as never,
        });
      } catch (error) {
        const errors = asFormErrors(error);
        for (const e of errors.errorSummary) {
          if (e.href === '#endedOn') {
            e.href = '#endedOn-day';
            if (end.error) e.text = end.error;
          }
        }
        if (end.error) errors.errors.endedOn = { text: end.error };
        return episodePage(request, reply, form, errors, 400);
      }
      return reply.redirect(`/children/${childId}/care-episodes`, 303);
    },
  );

  web.post(
    '/children/:id/care-episodes/:episodeId/error',
    { config: { access: 'care-episode:record' } },
    async (request: EpisodeRequest, reply) => {
      if (!validIds(request)) return reply.callNotFound();
      const childId = recordId(request) ?? '';
      const form = (request.body ?? {}) as Form;
      try {
        await services.careEpisodes.enterInError(request.ctx, childId, request.params.episodeId, {
          reason: text(form, 'reason'),
        });
      } catch (error) {
        return episodePage(request, reply, form, asFormErrors(error), 400);
      }
      return reply.redirect(`/children/${childId}/care-episodes`, 303);
    },
  );
}
