import type { Context } from '../context';
import { NotFoundError } from '../http/errors';
import type { Permission } from './catalogue';

/**
 * The first line of a service method. A missing permission raises the same error as a missing
 * record, so nobody learns what exists by probing what they may not do.
 */
export function requirePermission(
  ctx: Context,
  permission: Permission,
): asserts ctx is Context & {
  actor: NonNullable<Context['actor']>;
} {
  if (!ctx.actor || !ctx.permissions.has(permission)) throw new NotFoundError();
}

export function hasPermission(ctx: Context, permission: Permission): boolean {
  return ctx.actor !== null && ctx.permissions.has(permission);
}
