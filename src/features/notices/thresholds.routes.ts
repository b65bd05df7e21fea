import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authoritySelectItems } from '../../platform/agencies/presenters';
import { findLocalAuthority } from '../../platform/agencies/reference-data';
import { ConflictError, ValidationError } from '../../platform/http/errors';
import { asFormErrors, type Form, type FormErrors, fieldErrorsOf, text } from '../../platform/http/forms';
import type { Services } from '../../services';
import { deadlineInput, outcomeInput } from './thresholds';

type AreaRequest = FastifyRequest<{ Params: { area: string } }>;

/** The hub administrator's page for an area's threshold table and decision deadlines. */
export function registerThresholdRoutes(web: FastifyInstance, services: Services): void {
  const { thresholds } = services;

  web.get('/admin/thresholds', { config: { access: 'threshold:manage' } }, (request, reply) => {
    const area = (request.query as Record<string, string> | undefined)?.area;
    if (area && findLocalAuthority(area)) return reply.redirect(`/admin/thresholds/${area}`, 303);
    return reply.render('notices/views/thresholds-choose.njk', {
      pageTitle: 'Threshold tables',
      areaItems: authoritySelectItems(null, 'Select the area'),
    });
  });

  const page = async (
    request: AreaRequest,
    reply: FastifyReply,
    values: Form = {},
    errors: Partial<FormErrors> = {},
    status = 200,
  ) => {
    const area = request.params.area;
    const t = await thresholds.get(request.ctx, area);
    return reply.code(status).render('notices/views/thresholds.njk', {
      pageTitle: 'Threshold table',
      backLink: '/admin/thresholds',
      area,
      areaName: findLocalAuthority(area)?.name ?? area,
      outcomes: t.outcomes,
      ownTable: t.ownTable,
      values: {
        red: String(t.hours.red),
        amber: String(t.hours.amber),
        green: String(t.hours.green),
        ...values,
      },
      ...errors,
    });
  };

  web.get(
    '/admin/thresholds/:area',
    { config: { access: 'threshold:manage' } },
    (request: AreaRequest, reply) => page(request, reply),
  );

  const step =
    (run: (request: AreaRequest, form: Form) => Promise<unknown>) =>
    async (request: AreaRequest, reply: FastifyReply) => {
      const form = (request.body ?? {}) as Form;
      try {
        await run(request, form);
      } catch (error) {
        if (error instanceof ValidationError || error instanceof ConflictError) {
          return page(request, reply, form, asFormErrors(error), 400);
        }
        throw error;
      }
      return reply.redirect(`/admin/thresholds/${request.params.area}`, 303);
    };

  web.post(
    '/admin/thresholds/:area/outcomes',
    { config: { access: 'threshold:manage' } },
    step(async (request, form) => {
      const parsed = outcomeInput.safeParse({
        code: text(form, 'code'),
        label: text(form, 'label'),
        strategyDiscussion: text(form, 'strategyDiscussion'),
      });
      if (!parsed.success) throw new ValidationError(fieldErrorsOf(parsed.error));
      await thresholds.addOutcome(request.ctx, request.params.area, parsed.data);
    }),
  );
  web.post(
    '/admin/thresholds/:area/outcomes/:code/remove',
    { config: { access: 'threshold:manage' } },
    step((request) =>
      thresholds.removeOutcome(
        request.ctx,
        request.params.area,
        (request.params as { code?: string }).code ?? '',
      ),
    ),
  );
  web.post(
    '/admin/thresholds/:area/deadlines',
    { config: { access: 'threshold:manage' } },
    step(async (request, form) => {
      const parsed = deadlineInput.safeParse({
        red: text(form, 'red'),
        amber: text(form, 'amber'),
        green: text(form, 'green'),
      });
      if (!parsed.success) throw new ValidationError(fieldErrorsOf(parsed.error));
      await thresholds.setHours(request.ctx, request.params.area, parsed.data);
    }),
  );
}
