import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RouteAccess } from './declarations';
import type { Form } from './forms';
import { recordId } from './params';

/** A request at a record's path: its id, and any other parameters of the path. */
export type RecordRequest = FastifyRequest<{ Params: { id: string } & Record<string, string> }>;

type RecordHandler = (request: RecordRequest, reply: FastifyReply, id: string, form: Form) => unknown;

/**
 * A page or form handler at a record's path (`/things/:id…`). A path segment that is not an id
 * answers 404, as a missing record does; the handler gets the id and, for a POST, the form.
 */
export function recordRoute(
  web: FastifyInstance,
  method: 'GET' | 'POST',
  url: string,
  access: RouteAccess,
  handler: RecordHandler,
): void {
  web.route<{ Params: { id: string } & Record<string, string> }>({
    method,
    url,
    config: { access },
    handler: async (request, reply) => {
      const id = recordId(request);
      if (!id) return reply.callNotFound();
      return handler(request, reply, id, (request.body ?? {}) as Form);
    },
  });
}
