import { and, eq, inArray, isNull, or, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { childVisibleTo } from '../../platform/access/child-access';
import { requirePermission } from '../../platform/access/guard';
import { child } from '../../platform/access/tables';
import { agency } from '../../platform/agencies/tables';
import { recordAudit } from '../../platform/audit/audit';
import type { Context } from '../../platform/context';
import type { Tx } from '../../platform/db/client';
import type { WithTransaction } from '../../platform/db/transaction';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/http/errors';
import { londonDate } from '../../platform/http/london-time';
import type { AlertsService } from '../alerts/alerts.service';
import { loadNotices, type NoticeView } from './evidence.service';
import {
  type Acting,
  currentEntity,
  type IntelligenceService,
  type LinkObserver,
  type LinkRow,
} from './intelligence.service';
import { intelEntity, intelLink, type LinkType, warningNotice, warningNoticeBreach } from './tables';

/** A child linked to the notice's person in one of these ways is with them: a breach. */
export const breachLinkTypes: readonly LinkType[] = [
  'seen_with',
  'found_at',
  'associates_with',
  'travelled_in',
];

export const warningNoticeInput = z
  .object({
    personId: z.uuid({ error: 'Select the person the notice was served on' }),
    servedOn: z.iso.date({ error: 'Enter the date the notice was served' }),
    terms: z
      .string({ error: 'Enter the terms of the notice' })
      .trim()
      .min(1, 'Enter the terms of the notice')
      .max(4000, 'The terms must be 4,000 characters or fewer'),
    reviewOn: z.iso.date({ error: 'Enter the date the notice is to be reviewed' }),
  })
  .refine((v) => v.reviewOn > v.servedOn, {
    message: 'The review date must be after the date the notice was served',
    path: ['reviewOn'],
  });
export type WarningNoticeInput = z.input<typeof warningNoticeInput>;

export const endNoticeInput = z.object({
  reason: z
    .string({ error: 'Enter why the notice has ended' })
    .trim()
    .min(1, 'Enter why the notice has ended')
    .max(1000, 'The reason must be 1,000 characters or fewer'),
});

/** Whole years from a date of birth to a date, both YYYY-MM-DD. */
export function ageOn(dateOfBirth: string, on: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const [y, m, d] = on.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

type NoticeRow = typeof warningNotice.$inferSelect;

/**
 * Whether the notice was in force when something happened. The notice records the day it was
 * served, not the hour: on that day only what happened after it was recorded counts, so nothing
 * from before the serving is ever called a breach.
 */
export function inForceAt(n: Pick<NoticeRow, 'servedOn' | 'createdAt' | 'endedAt'>, at: Date): boolean {
  const day = londonDate(at);
  const served = day > n.servedOn || (day === n.servedOn && at >= n.createdAt);
  return served && (!n.endedAt || at < n.endedAt);
}

/**
 * Child Abduction Warning Notices (standards.md): served by police on an adult to break contact
 * with a child under 16, or under 18 if in care. Recording one needs `warning-notice:record`;
 * seeing one, `intelligence:view` and the child. When the child is later linked to the person
 * (seen with, found at, associates with, travelled in; or found at a place the person lives at)
 * the breach is recorded, once per link, and alerted to the serving force and the child's
 * responsible authority.
 */
export class WarningNoticesService implements LinkObserver {
  constructor(
    private readonly withTransaction: WithTransaction,
    private readonly alerts: AlertsService,
    intelligence: IntelligenceService,
  ) {
    intelligence.observe(this);
  }

  /** Records a notice served on a person of concern about a child; returns its id. */
  async record(ctx: Context, childId: string, raw: WarningNoticeInput): Promise<string> {
    requirePermission(ctx, 'warning-notice:record');
    const input = warningNoticeInput.parse(raw);
    if (input.servedOn > londonDate(ctx.clock.now())) {
      throw new ValidationError([
        { field: 'servedOn', message: 'The date the notice was served must be today or in the past' },
      ]);
    }
    return this.withTransaction(async (tx) => {
      const [c] = await tx
        .select()
        .from(child)
        .where(and(eq(child.id, childId), childVisibleTo(ctx, child.id)));
      if (!c) throw new NotFoundError();
      const person = await currentEntity(tx, input.personId);
      if (person?.kind !== 'person') {
        throw new ValidationError([{ field: 'personId', message: 'Select a person of concern' }]);
      }
      // An unknown age is usual for a person of concern; a known one must be 18 or over.
      if (person.dateOfBirth && ageOn(person.dateOfBirth, input.servedOn) < 18) {
        throw new ValidationError([
          {
            field: 'personId',
            message:
              'A warning notice is served on an adult: this person’s date of birth shows they were under 18 on the date it was served',
          },
        ]);
      }
      if (c.dateOfBirth) {
        const age = ageOn(c.dateOfBirth, input.servedOn);
        if (age >= 18) {
          throw new ValidationError([
            {
              field: 'servedOn',
              message:
                'The child was 18 or over on the date the notice was served: a notice protects a child under 16, or under 18 if in care',
            },
          ]);
        }
        if (age >= 16 && !c.lookedAfter) {
          throw new ValidationError([
            {
              field: 'servedOn',
              message:
                'The child was 16 or over on the date the notice was served and is not in care: a notice protects a child under 16, or under 18 if in care',
            },
          ]);
        }
      }
      const [live] = await tx
        .select({ id: warningNotice.id })
        .from(warningNotice)
        .where(
          and(
            eq(warningNotice.childId, childId),
            eq(warningNotice.personId, person.id),
            isNull(warningNotice.endedAt),
          ),
        )
        .limit(1);
      if (live) {
        throw new ConflictError(
          'A warning notice on this person about this child is already in force: end it before recording another',
          'personId',
        );
      }
      const [row] = await tx
        .insert(warningNotice)
        .values({
          personId: person.id,
          childId,
          servedByUserId: ctx.actor.userId,
          servedByAgencyId: ctx.actor.agencyId,
          servedOn: input.servedOn,
          terms: input.terms,
          reviewOn: input.reviewOn,
          createdAt: ctx.clock.now(),
        })
        .returning();
      if (!row) throw new Error('warning notice insert returned nothing');
      await recordAudit(tx, ctx, {
        action: 'warning-notice.record',
        subjectType: 'warning_notice',
        subjectId: row.id,
        childId,
      });
      // A notice recorded some days after it was served: links recorded since then may already show a breach.
      const links = await tx
        .select()
        .from(intelLink)
        .where(
          and(
            eq(intelLink.childId, childId),
            inArray(intelLink.type, [...breachLinkTypes]),
            isNull(intelLink.enteredInErrorAt),
          ),
        );
      for (const link of links) await this.breachesOf(tx, ctx, link, [row]);
      return row.id;
    });
  }

  /** Ends a notice, with a reason. Only the force that served it ends it. */
  async end(ctx: Context, id: string, reason: string): Promise<void> {
    requirePermission(ctx, 'warning-notice:record');
    const why = endNoticeInput.parse({ reason }).reason;
    await this.withTransaction(async (tx) => {
      const [n] = await tx
        .select()
        .from(warningNotice)
        .where(and(eq(warningNotice.id, id), childVisibleTo(ctx, warningNotice.childId)));
      if (!n || n.servedByAgencyId !== ctx.actor.agencyId) throw new NotFoundError();
      if (n.endedAt) throw new ConflictError('The notice has already ended', 'reason');
      await tx
        .update(warningNotice)
        .set({ endedAt: ctx.clock.now(), endedReason: why })
        .where(eq(warningNotice.id, id));
      await recordAudit(tx, ctx, {
        action: 'warning-notice.end',
        subjectType: 'warning_notice',
        subjectId: id,
        childId: n.childId,
        reason: why,
      });
    });
  }

  /** One notice with its breaches, for someone who may see intelligence and the child. */
  async get(ctx: Context, id: string): Promise<NoticeView & { mayEnd: boolean }> {
    requirePermission(ctx, 'intelligence:view');
    return this.withTransaction(async (tx) => {
      const [n] = await loadNotices(tx, ctx, eq(warningNotice.id, id), 1);
      if (!n) throw new NotFoundError();
      await recordAudit(tx, ctx, {
        action: 'warning-notice.view',
        subjectType: 'warning_notice',
        subjectId: id,
        childId: n.child.id,
      });
      const mayEnd =
        !n.endedAt &&
        ctx.permissions.has('warning-notice:record') &&
        n.servedBy.agencyId === ctx.actor.agencyId;
      return { ...n, mayEnd };
    });
  }

  /** A child's notices, newest first; the child must be visible. */
  async forChild(ctx: Context, childId: string): Promise<NoticeView[]> {
    requirePermission(ctx, 'intelligence:view');
    return this.withTransaction(async (tx) => {
      const [c] = await tx
        .select({ id: child.id })
        .from(child)
        .where(and(eq(child.id, childId), childVisibleTo(ctx, child.id)));
      if (!c) throw new NotFoundError();
      const notices = await loadNotices(tx, ctx, eq(warningNotice.childId, childId));
      await recordAudit(tx, ctx, {
        action: 'warning-notice.list',
        subjectType: 'child',
        subjectId: childId,
        childId,
      });
      return notices;
    });
  }

  /** The child's name and the person, for the form's heading and its person choice. */
  async formContext(ctx: Context, childId: string, personId?: string) {
    requirePermission(ctx, 'warning-notice:record');
    return this.withTransaction(async (tx) => {
      const [c] = await tx
        .select({
          id: child.id,
          givenName: child.givenName,
          familyName: child.familyName,
          dateOfBirth: child.dateOfBirth,
          lookedAfter: child.lookedAfter,
        })
        .from(child)
        .where(and(eq(child.id, childId), childVisibleTo(ctx, child.id)));
      if (!c) throw new NotFoundError();
      const person = personId ? await currentEntity(tx, personId) : null;
      await recordAudit(tx, ctx, {
        action: 'warning-notice.form',
        subjectType: 'child',
        subjectId: childId,
        childId,
      });
      return {
        child: c,
        person: person?.kind === 'person' ? { id: person.id, label: person.label } : null,
      };
    });
  }

  // ---- Breaches ----------------------------------------------------------------------------------

  /** Called for every new link, in its transaction. */
  async onLink(tx: Tx, ctx: Acting, link: LinkRow): Promise<void> {
    await this.process(tx, ctx, link);
  }

  /**
   * Records the breaches a link shows, once per notice and link however often it is processed,
   * and alerts each new one. Returns how many were new.
   */
  async process(tx: Tx, ctx: Acting, link: LinkRow): Promise<number> {
    if (link.enteredInErrorAt) return 0;
    if (link.childId) {
      const notices = await tx
        .select({ n: warningNotice })
        .from(warningNotice)
        .where(eq(warningNotice.childId, link.childId));
      return this.breachesOf(
        tx,
        ctx,
        link,
        notices.map((r) => r.n),
      );
    }
    // The person named in a notice is found to live where a child was found: each such finding is a breach.
    if (link.type === 'lives_at' && link.fromEntityId) {
      const ends = [link.fromEntityId, link.entityId];
      const notices = await tx
        .select({ n: warningNotice })
        .from(warningNotice)
        .innerJoin(intelEntity, eq(intelEntity.id, warningNotice.personId))
        .where(or(inArray(intelEntity.id, ends), inArray(intelEntity.mergedIntoId, ends)));
      let added = 0;
      for (const { n } of notices) {
        const person = (await currentEntity(tx, n.personId))?.id ?? n.personId;
        const place = person === link.fromEntityId ? link.entityId : link.fromEntityId;
        const found = await tx
          .select()
          .from(intelLink)
          .where(
            and(
              eq(intelLink.childId, n.childId),
              eq(intelLink.entityId, place),
              eq(intelLink.type, 'found_at'),
              isNull(intelLink.enteredInErrorAt),
            ),
          );
        for (const childLink of found) added += await this.breachesOf(tx, ctx, childLink, [n]);
      }
      return added;
    }
    return 0;
  }

  /** The breaches of `notices` that a child's link shows, recorded and alerted once each. */
  private async breachesOf(tx: Tx, ctx: Acting, link: LinkRow, notices: NoticeRow[]): Promise<number> {
    if (!link.childId || link.enteredInErrorAt) return 0;
    let added = 0;
    for (const n of notices) {
      if (n.childId !== link.childId || !inForceAt(n, link.occurredAt)) continue;
      const person = (await currentEntity(tx, n.personId))?.id ?? n.personId;
      const persons = [n.personId, person];
      let breach = persons.includes(link.entityId) && breachLinkTypes.includes(link.type);
      if (!breach && link.type === 'found_at') {
        // Found at a place the person lives at.
        const [home] = await tx
          .select({ id: intelLink.id })
          .from(intelLink)
          .where(
            and(
              eq(intelLink.type, 'lives_at'),
              isNull(intelLink.enteredInErrorAt),
              or(
                and(inArray(intelLink.fromEntityId, persons), eq(intelLink.entityId, link.entityId)),
                and(eq(intelLink.fromEntityId, link.entityId), inArray(intelLink.entityId, persons)),
              ) as SQL,
            ),
          )
          .limit(1);
        breach = Boolean(home);
      }
      if (!breach) continue;
      const [row] = await tx
        .insert(warningNoticeBreach)
        .values({
          noticeId: n.id,
          occurredAt: link.occurredAt,
          linkId: link.id,
          sourceType: link.sourceType,
          sourceId: link.sourceId,
          recordedAt: ctx.clock.now(),
        })
        .onConflictDoNothing({ target: [warningNoticeBreach.noticeId, warningNoticeBreach.linkId] })
        .returning({ id: warningNoticeBreach.id });
      if (!row) continue;
      added += 1;
      await recordAudit(tx, ctx, {
        action: 'warning-notice.breach',
        subjectType: 'warning_notice_breach',
        subjectId: row.id,
        childId: n.childId,
      });
      await this.alerts.raise(tx, ctx, {
        kind: 'warning-notice-breached',
        agencyIds: [n.servedByAgencyId, await responsibleAuthority(tx, n.childId)],
        childId: n.childId,
        subjectType: 'warning_notice',
        subjectId: n.id,
        priority: 'high',
        key: `warning-notice-breach:${row.id}`,
      });
    }
    return added;
  }
}

/** The child's responsible local authority, or else the local authority that recorded the child. */
export async function responsibleAuthority(tx: Tx, childId: string): Promise<string | null> {
  const [c] = await tx
    .select({ code: child.responsibleAuthorityCode, createdBy: child.createdByAgencyId })
    .from(child)
    .where(eq(child.id, childId));
  if (!c) return null;
  const which = c.code
    ? eq(agency.localAuthorityCode, c.code)
    : c.createdBy
      ? eq(agency.id, c.createdBy)
      : null;
  if (!which) return null;
  const [row] = await tx
    .select({ id: agency.id })
    .from(agency)
    .where(and(eq(agency.type, 'local_authority'), isNull(agency.disabledAt), which))
    .limit(1);
  return row?.id ?? null;
}
