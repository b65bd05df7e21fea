import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Context } from '../../platform/context';
import { ConflictError } from '../../platform/http/errors';
import {
  asFormErrors,
  type Form,
  type FormErrors,
  fieldErrorsOf,
  formErrors,
  text,
} from '../../platform/http/forms';
import { pageLinks } from '../../platform/http/pagination';
import { formatDateTime } from '../../platform/views/filters';
import type { Services } from '../../services';
import { subjectNames, type WorkItem } from './allocation.service';
import { type AllocationSubject, allocationSubjects } from './tables';

type SubjectRequest = FastifyRequest<{ Params: { type: string; id: string } }>;
const uuid = z.uuid();
const subjectType = z.enum(allocationSubjects);

/** The type and id of a subject from the path, or null when either is not one. */
function subjectOf(request: SubjectRequest): { type: AllocationSubject; id: string } | null {
  const type = subjectType.safeParse(request.params.type.replaceAll('-', '_'));
  const id = uuid.safeParse(request.params.id);
  return type.success && id.success ? { type: type.data, id: id.data } : null;
}

const pathOf = (type: AllocationSubject, id: string) => `/allocations/${type.replaceAll('_', '-')}/${id}`;

/** A safe place to go back to: a path on this site only. */
const returnPath = (form: Form, fallback: string) => {
  const to = text(form, 'returnTo') ?? '';
  return /^\/[A-Za-z0-9/_-]*(#[A-Za-z0-9-]+)?$/.test(to) && !to.startsWith('//') ? to : fallback;
};

/** Work items as the lists show them: what, whose, when, and where to take each one. */
export function workRows(items: WorkItem[], now: Date) {
  return items.map((i) => ({
    ...i,
    overdue: i.dueAt !== null && i.dueAt.getTime() < now.getTime(),
    due: i.dueAt ? formatDateTime(i.dueAt) : null,
    what: `${subjectNames[i.subjectType]}${i.childName ? `: ${i.childName}` : ''}`,
    owner: [i.userName, i.teamName].filter(Boolean).join(', ') || null,
    takeAction: `${pathOf(i.subjectType, i.subjectId)}/take`,
  }));
}

/** What a subject page shows of its allocation: a summary and the links to change it. */
export async function allocationPanel(services: Services, ctx: Context, type: AllocationSubject, id: string) {
  if (!ctx.actor || !ctx.permissions.has('work:view')) return null;
  const item = await services.allocation.current(ctx, type, id);
  return {
    owner: [item.userName, item.teamName].filter(Boolean).join(', ') || null,
    mine: item.userId === ctx.actor.userId,
    canAllocate: ctx.permissions.has('work:allocate'),
    canTake: item.userId === null,
    href: pathOf(type, id),
  };
}

export function registerAllocationRoutes(web: FastifyInstance, services: Services): void {
  const { allocation } = services;

  web.get(
    '/work',
    { config: { access: 'work:view' } },
    async (request: FastifyRequest<{ Querystring: { after?: string } }>, reply) => {
      const after = request.query.after;
      const work = await allocation.myWork(request.ctx, after);
      const teams = await allocation.myTeams(request.ctx);
      return reply.render('allocation/views/my-work.njk', {
        pageTitle: 'My work',
        rows: workRows(work.rows, request.ctx.clock.now()),
        total: work.total,
        overdue: work.overdue,
        ...pageLinks('/work', work, after),
        teams,
      });
    },
  );

  web.get('/work/unallocated', { config: { access: 'work:view' } }, async (request, reply) => {
    const groups = await allocation.unallocated(request.ctx);
    const now = request.ctx.clock.now();
    return reply.render('allocation/views/unallocated.njk', {
      pageTitle: 'Not yet allocated',
      backLink: '/work',
      groups: groups.map((g) => ({
        caption: g.more ? `${g.name}: the first ${g.items.length}, earliest due first` : g.name,
        rows: workRows(g.items, now),
      })),
      returnTo: '/work/unallocated',
    });
  });

  web.get(
    '/work/teams/:id',
    { config: { access: 'work:view' } },
    async (request: FastifyRequest<{ Params: { id: string }; Querystring: { after?: string } }>, reply) => {
      const id = uuid.safeParse(request.params.id);
      if (!id.success) return reply.callNotFound();
      const after = request.query.after;
      const queue = await allocation.teamQueue(request.ctx, id.data, after);
      return reply.render('allocation/views/team-queue.njk', {
        pageTitle: `${queue.team.name}: queue`,
        backLink: '/work',
        team: queue.team,
        rows: workRows(queue.waiting.rows, request.ctx.clock.now()),
        total: queue.total,
        overdue: queue.overdue,
        ...pageLinks(`/work/teams/${id.data}`, queue.waiting, after),
        returnTo: `/work/teams/${id.data}`,
      });
    },
  );

  const allocatePage = async (
    request: SubjectRequest,
    reply: FastifyReply,
    subject: { type: AllocationSubject; id: string },
    values: Form,
    errors: Partial<FormErrors> = {},
    status = 200,
  ) => {
    const { item, history } = await allocation.forSubject(request.ctx, subject.type, subject.id);
    const canAllocate = request.ctx.permissions.has('work:allocate');
    const choices = canAllocate ? await allocation.assignees(request.ctx) : { users: [], teams: [] };
    const current = item.userId ? `user:${item.userId}` : item.teamId ? `team:${item.teamId}` : '';
    const chosen = text(values, 'assignee') ?? current;
    return reply.code(status).render('allocation/views/allocate.njk', {
      pageTitle: `Allocate: ${subjectNames[subject.type].toLowerCase()}`,
      backLink: item.href,
      item,
      subjectName: subjectNames[subject.type],
      owner: [item.userName, item.teamName].filter(Boolean).join(', ') || null,
      canAllocate,
      canTake: item.userId === null,
      action: pathOf(subject.type, subject.id),
      values,
      assigneeItems: [
        { value: '', text: 'Select a worker or a team' },
        ...choices.users.map((u) => ({
          value: `user:${u.id}`,
          text: u.name,
          selected: chosen === `user:${u.id}`,
        })),
        ...choices.teams.map((t) => ({
          value: `team:${t.id}`,
          text: `Team: ${t.name}`,
          selected: chosen === `team:${t.id}`,
        })),
      ],
      historyRows: history.map((h) => [
        { text: formatDateTime(h.allocatedAt) },
        { text: [h.userName, h.teamName].filter(Boolean).join(', ') },
        { text: h.allocatedBy },
        { text: h.reason ?? '' },
        { text: h.endedAt ? formatDateTime(h.endedAt) : 'Current' },
      ]),
      ...errors,
    });
  };

  web.get('/allocations/:type/:id', { config: { access: 'work:view' } }, (request: SubjectRequest, reply) => {
    const subject = subjectOf(request);
    return subject ? allocatePage(request, reply, subject, {}) : reply.callNotFound();
  });

  web.post(
    '/allocations/:type/:id',
    { config: { access: 'work:allocate' } },
    async (request: SubjectRequest, reply) => {
      const subject = subjectOf(request);
      if (!subject) return reply.callNotFound();
      const form = (request.body ?? {}) as Form;
      try {
        await allocation.allocate(request.ctx, subject.type, subject.id, {
          assignee: text(form, 'assignee') ?? '',
          reason: text(form, 'reason')?.trim() || undefined,
        });
      } catch (error) {
        return allocatePage(request, reply, subject, form, asFormErrors(error), 400);
      }
      return reply.redirect(pathOf(subject.type, subject.id), 303);
    },
  );

  web.post(
    '/allocations/:type/:id/take',
    { config: { access: 'work:view' } },
    async (request: SubjectRequest, reply) => {
      const subject = subjectOf(request);
      if (!subject) return reply.callNotFound();
      const form = (request.body ?? {}) as Form;
      try {
        await allocation.take(request.ctx, subject.type, subject.id);
      } catch (error) {
        if (error instanceof ConflictError) {
          return allocatePage(request, reply, subject, form, asFormErrors(error), 409);
        }
        throw error;
      }
      return reply.redirect(returnPath(form, pathOf(subject.type, subject.id)), 303);
    },
  );

  // ---- Teams (administration) -------------------------------------------------------------------

  const teamsPage = async (
    request: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
    agencyId: string,
    values: Form = {},
    errors: Partial<FormErrors> = {},
    status = 200,
  ) => {
    const agency = await services.agencies.get(request.ctx, agencyId);
    const teams = await allocation.teams(request.ctx, agencyId);
    const users = await services.users.list(request.ctx, { agencyId });
    const active = users.filter((u) => !u.disabledAt);
    return reply.code(status).render('allocation/views/teams.njk', {
      pageTitle: `Teams of ${agency.name}`,
      backLink: `/admin/agencies/${agencyId}`,
      agency,
      teams: teams.map((t) => ({
        ...t,
        userItems: [
          { value: '', text: 'Select someone' },
          ...active
            .filter((u) => !t.members.some((m) => m.userId === u.id))
            .map((u) => ({ value: u.id, text: u.name })),
        ],
      })),
      values,
      ...errors,
    });
  };

  web.get(
    '/admin/agencies/:id/teams',
    { config: { access: 'agency:manage-own' } },
    (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
      const id = uuid.safeParse(request.params.id);
      return id.success ? teamsPage(request, reply, id.data) : reply.callNotFound();
    },
  );

  web.post(
    '/admin/agencies/:id/teams',
    { config: { access: 'agency:manage-own' } },
    async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
      const id = uuid.safeParse(request.params.id);
      if (!id.success) return reply.callNotFound();
      const form = (request.body ?? {}) as Form;
      try {
        await allocation.createTeam(request.ctx, id.data, { name: text(form, 'name') ?? '' });
      } catch (error) {
        const e = error instanceof z.ZodError ? formErrors(fieldErrorsOf(error)) : asFormErrors(error);
        return teamsPage(request, reply, id.data, form, e, 400);
      }
      return reply.redirect(`/admin/agencies/${id.data}/teams`, 303);
    },
  );

  web.post(
    '/admin/teams/:id/members',
    { config: { access: 'agency:manage-own' } },
    async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
      const id = uuid.safeParse(request.params.id);
      if (!id.success) return reply.callNotFound();
      const form = (request.body ?? {}) as Form;
      const userId = uuid.safeParse(text(form, 'userId'));
      const agencyId = await allocation.agencyOfTeam(request.ctx, id.data);
      if (!userId.success) {
        return teamsPage(
          request,
          reply,
          agencyId,
          form,
          formErrors([{ field: `userId-${id.data}`, message: 'Select someone to add to the team' }]),
          400,
        );
      }
      await allocation.setMember(request.ctx, id.data, userId.data, text(form, 'remove') !== 'yes');
      return reply.redirect(`/admin/agencies/${agencyId}/teams`, 303);
    },
  );
}
