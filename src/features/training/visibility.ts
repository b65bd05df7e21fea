import { eq, or, type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { hasPermission } from '../../platform/access/guard';
import { agency } from '../../platform/agencies/tables';
import type { Context } from '../../platform/context';
import { childrensHome } from '../homes/tables';
import { trainingStaff } from './tables';

/**
 * The one rule for seeing training: the organisation's own users, the local authority whose area
 * the organisation is in (for a home's staff, the home's area), and the hub administrator. Nobody
 * else: not other agencies, not the police unless it is the force's own staff. Every list, count
 * and single-record read puts this in its WHERE clause, so a forbidden record looks missing.
 */
export function trainingStaffVisibleTo(ctx: Context): SQL {
  if (!ctx.actor || !hasPermission(ctx, 'training:view')) return sql`false`;
  if (hasPermission(ctx, 'agency:manage-all')) return sql`true`;
  const own = eq(trainingStaff.agencyId, ctx.actor.agencyId);
  const authority = authorityOf(ctx);
  if (!authority) return own;
  return or(
    own,
    sql`(case when ${trainingStaff.homeId} is null
      then exists (select 1 from ${agency} as org where org.id = ${trainingStaff.agencyId} and org.local_authority_code = ${authority})
      else exists (select 1 from ${childrensHome} as home where home.id = ${trainingStaff.homeId} and home.local_authority_code = ${authority})
    end)`,
  ) as SQL;
}

/**
 * An organisation whose training the actor may see: their own, one in their authority's area or
 * with a home there, or any for the hub administrator. Its page then shows only the staff the
 * staff rule admits.
 */
export function organisationVisibleTo(ctx: Context, agencyId: AnyPgColumn): SQL {
  if (!ctx.actor || !hasPermission(ctx, 'training:view')) return sql`false`;
  if (hasPermission(ctx, 'agency:manage-all')) return sql`true`;
  const own = eq(agencyId, ctx.actor.agencyId);
  const authority = authorityOf(ctx);
  if (!authority) return own;
  return or(
    own,
    // Aliased, so the organisation's own column (often agency.id itself) is not read as the subquery's.
    sql`exists (select 1 from ${agency} as org where org.id = ${agencyId} and org.local_authority_code = ${authority})`,
    sql`exists (select 1 from ${childrensHome} as home where home.provider_agency_id = ${agencyId} and home.local_authority_code = ${authority})`,
  ) as SQL;
}

/** A children's home whose staff's training the actor may see: the provider, the home's authority, the hub. */
export function homeTrainingVisibleTo(ctx: Context): SQL {
  if (!ctx.actor || !hasPermission(ctx, 'training:view')) return sql`false`;
  if (hasPermission(ctx, 'agency:manage-all')) return sql`true`;
  const own = eq(childrensHome.providerAgencyId, ctx.actor.agencyId);
  const authority = authorityOf(ctx);
  return authority ? (or(own, eq(childrensHome.localAuthorityCode, authority)) as SQL) : own;
}

/** The area of a local authority's users; other agencies see only their own staff. */
export function authorityOf(ctx: Context): string | null {
  const actor = ctx.actor;
  return actor?.agencyType === 'local_authority' && actor.localAuthorityCode
    ? actor.localAuthorityCode
    : null;
}

/** Whether the actor may see the training of an area's organisations as a whole (the area report). */
export function mayReportOnArea(ctx: Context, areaCode: string): boolean {
  if (!ctx.actor || !hasPermission(ctx, 'training:view')) return false;
  if (hasPermission(ctx, 'agency:manage-all')) return true;
  return authorityOf(ctx) === areaCode;
}
