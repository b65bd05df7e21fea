import type { FastifyRequest } from 'fastify';
import { recordAudit } from '../audit/audit';
import type { WithTransaction } from '../db/transaction';

/**
 * Records that a signed-in user was refused something, answered as not found: for want of a
 * permission, or of access to the record. Failed authorisation is logged (ASVS V16), while the
 * answer stays exactly that of a missing record; a missing record is logged the same way, so the
 * log does not tell them apart either. Opaque values only: the route's pattern and the id asked for.
 */
export async function auditRefusal(withTransaction: WithTransaction, request: FastifyRequest): Promise<void> {
  const ctx = request.ctx;
  if (!ctx?.actor) return;
  const id = (request.params as Record<string, unknown> | undefined)?.id;
  try {
    await withTransaction((tx) =>
      recordAudit(tx, ctx, {
        action: 'access.refused',
        subjectType: `${request.method} ${request.routeOptions.url ?? ''}`.slice(0, 200),
        subjectId: typeof id === 'string' ? id.slice(0, 100) : undefined,
        reason: '',
      }),
    );
  } catch (error) {
    request.log.error({ err: error }, 'could not audit a refusal');
  }
}
