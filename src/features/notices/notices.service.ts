import { and, asc, desc, eq, inArray, isNull, lt, or, type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { z } from 'zod';
import { childVisibleTo } from '../../platform/access/child-access';
import { requirePermission } from '../../platform/access/guard';
import { child } from '../../platform/access/tables';
import { findLocalAuthority } from '../../platform/agencies/reference-data';
import { agency } from '../../platform/agencies/tables';
import { recordAudit } from '../../platform/audit/audit';
import { appUser } from '../../platform/auth/tables';
import type { Context } from '../../platform/context';
import type { Tx } from '../../platform/db/client';
import { planForTheseValues, type WithTransaction } from '../../platform/db/transaction';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/http/errors';
import { decodeCursor, PAGE_SIZE, pageOf } from '../../platform/http/pagination';
import type { AlertsService } from '../alerts/alerts.service';
import * as children from '../children/children.repository';
import type { PlacementsService } from '../placements/placements.service';
import { attachmentType, MAX_ATTACHMENT_BYTES, safeFilename, type UploadedFile } from './attachments';
import {
  contribution,
  type ProposeDecision,
  prioritise,
  proposeDecision,
  type RaiseNotice,
  raiseNotice,
} from './schemas';
import {
  notice,
  noticeAttachment,
  noticeContribution,
  noticeDecision,
  type Priority,
  strategyDiscussion,
} from './tables';
import { deadlineHoursFor, outcomesFor } from './thresholds';

const HOUR = 3_600_000;

/** Which side of the joint assessment an agency is on. */
export type Side = 'police' | 'social_care';
const sideOf = (type: string): Side | null =>
  type === 'police_force' ? 'police' : type === 'local_authority' ? 'social_care' : null;

/** The MASH of an area: its local authority's children's services and the police force covering it. */
export async function mashAgencies(tx: Tx, areaCode: string) {
  const force = findLocalAuthority(areaCode)?.policeForceCode ?? null;
  return tx
    .select({ id: agency.id, type: agency.type })
    .from(agency)
    .where(
      and(
        isNull(agency.disabledAt),
        or(
          and(eq(agency.type, 'local_authority'), eq(agency.localAuthorityCode, areaCode)),
          force ? and(eq(agency.type, 'police_force'), eq(agency.policeForceCode, force)) : sql`false`,
        ),
      ),
    );
}

/**
 * Who may see a notice: the agency that raised it; the MASH of its area (the authority and the
 * police force covering it); and the placing authority of a child its agency may see.
 */
export function noticeVisibleTo(ctx: Context): SQL {
  if (!ctx.actor) return sql`false`;
  const me = ctx.actor.agencyId;
  return sql`(${notice.raisedByAgencyId} = ${me}
    or exists (select 1 from ${agency} a join local_authority la on la.code = ${notice.areaAuthorityCode}
      where a.id = ${me} and a.disabled_at is null
        and ((a.type = 'local_authority' and a.local_authority_code = la.code)
          or (a.type = 'police_force' and a.police_force_code = la.police_force_code)))
    or (${notice.childId} is not null and ${childVisibleTo(ctx, notice.childId)}
      and exists (select 1 from ${child} c join ${agency} a on a.id = ${me}
        where c.id = ${notice.childId} and a.type = 'local_authority'
          and a.local_authority_code = c.responsible_authority_code)))`;
}

/** Rows of the areas whose MASH the actor's agency belongs to: its authority, or every area its force covers. */
export function inMashAreaOf(ctx: Context, areaColumn: AnyPgColumn): SQL {
  if (!ctx.actor) return sql`false`;
  return sql`${areaColumn} in (select la.code from local_authority la join ${agency} a
    on (a.type = 'local_authority' and a.local_authority_code = la.code)
    or (a.type = 'police_force' and a.police_force_code = la.police_force_code)
    where a.id = ${ctx.actor.agencyId} and a.disabled_at is null)`;
}
const mashAreasOf = (ctx: Context) => inMashAreaOf(ctx, notice.areaAuthorityCode);

/**
 * Child concern notices and their joint assessment: raised by any agency, triaged by the MASH of
 * the child's area, decided once by police and social care together.
 */
export class NoticesService {
  constructor(
    private readonly withTransaction: WithTransaction,
    private readonly alerts: AlertsService,
    private readonly placements: PlacementsService,
  ) {}

  private async visibleNotice(tx: Tx, ctx: Context, id: string) {
    const [row] = await tx
      .select()
      .from(notice)
      .where(and(eq(notice.id, id), noticeVisibleTo(ctx)));
    if (!row) throw new NotFoundError();
    return row;
  }

  private async actorSide(tx: Tx, ctx: Context): Promise<Side | null> {
    if (!ctx.actor) return null;
    const [row] = await tx
      .select({ type: agency.type })
      .from(agency)
      .where(eq(agency.id, ctx.actor.agencyId));
    return row ? sideOf(row.type) : null;
  }

  /**
   * Raises a notice. It lands in the MASH queue of the child's area — where the child is placed,
   * else their responsible authority — or of the area the raiser chooses. The MASH agencies get
   * access to the child and an alert, in the same transaction.
   */
  async raise(ctx: Context, raw: RaiseNotice, files: UploadedFile[] = []): Promise<string> {
    requirePermission(ctx, 'notice:raise');
    const input = raiseNotice.parse(raw);
    for (const f of files) {
      if (f.bytes.length > MAX_ATTACHMENT_BYTES) {
        throw new ValidationError([{ field: 'attachment', message: 'The file must be 5 MB or smaller' }]);
      }
      if (!attachmentType(f.bytes)) {
        throw new ValidationError([
          { field: 'attachment', message: 'The file must be a PDF, a JPEG or PNG image, or plain text' },
        ]);
      }
    }
    return this.withTransaction((tx) => this.raiseIn(tx, ctx, input, files));
  }

  /**
   * Raises a checked notice in the caller's transaction: for another service whose own record is a
   * notice too (a children's home's concern). `alertMash: false` when the caller alerts already.
   */
  async raiseIn(
    tx: Tx,
    ctx: Context,
    input: z.output<typeof raiseNotice>,
    files: UploadedFile[] = [],
    options: { alertMash?: boolean } = {},
  ): Promise<string> {
    requirePermission(ctx, 'notice:raise');
    const now = ctx.clock.now();
    let area = input.areaAuthorityCode ?? null;
    if (input.childId) {
      const found = await children.findVisibleChild(tx, ctx, input.childId);
      if (!found) throw new NotFoundError();
      const placed = await this.placements.current(tx, input.childId);
      area ??= placed?.hostAuthorityCode ?? found.responsibleAuthorityCode ?? null;
    }
    if (!area) {
      const [mine] = await tx
        .select({ code: agency.localAuthorityCode })
        .from(agency)
        .where(eq(agency.id, ctx.actor.agencyId));
      area = mine?.code ?? null;
    }
    if (!area) {
      throw new ValidationError([
        { field: 'areaAuthorityCode', message: 'Select the area whose MASH should assess the notice' },
      ]);
    }
    const hours = await deadlineHoursFor(tx, area);
    const [row] = await tx
      .insert(notice)
      .values({
        childId: input.childId ?? null,
        unidentifiedDescription: input.childId ? null : (input.unidentifiedDescription ?? null),
        categories: input.categories,
        whatHappened: input.whatHappened,
        source: input.source,
        areaAuthorityCode: area,
        raisedByAgencyId: ctx.actor.agencyId,
        raisedByUserId: ctx.actor.userId,
        raisedAt: now,
        decisionDueAt: new Date(now.getTime() + hours.red * HOUR),
      })
      .returning({ id: notice.id });
    if (!row) throw new Error('notice insert returned nothing');
    for (const f of files) {
      await tx.insert(noticeAttachment).values({
        noticeId: row.id,
        filename: safeFilename(f.filename),
        contentType: attachmentType(f.bytes) ?? 'application/octet-stream',
        bytes: f.bytes,
        size: f.bytes.length,
        uploadedAt: now,
        uploadedByUserId: ctx.actor.userId,
      });
    }
    const mash = await mashAgencies(tx, area);
    if (input.childId) {
      for (const m of mash) {
        await children.grantAccess(tx, {
          childId: input.childId,
          agencyId: m.id,
          basis: 'notice',
          sourceId: row.id,
          validFrom: now,
        });
      }
    }
    const urgent = input.categories.some((c) => c === 'sexual_exploitation' || c === 'criminal_exploitation');
    if (options.alertMash !== false)
      await this.alerts.raise(tx, ctx, {
        kind: 'notice-raised',
        agencyIds: mash.map((m) => m.id).filter((id) => id !== ctx.actor.agencyId),
        childId: input.childId ?? null,
        subjectType: 'notice',
        subjectId: row.id,
        priority: urgent ? 'high' : 'normal',
        key: `notice-raised:${row.id}`,
      });
    await recordAudit(tx, ctx, {
      action: 'notice.raise',
      subjectType: 'notice',
      subjectId: row.id,
      childId: input.childId,
    });
    return row.id;
  }

  /** The MASH queue: notices of the actor's areas not yet decided, soonest deadline first. */
  /**
   * The MASH queue, a page at a time: undecided notices soonest due first, or decided ones most
   * recent first. `after` is the cursor of the page before.
   */
  async queue(ctx: Context, options: { decided?: boolean; after?: string } = {}) {
    requirePermission(ctx, 'notice:triage');
    const cursor = decodeCursor(options.after, 2);
    const key = options.decided ? notice.decidedAt : notice.decisionDueAt;
    const from = cursor
      ? options.decided
        ? sql`(${key}, ${notice.id}) < (${String(cursor[0])}::timestamptz, ${String(cursor[1])}::uuid)`
        : sql`(${key}, ${notice.id}) > (${String(cursor[0])}::timestamptz, ${String(cursor[1])}::uuid)`
      : undefined;
    return this.withTransaction(async (tx) => {
      await planForTheseValues(tx);
      const rows = await tx
        .select({
          notice,
          child: { id: child.id, givenName: child.givenName, familyName: child.familyName },
          childVisible: notice.childId
            ? sql<boolean>`coalesce(${childVisibleTo(ctx, notice.childId)}, false)`
            : sql<boolean>`false`,
          raisedBy: agency.name,
        })
        .from(notice)
        .leftJoin(child, eq(child.id, notice.childId))
        .innerJoin(agency, eq(agency.id, notice.raisedByAgencyId))
        .where(
          and(
            mashAreasOf(ctx),
            options.decided ? sql`${notice.decidedAt} is not null` : isNull(notice.decidedAt),
            from,
          ),
        )
        .orderBy(
          ...(options.decided
            ? [desc(notice.decidedAt), desc(notice.id)]
            : [asc(notice.decisionDueAt), asc(notice.id)]),
        )
        .limit(PAGE_SIZE + 1);
      await recordAudit(tx, ctx, { action: 'notice.queue', subjectType: 'notice' });
      return pageOf(
        rows.map((r) => ({ ...r, child: r.childVisible ? r.child : null })),
        PAGE_SIZE,
        (r) => [
          (options.decided ? r.notice.decidedAt : r.notice.decisionDueAt)?.toISOString() ?? null,
          r.notice.id,
        ],
      );
    });
  }

  /** Every notice about the child that the actor may see, for the chronology, with its final decision. */
  async forChild(ctx: Context, childId: string) {
    requirePermission(ctx, 'child:view');
    return this.withTransaction((tx) =>
      tx
        .select({
          id: notice.id,
          categories: notice.categories,
          raisedAt: notice.raisedAt,
          raisedBy: agency.name,
          decidedAt: notice.decidedAt,
          outcome: noticeDecision.outcomeLabel,
        })
        .from(notice)
        .innerJoin(agency, eq(agency.id, notice.raisedByAgencyId))
        .leftJoin(
          noticeDecision,
          and(
            eq(noticeDecision.noticeId, notice.id),
            isNull(noticeDecision.supersededAt),
            sql`${noticeDecision.finalAt} is not null`,
          ),
        )
        .where(and(eq(notice.childId, childId), noticeVisibleTo(ctx)))
        .orderBy(desc(notice.raisedAt)),
    );
  }

  /** The child's notices not yet decided that the actor may see, for the risk panel. */
  async openForChild(ctx: Context, childId: string) {
    requirePermission(ctx, 'child:view');
    return this.withTransaction((tx) =>
      tx
        .select({ id: notice.id, categories: notice.categories, raisedAt: notice.raisedAt })
        .from(notice)
        .where(and(eq(notice.childId, childId), isNull(notice.decidedAt), noticeVisibleTo(ctx)))
        .orderBy(desc(notice.raisedAt)),
    );
  }

  /** One notice with everything the MASH has added; every read is audited. */
  async get(ctx: Context, id: string) {
    requirePermission(ctx, 'child:view');
    return this.withTransaction(async (tx) => {
      const n = await this.visibleNotice(tx, ctx, id);
      const about = n.childId ? await children.findVisibleChild(tx, ctx, n.childId) : null;
      const [raisedBy] = await tx
        .select({ name: agency.name })
        .from(agency)
        .where(eq(agency.id, n.raisedByAgencyId));
      const attachments = await tx
        .select({
          id: noticeAttachment.id,
          filename: noticeAttachment.filename,
          contentType: noticeAttachment.contentType,
          size: noticeAttachment.size,
        })
        .from(noticeAttachment)
        .where(eq(noticeAttachment.noticeId, id))
        .orderBy(asc(noticeAttachment.uploadedAt));
      const contributions = await tx
        .select({
          id: noticeContribution.id,
          information: noticeContribution.information,
          createdAt: noticeContribution.createdAt,
          agencyName: agency.name,
          agencyType: agency.type,
          userName: appUser.name,
        })
        .from(noticeContribution)
        .innerJoin(agency, eq(agency.id, noticeContribution.agencyId))
        .leftJoin(appUser, eq(appUser.id, noticeContribution.userId))
        .where(eq(noticeContribution.noticeId, id))
        .orderBy(asc(noticeContribution.createdAt));
      const decisions = await tx
        .select()
        .from(noticeDecision)
        .where(eq(noticeDecision.noticeId, id))
        .orderBy(desc(noticeDecision.proposedAt));
      const people = await this.namesOf(
        tx,
        decisions.flatMap((d) => [
          d.proposedByUserId,
          d.policeConfirmedByUserId,
          d.socialCareConfirmedByUserId,
        ]),
      );
      const discussions = await tx
        .select()
        .from(strategyDiscussion)
        .where(eq(strategyDiscussion.noticeId, id))
        .orderBy(asc(strategyDiscussion.scheduledFor));
      const outcomes = await outcomesFor(tx, n.areaAuthorityCode);
      const side = await this.actorSide(tx, ctx);
      await recordAudit(tx, ctx, {
        action: 'notice.view',
        subjectType: 'notice',
        subjectId: id,
        childId: n.childId ?? undefined,
      });
      return {
        notice: n,
        child: about,
        raisedBy: raisedBy?.name ?? '',
        attachments,
        contributions,
        decisions: decisions.map((d) => ({
          ...d,
          proposedBy: people.get(d.proposedByUserId) ?? '',
          policeConfirmedBy: d.policeConfirmedByUserId ? (people.get(d.policeConfirmedByUserId) ?? '') : null,
          socialCareConfirmedBy: d.socialCareConfirmedByUserId
            ? (people.get(d.socialCareConfirmedByUserId) ?? '')
            : null,
        })),
        discussions,
        outcomes,
        side,
      };
    });
  }

  private async namesOf(tx: Tx, ids: (string | null)[]) {
    const wanted = [...new Set(ids.filter((i): i is string => Boolean(i)))];
    if (wanted.length === 0) return new Map<string, string>();
    const rows = await tx
      .select({ id: appUser.id, name: appUser.name })
      .from(appUser)
      .where(inArray(appUser.id, wanted));
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  /** Sets the priority, which sets the deadline for the decision from when the notice arrived. */
  async prioritise(ctx: Context, id: string, raw: { priority: Priority }): Promise<void> {
    requirePermission(ctx, 'notice:triage');
    await this.withTransaction(async (tx) => {
      // The access check comes first, so a notice of another MASH answers as a missing one.
      const n = await this.mashNotice(tx, ctx, id);
      const { priority } = prioritise.parse(raw);
      if (n.decidedAt) throw new ConflictError('The notice has been decided', 'priority');
      const hours = await deadlineHoursFor(tx, n.areaAuthorityCode);
      await tx
        .update(notice)
        .set({ priority, decisionDueAt: new Date(n.raisedAt.getTime() + hours[priority] * HOUR) })
        .where(eq(notice.id, id));
      await recordAudit(tx, ctx, {
        action: 'notice.prioritise',
        subjectType: 'notice',
        subjectId: id,
        childId: n.childId ?? undefined,
      });
    });
  }

  /** A notice in the queue of the actor's MASH: only the MASH triages. */
  private async mashNotice(tx: Tx, ctx: Context, id: string) {
    const [row] = await tx
      .select()
      .from(notice)
      .where(and(eq(notice.id, id), mashAreasOf(ctx)));
    if (!row) throw new NotFoundError();
    return row;
  }

  /** Adds what the actor's agency knows. */
  async contribute(ctx: Context, id: string, raw: { information: string }): Promise<void> {
    requirePermission(ctx, 'notice:triage');
    await this.withTransaction(async (tx) => {
      const n = await this.mashNotice(tx, ctx, id);
      const { information } = contribution.parse(raw);
      const [row] = await tx
        .insert(noticeContribution)
        .values({
          noticeId: id,
          agencyId: ctx.actor.agencyId,
          userId: ctx.actor.userId,
          information,
          createdAt: ctx.clock.now(),
        })
        .returning({ id: noticeContribution.id });
      await recordAudit(tx, ctx, {
        action: 'notice.contribute',
        subjectType: 'notice_contribution',
        subjectId: row?.id,
        childId: n.childId ?? undefined,
      });
    });
  }

  /**
   * Proposes the joint decision. The proposer's confirmation counts for their agency; the other
   * agency is asked to confirm. A proposal not yet final is replaced by a new one.
   */
  async propose(ctx: Context, id: string, raw: ProposeDecision): Promise<string> {
    requirePermission(ctx, 'notice:triage');
    return this.withTransaction(async (tx) => {
      const n = await this.mashNotice(tx, ctx, id);
      const input = proposeDecision.parse(raw);
      if (n.decidedAt) throw new ConflictError('The notice has already been decided', 'outcomeCode');
      const side = await this.actorSide(tx, ctx);
      if (!side) throw new NotFoundError();
      const outcome = (await outcomesFor(tx, n.areaAuthorityCode)).find((o) => o.code === input.outcomeCode);
      if (!outcome) {
        throw new ValidationError([
          { field: 'outcomeCode', message: 'Select a decision from the threshold table' },
        ]);
      }
      const now = ctx.clock.now();
      await tx
        .update(noticeDecision)
        .set({ supersededAt: now })
        .where(and(eq(noticeDecision.noticeId, id), isNull(noticeDecision.supersededAt)));
      const [row] = await tx
        .insert(noticeDecision)
        .values({
          noticeId: id,
          outcomeCode: outcome.code,
          outcomeLabel: outcome.label,
          strategyDiscussion: outcome.strategyDiscussion ? 'yes' : 'no',
          rationale: input.rationale,
          proposedByUserId: ctx.actor.userId,
          proposedAt: now,
          ...(side === 'police'
            ? { policeConfirmedByUserId: ctx.actor.userId, policeConfirmedAt: now }
            : { socialCareConfirmedByUserId: ctx.actor.userId, socialCareConfirmedAt: now }),
        })
        .returning({ id: noticeDecision.id });
      if (!row) throw new Error('decision insert returned nothing');
      const others = (await mashAgencies(tx, n.areaAuthorityCode)).filter((m) => sideOf(m.type) !== side);
      await this.alerts.raise(tx, ctx, {
        kind: 'decision-to-confirm',
        agencyIds: others.map((o) => o.id),
        childId: n.childId,
        subjectType: 'notice',
        subjectId: id,
        key: `decision-to-confirm:${row.id}`,
      });
      await recordAudit(tx, ctx, {
        action: 'notice.decision.propose',
        subjectType: 'notice_decision',
        subjectId: row.id,
        childId: n.childId ?? undefined,
      });
      return row.id;
    });
  }

  /**
   * Confirms the live proposal for the actor's agency. When police and social care have both
   * confirmed, the decision is final and the notice leaves the queue.
   */
  async confirm(ctx: Context, id: string): Promise<{ final: boolean }> {
    requirePermission(ctx, 'notice:triage');
    return this.withTransaction(async (tx) => {
      const n = await this.mashNotice(tx, ctx, id);
      const side = await this.actorSide(tx, ctx);
      if (!side) throw new NotFoundError();
      const [d] = await tx
        .select()
        .from(noticeDecision)
        .where(and(eq(noticeDecision.noticeId, id), isNull(noticeDecision.supersededAt)));
      if (!d) throw new ConflictError('There is no proposed decision to confirm', 'confirm');
      if (d.finalAt) throw new ConflictError('The decision is already final', 'confirm');
      const already = side === 'police' ? d.policeConfirmedAt : d.socialCareConfirmedAt;
      if (already) {
        throw new ConflictError(
          side === 'police'
            ? 'The police have already confirmed: a social care practitioner must confirm the decision'
            : 'Social care has already confirmed: a police officer must confirm the decision',
          'confirm',
        );
      }
      const now = ctx.clock.now();
      await tx
        .update(noticeDecision)
        .set({
          ...(side === 'police'
            ? { policeConfirmedByUserId: ctx.actor.userId, policeConfirmedAt: now }
            : { socialCareConfirmedByUserId: ctx.actor.userId, socialCareConfirmedAt: now }),
          finalAt: now,
        })
        .where(eq(noticeDecision.id, d.id));
      await tx.update(notice).set({ decidedAt: now }).where(eq(notice.id, id));
      await recordAudit(tx, ctx, {
        action: 'notice.decision.confirm',
        subjectType: 'notice_decision',
        subjectId: d.id,
        childId: n.childId ?? undefined,
      });
      return { final: true };
    });
  }

  /** A file sent with a notice, for someone who may see the notice. */
  async attachment(ctx: Context, noticeId: string, attachmentId: string) {
    requirePermission(ctx, 'child:view');
    return this.withTransaction(async (tx) => {
      const n = await this.visibleNotice(tx, ctx, noticeId);
      const [row] = await tx
        .select()
        .from(noticeAttachment)
        .where(and(eq(noticeAttachment.id, attachmentId), eq(noticeAttachment.noticeId, noticeId)));
      if (!row) throw new NotFoundError();
      await recordAudit(tx, ctx, {
        action: 'notice.attachment.view',
        subjectType: 'notice_attachment',
        subjectId: attachmentId,
        childId: n.childId ?? undefined,
      });
      return row;
    });
  }

  /**
   * Escalates every notice past its decision deadline, once: a high-priority alert to both MASH
   * agencies. Safe to run twice; the second run finds nothing to do.
   */
  async escalateOverdue(ctx: Context): Promise<number> {
    const now = ctx.clock.now();
    return this.withTransaction(async (tx) => {
      const overdue = await tx
        .update(notice)
        .set({ escalatedAt: now })
        .where(and(isNull(notice.decidedAt), isNull(notice.escalatedAt), lt(notice.decisionDueAt, now)))
        .returning({ id: notice.id, childId: notice.childId, area: notice.areaAuthorityCode });
      for (const n of overdue) {
        const mash = await mashAgencies(tx, n.area);
        await this.alerts.raise(tx, ctx, {
          kind: 'notice-overdue',
          agencyIds: mash.map((m) => m.id),
          childId: n.childId,
          subjectType: 'notice',
          subjectId: n.id,
          priority: 'high',
          key: `notice-overdue:${n.id}`,
        });
        await recordAudit(tx, ctx, {
          action: 'notice.escalate',
          subjectType: 'notice',
          subjectId: n.id,
          childId: n.childId ?? undefined,
        });
      }
      return overdue.length;
    });
  }
}
