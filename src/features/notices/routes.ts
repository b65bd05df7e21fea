import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { authoritySelectItems } from '../../platform/agencies/presenters';
import { draftFieldsOf, draftKey } from '../../platform/drafts/drafts.service';
import { afterDraft, draftView, formAction, wantsJson } from '../../platform/drafts/pages';
import { ConflictError, ValidationError } from '../../platform/http/errors';
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
import { recordId } from '../../platform/http/params';
import { recordRoute } from '../../platform/http/record-routes';
import { formatDate, formatDateTime } from '../../platform/views/filters';
import { escapeHtml } from '../../platform/views/html';
import type { Services } from '../../services';
import { allocationPanel } from '../allocation/routes';
import type { UploadedFile } from './attachments';
import { categoryItems, decisionRows, noticeRows, queueRows } from './presenters';
import { newAction, priorityNames, raiseNotice, recordDiscussion, scheduleDiscussion } from './schemas';
import { priorities } from './tables';

type WithId = FastifyRequest<{ Params: { id: string } }>;
const uuid = z.uuid();
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);

/** The file of a multipart form, if one was chosen: an empty file input sends nothing to keep. */
function uploaded(value: unknown): UploadedFile[] {
  if (!Buffer.isBuffer(value) || value.length === 0) return [];
  const name = (value as Buffer & { filename?: string }).filename ?? 'attachment';
  return [{ filename: name, bytes: value }];
}

export function registerNoticeRoutes(web: FastifyInstance, services: Services): void {
  const { notices, strategyDiscussions } = services;

  // ---- Raising a notice -------------------------------------------------------------------------

  const newPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    values: Form,
    errors: Partial<FormErrors> = {},
    status = 200,
  ) => {
    const childId = uuid.safeParse(text(values, 'childId')).data;
    const child = childId ? await services.children.get(request.ctx, childId) : null;
    return reply.code(status).render('notices/views/new.njk', {
      pageTitle: 'Raise a child concern notice',
      backLink: child ? `/children/${child.id}` : '/',
      child,
      values,
      categoryItems: categoryItems(list(values.categories)),
      areaItems: authoritySelectItems(text(values, 'areaAuthorityCode'), 'Select the area'),
      ...errors,
    });
  };

  web.get('/notices/new', { config: { access: 'notice:raise' } }, (request, reply) => {
    const query = (request.query ?? {}) as Record<string, string>;
    return newPage(request, reply, { childId: query.child ?? '' });
  });

  web.post(
    '/notices/new',
    {
      config: {
        access: 'notice:raise',
        fileTooLarge: (request, reply) =>
          newPage(
            request,
            reply,
            {},
            formErrors([{ field: 'attachment', message: 'The file must be 5 MB or smaller' }]),
            413,
          ),
      },
    },
    async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const form: Form = {
        childId: text(body as Form, 'childId'),
        unidentifiedDescription: text(body as Form, 'unidentifiedDescription'),
        categories: list(body.categories),
        whatHappened: text(body as Form, 'whatHappened'),
        source: text(body as Form, 'source'),
        areaAuthorityCode: text(body as Form, 'areaAuthorityCode'),
      };
      const parsed = raiseNotice.safeParse(form);
      if (!parsed.success) return newPage(request, reply, form, formErrors(fieldErrorsOf(parsed.error)), 400);
      try {
        const id = await notices.raise(request.ctx, parsed.data, uploaded(body.attachment));
        return reply.redirect(`/notices/${id}?raised=yes`, 303);
      } catch (error) {
        return newPage(request, reply, form, asFormErrors(error), 400);
      }
    },
  );

  // ---- The MASH queue ---------------------------------------------------------------------------

  web.get('/mash', { config: { access: 'notice:triage' } }, async (request, reply) => {
    const query = (request.query ?? {}) as Record<string, string>;
    const decided = query.show === 'decided';
    const queue = await notices.queue(request.ctx, {
      decided,
      ...(query.after ? { after: query.after } : {}),
    });
    const patterns = decided || query.after ? [] : await services.patterns.forMash(request.ctx);
    return reply.render('notices/views/queue.njk', {
      pageTitle: decided ? 'Decided notices' : 'MASH queue',
      decided,
      patterns: patterns.map((p) => ({ href: `/intelligence/patterns/${p.id}`, reason: p.reason })),
      rows: queueRows(queue.rows, services.clock.now()),
      ...pageLinks('/mash', queue, query.after, decided ? { show: 'decided' } : {}),
    });
  });

  // ---- One notice and its joint assessment ------------------------------------------------------

  const noticePage = async (
    request: WithId,
    reply: FastifyReply,
    extra: { values?: Form; errorSummary?: FormErrors['errorSummary']; errors?: FormErrors['errors'] } = {},
    status = 200,
  ) => {
    const id = recordId(request) ?? '';
    const d = await notices.get(request.ctx, id);
    const live = d.decisions.find((x) => x.supersededAt === null) ?? null;
    const mayTriage = request.ctx.permissions.has('notice:triage') && d.side !== null;
    const confirmedMine =
      live && (d.side === 'police' ? live.policeConfirmedAt !== null : live.socialCareConfirmedAt !== null);
    return reply.code(status).render('notices/views/notice.njk', {
      pageTitle: 'Child concern notice',
      allocationPanel: await allocationPanel(services, request.ctx, 'notice', d.notice.id),
      backLink: request.ctx.permissions.has('notice:triage') ? '/mash' : '/',
      raised: (request.query as Record<string, string> | undefined)?.raised === 'yes',
      notice: d.notice,
      rows: noticeRows(d, services.clock.now()),
      attachments: d.attachments.map((a) => ({
        ...a,
        sizeText: a.size < 1024 ? `${a.size} bytes` : `${Math.ceil(a.size / 1024)} KB`,
      })),
      contributions: d.contributions.map((c) => ({
        ...c,
        when: formatDateTime(c.createdAt),
      })),
      live,
      liveRows: live ? decisionRows(live) : null,
      earlier: d.decisions.filter((x) => x.supersededAt !== null).map(decisionRows),
      discussions: d.discussions.map((s) => ({
        id: s.id,
        when: formatDateTime(s.scheduledFor),
        venue: s.venue,
        held: s.heldAt !== null,
      })),
      mayTriage: mayTriage && !d.notice.decidedAt,
      mayConfirm: mayTriage && live && !live.finalAt && !confirmedMine,
      mayScheduleDiscussion: mayTriage && live?.finalAt && live.strategyDiscussion === 'yes',
      priorityItems: priorities.map((p) => ({
        value: p,
        text: priorityNames[p],
        checked: (extra.values?.priority ?? d.notice.priority) === p,
      })),
      outcomeItems: d.outcomes.map((o) => ({
        value: o.code,
        text: o.label,
        checked: extra.values?.outcomeCode === o.code,
      })),
      values: extra.values ?? {},
      errorSummary: extra.errorSummary,
      errors: extra.errors ?? {},
    });
  };

  web.get('/notices/:id', { config: { access: 'child:view' } }, (request: WithId, reply) =>
    recordId(request) ? noticePage(request, reply) : reply.callNotFound(),
  );

  /** A triage step: run it, and on bad input show the notice again with the error and what was typed. */
  const step =
    (run: (request: WithId, id: string, form: Form) => Promise<unknown>) =>
    async (request: WithId, reply: FastifyReply) => {
      const id = recordId(request);
      if (!id) return reply.callNotFound();
      const form = (request.body ?? {}) as Form;
      try {
        await run(request, id, form);
      } catch (error) {
        if (
          error instanceof ValidationError ||
          error instanceof ConflictError ||
          error instanceof z.ZodError
        ) {
          const errors = error instanceof z.ZodError ? formErrors(fieldErrorsOf(error)) : asFormErrors(error);
          return noticePage(request, reply, { values: form, ...errors }, 400);
        }
        throw error;
      }
      return reply.redirect(`/notices/${id}`, 303);
    };

  web.post(
    '/notices/:id/priority',
    { config: { access: 'notice:triage' } },
    step((request, id, form) =>
      notices.prioritise(request.ctx, id, { priority: text(form, 'priority') as 'red' }),
    ),
  );
  web.post(
    '/notices/:id/information',
    { config: { access: 'notice:triage' } },
    step((request, id, form) =>
      notices.contribute(request.ctx, id, { information: text(form, 'information') ?? '' }),
    ),
  );
  web.post(
    '/notices/:id/decision',
    { config: { access: 'notice:triage' } },
    step((request, id, form) =>
      notices.propose(request.ctx, id, {
        outcomeCode: text(form, 'outcomeCode') ?? '',
        rationale: text(form, 'rationale') ?? '',
      }),
    ),
  );
  web.post(
    '/notices/:id/confirm',
    { config: { access: 'notice:triage' } },
    step((request, id) => notices.confirm(request.ctx, id)),
  );

  web.get(
    '/notices/:id/attachments/:attachmentId',
    { config: { access: 'child:view' } },
    async (request: FastifyRequest<{ Params: { id: string; attachmentId: string } }>, reply) => {
      const id = recordId(request);
      const attachmentId = uuid.safeParse(request.params.attachmentId);
      if (!id || !attachmentId.success) return reply.callNotFound();
      const file = await notices.attachment(request.ctx, id, attachmentId.data);
      return reply
        .header('content-type', file.contentType)
        .header('content-disposition', `attachment; filename="${file.filename}"`)
        .header('cache-control', 'private, no-store')
        .send(file.bytes);
    },
  );

  // ---- Strategy discussions ---------------------------------------------------------------------

  const schedulePage = async (
    request: WithId,
    reply: FastifyReply,
    values: Form,
    errors: Partial<FormErrors> = {},
    status = 200,
  ) => {
    const id = recordId(request) ?? '';
    await strategyDiscussions.mayTriage(request.ctx, id);
    const d = await notices.get(request.ctx, id);
    const agencies = await strategyDiscussions.agencyChoices(request.ctx);
    const chosen = list(values.inviteeAgencyIds);
    return reply.code(status).render('notices/views/schedule.njk', {
      pageTitle: 'Schedule a strategy discussion',
      backLink: `/notices/${id}`,
      notice: d.notice,
      values,
      agencyItems: agencies.map((a) => ({ value: a.id, text: a.name, checked: chosen.includes(a.id) })),
      ...errors,
    });
  };

  web.get(
    '/notices/:id/strategy-discussions/new',
    { config: { access: 'notice:triage' } },
    (request: WithId, reply) => (recordId(request) ? schedulePage(request, reply, {}) : reply.callNotFound()),
  );

  recordRoute(
    web,
    'POST',
    '/notices/:id/strategy-discussions/new',
    'notice:triage',
    async (request, reply, id, form) => {
      const { data, errors } = parseForm(
        scheduleDiscussion,
        form,
        { scheduledFor: { label: 'when the strategy discussion will be held' } },
        { inviteeAgencyIds: list(form.inviteeAgencyIds) },
      );
      if (!data) return schedulePage(request, reply, form, formErrors(errors), 400);
      try {
        const discussionId = await strategyDiscussions.schedule(request.ctx, id, data);
        return reply.redirect(`/strategy-discussions/${discussionId}`, 303);
      } catch (error) {
        return schedulePage(request, reply, form, asFormErrors(error), 400);
      }
    },
  );

  const discussionPage = async (
    request: WithId,
    reply: FastifyReply,
    given: Form | null = null,
    errors: Partial<FormErrors> = {},
    status = 200,
  ) => {
    const id = recordId(request) ?? '';
    const d = await strategyDiscussions.get(request.ctx, id);
    const mayRecord = d.mayRecord && request.ctx.permissions.has('notice:triage');
    // Opening the minutes again fills them from the actor's own draft, if they saved one.
    const draft =
      mayRecord && !d.discussion.heldAt
        ? await services.drafts.load(request.ctx, draftKey('strategy-discussion', id))
        : null;
    const values: Form = given ?? draft?.fields ?? {};
    const attended = list(values.attendedAgencyIds);
    const today = formatDate(services.clock.now());
    return reply.code(status).render('notices/views/discussion.njk', {
      pageTitle: 'Strategy discussion',
      backLink: d.mayRecord ? `/notices/${d.notice.id}` : '/',
      discussion: d.discussion,
      notice: d.notice,
      rows: [
        { key: { text: 'When' }, value: { text: formatDateTime(d.discussion.scheduledFor) } },
        { key: { text: 'Where or how' }, value: { text: d.discussion.venue } },
        {
          key: { text: 'Invited' },
          value: {
            html: d.invitees
              .map(
                (i) =>
                  `${escapeHtml(i.name)}${i.attended === 'yes' ? ' (attended)' : i.attended === 'no' ? ' (did not attend)' : ''}`,
              )
              .join('<br>'),
          },
        },
        ...(d.discussion.heldAt
          ? [
              { key: { text: 'Held' }, value: { text: formatDateTime(d.discussion.heldAt) } },
              { key: { text: 'Information shared' }, value: { text: d.discussion.informationShared ?? '' } },
              { key: { text: 'Decisions' }, value: { text: d.discussion.decisions ?? '' } },
            ]
          : []),
      ],
      actionRows: d.actions.map(({ action, ownerAgency }) => ({
        id: action.id,
        description: action.description,
        owner: `${action.ownerName}, ${ownerAgency}`,
        due: formatDate(action.dueOn),
        overdue: !action.doneAt && action.dueOn < today,
        done: action.doneAt ? formatDate(action.doneAt) : null,
      })),
      attendeeItems: d.invitees.map((i) => ({
        value: i.agencyId,
        text: i.name,
        checked: attended.includes(i.agencyId),
      })),
      ownerItems: [
        { value: '', text: 'Select the agency' },
        ...d.invitees.map((i) => ({
          value: i.agencyId,
          text: i.name,
          selected: values.ownerAgencyId === i.agencyId,
        })),
      ],
      mayRecord: mayRecord && !d.discussion.heldAt,
      mayAct: mayRecord,
      values,
      ...draftView(draft, request),
      ...errors,
    });
  };

  web.get('/strategy-discussions/:id', { config: { access: 'child:view' } }, (request: WithId, reply) =>
    recordId(request) ? discussionPage(request, reply) : reply.callNotFound(),
  );

  recordRoute(
    web,
    'POST',
    '/strategy-discussions/:id/record',
    'notice:triage',
    async (request, reply, id) => {
      await strategyDiscussions.mayRecord(request.ctx, id);
      const form = (request.body ?? {}) as Form;
      const action = formAction(form);
      if (action === 'draft') {
        // A draft is kept as typed: nothing is checked until the minutes are saved.
        await strategyDiscussions.saveDraft(request.ctx, id, draftFieldsOf(form));
        if (wantsJson(request)) return reply.code(204).send();
        return reply.redirect(afterDraft(`/strategy-discussions/${id}`, 'saved'), 303);
      }
      if (action === 'discard-draft') {
        await strategyDiscussions.discardDraft(request.ctx, id);
        return reply.redirect(afterDraft(`/strategy-discussions/${id}`, 'discarded'), 303);
      }
      const { data, errors } = parseForm(
        recordDiscussion,
        form,
        { heldAt: { label: 'when the strategy discussion was held' } },
        { attendedAgencyIds: list(form.attendedAgencyIds) },
      );
      if (!data) return discussionPage(request, reply, form, formErrors(errors), 400);
      try {
        await strategyDiscussions.recordHeld(request.ctx, id, data);
      } catch (error) {
        return discussionPage(request, reply, form, asFormErrors(error), 400);
      }
      return reply.redirect(`/strategy-discussions/${id}`, 303);
    },
  );

  recordRoute(
    web,
    'POST',
    '/strategy-discussions/:id/actions',
    'notice:triage',
    async (request, reply, id) => {
      await strategyDiscussions.mayRecord(request.ctx, id);
      const form = (request.body ?? {}) as Form;
      const due = {
        day: text(form, 'dueOn-day'),
        month: text(form, 'dueOn-month'),
        year: text(form, 'dueOn-year'),
      };
      const dueOn =
        due.day && due.month && due.year
          ? `${due.year.padStart(4, '0')}-${due.month.padStart(2, '0')}-${due.day.padStart(2, '0')}`
          : undefined;
      const parsed = newAction.safeParse({
        description: text(form, 'description'),
        ownerAgencyId: text(form, 'ownerAgencyId') || undefined,
        ownerName: text(form, 'ownerName'),
        dueOn,
      });
      if (!parsed.success) {
        const errors = fieldErrorsOf(parsed.error).map((e) =>
          e.field === 'dueOn' ? { field: 'dueOn-day', message: e.message } : e,
        );
        return discussionPage(request, reply, form, formErrors(errors), 400);
      }
      try {
        await strategyDiscussions.addAction(request.ctx, id, parsed.data);
      } catch (error) {
        return discussionPage(request, reply, form, asFormErrors(error), 400);
      }
      return reply.redirect(`/strategy-discussions/${id}#actions`, 303);
    },
  );

  web.post(
    '/strategy-discussions/:id/actions/:actionId/done',
    { config: { access: 'notice:triage' } },
    async (request: FastifyRequest<{ Params: { id: string; actionId: string } }>, reply) => {
      const id = recordId(request);
      const actionId = uuid.safeParse(request.params.actionId);
      if (!id || !actionId.success) return reply.callNotFound();
      await strategyDiscussions.completeAction(request.ctx, id, actionId.data);
      return reply.redirect(`/strategy-discussions/${id}#actions`, 303);
    },
  );
}
