import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../context';
import type { Tx } from '../db/client';
import { runBeforeEveryCommit, type WithTransaction } from '../db/transaction';
import { ConflictError } from './errors';
import { sendProblem } from './problem';
import { idempotencyKey } from './tables';

interface PendingKey {
  key: string;
  credentialId: string;
  requestHash: string;
  method: string;
  path: string;
  at: Date;
  /** Set once a transaction of this request has claimed the key with its change. */
  claimed: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    idempotency?: PendingKey | null;
  }
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** A claimed key whose change committed but whose answer was never stored (the process died). */
const ANSWER_LOST = 0;

/** The key of the API request being handled, for the transactions it runs. */
const requestKey = new AsyncLocalStorage<{ pending: PendingKey | null }>();

/**
 * Claims the request's key inside the first transaction that changes something, so the change and
 * the claim commit together: a process killed after COMMIT but before the answer is stored still
 * leaves the key taken, and the client's retry makes no second change. A transaction that has
 * written nothing has no transaction id yet, and claims nothing.
 */
runBeforeEveryCommit(async (tx: Tx) => {
  const pending = requestKey.getStore()?.pending;
  if (!pending || pending.claimed) return;
  const result = await tx.execute(sql`select pg_current_xact_id_if_assigned() is not null as wrote`);
  if (!(result as unknown as { rows: { wrote: boolean }[] }).rows[0]?.wrote) return;
  const claimed = await tx
    .insert(idempotencyKey)
    .values({
      credentialId: pending.credentialId,
      key: pending.key,
      method: pending.method,
      path: pending.path,
      requestHash: pending.requestHash,
      status: ANSWER_LOST,
      body: '',
      createdAt: pending.at,
    })
    .onConflictDoNothing()
    .returning({ key: idempotencyKey.key });
  if (claimed.length === 0) {
    throw new ConflictError('A request with this Idempotency-Key is already being carried out');
  }
  pending.claimed = true;
});

/**
 * `Idempotency-Key` on API writes: the first response to a key is stored, and a retry with the
 * same key and the same request gets it again (marked `Idempotent-Replayed: true`) without a second
 * change. The same key with a different request is refused with 422. Keys belong to a credential.
 * The key is claimed in the change's own transaction; if the process died before the answer was
 * stored, a retry is told the request was carried out (409) rather than carried out twice.
 */
export function registerIdempotency(
  api: FastifyInstance,
  withTransaction: WithTransaction,
  clock: Clock,
): void {
  // Everything the request runs, its transactions included, sees the request's key.
  api.addHook('onRequest', (_request, _reply, done) => {
    requestKey.run({ pending: null }, done);
  });

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
      if (stored.status === ANSWER_LOST) {
        return sendProblem(reply, 409, {
          detail:
            'This request was carried out, but its answer was lost. Look for what it recorded before sending it again with a new key.',
        });
      }
      reply.header('idempotent-replayed', 'true');
      return reply.code(stored.status).type('application/json; charset=utf-8').send(stored.body);
    }
    const pending: PendingKey = {
      key,
      credentialId,
      requestHash,
      method: request.method,
      path,
      at: clock.now(),
      claimed: false,
    };
    request.idempotency = pending;
    const scope = requestKey.getStore();
    if (scope) scope.pending = pending;
  });

  api.addHook('onSend', async (request, reply, payload) => {
    const pending = request.idempotency;
    if (!pending || typeof payload !== 'string') return payload;
    // The handler is done: later transactions (storing the answer) claim nothing.
    const scope = requestKey.getStore();
    if (scope) scope.pending = null;
    // A failure is not stored, so a retry is carried out afresh; nothing was claimed, as its
    // transaction rolled back.
    if (reply.statusCode >= 500) return payload;
    const answer = { status: reply.statusCode, body: payload };
    await withTransaction((tx) =>
      tx
        .insert(idempotencyKey)
        .values({
          credentialId: pending.credentialId,
          key: pending.key,
          method: pending.method,
          path: pending.path,
          requestHash: pending.requestHash,
          ...answer,
          createdAt: pending.at,
        })
        .onConflictDoUpdate({
          target: [idempotencyKey.credentialId, idempotencyKey.key],
          set: answer,
          where: and(
            eq(idempotencyKey.status, ANSWER_LOST),
            eq(idempotencyKey.requestHash, pending.requestHash),
          ),
        }),
    );
    return payload;
  });
}
