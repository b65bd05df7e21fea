import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { formatDateTime } from '../../platform/views/filters';
import { escapeHtml } from '../../platform/views/html';
import type { Services } from '../../services';
import { alertSubjects } from './alerts.service';

export function registerAlertRoutes(web: FastifyInstance, services: Services): void {
  web.get('/alerts', { config: { access: 'child:view' } }, async (request, reply) => {
    const inbox = await services.alerts.inbox(request.ctx);
    const items = inbox.map(({ alert, child }) => ({
      id: alert.id,
      high: alert.priority === 'high',
      title: alertSubjects[alert.kind],
      childHtml: escapeHtml(`${child.givenName} ${child.familyName}`),
      href:
        alert.subjectType === 'episode'
          ? `/episodes/${alert.subjectId}`
          : `/return-interviews/${alert.subjectId}`,
      when: formatDateTime(alert.createdAt),
    }));
    return reply.render('alerts/views/inbox.njk', { pageTitle: 'Alerts', items });
  });

  web.post(
    '/alerts/:id/acknowledge',
    { config: { access: 'child:view' } },
    async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
      const id = z.uuid().safeParse(request.params.id);
      if (!id.success) return reply.callNotFound();
      await services.alerts.acknowledge(request.ctx, id.data);
      return reply.redirect('/alerts', 303);
    },
  );
}
