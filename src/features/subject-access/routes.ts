import type { FastifyInstance, FastifyRequest } from 'fastify';
import { recordId } from '../../platform/http/params';
import { formatDateTime } from '../../platform/views/filters';
import type { Services } from '../../services';

type WithId = FastifyRequest<{ Params: { id: string } }>;

export function registerSubjectAccessRoutes(web: FastifyInstance, services: Services): void {
  web.get(
    '/children/:id/subject-access',
    { config: { access: 'child:subject-access' } },
    async (request: WithId, reply) => {
      const id = recordId(request);
      if (!id) return reply.callNotFound();
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

  web.get(
    '/children/:id/subject-access.json',
    { config: { access: 'child:subject-access' } },
    async (request: WithId, reply) => {
      const id = recordId(request);
      if (!id) return reply.callNotFound();
      const exported = await services.subjectAccess.export(request.ctx, id);
      return reply
        .header('content-type', 'application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="subject-access-${id}.json"`)
        .header('cache-control', 'no-store')
        .send(JSON.stringify({ marking: 'OFFICIAL-SENSITIVE', ...exported }, null, 2));
    },
  );
}
