import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { asFormErrors, type FormErrors, fieldErrorsOf, formErrors } from '../http/forms';
import { pageLinks } from '../http/pagination';
import { recordId } from '../http/params';
import { recordRoute } from '../http/record-routes';
import type { PlatformServices as Services } from '../services';
import { roleItems, userRows, userSummaryRows } from './presenters';
import { createUserSchema, updateRolesSchema } from './schemas';

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

export function registerAdminUserRoutes(web: FastifyInstance, services: Services): void {
  const { users, agencies } = services;

  web.get(
    '/admin/users',
    { config: { access: 'user:manage' } },
    async (request: FastifyRequest<{ Querystring: { agency?: string; after?: string } }>, reply) => {
      const { after } = request.query;
      const agencyId = z.uuid().safeParse(request.query.agency).data;
      const page = await users.page(request.ctx, {
        ...(agencyId ? { agencyId } : {}),
        ...(after ? { after } : {}),
      });
      return reply.render('admin/users.njk', {
        pageTitle: 'Users',
        rows: userRows(page.rows),
        count: page.total,
        ...pageLinks('/admin/users', page, after, agencyId ? { agency: agencyId } : {}),
      });
    },
  );

  const newUserPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    values: Record<string, unknown>,
    errors: Partial<FormErrors> = {},
    status = 200,
  ) => {
    const agencyList = await agencies.list(request.ctx);
    const selectedRoles = ([] as string[]).concat((values.roles as string[] | string | undefined) ?? []);
    return reply.code(status).render('admin/user-new.njk', {
      pageTitle: 'Add a user',
      backLink: '/admin/users',
      values,
      agencyItems: [
        { value: '', text: 'Select an agency' },
        ...agencyList.map((a) => ({ value: a.id, text: a.name, selected: a.id === values.agencyId })),
      ],
      roleItems: roleItems(selectedRoles),
      ...errors,
    });
  };

  web.get('/admin/users/new', { config: { access: 'user:manage' } }, (request, reply) =>
    newUserPage(request, reply, { agencyId: request.ctx.actor?.agencyId }),
  );

  web.post('/admin/users/new', { config: { access: 'user:manage' } }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const parsed = createUserSchema.omit({ password: true }).safeParse(body);
    if (!parsed.success)
      return newUserPage(request, reply, body, formErrors(fieldErrorsOf(parsed.error)), 400);
    try {
      const created = await users.create(request.ctx, parsed.data);
      const user = await users.get(request.ctx, created.id);
      return reply.code(201).render('admin/user-created.njk', {
        pageTitle: 'User added',
        user,
        temporaryPassword: created.temporaryPassword,
      });
    } catch (error) {
      return newUserPage(request, reply, body, asFormErrors(error), 400);
    }
  });

  recordRoute(web, 'GET', '/admin/users/:id', 'user:manage', async (request, reply, id) => {
    const user = await users.get(request.ctx, id);
    const flash = (request.query as { done?: string }).done;
    return reply.render('admin/user.njk', {
      pageTitle: user.name,
      backLink: '/admin/users',
      user,
      rows: userSummaryRows(user),
      isSelf: user.id === request.ctx.actor?.userId,
      mayMove: request.ctx.permissions.has('agency:manage-all'),
      done: flash,
    });
  });

  const movePage = async (
    request: IdRequest,
    reply: FastifyReply,
    id: string,
    values: { agencyId?: string; roles?: string[] } = {},
    errors = {},
    status = 200,
  ) => {
    const user = await users.get(request.ctx, id);
    const all = await agencies.list(request.ctx);
    return reply.code(status).render('admin/user-move.njk', {
      pageTitle: `Move ${user.name} to another agency`,
      backLink: `/admin/users/${id}`,
      user,
      agencyItems: [
        { value: '', text: 'Select the agency' },
        ...all
          .filter((a) => a.id !== user.agencyId && !a.disabledAt)
          .map((a) => ({ value: a.id, text: a.name, selected: values.agencyId === a.id })),
      ],
      roleItems: roleItems(values.roles ?? user.roles),
      ...errors,
    });
  };
  recordRoute(web, 'GET', '/admin/users/:id/move', 'agency:manage-all', (request, reply, id) =>
    movePage(request, reply, id),
  );
  recordRoute(web, 'POST', '/admin/users/:id/move', 'agency:manage-all', async (request, reply, id) => {
    const body = (request.body ?? {}) as { agencyId?: string; roles?: string | string[] };
    const chosen = ([] as string[]).concat(body.roles ?? []);
    if (!body.agencyId) {
      return movePage(
        request,
        reply,
        id,
        { roles: chosen },
        formErrors([{ field: 'agencyId', message: 'Select the agency' }]),
        400,
      );
    }
    try {
      await users.moveAgency(request.ctx, id, body.agencyId, chosen);
    } catch (error) {
      return movePage(
        request,
        reply,
        id,
        { agencyId: body.agencyId, roles: chosen },
        asFormErrors(error),
        400,
      );
    }
    return reply.redirect(`/admin/users/${id}?done=moved`, 303);
  });

  const rolesPage = async (
    request: IdRequest,
    reply: FastifyReply,
    id: string,
    selected?: string[],
    errors = {},
    status = 200,
  ) => {
    const user = await users.get(request.ctx, id);
    return reply.code(status).render('admin/user-roles.njk', {
      pageTitle: `Roles of ${user.name}`,
      backLink: `/admin/users/${id}`,
      user,
      roleItems: roleItems(selected ?? user.roles),
      ...errors,
    });
  };
  recordRoute(web, 'GET', '/admin/users/:id/roles', 'user:manage', (request, reply, id) =>
    rolesPage(request, reply, id),
  );
  recordRoute(web, 'POST', '/admin/users/:id/roles', 'user:manage', async (request, reply, id) => {
    const parsed = updateRolesSchema.safeParse(request.body);
    const submitted = ([] as string[]).concat(
      (request.body as { roles?: string | string[] } | undefined)?.roles ?? [],
    );
    if (!parsed.success)
      return rolesPage(request, reply, id, submitted, formErrors(fieldErrorsOf(parsed.error)), 400);
    try {
      await users.updateRoles(request.ctx, id, parsed.data.roles);
    } catch (error) {
      return rolesPage(request, reply, id, submitted, asFormErrors(error), 400);
    }
    return reply.redirect(`/admin/users/${id}?done=roles`, 303);
  });

  const actions = {
    disable: async (request: IdRequest, id: string) => users.disable(request.ctx, id),
    enable: async (request: IdRequest, id: string) => users.enable(request.ctx, id),
    'reset-second-factor': async (request: IdRequest, id: string) => users.resetSecondFactor(request.ctx, id),
    'confirm-access': async (request: IdRequest, id: string) => users.confirmAccess(request.ctx, id),
  } as const;
  for (const [name, act] of Object.entries(actions)) {
    web.post(
      `/admin/users/:id/${name}`,
      { config: { access: 'user:manage' } },
      async (request: IdRequest, reply) => {
        const id = recordId(request);
        if (!id) return reply.callNotFound();
        try {
          await act(request, id);
        } catch (error) {
          const errors = asFormErrors(error);
          const user = await users.get(request.ctx, id);
          return reply.code(400).render('admin/user.njk', {
            pageTitle: user.name,
            backLink: '/admin/users',
            user,
            rows: userSummaryRows(user),
            isSelf: user.id === request.ctx.actor?.userId,
            ...errors,
          });
        }
        return reply.redirect(`/admin/users/${id}?done=${name}`, 303);
      },
    );
  }

  recordRoute(web, 'POST', '/admin/users/:id/reset-password', 'user:manage', async (request, reply, id) => {
    const temporaryPassword = await users.resetPassword(request.ctx, id);
    const user = await users.get(request.ctx, id);
    return reply.render('admin/user-created.njk', {
      pageTitle: 'Password reset',
      user,
      temporaryPassword,
      reset: true,
    });
  });
}
