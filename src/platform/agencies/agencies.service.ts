import { eq } from 'drizzle-orm';
import { hasPermission, requirePermission } from '../access/guard';
import { recordAudit } from '../audit/audit';
import type { Context } from '../context';
import type { WithTransaction } from '../db/transaction';
import { ConflictError, NotFoundError, ValidationError } from '../http/errors';
import { decodeCursor, PAGE_SIZE, pageOf } from '../http/pagination';
import * as repo from './agencies.repository';
import type { CreateAgencyInput } from './schemas';
import { agency } from './tables';

/** Agencies an actor may administer: all for a hub administrator, their own otherwise. */
function administrable(ctx: Context) {
  if (hasPermission(ctx, 'agency:manage-all')) return undefined;
  return eq(agency.id, ctx.actor?.agencyId ?? '00000000-0000-0000-0000-000000000000');
}

export class AgenciesService {
  constructor(private readonly withTransaction: WithTransaction) {}

  /** Every agency the actor administers: for choosing one in a form. */
  async list(ctx: Context) {
    requirePermission(ctx, 'agency:manage-own');
    return this.withTransaction((tx) => repo.listAgencies(tx, administrable(ctx)));
  }

  /** One page of the agencies the actor administers, by name. */
  async page(ctx: Context, options: { after?: string } = {}) {
    requirePermission(ctx, 'agency:manage-own');
    const after = decodeCursor(options.after, 2);
    const rows = await this.withTransaction((tx) =>
      repo.listAgencies(tx, administrable(ctx), { after, limit: PAGE_SIZE + 1 }),
    );
    return pageOf(rows, PAGE_SIZE, (a) => [a.name, a.id]);
  }

  async get(ctx: Context, id: string) {
    requirePermission(ctx, 'agency:manage-own');
    return this.withTransaction(async (tx) => {
      const row = await repo.findAgency(tx, id, administrable(ctx));
      if (!row) throw new NotFoundError();
      return row;
    });
  }

  /** Disables an agency that leaves the hub: its users can no longer sign in, and their sessions end. */
  async setDisabled(ctx: Context, id: string, disabled: boolean): Promise<void> {
    requirePermission(ctx, 'agency:manage-all');
    if (disabled && ctx.actor.agencyId === id) {
      throw new ValidationError([{ field: 'agency', message: 'You cannot disable your own agency' }]);
    }
    await this.withTransaction(async (tx) => {
      const row = await repo.findAgency(tx, id);
      if (!row) throw new NotFoundError();
      await tx
        .update(agency)
        .set({ disabledAt: disabled ? ctx.clock.now() : null })
        .where(eq(agency.id, id));
      await recordAudit(tx, ctx, {
        action: disabled ? 'agency.disable' : 'agency.enable',
        subjectType: 'agency',
        subjectId: id,
      });
    });
  }

  /** Sets or clears the emergency duty team's address, for alerts raised out of office hours. */
  async setOutOfHoursEmail(ctx: Context, id: string, email: string | null): Promise<void> {
    requirePermission(ctx, 'agency:manage-own');
    const value = email?.trim() ? email.trim().toLowerCase() : null;
    if (value && (value.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value))) {
      throw new ValidationError([
        { field: 'outOfHoursEmail', message: 'Enter an email address, like edt@example.gov.uk' },
      ]);
    }
    await this.withTransaction(async (tx) => {
      const row = await repo.findAgency(tx, id, administrable(ctx));
      if (!row) throw new NotFoundError();
      await tx.update(agency).set({ outOfHoursEmail: value }).where(eq(agency.id, id));
      await recordAudit(tx, ctx, { action: 'agency.out-of-hours', subjectType: 'agency', subjectId: id });
    });
  }

  async create(ctx: Context, input: CreateAgencyInput): Promise<string> {
    requirePermission(ctx, 'agency:manage-all');
    return this.withTransaction(async (tx) => {
      if (await repo.agencyNameTaken(tx, input.name)) {
        throw new ConflictError('An agency with this name already exists', 'name');
      }
      const id = await repo.insertAgency(tx, {
        name: input.name,
        type: input.type,
        localAuthorityCode: input.localAuthorityCode ?? null,
        policeForceCode: input.type === 'police_force' ? (input.policeForceCode ?? null) : null,
        email: input.email ?? null,
        createdAt: ctx.clock.now(),
      });
      await recordAudit(tx, ctx, { action: 'agency.create', subjectType: 'agency', subjectId: id });
      return id;
    });
  }
}
