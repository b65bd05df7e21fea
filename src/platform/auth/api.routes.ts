import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { PlatformServices as Services } from '../services';

const problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .describe('RFC 9457 problem details');

export const problemResponses = { 400: problem, 401: problem, 404: problem };

const me = z.object({
  userId: z.uuid(),
  name: z.string(),
  agency: z.object({ id: z.uuid(), name: z.string(), type: z.string() }),
  roles: z.array(z.string()),
  permissions: z.array(z.string()),
  credentialId: z.uuid().nullable(),
});

export function registerApiTokenApi(api: FastifyInstance, _services: Services): void {
  api.withTypeProvider<ZodTypeProvider>().get(
    '/me',
    {
      config: { access: 'signed-in' },
      schema: {
        summary: 'Who the bearer token acts for, with their agency, roles and permissions',
        tags: ['Account'],
        response: { 200: me, 401: problem },
      },
    },
    async (request) => {
      const actor = request.ctx.actor;
      if (!actor) throw new Error('authenticated route without an actor');
      return {
        userId: actor.userId,
        name: actor.name,
        agency: { id: actor.agencyId, name: actor.agencyName, type: actor.agencyType },
        roles: actor.roles,
        permissions: [...request.ctx.permissions].sort(),
        credentialId: actor.credentialId ?? null,
      };
    },
  );
}
