import type { FastifyReply } from 'fastify';
import type { FieldError } from './errors';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
}

const titles: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorised',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  429: 'Too many requests',
  500: 'Internal server error',
};

/** RFC 9457 problem details. */
export function sendProblem(reply: FastifyReply, status: number, extra: Partial<Problem> = {}): FastifyReply {
  const body: Problem = { type: 'about:blank', title: titles[status] ?? 'Error', status, ...extra };
  return reply.code(status).type('application/problem+json').send(JSON.stringify(body));
}
