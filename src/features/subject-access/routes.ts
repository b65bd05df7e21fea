import type { FastifyInstance } from 'fastify';
import { recordRoute } from '../../platform/http/record-routes';
import { formatDateTime } from '../../platform/views/filters';
import type { Services } from '../../services';

export function registerSubjectAccessRoutes(web: FastifyInstance, services: Services): void {
  recordRoute(
    web,
    'GET',
    '/children/:id/subject-access',
    'child:subject-access',
    async (request, reply, id) => {
      const exported = await services.subjectAccess.export(request.ctx, id);
      return reply.render('subject-access/views/export.njk', {
        pageTitle: 'Subject access export',
        backLink: `/children/${id}`,
        exported,
        produced: formatDateTime(new Date(exported.producedAt)),
        accessRows: exported.accessLog.map((e) => [
          { text: formatDateTime(new Date(e.at)) },
          { text: e.action },
          {
            html: e.person
              ? `${e.person} <strong class="govuk-tag govuk-tag--grey">Third party</strong>`
              : 'System',
          },
          { text: e.agency },
        ]),
      });
    },
  );

  recordRoute(
    web,
    'GET',
    '/children/:id/subject-access.json',
    'child:subject-access',
    async (request, reply, id) => {
      const exported = await services.subjectAccess.export(request.ctx, id);
      return reply
        .header('content-type', 'application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="subject-access-${id}.json"`)
        .header('cache-control', 'no-store')
        .send(JSON.stringify({ marking: 'OFFICIAL-SENSITIVE', ...exported }, null, 2));
    },
  );
}
