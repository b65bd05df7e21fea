import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { sendProblem } from './problem';

/**
 * A path the router cannot read (broken percent-encoding, a parameter over the length limit) never
 * reaches a route or its error handler: the API answers it with a problem, pages with the not-found
 * page, rather than the framework's bare JSON.
 */
export async function answerBadUrl(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const status = error.statusCode ?? 400;
  if (request.url.startsWith('/api/')) {
    return sendProblem(reply, status, { detail: 'The path is not a valid address' });
  }
  // The router has not run, so the reply lacks the view decorator; the server renders the page.
  const html = await request.server.view('pages/not-found.njk', {});
  return reply.code(404).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(html);
}
