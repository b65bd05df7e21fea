import { and, eq, gt, isNull, lte, or, type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Context } from '../context';
import { type AccessBasis, childAccess } from './tables';

/**
 * The one rule for seeing a child: the actor's agency holds a current `child_access` row for them.
 * Lists put it in their WHERE clause; a single-record read is the same query with the child's id,
 * so a child the actor may not see is indistinguishable from one that does not exist.
 */
export function childVisibleTo(ctx: Context, childId: AnyPgColumn): SQL {
  if (!ctx.actor || !ctx.permissions.has('child:view')) return sql`false`;
  const now = ctx.clock.now();
  return sql`exists (select 1 from ${childAccess}
    where ${childAccess.childId} = ${childId}
      and ${and(
        eq(childAccess.agencyId, ctx.actor.agencyId),
        or(isNull(childAccess.userId), eq(childAccess.userId, ctx.actor.userId)),
        lte(childAccess.validFrom, now),
        or(isNull(childAccess.validTo), gt(childAccess.validTo, now)),
      )})`;
}

export interface GrantAccess {
  childId: string;
  agencyId: string;
  basis: AccessBasis;
  sourceId?: string | null;
  /** For one person only, rather than everyone in the agency. */
  userId?: string | null;
  validFrom: Date;
  validTo?: Date | null;
}

export function accessRow(grant: GrantAccess): typeof childAccess.$inferInsert {
  return {
    childId: grant.childId,
    agencyId: grant.agencyId,
    basis: grant.basis,
    sourceId: grant.sourceId ?? null,
    userId: grant.userId ?? null,
    validFrom: grant.validFrom,
    validTo: grant.validTo ?? null,
  };
}
