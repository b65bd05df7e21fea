import { and, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { hasPermission, requirePermission } from '../../platform/access/guard';
import { recordAudit } from '../../platform/audit/audit';
import { appUser } from '../../platform/auth/tables';
import type { Context } from '../../platform/context';
import type { WithTransaction } from '../../platform/db/transaction';
import { NotFoundError, ValidationError } from '../../platform/http/errors';
import { Disposal, type DisposalResult } from './disposer';
import { type DueRow, dueRecords, type Periods } from './retention.repository';
import { type RetentionRecordType, retentionKeep, retentionRecordTypes } from './tables';

export const retentionRecordLabels: Record<RetentionRecordType, string> = {
  child: 'Child’s record',
  sighting: 'Sighting not linked to a child',
  nfa_notice: 'Concern notice ended with no further action',
  intelligence_entity: 'Intelligence entity with no links',
};

/** Where each kind of record starts: the table and key its disposal removes from. */
const roots: Record<RetentionRecordType, string> = {
  child: 'child',
  sighting: 'sighting',
  nfa_notice: 'notice',
  intelligence_entity: 'intel_entity',
};

export const retentionDecision = z.object({
  reason: z
    .string({ error: 'Enter the reason for your decision' })
    .trim()
    .min(1, 'Enter the reason for your decision')
    .max(2000, 'The reason must be 2,000 characters or fewer'),
});

export const PAGE_SIZE = 50;

export interface RetentionPeriods {
  childMonths: number;
  sightingMonths: number;
  nfaNoticeMonths: number;
  intelligenceEntityMonths: number;
}

/**
 * Retention: records come up for review when their period has passed since they were last active;
 * an agency's administrator keeps each for another period or disposes of it, with a reason. A
 * disposal removes the record and everything derived from it, and leaves only an audit event with
 * the record's kind and opaque id.
 */
export class RetentionService {
  private readonly periods: Periods;

  constructor(
    private readonly withTransaction: WithTransaction,
    periods: RetentionPeriods,
  ) {
    this.periods = {
      child: periods.childMonths,
      sighting: periods.sightingMonths,
      nfa_notice: periods.nfaNoticeMonths,
      intelligence_entity: periods.intelligenceEntityMonths,
    };
  }

  periodMonths(type: RetentionRecordType): number {
    return this.periods[type];
  }

  /** Administrators see what their own agency holds; the hub's administrators see every agency's. */
  private scope(ctx: Context & { actor: NonNullable<Context['actor']> }): string | null {
    return hasPermission(ctx, 'retention:review-all') ? null : ctx.actor.agencyId;
  }

  async dueList(
    ctx: Context,
    options: { page?: number; recordType?: RetentionRecordType } = {},
  ): Promise<{ rows: DueRow[]; total: number; page: number; pages: number }> {
    requirePermission(ctx, 'retention:review');
    const page = Math.max(1, Math.floor(options.page ?? 1));
    return this.withTransaction(async (tx) => {
      const found = await dueRecords(tx, {
        periods: this.periods,
        now: ctx.clock.now(),
        agencyId: this.scope(ctx),
        ...(options.recordType ? { recordType: options.recordType } : {}),
        limit: PAGE_SIZE,
        offset: (page - 1) * PAGE_SIZE,
      });
      await recordAudit(tx, ctx, { action: 'retention.list', subjectType: 'retention' });
      return { ...found, page, pages: Math.max(1, Math.ceil(found.total / PAGE_SIZE)) };
    });
  }

  /** One record due for review, with the earlier decisions to keep it. Not due, or not the agency's: not found. */
  async review(ctx: Context, type: RetentionRecordType, id: string) {
    requirePermission(ctx, 'retention:review');
    return this.withTransaction(async (tx) => {
      const due = await this.findDue(ctx, type, id);
      const kept = await tx
        .select({ k: retentionKeep, by: appUser.name })
        .from(retentionKeep)
        .innerJoin(appUser, eq(appUser.id, retentionKeep.decidedByUserId))
        .where(and(eq(retentionKeep.recordType, type), eq(retentionKeep.recordId, id)))
        .orderBy(desc(retentionKeep.decidedAt));
      await recordAudit(tx, ctx, { action: 'retention.view', subjectType: type, subjectId: id });
      return {
        due,
        periodMonths: this.periods[type],
        kept: kept.map((x) => ({
          decidedAt: x.k.decidedAt,
          keptUntil: x.k.keptUntil,
          reason: x.k.reason,
          by: x.by,
        })),
      };
    });
  }

  /** Keeps a due record for another period of its kind. */
  async keep(ctx: Context, type: RetentionRecordType, id: string, input: unknown): Promise<Date> {
    requirePermission(ctx, 'retention:review');
    const { reason } = parseDecision(input);
    return this.withTransaction(async (tx) => {
      await this.findDue(ctx, type, id);
      const now = ctx.clock.now();
      const keptUntil = addMonths(now, this.periods[type]);
      await tx.insert(retentionKeep).values({
        recordType: type,
        recordId: id,
        keptUntil,
        reason,
        decidedByUserId: ctx.actor.userId,
        decidedByAgencyId: ctx.actor.agencyId,
        decidedAt: now,
      });
      await recordAudit(tx, ctx, { action: 'retention.keep', subjectType: type, subjectId: id, reason });
      return keptUntil;
    });
  }

  /**
   * Disposes of a due record and everything derived from it. The audit event keeps the kind and
   * the opaque id; the reason goes to the reasons table, which may itself be disposed of.
   */
  async dispose(
    ctx: Context,
    type: RetentionRecordType,
    id: string,
    input: unknown,
  ): Promise<DisposalResult> {
    requirePermission(ctx, 'retention:review');
    const { reason } = parseDecision(input);
    return this.withTransaction(async (tx) => {
      await this.findDue(ctx, type, id);
      const disposal = await Disposal.start(tx);
      await disposal.remove(roots[type], 'id', 'uuid', [id]);
      const result = await disposal.finish(type === 'child' ? id : null);
      await recordAudit(tx, ctx, { action: 'retention.dispose', subjectType: type, subjectId: id, reason });
      return result;
    });
  }

  private async findDue(
    ctx: Context & { actor: NonNullable<Context['actor']> },
    type: RetentionRecordType,
    id: string,
  ): Promise<DueRow> {
    if (!retentionRecordTypes.includes(type) || !z.uuid().safeParse(id).success) throw new NotFoundError();
    return this.withTransaction(async (tx) => {
      const { rows } = await dueRecords(tx, {
        periods: this.periods,
        now: ctx.clock.now(),
        agencyId: this.scope(ctx),
        recordType: type,
        recordId: id,
        limit: 1,
        offset: 0,
      });
      const [row] = rows;
      if (!row) throw new NotFoundError();
      return row;
    });
  }
}

function parseDecision(input: unknown): { reason: string } {
  const parsed = retentionDecision.safeParse(input);
  if (!parsed.success) {
    throw new ValidationError(
      parsed.error.issues.map((i) => ({ field: String(i.path[0] ?? 'reason'), message: i.message })),
    );
  }
  return parsed.data;
}

/** The same day so many months on (the last day of the month when it has no such day). */
export function addMonths(from: Date, months: number): Date {
  const d = new Date(from);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d;
}
