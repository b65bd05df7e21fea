import { and, asc, eq, inArray, isNull, ne } from 'drizzle-orm';
import { requirePermission } from '../../platform/access/guard';
import { agency } from '../../platform/agencies/tables';
import { recordAudit } from '../../platform/audit/audit';
import type { Context } from '../../platform/context';
import type { Tx } from '../../platform/db/client';
import type { WithTransaction } from '../../platform/db/transaction';
import { type DraftsService, draftKey } from '../../platform/drafts/drafts.service';
import type { DraftFields } from '../../platform/drafts/tables';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/http/errors';
import * as children from '../children/children.repository';
import { inMashAreaOf, noticeVisibleTo } from './notices.service';
import {
  type NewAction,
  newAction,
  type RecordDiscussion,
  recordDiscussion,
  type ScheduleDiscussion,
  scheduleDiscussion,
} from './schemas';
import { notice, noticeDecision, strategyAction, strategyDiscussion, strategyInvitee } from './tables';

/**
 * Strategy discussions decided on a notice: scheduled with invitees from several agencies, then
 * recorded with attendance, the information shared, decisions and actions with owners.
 */
export class StrategyDiscussionsService {
  constructor(
    private readonly withTransaction: WithTransaction,
    private readonly drafts: DraftsService,
  ) {}

  /** The notice, if it is for the actor's MASH to assess, and its final decision. */
  private async decidedNotice(tx: Tx, ctx: Context, noticeId: string) {
    const [row] = await tx
      .select({ notice, decision: noticeDecision })
      .from(notice)
      .leftJoin(
        noticeDecision,
        and(eq(noticeDecision.noticeId, notice.id), isNull(noticeDecision.supersededAt)),
      )
      .where(and(eq(notice.id, noticeId), noticeVisibleTo(ctx), inMashAreaOf(ctx, notice.areaAuthorityCode)));
    if (!row) throw new NotFoundError();
    return row;
  }

  /** Refuses, as not found, a discussion the actor may not record: checked before the form is read. */
  async mayRecord(ctx: Context, id: string): Promise<void> {
    requirePermission(ctx, 'notice:triage');
    await this.withTransaction(async (tx) => {
      const { mayRecord } = await this.visibleDiscussion(tx, ctx, id);
      if (!mayRecord) throw new NotFoundError();
    });
  }

  /** Refuses, as not found, a notice that is not for the actor's MASH: only the MASH schedules its discussions. */
  async mayTriage(ctx: Context, noticeId: string): Promise<void> {
    requirePermission(ctx, 'notice:triage');
    await this.withTransaction((tx) => this.decidedNotice(tx, ctx, noticeId));
  }

  /** A discussion the actor may see: through its notice, or because their agency is invited. */
  private async visibleDiscussion(tx: Tx, ctx: Context, id: string) {
    if (!ctx.actor) throw new NotFoundError();
    const [row] = await tx.select().from(strategyDiscussion).where(eq(strategyDiscussion.id, id));
    if (!row) throw new NotFoundError();
    const [viaNotice] = await tx
      .select({ id: notice.id, childId: notice.childId, inMash: inMashAreaOf(ctx, notice.areaAuthorityCode) })
      .from(notice)
      .where(and(eq(notice.id, row.noticeId), noticeVisibleTo(ctx)));
    const [invited] = await tx
      .select({ agencyId: strategyInvitee.agencyId })
      .from(strategyInvitee)
      .where(and(eq(strategyInvitee.discussionId, id), eq(strategyInvitee.agencyId, ctx.actor.agencyId)));
    if (!viaNotice && !invited) throw new NotFoundError();
    const [n] = await tx.select().from(notice).where(eq(notice.id, row.noticeId));
    if (!n) throw new NotFoundError();
    // Those who follow the notice may read the discussion; only the MASH of its area records it.
    return { discussion: row, notice: n, mayRecord: Boolean(viaNotice?.inMash) };
  }

  /** Schedules the discussion a final decision called for, inviting several agencies. */
  async schedule(ctx: Context, noticeId: string, raw: ScheduleDiscussion): Promise<string> {
    requirePermission(ctx, 'notice:triage');
    const input = scheduleDiscussion.parse(raw);
    return this.withTransaction(async (tx) => {
      const { notice: n, decision } = await this.decidedNotice(tx, ctx, noticeId);
      if (!decision?.finalAt || decision.strategyDiscussion !== 'yes') {
        throw new ConflictError(
          'Only a final decision for a strategy discussion can schedule one',
          'scheduledFor',
        );
      }
      const invited = await tx
        .select({ id: agency.id })
        .from(agency)
        .where(and(inArray(agency.id, input.inviteeAgencyIds), isNull(agency.disabledAt)));
      if (invited.length !== new Set(input.inviteeAgencyIds).size) {
        throw new ValidationError([{ field: 'inviteeAgencyIds', message: 'Select agencies from the list' }]);
      }
      const now = ctx.clock.now();
      const [row] = await tx
        .insert(strategyDiscussion)
        .values({
          noticeId,
          scheduledFor: input.scheduledFor,
          venue: input.venue,
          scheduledByUserId: ctx.actor.userId,
          createdAt: now,
        })
        .returning({ id: strategyDiscussion.id });
      if (!row) throw new Error('strategy discussion insert returned nothing');
      await tx.insert(strategyInvitee).values(invited.map((a) => ({ discussionId: row.id, agencyId: a.id })));
      // The invited agencies see the child for the discussion's purpose.
      if (n.childId) {
        for (const a of invited) {
          await children.grantAccess(tx, {
            childId: n.childId,
            agencyId: a.id,
            basis: 'case_team',
            sourceId: row.id,
            validFrom: now,
          });
        }
      }
      await recordAudit(tx, ctx, {
        action: 'strategy-discussion.schedule',
        subjectType: 'strategy_discussion',
        subjectId: row.id,
        childId: n.childId ?? undefined,
      });
      return row.id;
    });
  }

  /** Agencies that can be invited to a discussion or own an action: every active agency but report-only ones. */
  async agencyChoices(ctx: Context) {
    requirePermission(ctx, 'notice:triage');
    return this.withTransaction((tx) =>
      tx
        .select({ id: agency.id, name: agency.name })
        .from(agency)
        .where(and(isNull(agency.disabledAt), ne(agency.type, 'report_only')))
        .orderBy(asc(agency.name)),
    );
  }

  async get(ctx: Context, id: string) {
    requirePermission(ctx, 'child:view');
    return this.withTransaction(async (tx) => {
      const found = await this.visibleDiscussion(tx, ctx, id);
      const invitees = await tx
        .select({
          agencyId: strategyInvitee.agencyId,
          name: agency.name,
          attended: strategyInvitee.attended,
        })
        .from(strategyInvitee)
        .innerJoin(agency, eq(agency.id, strategyInvitee.agencyId))
        .where(eq(strategyInvitee.discussionId, id))
        .orderBy(asc(agency.name));
      const actions = await tx
        .select({ action: strategyAction, ownerAgency: agency.name })
        .from(strategyAction)
        .innerJoin(agency, eq(agency.id, strategyAction.ownerAgencyId))
        .where(eq(strategyAction.discussionId, id))
        .orderBy(asc(strategyAction.dueOn), asc(strategyAction.createdAt));
      await recordAudit(tx, ctx, {
        action: 'strategy-discussion.view',
        subjectType: 'strategy_discussion',
        subjectId: id,
        childId: found.notice.childId ?? undefined,
      });
      return { ...found, invitees, actions };
    });
  }

  /** Records that the discussion was held: who attended, what was shared and what was decided. */
  async recordHeld(ctx: Context, id: string, raw: RecordDiscussion): Promise<void> {
    requirePermission(ctx, 'notice:triage');
    const input = recordDiscussion.parse(raw);
    await this.withTransaction(async (tx) => {
      const { discussion, notice: n, mayRecord } = await this.visibleDiscussion(tx, ctx, id);
      if (!mayRecord) throw new NotFoundError();
      if (discussion.heldAt) throw new ConflictError('The discussion has already been recorded', 'heldAt');
      if (input.heldAt > ctx.clock.now()) {
        throw new ValidationError([{ field: 'heldAt', message: 'When it was held must be in the past' }]);
      }
      const invitees = await tx
        .select({ agencyId: strategyInvitee.agencyId })
        .from(strategyInvitee)
        .where(eq(strategyInvitee.discussionId, id));
      const invited = new Set(invitees.map((i) => i.agencyId));
      if (input.attendedAgencyIds.some((a) => !invited.has(a))) {
        throw new ValidationError([
          { field: 'attendedAgencyIds', message: 'Select only agencies that were invited' },
        ]);
      }
      await tx
        .update(strategyDiscussion)
        .set({
          heldAt: input.heldAt,
          informationShared: input.informationShared,
          decisions: input.decisions,
          recordedByUserId: ctx.actor.userId,
        })
        .where(eq(strategyDiscussion.id, id));
      for (const agencyId of invited) {
        await tx
          .update(strategyInvitee)
          .set({ attended: input.attendedAgencyIds.includes(agencyId) ? 'yes' : 'no' })
          .where(and(eq(strategyInvitee.discussionId, id), eq(strategyInvitee.agencyId, agencyId)));
      }
      // The minutes are recorded once: every draft of them is done with.
      await this.drafts.clear(tx, ctx, draftKey('strategy-discussion', id), 'everyone');
      await recordAudit(tx, ctx, {
        action: 'strategy-discussion.record',
        subjectType: 'strategy_discussion',
        subjectId: id,
        childId: n.childId ?? undefined,
      });
    });
  }

  /** Saves the actor's draft of the minutes, with the same checks as recording them. */
  async saveDraft(ctx: Context, id: string, fields: DraftFields) {
    requirePermission(ctx, 'notice:triage');
    return this.withTransaction(async (tx) => {
      const { notice: n } = await this.recordable(tx, ctx, id);
      return this.drafts.save(tx, ctx, draftKey('strategy-discussion', id), fields, n.childId ?? undefined);
    });
  }

  async discardDraft(ctx: Context, id: string): Promise<void> {
    requirePermission(ctx, 'notice:triage');
    await this.withTransaction(async (tx) => {
      const { notice: n } = await this.recordable(tx, ctx, id);
      await this.drafts.discard(tx, ctx, draftKey('strategy-discussion', id), n.childId ?? undefined);
    });
  }

  /** A discussion whose minutes the actor may record and that is not yet recorded. */
  private async recordable(tx: Tx, ctx: Context, id: string) {
    const found = await this.visibleDiscussion(tx, ctx, id);
    if (!found.mayRecord) throw new NotFoundError();
    if (found.discussion.heldAt)
      throw new ConflictError('The discussion has already been recorded', 'heldAt');
    return found;
  }

  /** Adds an action agreed at the discussion, owned by a named person in one agency. */
  async addAction(ctx: Context, id: string, raw: NewAction): Promise<string> {
    requirePermission(ctx, 'notice:triage');
    const input = newAction.parse(raw);
    return this.withTransaction(async (tx) => {
      const { notice: n, mayRecord } = await this.visibleDiscussion(tx, ctx, id);
      if (!mayRecord) throw new NotFoundError();
      const [owner] = await tx
        .select({ id: agency.id })
        .from(strategyInvitee)
        .innerJoin(agency, eq(agency.id, strategyInvitee.agencyId))
        .where(and(eq(strategyInvitee.discussionId, id), eq(strategyInvitee.agencyId, input.ownerAgencyId)));
      if (!owner) {
        throw new ValidationError([
          { field: 'ownerAgencyId', message: 'Select one of the agencies invited to the discussion' },
        ]);
      }
      const [row] = await tx
        .insert(strategyAction)
        .values({
          discussionId: id,
          description: input.description,
          ownerAgencyId: input.ownerAgencyId,
          ownerName: input.ownerName,
          dueOn: input.dueOn,
          createdAt: ctx.clock.now(),
        })
        .returning({ id: strategyAction.id });
      if (!row) throw new Error('action insert returned nothing');
      await recordAudit(tx, ctx, {
        action: 'strategy-action.add',
        subjectType: 'strategy_action',
        subjectId: row.id,
        childId: n.childId ?? undefined,
      });
      return row.id;
    });
  }

  /** Marks an action done. */
  async completeAction(ctx: Context, id: string, actionId: string): Promise<void> {
    requirePermission(ctx, 'notice:triage');
    await this.withTransaction(async (tx) => {
      const { notice: n, mayRecord } = await this.visibleDiscussion(tx, ctx, id);
      if (!mayRecord) throw new NotFoundError();
      const done = await tx
        .update(strategyAction)
        .set({ doneAt: ctx.clock.now() })
        .where(
          and(
            eq(strategyAction.id, actionId),
            eq(strategyAction.discussionId, id),
            isNull(strategyAction.doneAt),
          ),
        )
        .returning({ id: strategyAction.id });
      if (done.length === 0) throw new NotFoundError();
      await recordAudit(tx, ctx, {
        action: 'strategy-action.complete',
        subjectType: 'strategy_action',
        subjectId: actionId,
        childId: n.childId ?? undefined,
      });
    });
  }
}
