import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { authoritySelectItems } from '../../platform/agencies/presenters';
import { findLocalAuthority } from '../../platform/agencies/reference-data';
import { ConflictError, ValidationError } from '../../platform/http/errors';
import {
  asFormErrors,
  calendarDate,
  type Form,
  type FormErrors,
  fieldErrorsOf,
  formErrors,
  parseForm,
  text,
} from '../../platform/http/forms';
import { londonDate } from '../../platform/http/london-time';
import { recordId } from '../../platform/http/params';
import { formatDate, formatDateTime } from '../../platform/views/filters';
import type { Services } from '../../services';
import { newMeeting, newSubgroup } from './subgroup.service';

type WithId = FastifyRequest<{ Params: { id: string } }>;
const uuid = z.uuid();

const kindNames: Record<string, string> = {
  intelligence_pattern: 'Children linked to one place, adult, vehicle or phone',
  strategy_discussion: 'Strategy discussions decided',
  screening: 'Moderate or significant CSE screening',
  repeat_missing: 'Repeat missing',
  repeat_absence: 'Repeat absence',
  return_interview_overdue: 'Return interviews overdue',
};

export function registerSubgroupRoutes(web: FastifyInstance, services: Services): void {
  const { subgroups } = services;
  const mayManage = (request: FastifyRequest) => request.ctx.permissions.has('subgroup:manage');

  web.get('/subgroups', { config: { access: 'signed-in' } }, async (request, reply) => {
    const list = await subgroups.list(request.ctx);
    return reply.render('subgroup/views/list.njk', {
      pageTitle: 'CSE and missing subgroups',
      subgroups: list.map((s) => ({
        ...s,
        area: findLocalAuthority(s.authorityCode)?.name ?? s.authorityCode,
      })),
      mayManage: mayManage(request),
    });
  });

  const newPage = (reply: FastifyReply, values: Form, errors: Partial<FormErrors> = {}, status = 200) =>
    reply.code(status).render('subgroup/views/new.njk', {
      pageTitle: 'Set up a subgroup',
      backLink: '/subgroups',
      values,
      areaItems: authoritySelectItems(text(values, 'authorityCode'), 'Select the area'),
      ...errors,
    });

  web.get('/subgroups/new', { config: { access: 'subgroup:manage' } }, (_request, reply) =>
    newPage(reply, {}),
  );
  web.post('/subgroups/new', { config: { access: 'subgroup:manage' } }, async (request, reply) => {
    const form = (request.body ?? {}) as Form;
    const parsed = newSubgroup.safeParse(form);
    if (!parsed.success) return newPage(reply, form, formErrors(fieldErrorsOf(parsed.error)), 400);
    try {
      const id = await subgroups.create(request.ctx, parsed.data);
      return reply.redirect(`/subgroups/${id}`, 303);
    } catch (error) {
      return newPage(reply, form, asFormErrors(error), 400);
    }
  });

  const subgroupPage = async (
    request: WithId,
    reply: FastifyReply,
    values: Form = {},
    errors: Partial<FormErrors> = {},
    status = 200,
  ) => {
    const s = await subgroups.get(request.ctx, recordId(request) ?? '');
    return reply.code(status).render('subgroup/views/subgroup.njk', {
      pageTitle: s.subgroup.name,
      backLink: '/subgroups',
      subgroup: s.subgroup,
      area: findLocalAuthority(s.subgroup.authorityCode)?.name ?? s.subgroup.authorityCode,
      lead: s.lead,
      members: s.members.map((m) => ({ ...m, isLead: m.userId === s.subgroup.leadUserId })),
      meetings: s.meetings.map((m) => ({
        id: m.id,
        when: formatDateTime(m.meetsAt),
        venue: m.venue,
        state: m.minutesRecordedAt ? 'Minutes recorded' : m.agendaBuiltAt ? 'Agenda ready' : 'No agenda yet',
      })),
      overdueRows: s.overdueActions.map((a) => [
        { text: a.action.description },
        { text: `${a.action.ownerName}, ${a.ownerAgency}` },
        { text: formatDate(a.action.dueOn) },
        {
          html: `<a class="govuk-link" href="/subgroup-meetings/${a.action.meetingId}">${formatDate(a.meetsAt)}</a>`,
        },
      ]),
      moreMeetings: s.moreMeetings,
      moreOverdue: s.moreOverdue,
      mayManage: mayManage(request),
      values,
      ...errors,
    });
  };

  web.get('/subgroups/:id', { config: { access: 'signed-in' } }, (request: WithId, reply) =>
    recordId(request) ? subgroupPage(request, reply) : reply.callNotFound(),
  );

  const subgroupStep =
    (run: (request: WithId, id: string, form: Form) => Promise<string | undefined>) =>
    async (request: WithId, reply: FastifyReply) => {
      const id = recordId(request);
      if (!id) return reply.callNotFound();
      const form = (request.body ?? {}) as Form;
      try {
        const to = await run(request, id, form);
        return reply.redirect(to ?? `/subgroups/${id}`, 303);
      } catch (error) {
        if (error instanceof ValidationError || error instanceof ConflictError) {
          return subgroupPage(request, reply, form, asFormErrors(error), 400);
        }
        throw error;
      }
    };

  web.post(
    '/subgroups/:id/members',
    { config: { access: 'subgroup:manage' } },
    subgroupStep(async (request, id, form) => {
      const email = text(form, 'email') ?? '';
      if (!email.trim())
        throw new ValidationError([{ field: 'email', message: 'Enter the member’s email address' }]);
      await subgroups.addMember(request.ctx, id, email);
      return undefined;
    }),
  );

  web.post(
    '/subgroups/:id/members/:userId/remove',
    { config: { access: 'subgroup:manage' } },
    subgroupStep(async (request, id) => {
      const userId = uuid.safeParse((request.params as { userId?: string }).userId);
      if (!userId.success) throw new ValidationError([{ field: 'email', message: 'Select a member' }]);
      await subgroups.removeMember(request.ctx, id, userId.data);
      return undefined;
    }),
  );

  web.post(
    '/subgroups/:id/meetings',
    { config: { access: 'subgroup:manage' } },
    subgroupStep(async (request, id, form) => {
      const { data, errors } = parseForm(newMeeting, form, { meetsAt: { label: 'when the meeting is' } });
      if (!data) throw new ValidationError(errors);
      const meetingId = await subgroups.scheduleMeeting(request.ctx, id, data);
      return `/subgroup-meetings/${meetingId}`;
    }),
  );

  // ---- Meetings ---------------------------------------------------------------------------------

  const meetingView = async (request: WithId) => {
    const m = await subgroups.meeting(request.ctx, recordId(request) ?? '');
    const today = londonDate(services.clock.now());
    const sections = Object.keys(kindNames)
      .map((kind) => ({
        heading: kindNames[kind],
        items: m.items
          .filter((i) => i.item.kind === kind)
          .map((i) => ({
            childId: i.child?.id ?? null,
            name: i.item.patternId
              ? 'Pattern'
              : i.child
                ? `${i.child.givenName} ${i.child.familyName}`
                : 'Not identified',
            patternHref: i.item.patternId ? `/intelligence/patterns/${i.item.patternId}` : null,
            dateOfBirth: i.child?.dateOfBirth ? formatDate(i.child.dateOfBirth) : '',
            reason: i.item.reason,
            // A pattern's evidence: each child and the episode the link came from.
            evidence: m.evidence
              .filter((e) => e.patternId === i.item.patternId)
              .map((e) => ({
                childId: e.child?.id ?? null,
                child: e.child?.name ?? 'A child your agency cannot see',
                what: `${e.type.toLowerCase()} on ${formatDateTime(e.at)}`,
                episode: e.episode
                  ? `episode from ${formatDateTime(e.episode.startedAt)}${e.episode.endedAt ? ` to ${formatDateTime(e.episode.endedAt)}` : ''}`
                  : null,
              })),
          })),
      }))
      .filter((s) => s.items.length > 0);
    return {
      meeting: m.meeting,
      subgroup: m.subgroup,
      lead: m.lead,
      when: formatDateTime(m.meeting.meetsAt),
      sections,
      itemCount: m.items.length,
      actions: m.actions.map(({ action, ownerAgency }) => ({
        id: action.id,
        description: action.description,
        owner: `${action.ownerName}, ${ownerAgency}`,
        due: formatDate(action.dueOn),
        overdue: !action.doneAt && action.dueOn < today,
        done: action.doneAt ? formatDate(action.doneAt) : null,
        // The owning agency allocates its actions like any other work.
        allocateHref:
          request.ctx.permissions.has('work:view') && request.ctx.actor?.agencyId === action.ownerAgencyId
            ? `/allocations/action/${action.id}`
            : null,
      })),
    };
  };

  const meetingPage = async (
    request: WithId,
    reply: FastifyReply,
    values: Form = {},
    errors: Partial<FormErrors> = {},
    status = 200,
  ) => {
    const view = await meetingView(request);
    return reply.code(status).render('subgroup/views/meeting.njk', {
      pageTitle: 'Subgroup meeting',
      backLink: `/subgroups/${view.subgroup.id}`,
      ...view,
      mayManage: mayManage(request),
      values: { minutes: view.meeting.minutes ?? '', ...values },
      ...errors,
    });
  };

  web.get('/subgroup-meetings/:id', { config: { access: 'signed-in' } }, (request: WithId, reply) =>
    recordId(request) ? meetingPage(request, reply) : reply.callNotFound(),
  );

  web.get(
    '/subgroup-meetings/:id/print',
    { config: { access: 'signed-in' } },
    async (request: WithId, reply) => {
      if (!recordId(request)) return reply.callNotFound();
      const view = await meetingView(request);
      return reply.render('subgroup/views/print.njk', {
        pageTitle: 'Subgroup agenda and minutes',
        backLink: `/subgroup-meetings/${view.meeting.id}`,
        ...view,
        area: findLocalAuthority(view.subgroup.authorityCode)?.name ?? view.subgroup.authorityCode,
      });
    },
  );

  const meetingStep =
    (run: (request: WithId, id: string, form: Form) => Promise<unknown>) =>
    async (request: WithId, reply: FastifyReply) => {
      const id = recordId(request);
      if (!id) return reply.callNotFound();
      const form = (request.body ?? {}) as Form;
      try {
        await run(request, id, form);
      } catch (error) {
        if (error instanceof ValidationError || error instanceof ConflictError) {
          return meetingPage(request, reply, form, asFormErrors(error), 400);
        }
        throw error;
      }
      return reply.redirect(`/subgroup-meetings/${id}`, 303);
    };

  web.post(
    '/subgroup-meetings/:id/agenda',
    { config: { access: 'subgroup:manage' } },
    meetingStep((request, id) => subgroups.buildAgenda(request.ctx, id)),
  );
  web.post(
    '/subgroup-meetings/:id/minutes',
    { config: { access: 'subgroup:manage' } },
    meetingStep((request, id, form) => subgroups.recordMinutes(request.ctx, id, text(form, 'minutes') ?? '')),
  );
  web.post(
    '/subgroup-meetings/:id/actions',
    { config: { access: 'subgroup:manage' } },
    meetingStep(async (request, id, form) => {
      const due = calendarDate(form, 'dueOn', 'the date the action is due');
      const errors = [
        ...(text(form, 'description')?.trim()
          ? []
          : [{ field: 'description', message: 'Describe the action' }]),
        ...(text(form, 'ownerEmail')?.trim()
          ? []
          : [{ field: 'ownerEmail', message: 'Enter the owner’s email address' }]),
        ...(due.date
          ? []
          : [{ field: 'dueOn-day', message: due.error ?? 'Enter the date the action is due' }]),
      ];
      if (errors.length > 0) throw new ValidationError(errors);
      await subgroups.addAction(request.ctx, id, {
        description: text(form, 'description') ?? '',
        ownerEmail: text(form, 'ownerEmail') ?? '',
        dueOn: due.date ?? '',
      });
    }),
  );
  web.post(
    '/subgroup-meetings/:id/actions/:actionId/done',
    { config: { access: 'subgroup:manage' } },
    meetingStep(async (request, id) => {
      const actionId = uuid.safeParse((request.params as { actionId?: string }).actionId);
      if (!actionId.success)
        throw new ValidationError([{ field: 'description', message: 'Select an action' }]);
      await subgroups.completeAction(request.ctx, id, actionId.data);
    }),
  );
}
