import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemResponses } from '../../platform/auth/api.routes';
import { formatDate } from '../../platform/views/filters';
import { escapeHtml } from '../../platform/views/html';
import type { Services } from '../../services';
import { childResponse } from './schemas';

export function registerChildRoutes(web: FastifyInstance, services: Services): void {
  const { children } = services;

  web.get('/children', { config: { access: 'child:view' } }, async (request, reply) => {
    const list = await children.list(request.ctx);
    const rows = list.map((c) => [
      {
        html: `<a class="govuk-link" href="/children/${c.id}">${escapeHtml(`${c.givenName} ${c.familyName}`)}</a>`,
      },
      { text: c.dateOfBirth ? formatDate(c.dateOfBirth) : 'Not known' },
    ]);
    return reply.render('children/views/list.njk', { pageTitle: 'Children', rows });
  });

  web.get(
    '/children/:id',
    { config: { access: 'child:view' } },
    async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
      const id = z.uuid().safeParse(request.params.id);
      if (!id.success) return reply.callNotFound();
      const c = await children.get(request.ctx, id.data);
      return reply.render('children/views/child.njk', {
        // The page title never carries the child's name: titles end up in browser history.
        pageTitle: 'Child record',
        backLink: '/children',
        child: c,
        rows: [
          { key: { text: 'Name' }, value: { text: `${c.givenName} ${c.familyName}` } },
          {
            key: { text: 'Date of birth' },
            value: { text: c.dateOfBirth ? formatDate(c.dateOfBirth) : 'Not known' },
          },
        ],
      });
    },
  );
}

export function registerChildApi(api: FastifyInstance, services: Services): void {
  api.withTypeProvider<ZodTypeProvider>().get(
    '/children/:id',
    {
      config: { access: 'child:view' },
      schema: {
        summary: 'One child known to the hub, if your agency has access to them',
        tags: ['Children'],
        params: z.object({ id: z.uuid() }),
        response: { 200: childResponse, ...problemResponses },
      },
    },
    async (request) => {
      const c = await services.children.get(request.ctx, request.params.id);
      return { id: c.id, givenName: c.givenName, familyName: c.familyName, dateOfBirth: c.dateOfBirth };
    },
  );
}
