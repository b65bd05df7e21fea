import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { fieldErrorsOf, formErrors } from '../../platform/http/forms';
import { pageLinks } from '../../platform/http/pagination';
import { recordId } from '../../platform/http/params';
import { formatDateTime } from '../../platform/views/filters';
import { escapeHtml } from '../../platform/views/html';
import type { Services } from '../../services';
import { alertPath, alertSubjects } from './alerts.service';

export function registerAlertRoutes(web: FastifyInstance, services: Services): void {
  web.get('/alerts', { config: { access: 'child:view' } }, async (request, reply) => {
    const after = ((request.query ?? {}) as Record<string, string>).after;
    const inbox = await services.alerts.inbox(request.ctx, after ? { after } : {});
    const items = inbox.rows.map(({ alert, child }) => ({
      id: alert.id,
      high: alert.priority === 'high',
      title: alertSubjects[alert.kind],
      childHtml: child
        ? escapeHtml(`${child.givenName} ${child.familyName}`)
        : 'A young person not yet identified',
      href: alertPath(alert.subjectType, alert.subjectId, alert.childId),
      when: formatDateTime(alert.createdAt),
      escalated:
        alert.escalationLevel === 0
          ? null
          : alert.escalationLevel === 1
            ? 'Escalated to the duty managers'
            : 'Escalated to the duty managers and the missing-from-home lead',
    }));
    const done = await services.alerts.acknowledged(request.ctx);
    return reply.render('alerts/views/inbox.njk', {
      pageTitle: 'Alerts',
      items,
      ...pageLinks('/alerts', inbox, after),
      acknowledgedRows: done.map(({ alert, by }) => [
        { text: alertSubjects[alert.kind] },
        { text: formatDateTime(alert.createdAt) },
        { text: `${by ?? 'Unknown'}, ${alert.acknowledgedAt ? formatDateTime(alert.acknowledgedAt) : ''}` },
      ]),
    });
  });

  web.post(
    '/alerts/:id/acknowledge',
    { config: { access: 'child:view' } },
    async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
      const id = recordId(request);
      if (!id) return reply.callNotFound();
      await services.alerts.acknowledge(request.ctx, id);
      return reply.redirect('/alerts', 303);
    },
  );
}

const concernForm = z.object({
  details: z
    .string({ error: 'Say what has made you concerned' })
    .trim()
    .min(1, 'Say what has made you concerned')
    .max(4000, 'Keep it to 4,000 characters; add more to the child’s record later'),
});

export function registerConcernRoutes(web: FastifyInstance, services: Services): void {
  type IdRequest = FastifyRequest<{ Params: { id: string } }>;
  const page = async (
    request: IdRequest,
    reply: FastifyReply,
    childId: string,
    extra: Record<string, unknown> = {},
    status = 200,
  ) => {
    const c = await services.children.get(request.ctx, childId);
    return reply.code(status).render('alerts/views/concern.njk', {
      pageTitle: 'Raise a concern',
      backLink: `/children/${childId}`,
      child: c,
      values: {},
      ...extra,
    });
  };
  web.get(
    '/children/:id/concern',
    { config: { access: 'concern:raise' } },
    async (request: IdRequest, reply) => {
      const id = recordId(request);
      return id ? page(request, reply, id) : reply.callNotFound();
    },
  );
  web.post(
    '/children/:id/concern',
    { config: { access: 'concern:raise' } },
    async (request: IdRequest, reply) => {
      const id = recordId(request);
      if (!id) return reply.callNotFound();
      const parsed = concernForm.safeParse(request.body);
      if (!parsed.success) {
        return page(
          request,
          reply,
          id,
          { values: request.body ?? {}, ...formErrors(fieldErrorsOf(parsed.error)) },
          400,
        );
      }
      await services.concerns.raise(request.ctx, id, parsed.data.details);
      return page(request, reply, id, { sent: true });
    },
  );
}
