import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ValidationError } from '../http/errors';
import { asFormErrors, type Form, type FormErrors, fieldErrorsOf, formErrors } from '../http/forms';
import { pageLinks } from '../http/pagination';
import { recordId } from '../http/params';
import { recordRoute } from '../http/record-routes';
import type { PlatformServices as Services } from '../services';
import { escapeHtml } from '../views/html';
import { authoritySelectItems } from './presenters';
import { localAuthorities, policeForces } from './reference-data';
import { agencyTypeNames, createAgencySchema } from './schemas';
import { agencyTypes } from './tables';

export function registerAgencyRoutes(web: FastifyInstance, services: Services): void {
  const { agencies, users } = services;

  web.get(
    '/admin/agencies',
    { config: { access: 'agency:manage-own' } },
    async (request: FastifyRequest<{ Querystring: { after?: string } }>, reply) => {
      const after = request.query.after;
      const list = await agencies.page(request.ctx, after ? { after } : {});
      const rows = list.rows.map((a) => [
        { html: `<a class="govuk-link" href="/admin/agencies/${a.id}">${escapeHtml(a.name)}</a>` },
        { text: agencyTypeNames[a.type] },
        { text: a.policeForceName ?? a.localAuthorityName ?? '' },
      ]);
      return reply.render('admin/agencies.njk', {
        pageTitle: 'Agencies',
        rows,
        ...pageLinks('/admin/agencies', list, after),
        mayAdd: request.ctx.permissions.has('agency:manage-all'),
      });
    },
  );

  const newPage = (
    reply: FastifyReply,
    values: Record<string, unknown>,
    errors: Partial<FormErrors> = {},
    status = 200,
  ) =>
    reply.code(status).render('admin/agency-new.njk', {
      pageTitle: 'Add an agency',
      backLink: '/admin/agencies',
      values,
      typeItems: agencyTypes.map((t) => ({ value: t, text: agencyTypeNames[t], checked: values.type === t })),
      authorityItems: authoritySelectItems(values.localAuthorityCode as string | undefined, 'None'),
      forceItems: [
        { value: '', text: 'None' },
        ...policeForces.map((f) => ({
          value: f.code,
          text: f.name,
          selected: values.policeForceCode === f.code,
        })),
      ],
      ...errors,
    });

  web.get('/admin/agencies/new', { config: { access: 'agency:manage-all' } }, (_request, reply) =>
    newPage(reply, {}),
  );

  web.post('/admin/agencies/new', { config: { access: 'agency:manage-all' } }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const parsed = createAgencySchema.safeParse(body);
    if (!parsed.success) return newPage(reply, body, formErrors(fieldErrorsOf(parsed.error)), 400);
    try {
      const id = await agencies.create(request.ctx, parsed.data);
      return reply.redirect(`/admin/agencies/${id}`, 303);
    } catch (error) {
      return newPage(reply, body, asFormErrors(error), 400);
    }
  });

  const agencyPage = async (
    request: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
    id: string,
    extra: Record<string, unknown> = {},
    status = 200,
  ) => {
    const agency = await agencies.get(request.ctx, id);
    const members = request.ctx.permissions.has('user:manage')
      ? await users.page(request.ctx, { agencyId: agency.id })
      : { rows: [], next: null, total: 0 };
    const authority = localAuthorities.find((a) => a.code === agency.localAuthorityCode);
    const force = policeForces.find((f) => f.code === agency.policeForceCode);
    return reply.code(status).render('admin/agency.njk', {
      ...extra,
      pageTitle: agency.name,
      mayDisable:
        request.ctx.permissions.has('agency:manage-all') && agency.id !== request.ctx.actor?.agencyId,
      done: (request.query as { done?: string }).done,
      backLink: '/admin/agencies',
      agency,
      rows: [
        { key: { text: 'Type' }, value: { text: agencyTypeNames[agency.type] } },
        { key: { text: 'Local authority area' }, value: { text: authority?.name ?? 'None' } },
        { key: { text: 'Police force' }, value: { text: force?.name ?? 'None' } },
        { key: { text: 'Duty email' }, value: { text: agency.email ?? 'None' } },
        {
          key: { text: 'Out-of-hours email' },
          value: { text: agency.outOfHoursEmail ?? 'None: out of hours, alerts go to the duty email only' },
        },
        { key: { text: 'Status' }, value: { text: agency.disabledAt ? 'Disabled' : 'Active' } },
      ],
      membersTotal: members.total,
      moreMembersHref: members.next
        ? `/admin/users?${new URLSearchParams({ agency: agency.id, after: members.next })}`
        : null,
      members: members.rows.map((m) => [
        { html: `<a class="govuk-link" href="/admin/users/${m.id}">${escapeHtml(m.name)}</a>` },
        { text: m.email },
        { text: m.disabledAt ? 'Disabled' : 'Active' },
      ]),
    });
  };

  recordRoute(web, 'GET', '/admin/agencies/:id', 'agency:manage-own', async (request, reply, id) => {
    return agencyPage(request, reply, id);
  });

  recordRoute(
    web,
    'POST',
    '/admin/agencies/:id/out-of-hours',
    'agency:manage-own',
    async (request, reply, id) => {
      const raw = ((request.body ?? {}) as Form).outOfHoursEmail ?? '';
      const email = typeof raw === 'string' ? raw : '';
      try {
        // Sent more than once, the field is no single address: refuse it rather than clear the address.
        if (typeof raw !== 'string') {
          throw new ValidationError([{ field: 'outOfHoursEmail', message: 'Enter one email address' }]);
        }
        await agencies.setOutOfHoursEmail(request.ctx, id, email);
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        return agencyPage(request, reply, id, { ...asFormErrors(error), outOfHoursValue: email }, 400);
      }
      return reply.redirect(`/admin/agencies/${id}?done=out-of-hours`, 303);
    },
  );

  for (const [action, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    web.post(
      `/admin/agencies/:id/${action}`,
      { config: { access: 'agency:manage-all' } },
      async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
        const id = recordId(request);
        if (!id) return reply.callNotFound();
        await agencies.setDisabled(request.ctx, id, disabled);
        return reply.redirect(`/admin/agencies/${id}?done=${action}`, 303);
      },
    );
  }
}
