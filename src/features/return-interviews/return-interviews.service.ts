import { and, asc, eq, gt, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import { childVisibleTo } from '../../platform/access/child-access';
import { requirePermission } from '../../platform/access/guard';
import { child } from '../../platform/access/tables';
import { agency } from '../../platform/agencies/tables';
import { recordAudit } from '../../platform/audit/audit';
import type { Context } from '../../platform/context';
import type { Tx } from '../../platform/db/client';
import { planForTheseValues, type WithTransaction } from '../../platform/db/transaction';
import { type DraftsService, draftKey } from '../../platform/drafts/drafts.service';
import type { DraftFields } from '../../platform/drafts/tables';
import { ConflictError, NotFoundError } from '../../platform/http/errors';
import { decodeCursor, PAGE_SIZE, pageOf } from '../../platform/http/pagination';
import type { AlertsService } from '../alerts/alerts.service';
import { episode, returnInterview } from '../episodes/tables';
import type { RecordInterview } from './schemas';

/** Reminders go this long before the deadline. */
export const REMINDER_BEFORE_MS = 24 * 3_600_000;

/** The columns each outcome sets. */
function columnsFor(input: RecordInterview): Partial<typeof returnInterview.$inferInsert> {
  switch (input.outcome) {
    case 'offered':
      return { status: 'offered', offeredAt: input.offeredAt, offeredBy: input.offeredBy };
    case 'accepted':
      return { status: 'accepted' };
    case 'declined':
      return { status: 'declined', declinedReason: input.declinedReason };
    case 'held':
      return {
        status: 'held',
        heldAt: input.heldAt,
        heldWhere: input.heldWhere,
        interviewerName: input.interviewerName,
        interviewerRole: input.interviewerRole,
        interviewerIndependent: input.interviewerIndependent,
        trustedAdultChosenByChild: input.trustedAdultChosenByChild,
        whyLeft: input.whyLeft ?? null,
        whereStayed: input.whereStayed ?? null,
        whoWith: input.whoWith ?? null,
        howTravelled: input.howTravelled ?? null,
        harmDisclosed: input.harmDisclosed ?? null,
        healthNeeds: input.healthNeeds ?? null,
        exploitationConcerns: input.exploitationConcerns ?? null,
        actions: input.actions ?? null,
        informationSharedWith: input.informationSharedWith ?? null,
      };
  }
}

export class ReturnInterviewsService {
  constructor(
    private readonly withTransaction: WithTransaction,
    private readonly alerts: AlertsService,
    private readonly drafts: DraftsService,
  ) {}

  /**
   * The return-interview.check job: a reminder to the holding agency 24 hours before the deadline,
   * and an escalation to the owner and the force's missing-from-home coordinators once it passes.
   * Idempotent: each interview is marked as it is reminded or escalated, in the same transaction
   * as its alerts and emails, so a second run finds nothing to do.
   */
  async remindAndEscalate(ctx: Context): Promise<{ reminded: number; escalated: number }> {
    const now = ctx.clock.now();
    // Interviews of an episode entered in error are owed to no one.
    const open = and(
      inArray(returnInterview.status, ['due', 'offered', 'accepted']),
      sql`not exists (select 1 from ${episode} e where e.id = ${returnInterview.episodeId} and e.entered_in_error_at is not null)`,
      sql`not exists (select 1 from ${child} c where c.id = ${returnInterview.childId} and c.record_status <> 'open')`,
    );
    return this.withTransaction(async (tx) => {
      const reminded = await tx
        .update(returnInterview)
        .set({ remindedAt: now })
        .where(
          and(
            open,
            isNull(returnInterview.remindedAt),
            gt(returnInterview.dueAt, now),
            lte(returnInterview.dueAt, new Date(now.getTime() + REMINDER_BEFORE_MS)),
          ),
        )
        .returning();
      for (const ri of reminded) {
        await this.alerts.raise(tx, ctx, {
          kind: 'return-interview-due-soon',
          agencyIds: [ri.assignedAgencyId ?? ri.ownerAgencyId],
          childId: ri.childId,
          subjectType: 'return_interview',
          subjectId: ri.id,
          key: `return-interview-due-soon:${ri.id}`,
        });
      }
      const escalated = await tx
        .update(returnInterview)
        .set({ escalatedAt: now })
        .where(and(open, isNull(returnInterview.escalatedAt), lte(returnInterview.dueAt, now)))
        .returning();
      for (const ri of escalated) {
        const [ep] = await tx
          .select({ forceCode: episode.policeForceCode })
          .from(episode)
          .where(eq(episode.id, ri.episodeId));
        const [force] = ep?.forceCode
          ? await tx
              .select({ id: agency.id })
              .from(agency)
              .where(and(eq(agency.type, 'police_force'), eq(agency.policeForceCode, ep.forceCode)))
          : [];
        await this.alerts.raise(tx, ctx, {
          kind: 'return-interview-overdue',
          agencyIds: [ri.ownerAgencyId, ri.assignedAgencyId, force?.id],
          childId: ri.childId,
          subjectType: 'return_interview',
          subjectId: ri.id,
          priority: 'high',
          alsoEmailRole: { role: 'missing_coordinator', agencyIds: [force?.id] },
          key: `return-interview-overdue:${ri.id}`,
        });
      }
      return { reminded: reminded.length, escalated: escalated.length };
    });
  }

  /**
   * The actor's agency's open interviews, a page at a time, soonest due first so overdue ones lead;
   * with how many are overdue in all.
   */
  async queue(ctx: Context, options: { after?: string } = {}) {
    requirePermission(ctx, 'return-interview:record');
    const agencyId = ctx.actor.agencyId;
    const cursor = decodeCursor(options.after, 2);
    return this.withTransaction(async (tx) => {
      await planForTheseValues(tx);
      const open = and(
        or(eq(returnInterview.assignedAgencyId, agencyId), eq(returnInterview.ownerAgencyId, agencyId)),
        inArray(returnInterview.status, ['due', 'offered', 'accepted']),
        isNull(episode.enteredInErrorAt),
        // A record handed over or closed at 18 leaves the queue.
        eq(child.recordStatus, 'open'),
        childVisibleTo(ctx, child.id),
      );
      const rows = await tx
        .select({ interview: returnInterview, child, episodeKind: episode.kind, endedAt: episode.endedAt })
        .from(returnInterview)
        .innerJoin(child, eq(child.id, returnInterview.childId))
        .innerJoin(episode, eq(episode.id, returnInterview.episodeId))
        .where(
          and(
            open,
            cursor
              ? sql`(${returnInterview.dueAt}, ${returnInterview.id}) > (${String(cursor[0])}::timestamptz, ${String(cursor[1])}::uuid)`
              : undefined,
          ),
        )
        .orderBy(asc(returnInterview.dueAt), asc(returnInterview.id))
        .limit(PAGE_SIZE + 1);
      const [overdue] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(returnInterview)
        .innerJoin(child, eq(child.id, returnInterview.childId))
        .innerJoin(episode, eq(episode.id, returnInterview.episodeId))
        .where(and(open, lt(returnInterview.dueAt, ctx.clock.now())));
      await recordAudit(tx, ctx, { action: 'return-interview.queue', subjectType: 'return_interview' });
      return {
        ...pageOf(rows, PAGE_SIZE, (r) => [r.interview.dueAt.toISOString(), r.interview.id]),
        overdue: Number(overdue?.n ?? 0),
      };
    });
  }

  async get(ctx: Context, id: string) {
    requirePermission(ctx, 'return-interview:record');
    return this.withTransaction(async (tx) => {
      const [row] = await tx
        .select({ interview: returnInterview, child, episode })
        .from(returnInterview)
        .innerJoin(child, eq(child.id, returnInterview.childId))
        .innerJoin(episode, eq(episode.id, returnInterview.episodeId))
        .where(and(eq(returnInterview.id, id), childVisibleTo(ctx, child.id)));
      if (!row) throw new NotFoundError();
      await recordAudit(tx, ctx, {
        action: 'return-interview.view',
        subjectType: 'return_interview',
        subjectId: id,
        childId: row.child.id,
      });
      return row;
    });
  }

  /**
   * Records an offer, the child's acceptance, a refusal or the interview itself. A child accepts an
   * interview that has been offered; a held or declined interview is final.
   */
  async record(ctx: Context, id: string, input: RecordInterview): Promise<void> {
    const current = await this.get(ctx, id);
    const status = current.interview.status;
    if (status === 'held' || status === 'declined') {
      throw new ConflictError('This return interview is already finished', 'outcome');
    }
    if (input.outcome === 'accepted' && status !== 'offered') {
      throw new ConflictError(
        status === 'accepted'
          ? 'The child has already accepted this interview'
          : 'Record the offer first: the child can accept only an interview that has been offered',
        'outcome',
      );
    }
    if (input.outcome === 'offered' && status === 'accepted') {
      throw new ConflictError('The child has already accepted this interview', 'outcome');
    }
    await this.withTransaction(async (tx) => {
      const values = columnsFor(input);
      await tx.update(returnInterview).set(values).where(eq(returnInterview.id, id));
      // Held or declined, the findings form is closed for good: nobody's draft of it is any use.
      if (input.outcome === 'held' || input.outcome === 'declined') {
        await this.drafts.clear(tx, ctx, draftKey('return-interview', id), 'everyone');
      }
      await recordAudit(tx, ctx, {
        action: `return-interview.${input.outcome}`,
        subjectType: 'return_interview',
        subjectId: id,
        childId: current.child.id,
      });
    });
  }

  /** Saves the actor's draft of the findings, with the same checks as recording them. */
  async saveDraft(ctx: Context, id: string, fields: DraftFields) {
    requirePermission(ctx, 'return-interview:record');
    return this.withTransaction(async (tx) => {
      const row = await this.openInterview(tx, ctx, id);
      return this.drafts.save(tx, ctx, draftKey('return-interview', id), fields, row.childId);
    });
  }

  async discardDraft(ctx: Context, id: string): Promise<void> {
    requirePermission(ctx, 'return-interview:record');
    await this.withTransaction(async (tx) => {
      const row = await this.openInterview(tx, ctx, id);
      await this.drafts.discard(tx, ctx, draftKey('return-interview', id), row.childId);
    });
  }

  /** An interview the actor may see that is not yet finished. */
  private async openInterview(tx: Tx, ctx: Context, id: string) {
    const [row] = await tx
      .select({ childId: returnInterview.childId, status: returnInterview.status })
      .from(returnInterview)
      .innerJoin(child, eq(child.id, returnInterview.childId))
      .where(and(eq(returnInterview.id, id), childVisibleTo(ctx, child.id)));
    if (!row) throw new NotFoundError();
    if (row.status === 'held' || row.status === 'declined') {
      throw new ConflictError('This return interview is already finished', 'outcome');
    }
    return row;
  }
}
