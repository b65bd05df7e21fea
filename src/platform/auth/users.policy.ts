import { eq, type SQL } from 'drizzle-orm';
import { hasPermission } from '../access/guard';
import type { Context } from '../context';
import { appUser } from './tables';

/**
 * Which user accounts an actor may manage: every account for a hub administrator, their own
 * agency's for an agency administrator. The same expression filters lists and checks one record.
 * Returns `false` when the actor may manage none.
 */
export function manageableUsers(ctx: Context): SQL | undefined | false {
  if (!ctx.actor || !hasPermission(ctx, 'user:manage')) return false;
  if (hasPermission(ctx, 'agency:manage-all')) return undefined;
  return eq(appUser.agencyId, ctx.actor.agencyId);
}

export function mayManageAgencyUsers(ctx: Context, agencyId: string): boolean {
  if (!ctx.actor || !hasPermission(ctx, 'user:manage')) return false;
  return hasPermission(ctx, 'agency:manage-all') || ctx.actor.agencyId === agencyId;
}
