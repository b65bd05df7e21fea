import { and, desc, eq, gte, lt, type SQL, sql } from 'drizzle-orm';
import { requirePermission } from '../access/guard';
import { agency } from '../agencies/tables';
import { appUser } from '../auth/tables';
import type { Context } from '../context';
import type { WithTransaction } from '../db/transaction';
import { recordAudit } from './audit';
import { auditEvent, auditReason } from './tables';

export interface AuditFilter {
  actorEmail?: string | undefined;
  subjectId?: string | undefined;
  from?: Date | undefined;
  /** Exclusive: the start of the day after the last day asked for. */
  to?: Date | undefined;
  /** Keyset: show events older than this sequence number. */
  before?: number | undefined;
}

export const AUDIT_PAGE_SIZE = 50;

/** The auditor's view of the log. Reading the log is itself audited. */
export class AuditService {
  constructor(private readonly withTransaction: WithTransaction) {}

  async list(ctx: Context, filter: AuditFilter) {
    requirePermission(ctx, 'audit:view');
    const conditions: (SQL | undefined)[] = [
      filter.actorEmail ? sql`lower(${appUser.email}) = ${filter.actorEmail.toLowerCase()}` : undefined,
      filter.subjectId ? eq(auditEvent.subjectId, filter.subjectId) : undefined,
      filter.from ? gte(auditEvent.occurredAt, filter.from) : undefined,
      filter.to ? lt(auditEvent.occurredAt, filter.to) : undefined,
      filter.before ? lt(auditEvent.seq, filter.before) : undefined,
    ];
    return this.withTransaction(async (tx) => {
      const rows = await tx
        .select({
          seq: auditEvent.seq,
          occurredAt: auditEvent.occurredAt,
          action: auditEvent.action,
          subjectType: auditEvent.subjectType,
          subjectId: auditEvent.subjectId,
          childId: auditEvent.childId,
          requestId: auditEvent.requestId,
          sealed: sql<boolean>`${auditEvent.hash} is not null`,
          actorEmail: appUser.email,
          actorName: appUser.name,
          agencyName: agency.name,
          reason: auditReason.text,
        })
        .from(auditEvent)
        .leftJoin(appUser, eq(appUser.id, auditEvent.actorUserId))
        .leftJoin(agency, eq(agency.id, auditEvent.actorAgencyId))
        .leftJoin(auditReason, eq(auditReason.id, auditEvent.reasonId))
        .where(and(...conditions))
        .orderBy(desc(auditEvent.seq))
        .limit(AUDIT_PAGE_SIZE + 1);
      await recordAudit(tx, ctx, { action: 'audit.view', subjectType: 'audit_log' });
      return { events: rows.slice(0, AUDIT_PAGE_SIZE), more: rows.length > AUDIT_PAGE_SIZE };
    });
  }
}
