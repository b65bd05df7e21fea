import { and, desc, eq, isNull } from 'drizzle-orm';
import { requirePermission } from '../access/guard';
import { agency } from '../agencies/tables';
import { recordAudit } from '../audit/audit';
import type { Clock, Context } from '../context';
import type { WithTransaction } from '../db/transaction';
import { NotFoundError } from '../http/errors';
import { contextForUser } from './actor';
import { apiToken, appUser } from './tables';
import { hashToken, newSecretToken } from './tokens';

const TOKEN_PREFIX = 'lnt_';

/** Personal API tokens: they carry their owner's permissions and are audited as that owner. */
export class ApiTokensService {
  constructor(
    private readonly withTransaction: WithTransaction,
    private readonly clock: Clock,
  ) {}

  async listOwn(ctx: Context) {
    requirePermission(ctx, 'api-token:own');
    return this.withTransaction((tx) =>
      tx
        .select({
          id: apiToken.id,
          name: apiToken.name,
          createdAt: apiToken.createdAt,
          lastUsedAt: apiToken.lastUsedAt,
          revokedAt: apiToken.revokedAt,
          expiresAt: apiToken.expiresAt,
        })
        .from(apiToken)
        .where(eq(apiToken.userId, ctx.actor.userId))
        .orderBy(desc(apiToken.createdAt)),
    );
  }

  /** Returns the token once; only its hash is kept. */
  async create(
    ctx: Context,
    name: string,
    expiresAt: Date | null = null,
  ): Promise<{ id: string; token: string }> {
    requirePermission(ctx, 'api-token:own');
    const token = newSecretToken(TOKEN_PREFIX);
    return this.withTransaction(async (tx) => {
      const [row] = await tx
        .insert(apiToken)
        .values({
          userId: ctx.actor.userId,
          name,
          tokenHash: hashToken(token),
          createdAt: ctx.clock.now(),
          expiresAt,
        })
        .returning({ id: apiToken.id });
      if (!row) throw new Error('token insert returned nothing');
      await recordAudit(tx, ctx, { action: 'api-token.create', subjectType: 'api_token', subjectId: row.id });
      return { id: row.id, token };
    });
  }

  async revoke(ctx: Context, id: string): Promise<void> {
    requirePermission(ctx, 'api-token:own');
    await this.withTransaction(async (tx) => {
      const rows = await tx
        .update(apiToken)
        .set({ revokedAt: ctx.clock.now() })
        .where(and(eq(apiToken.id, id), eq(apiToken.userId, ctx.actor.userId), isNull(apiToken.revokedAt)))
        .returning({ id: apiToken.id });
      if (rows.length === 0) throw new NotFoundError();
      await recordAudit(tx, ctx, { action: 'api-token.revoke', subjectType: 'api_token', subjectId: id });
    });
  }

  /** The context a bearer token stands for, or null when it is unknown, revoked, expired or its owner disabled. */
  async authenticate(token: string, requestId: string): Promise<Context | null> {
    if (!token.startsWith(TOKEN_PREFIX)) return null;
    return this.withTransaction(async (tx) => {
      const [row] = await tx
        .select({ t: apiToken, u: appUser, a: agency })
        .from(apiToken)
        .innerJoin(appUser, eq(appUser.id, apiToken.userId))
        .innerJoin(agency, eq(agency.id, appUser.agencyId))
        .where(eq(apiToken.tokenHash, hashToken(token)));
      const now = this.clock.now();
      if (
        !row ||
        row.t.revokedAt !== null ||
        (row.t.expiresAt !== null && row.t.expiresAt <= now) ||
        row.u.disabledAt !== null ||
        row.a.disabledAt !== null
      ) {
        return null;
      }
      await tx.update(apiToken).set({ lastUsedAt: now }).where(eq(apiToken.id, row.t.id));
      return contextForUser(row.u, row.a, requestId, this.clock, row.t.id);
    });
  }
}
