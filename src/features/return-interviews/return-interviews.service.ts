import { and, asc, eq, inArray, or } from 'drizzle-orm';
import { childVisibleTo } from '../../platform/access/child-access';
import { requirePermission } from '../../platform/access/guard';
import { child } from '../../platform/access/tables';
import { recordAudit } from '../../platform/audit/audit';
import type { Context } from '../../platform/context';
import type { WithTransaction } from '../../platform/db/transaction';
import { ConflictError, NotFoundError } from '../../platform/http/errors';
import { episode, returnInterview } from '../episodes/tables';
import type { RecordInterview } from './schemas';

export class ReturnInterviewsService {
  constructor(private readonly withTransaction: WithTransaction) {}

  /** The actor's agency's open interviews, soonest due first, so overdue ones lead. */
  async queue(ctx: Context) {
    requirePermission(ctx, 'return-interview:record');
    const agencyId = ctx.actor.agencyId;
    return this.withTransaction(async (tx) => {
      const rows = await tx
        .select({ interview: returnInterview, child, episodeKind: episode.kind, endedAt: episode.endedAt })
        .from(returnInterview)
        .innerJoin(child, eq(child.id, returnInterview.childId))
        .innerJoin(episode, eq(episode.id, returnInterview.episodeId))
        .where(
          and(
            or(eq(returnInterview.assignedAgencyId, agencyId), eq(returnInterview.ownerAgencyId, agencyId)),
            inArray(returnInterview.status, ['due', 'offered', 'accepted']),
            childVisibleTo(ctx, child.id),
          ),
        )
        .orderBy(asc(returnInterview.dueAt))
        .limit(200);
      await recordAudit(tx, ctx, { action: 'return-interview.queue', subjectType: 'return_interview' });
      return rows;
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

  /** Records an offer, a refusal or the interview itself. A held or declined interview is final. */
  async record(ctx: Context, id: string, input: RecordInterview): Promise<void> {
    const current = await this.get(ctx, id);
    if (current.interview.status === 'held' || current.interview.status === 'declined') {
      throw new ConflictError('This return interview is already finished', 'outcome');
    }
    await this.withTransaction(async (tx) => {
      const values =
        input.outcome === 'offered'
          ? { status: 'offered' as const, offeredAt: input.offeredAt, offeredBy: input.offeredBy }
          : input.outcome === 'declined'
            ? { status: 'declined' as const, declinedReason: input.declinedReason }
            : {
                status: 'held' as const,
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
      await tx.update(returnInterview).set(values).where(eq(returnInterview.id, id));
      await recordAudit(tx, ctx, {
        action: `return-interview.${input.outcome}`,
        subjectType: 'return_interview',
        subjectId: id,
        childId: current.child.id,
      });
    });
  }
}
