import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../context';
import type { WithTransaction } from '../db/transaction';
import { sendProblem } from './problem';
import { idempotencyKey } from './tables';

declare module 'fastify' {
  interface FastifyRequest {
    idempotency?: { key: string; credentialId: string; requestHash: string } | null;
  }
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * `Idempotency-Key` on API writes: the first response to a key is stored, and a retry with the
 * same key and the same request gets it again (marked `Idempotent-Replayed: true`) without a second
 * change. The same key with a different request is refused with 422. Keys belong to a credential.
 */
export function registerIdempotency(
  api: FastifyInstance,
  withTransaction: WithTransaction,
  clock: Clock,
): void {
  api.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    request.idempotency = null;
    const key = request.headers['idempotency-key'];
    if (!WRITE_METHODS.has(request.method) || key === undefined) return;
    const credentialId = request.ctx.actor?.credentialId;
    if (typeof key !== 'string' || !/^[\x21-\x7e]{1,255}$/.test(key) || !credentialId) {
      return sendProblem(reply, 400, {
        detail: 'Idempotency-Key must be 1 to 255 visible ASCII characters',
        errors: [
          { field: 'Idempotency-Key', message: 'Use 1 to 255 visible ASCII characters, such as a UUID' },
        ],
      });
    }
    const path = request.url.split('?')[0] ?? request.url;
    const requestHash = createHash('sha256')
      .update(`${request.method} ${path}\n${JSON.stringify(request.body ?? null)}`)
      .digest('hex');
    const [stored] = await withTransaction((tx) =>
      tx
        .select()
        .from(idempotencyKey)
        .where(and(eq(idempotencyKey.credentialId, credentialId), eq(idempotencyKey.key, key))),
    );
    if (stored) {
      if (stored.requestHash !== requestHash) {
        return sendProblem(reply, 422, { detail: 'This Idempotency-Key was used for a different request' });
      }
      reply.header('idempotent-replayed', 'true');
      return reply.code(stored.status).type('application/json; charset=utf-8').send(stored.body);
    }
    request.idempotency = { key, credentialId, requestHash };
  });

  api.addHook('onSend', async (request, reply, payload) => {
    const pending = request.idempotency;
    if (!pending || reply.statusCode >= 500 || typeof payload !== 'string') return payload;
    const path = request.url.split('?')[0] ?? request.url;
    await withTransaction((tx) =>
      tx
        .insert(idempotencyKey)
        .values({
          credentialId: pending.credentialId,
          key: pending.key,
          method: request.method,
          path,
          requestHash: pending.requestHash,
          status: reply.statusCode,
          body: payload,
          createdAt: clock.now(),
        })
        .onConflictDoNothing(),
    );
    return payload;
  });
}
