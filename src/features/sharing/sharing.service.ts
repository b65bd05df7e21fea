import { and, asc, desc, eq, gt, isNull, lte, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { requirePermission } from '../../platform/access/guard';
import { child, childAccess } from '../../platform/access/tables';
import { agency } from '../../platform/agencies/tables';
import { recordAudit } from '../../platform/audit/audit';
import { appUser } from '../../platform/auth/tables';
import type { Context } from '../../platform/context';
import type { Tx } from '../../platform/db/client';
import type { WithTransaction } from '../../platform/db/transaction';
import { NotFoundError, ValidationError } from '../../platform/http/errors';
import { londonDate } from '../../platform/http/london-time';
import { decodeCursor, PAGE_SIZE, pageOf } from '../../platform/http/pagination';
import type { AlertsService } from '../alerts/alerts.service';
import * as children from '../children/children.repository';
import { breakGlass, childShare, lawfulBases } from './tables';

const HOUR = 3_600_000;
/** How long break-glass access lasts. */
export const BREAK_GLASS_HOURS = 4;
/** The longest a share may run before it must be made again. */
export const MAX_SHARE_DAYS = 90;

export const newShare = z.object({
  agencyId: z.uuid({ error: 'Select the agency to share with' }),
  lawfulBasis: z.enum(Object.keys(lawfulBases) as [keyof typeof lawfulBases], {
    error: 'Select the lawful basis for sharing',
  }),
  reason: z.string({ error: 'Say why' }).trim().min(1, 'Say why the record is shared').max(2000),
  approvedBy: z
    .string({ error: 'Enter who approved the share' })
    .trim()
    .min(1, 'Enter who approved the share, with their role')
    .max(200),
  until: z.iso.date({ error: 'Enter the date the share ends' }),
});
export type NewShare = z.input<typeof newShare>;

export const breakGlassRequest = z
  .object({
    identifier: z.string().trim().max(40).optional(),
    givenName: z.string().trim().max(100).optional(),
    familyName: z.string().trim().max(100).optional(),
    dateOfBirth: z.iso.date().optional(),
    reason: z
      .string({ error: 'Say why you need to see this child now' })
      .trim()
      .min(10, 'Say why you need to see this child now, in a sentence')
      .max(2000),
  })
  .superRefine((v, ctx) => {
    const byName = v.givenName && v.familyName && v.dateOfBirth;
    if (!v.identifier && !byName) {
      ctx.addIssue({
        code: 'custom',
        path: ['identifier'],
        message: 'Enter an identifier, or the child’s full name and date of birth',
      });
    }
  });
export type BreakGlassRequest = z.input<typeof breakGlassRequest>;

const basisNames: Record<string, string> = {
  creator: 'Recorded the child',
  placing_authority: 'Placing authority',
  host_authority: 'Authority where the child is placed',
  home: 'The children’s home',
  host_force: 'Police force where the child is placed',
  episode_force: 'Police force where the child went missing',
  case_team: 'Case team or strategy discussion',
  notice: 'MASH assessing a concern notice',
  share: 'Shared',
  subgroup: 'Subgroup member, for a meeting',
  break_glass: 'Break-glass',
};

/**
 * Who may see a child beyond the usual bases: explicit time-limited shares with another agency, and
 * break-glass for one person in an emergency. Both are `child_access` rows, so every list and
 * record check already honours them, and both end on time without a job.
 */
export class SharingService {
  constructor(
    private readonly withTransaction: WithTransaction,
    private readonly alerts: AlertsService,
  ) {}

  private async visibleChild(tx: Tx, ctx: Context, childId: string) {
    const found = await children.findVisibleChild(tx, ctx, childId);
    if (!found) throw new NotFoundError();
    return found;
  }

  async share(ctx: Context, childId: string, raw: NewShare): Promise<string> {
    requirePermission(ctx, 'child:share');
    const input = newShare.parse(raw);
    const now = ctx.clock.now();
    const today = londonDate(now);
    const latest = londonDate(new Date(now.getTime() + MAX_SHARE_DAYS * 24 * HOUR));
    if (input.until <= today || input.until > latest) {
      throw new ValidationError([
        { field: 'until', message: `The share must end after today and within ${MAX_SHARE_DAYS} days` },
      ]);
    }
    return this.withTransaction(async (tx) => {
      await this.visibleChild(tx, ctx, childId);
      const [target] = await tx
        .select({ id: agency.id })
        .from(agency)
        .where(and(eq(agency.id, input.agencyId), isNull(agency.disabledAt)));
      if (!target || target.id === ctx.actor.agencyId) {
        throw new ValidationError([{ field: 'agencyId', message: 'Select another agency from the list' }]);
      }
      // The share runs to the end of its last day, London time.
      const validTo = new Date(`${input.until}T23:59:59Z`);
      const [row] = await tx
        .insert(childShare)
        .values({
          childId,
          agencyId: target.id,
          lawfulBasis: input.lawfulBasis,
          reason: input.reason,
          approvedBy: input.approvedBy,
          sharedByUserId: ctx.actor.userId,
          sharedByAgencyId: ctx.actor.agencyId,
          createdAt: now,
          validTo,
        })
        .returning({ id: childShare.id });
      if (!row) throw new Error('share insert returned nothing');
      await children.grantAccess(tx, {
        childId,
        agencyId: target.id,
        basis: 'share',
        sourceId: row.id,
        validFrom: now,
        validTo,
      });
      await this.alerts.raise(tx, ctx, {
        kind: 'child-shared',
        agencyIds: [target.id],
        childId,
        subjectType: 'share',
        subjectId: row.id,
        key: `child-shared:${row.id}`,
      });
      await recordAudit(tx, ctx, {
        action: 'child.share',
        subjectType: 'child_share',
        subjectId: row.id,
        childId,
        reason: input.reason,
      });
      return row.id;
    });
  }

  /** Agencies a record may be shared with: every active one but report-only organisations and the actor's own. */
  async agencyChoices(ctx: Context) {
    requirePermission(ctx, 'child:share');
    return this.withTransaction((tx) =>
      tx
        .select({ id: agency.id, name: agency.name })
        .from(agency)
        .where(
          and(
            isNull(agency.disabledAt),
            sql`${agency.type} <> 'report_only'`,
            sql`${agency.id} <> ${ctx.actor.agencyId}`,
          ),
        )
        .orderBy(asc(agency.name)),
    );
  }

  /** Ends a share early; the agency loses access at once. */
  async endShare(ctx: Context, childId: string, shareId: string): Promise<void> {
    requirePermission(ctx, 'child:share');
    await this.withTransaction(async (tx) => {
      await this.visibleChild(tx, ctx, childId);
      const now = ctx.clock.now();
      const ended = await tx
        .update(childShare)
        .set({ endedAt: now })
        .where(
          and(
            eq(childShare.id, shareId),
            eq(childShare.childId, childId),
            isNull(childShare.endedAt),
            gt(childShare.validTo, now),
          ),
        )
        .returning({ id: childShare.id });
      if (ended.length === 0) throw new NotFoundError();
      await tx
        .update(childAccess)
        .set({ validTo: now })
        .where(and(eq(childAccess.basis, 'share'), eq(childAccess.sourceId, shareId)));
      await recordAudit(tx, ctx, {
        action: 'child.share.end',
        subjectType: 'child_share',
        subjectId: shareId,
        childId,
      });
    });
  }

  /** "Who can see this child and why": every current access row, with the share's basis where there is one. */
  async whoCanSee(ctx: Context, childId: string) {
    requirePermission(ctx, 'child:view');
    const now = ctx.clock.now();
    return this.withTransaction(async (tx) => {
      await this.visibleChild(tx, ctx, childId);
      const rows = await tx
        .select({
          agency: agency.name,
          basis: childAccess.basis,
          sourceId: childAccess.sourceId,
          person: appUser.name,
          validFrom: childAccess.validFrom,
          validTo: childAccess.validTo,
          lawfulBasis: childShare.lawfulBasis,
          approvedBy: childShare.approvedBy,
        })
        .from(childAccess)
        .innerJoin(agency, eq(agency.id, childAccess.agencyId))
        .leftJoin(appUser, eq(appUser.id, childAccess.userId))
        .leftJoin(childShare, and(eq(childAccess.basis, 'share'), eq(childShare.id, childAccess.sourceId)))
        .where(
          and(
            eq(childAccess.childId, childId),
            lte(childAccess.validFrom, now),
            or(isNull(childAccess.validTo), gt(childAccess.validTo, now)),
          ),
        )
        .orderBy(asc(agency.name), asc(childAccess.validFrom));
      return rows.map((r) => ({
        ...r,
        why:
          r.basis === 'share' && r.lawfulBasis
            ? `Shared: ${lawfulBases[r.lawfulBasis as keyof typeof lawfulBases] ?? r.lawfulBasis}; approved by ${r.approvedBy}`
            : (basisNames[r.basis] ?? r.basis),
      }));
    });
  }

  /** The child's shares that are still running, for ending early. */
  async openShares(ctx: Context, childId: string) {
    requirePermission(ctx, 'child:view');
    const now = ctx.clock.now();
    return this.withTransaction((tx) =>
      tx
        .select({ id: childShare.id, agency: agency.name, validTo: childShare.validTo })
        .from(childShare)
        .innerJoin(agency, eq(agency.id, childShare.agencyId))
        .where(and(eq(childShare.childId, childId), isNull(childShare.endedAt), gt(childShare.validTo, now)))
        .orderBy(asc(childShare.validTo)),
    );
  }

  /**
   * Break-glass: finds a child by an exact identifier, or exact full name and date of birth, and
   * gives this one person access for a few hours. The agency is alerted and the use listed for
   * review. Near matches are never offered: break-glass is not a search.
   */
  async breakGlass(ctx: Context, raw: BreakGlassRequest): Promise<string> {
    requirePermission(ctx, 'child:break-glass');
    const input = breakGlassRequest.parse(raw);
    const now = ctx.clock.now();
    return this.withTransaction(async (tx) => {
      const id = input.identifier?.trim();
      const matches = await tx
        .select({ id: child.id })
        .from(child)
        .where(
          id
            ? or(
                sql`upper(${child.upn}) = ${id.toUpperCase()}`,
                sql`lower(${child.localAuthorityChildId}) = ${id.toLowerCase()}`,
                sql`lower(${child.policePersonId}) = ${id.toLowerCase()}`,
              )
            : and(
                sql`lower(${child.givenName}) = ${(input.givenName ?? '').toLowerCase()}`,
                sql`lower(${child.familyName}) = ${(input.familyName ?? '').toLowerCase()}`,
                eq(child.dateOfBirth, input.dateOfBirth ?? ''),
              ),
        )
        .limit(2);
      if (matches.length !== 1 || !matches[0]) {
        await recordAudit(tx, ctx, {
          action: 'break-glass.no-match',
          subjectType: 'child',
          reason: input.reason,
        });
        throw new ValidationError([
          {
            field: 'identifier',
            message:
              matches.length === 0
                ? 'No child matches exactly. Check the details, or ask the agency that knows the child'
                : 'More than one child matches: use an identifier instead',
          },
        ]);
      }
      const childId = matches[0].id;
      const validTo = new Date(now.getTime() + BREAK_GLASS_HOURS * HOUR);
      const [row] = await tx
        .insert(breakGlass)
        .values({
          childId,
          userId: ctx.actor.userId,
          agencyId: ctx.actor.agencyId,
          reason: input.reason,
          createdAt: now,
          validTo,
        })
        .returning({ id: breakGlass.id });
      if (!row) throw new Error('break-glass insert returned nothing');
      await children.grantAccess(tx, {
        childId,
        agencyId: ctx.actor.agencyId,
        userId: ctx.actor.userId,
        basis: 'break_glass',
        sourceId: row.id,
        validFrom: now,
        validTo,
      });
      // The agency's inbox and administrators hear of it; the alert names no child.
      await this.alerts.raise(tx, ctx, {
        kind: 'break-glass-used',
        agencyIds: [ctx.actor.agencyId],
        childId: null,
        subjectType: 'break_glass',
        subjectId: row.id,
        priority: 'high',
        alsoEmailRole: { role: 'agency_administrator', agencyIds: [ctx.actor.agencyId] },
        key: `break-glass:${row.id}`,
      });
      await recordAudit(tx, ctx, {
        action: 'break-glass.use',
        subjectType: 'break_glass',
        subjectId: row.id,
        childId,
        reason: input.reason,
      });
      return childId;
    });
  }

  /** Break-glass uses by the actor's agency, a page at a time: those not yet reviewed first, newest first. */
  async reviewList(ctx: Context, options: { after?: string } = {}) {
    requirePermission(ctx, 'break-glass:review');
    const cursor = decodeCursor(options.after, 3);
    const reviewed = sql<number>`(case when ${breakGlass.reviewedAt} is null then 0 else 1 end)`;
    return this.withTransaction(async (tx) => {
      const rows = await tx
        .select({ use: breakGlass, person: appUser.name })
        .from(breakGlass)
        .innerJoin(appUser, eq(appUser.id, breakGlass.userId))
        .where(
          and(
            eq(breakGlass.agencyId, ctx.actor.agencyId),
            cursor
              ? sql`(${reviewed} > ${Number(cursor[0])} or (${reviewed} = ${Number(cursor[0])}
                  and (${breakGlass.createdAt}, ${breakGlass.id}) < (${String(cursor[1])}::timestamptz, ${String(cursor[2])}::uuid)))`
              : undefined,
          ),
        )
        .orderBy(reviewed, desc(breakGlass.createdAt), desc(breakGlass.id))
        .limit(PAGE_SIZE + 1);
      await recordAudit(tx, ctx, { action: 'break-glass.review-list', subjectType: 'break_glass' });
      return pageOf(rows, PAGE_SIZE, (r) => [
        r.use.reviewedAt ? 1 : 0,
        r.use.createdAt.toISOString(),
        r.use.id,
      ]);
    });
  }

  async review(ctx: Context, id: string, outcome: string): Promise<void> {
    requirePermission(ctx, 'break-glass:review');
    const text = z.string().trim().min(1).max(2000).safeParse(outcome);
    if (!text.success)
      throw new ValidationError([{ field: `outcome-${id}`, message: 'Record what the review found' }]);
    await this.withTransaction(async (tx) => {
      const done = await tx
        .update(breakGlass)
        .set({ reviewedAt: ctx.clock.now(), reviewedByUserId: ctx.actor.userId, reviewOutcome: text.data })
        .where(
          and(
            eq(breakGlass.id, id),
            eq(breakGlass.agencyId, ctx.actor.agencyId),
            isNull(breakGlass.reviewedAt),
          ),
        )
        .returning({ childId: breakGlass.childId });
      if (done.length === 0) throw new NotFoundError();
      await recordAudit(tx, ctx, {
        action: 'break-glass.review',
        subjectType: 'break_glass',
        subjectId: id,
        childId: done[0]?.childId,
      });
    });
  }
}
