import { randomInt } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { isRole, roles as roleCatalogue } from '../access/catalogue';
import { requirePermission } from '../access/guard';
import { findAgency } from '../agencies/agencies.repository';
import { recordAudit } from '../audit/audit';
import type { Context } from '../context';
import type { WithTransaction } from '../db/transaction';
import { ConflictError, NotFoundError, ValidationError } from '../http/errors';
import { decodeCursor, PAGE_SIZE, pageOf } from '../http/pagination';
import { isRecordId } from '../http/params';
import { hashPassword } from './passwords';
import type { CreateUserInput } from './schemas';
import { endSessionsOfUser } from './sessions';
import { apiToken } from './tables';
import { manageableUsers, mayManageAgencyUsers } from './users.policy';
import * as repo from './users.repository';

/** Checks each role exists and suits the agency's type. */
function checkRoles(roleList: string[], agencyType: string): void {
  const bad = roleList.filter(
    (r) => !isRole(r) || !(roleCatalogue[r].agencyTypes as readonly string[]).includes(agencyType),
  );
  if (bad.length > 0) {
    throw new ValidationError([
      { field: 'roles', message: 'Select only roles that this type of agency can hold' },
    ]);
  }
}

/** A temporary password a person can read out: four groups of four letters and digits. */
function temporaryPassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const groups = Array.from({ length: 4 }, () =>
    Array.from({ length: 4 }, () => alphabet[randomInt(alphabet.length)]).join(''),
  );
  return groups.join('-');
}

export class UsersService {
  constructor(private readonly withTransaction: WithTransaction) {}

  async list(ctx: Context, filter: { agencyId?: string } = {}) {
    requirePermission(ctx, 'user:manage');
    const scope = manageableUsers(ctx);
    if (scope === false) throw new NotFoundError();
    return this.withTransaction(async (tx) => {
      const rows = await repo.listUsers(tx, scope, filter);
      await recordAudit(tx, ctx, { action: 'user.list', subjectType: 'agency', subjectId: filter.agencyId });
      return rows;
    });
  }

  /** One page of the users the actor manages, by agency then name, with how many there are in all. */
  async page(ctx: Context, options: { agencyId?: string; after?: string } = {}) {
    requirePermission(ctx, 'user:manage');
    const scope = manageableUsers(ctx);
    if (scope === false) throw new NotFoundError();
    const cursor = decodeCursor(options.after, 3);
    const filter = options.agencyId ? { agencyId: options.agencyId } : {};
    return this.withTransaction(async (tx) => {
      const rows = await repo.pageOfUsers(tx, scope, filter, cursor, PAGE_SIZE + 1);
      const total = await repo.countUsers(tx, scope, filter);
      await recordAudit(tx, ctx, { action: 'user.list', subjectType: 'agency', subjectId: options.agencyId });
      return { ...pageOf(rows, PAGE_SIZE, (u) => [u.agencyName, u.name, u.id]), total };
    });
  }

  async get(ctx: Context, id: string) {
    requirePermission(ctx, 'user:manage');
    const scope = manageableUsers(ctx);
    if (scope === false) throw new NotFoundError();
    return this.withTransaction(async (tx) => {
      const user = await repo.findUser(tx, id, scope);
      if (!user) throw new NotFoundError();
      await recordAudit(tx, ctx, { action: 'user.view', subjectType: 'user', subjectId: id });
      return user;
    });
  }

  /**
   * Adds an account. Without a password, a temporary one is made and returned once; the person
   * must choose their own at first sign-in.
   */
  async create(
    ctx: Context,
    input: CreateUserInput,
  ): Promise<{ id: string; temporaryPassword: string | null }> {
    requirePermission(ctx, 'user:manage');
    if (!mayManageAgencyUsers(ctx, input.agencyId)) {
      throw new ValidationError([{ field: 'agencyId', message: 'Select an agency' }]);
    }
    const temporary = input.password ? null : temporaryPassword();
    const passwordHash = await hashPassword(input.password ?? temporary ?? '');
    return this.withTransaction(async (tx) => {
      const agency = await findAgency(tx, input.agencyId);
      if (!agency) throw new ValidationError([{ field: 'agencyId', message: 'Select an agency' }]);
      checkRoles(input.roles, agency.type);
      if (await repo.emailTaken(tx, input.email)) {
        throw new ConflictError('A user with this email address already exists', 'email');
      }
      const id = await repo.insertUser(tx, {
        agencyId: input.agencyId,
        email: input.email,
        name: input.name,
        roles: input.roles,
        passwordHash,
        mustChangePassword: temporary !== null,
        createdAt: ctx.clock.now(),
      });
      await recordAudit(tx, ctx, { action: 'user.create', subjectType: 'user', subjectId: id });
      return { id, temporaryPassword: temporary };
    });
  }

  async updateRoles(ctx: Context, id: string, roleList: string[]): Promise<void> {
    const user = await this.get(ctx, id);
    await this.withTransaction(async (tx) => {
      checkRoles(roleList, user.agencyType);
      await repo.updateUser(tx, id, { roles: roleList });
      await recordAudit(tx, ctx, { action: 'user.roles-change', subjectType: 'user', subjectId: id });
    });
  }

  /** Disables a leaver: their sessions end at once and they cannot sign in again. */
  async disable(ctx: Context, id: string): Promise<void> {
    await this.get(ctx, id);
    if (ctx.actor?.userId === id)
      throw new ValidationError([{ field: 'user', message: 'You cannot disable your own account' }]);
    await this.withTransaction(async (tx) => {
      await repo.updateUser(tx, id, { disabledAt: ctx.clock.now() });
      await endSessionsOfUser(tx, id, ctx.clock);
      await recordAudit(tx, ctx, { action: 'user.disable', subjectType: 'user', subjectId: id });
    });
  }

  async enable(ctx: Context, id: string): Promise<void> {
    await this.get(ctx, id);
    await this.withTransaction(async (tx) => {
      await repo.updateUser(tx, id, { disabledAt: null });
      await recordAudit(tx, ctx, { action: 'user.enable', subjectType: 'user', subjectId: id });
    });
  }

  /** Sets a temporary password, returned once, and ends the person's sessions. */
  async resetPassword(ctx: Context, id: string): Promise<string> {
    await this.get(ctx, id);
    const temporary = temporaryPassword();
    const passwordHash = await hashPassword(temporary);
    await this.withTransaction(async (tx) => {
      await repo.updateUser(tx, id, { passwordHash, mustChangePassword: true });
      await endSessionsOfUser(tx, id, ctx.clock);
      await recordAudit(tx, ctx, { action: 'user.password-reset', subjectType: 'user', subjectId: id });
    });
    return temporary;
  }

  /** Removes the second factor; the person enrols a new one at next sign-in. */
  async resetSecondFactor(ctx: Context, id: string): Promise<void> {
    await this.get(ctx, id);
    await this.withTransaction(async (tx) => {
      await repo.updateUser(tx, id, { totpSecret: null, totpEnabledAt: null });
      await endSessionsOfUser(tx, id, ctx.clock);
      await recordAudit(tx, ctx, { action: 'user.second-factor-reset', subjectType: 'user', subjectId: id });
    });
  }

  /**
   * Moves a person to another agency: their access follows the new agency at once. Their roles
   * must fit it; their sessions end and their personal API tokens are revoked.
   */
  async moveAgency(ctx: Context, id: string, agencyId: string, roleList: string[]): Promise<void> {
    requirePermission(ctx, 'agency:manage-all');
    const user = await this.get(ctx, id);
    await this.withTransaction(async (tx) => {
      const target = isRecordId(agencyId) ? await findAgency(tx, agencyId) : null;
      if (!target || target.disabledAt) {
        throw new ValidationError([{ field: 'agencyId', message: 'Select an active agency' }]);
      }
      if (target.id === user.agencyId) {
        throw new ValidationError([{ field: 'agencyId', message: 'They are already in that agency' }]);
      }
      checkRoles(roleList, target.type);
      const now = ctx.clock.now();
      await repo.updateUser(tx, id, { agencyId: target.id, roles: roleList });
      await endSessionsOfUser(tx, id, ctx.clock);
      await tx
        .update(apiToken)
        .set({ revokedAt: now })
        .where(and(eq(apiToken.userId, id), isNull(apiToken.revokedAt)));
      await recordAudit(tx, ctx, { action: 'user.move-agency', subjectType: 'user', subjectId: id });
    });
  }

  /** The periodic access review: an administrator confirms that a person's roles are still right. */
  async confirmAccess(ctx: Context, id: string): Promise<void> {
    await this.get(ctx, id);
    await this.withTransaction(async (tx) => {
      await repo.updateUser(tx, id, {
        accessReviewedAt: ctx.clock.now(),
        accessReviewedByUserId: ctx.actor?.userId ?? null,
      });
      await recordAudit(tx, ctx, { action: 'user.access-confirmed', subjectType: 'user', subjectId: id });
    });
  }
}
