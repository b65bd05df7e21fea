import { and, eq, isNotNull, isNull, lte } from 'drizzle-orm';
import { z } from 'zod';
import { requirePermission } from '../../platform/access/guard';
import { child } from '../../platform/access/tables';
import { agency } from '../../platform/agencies/tables';
import { recordAudit } from '../../platform/audit/audit';
import { appUser } from '../../platform/auth/tables';
import type { Context } from '../../platform/context';
import type { Tx } from '../../platform/db/client';
import type { WithTransaction } from '../../platform/db/transaction';
import { ConflictError, NotFoundError } from '../../platform/http/errors';
import { londonDate } from '../../platform/http/london-time';
import { formatDate } from '../../platform/views/filters';
import type { AlertsService } from '../alerts/alerts.service';
import * as children from './children.repository';

/** The decision is due from this many days before the 18th birthday. */
export const DECISION_DAYS_BEFORE_18 = 28;
const DAY = 24 * 3_600_000;

const required = (max: number, message: string) =>
  z.string({ error: message }).trim().min(1, message).max(max, `${message}, in ${max} characters or fewer`);

export const atEighteenDecision = z.discriminatedUnion(
  'decision',
  [
    z.object({
      decision: z.literal('hand_over'),
      handedOverTo: required(300, 'Enter the team or service the record is handed over to'),
      note: required(2000, 'Enter a note of what was handed over'),
    }),
    z.object({
      decision: z.literal('close'),
      note: required(2000, 'Enter why the record is closed'),
    }),
  ],
  { error: 'Select whether to hand over or close the record' },
);
export type AtEighteenDecision = z.input<typeof atEighteenDecision>;

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const addDays = (date: string, days: number) =>
  new Date(new Date(`${date}T00:00:00Z`).getTime() + days * DAY).toISOString().slice(0, 10);

/** The 18th birthday, as YYYY-MM-DD; someone born on 29 February is 18 on 1 March in a common year. */
export function eighteenthBirthday(dateOfBirth: string): string {
  const [y, m, d] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const year = y + 18;
  if (m === 2 && d === 29 && !isLeap(year)) return `${year}-03-01`;
  return `${year}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** The first day the decision may be recorded: 28 days before the 18th birthday. */
export function decisionDueFrom(dateOfBirth: string): string {
  return addDays(eighteenthBirthday(dateOfBirth), -DECISION_DAYS_BEFORE_18);
}

type ChildRow = typeof child.$inferSelect;

/**
 * Lantern is for children. As a child nears 18 the responsible (placing) authority decides whether
 * the record is handed over (to the leaving care team or adult services) or closed. A daily job
 * tells the authority's missing leads 28 days before, and again on the birthday if nothing is
 * recorded. A decided record takes no new episodes and leaves the live queues.
 */
export class AtEighteenService {
  constructor(
    private readonly withTransaction: WithTransaction,
    private readonly alerts: AlertsService,
  ) {}

  /** The authority that decides: the responsible authority, or else the local authority that recorded the child. */
  private async decidingAuthority(tx: Tx, c: ChildRow): Promise<{ id: string; code: string | null } | null> {
    const which = c.responsibleAuthorityCode
      ? eq(agency.localAuthorityCode, c.responsibleAuthorityCode)
      : c.createdByAgencyId
        ? eq(agency.id, c.createdByAgencyId)
        : null;
    if (!which) return null;
    const [row] = await tx
      .select({ id: agency.id, code: agency.localAuthorityCode })
      .from(agency)
      .where(and(eq(agency.type, 'local_authority'), isNull(agency.disabledAt), which))
      .limit(1);
    return row ?? null;
  }

  /** Whether the actor's agency decides for this child: the responsible authority, or any authority holding access when none is recorded. */
  private mayDecide(ctx: Context, c: ChildRow): boolean {
    const actor = ctx.actor;
    if (actor?.agencyType !== 'local_authority' || !ctx.permissions.has('child:close')) return false;
    return !c.responsibleAuthorityCode || actor.localAuthorityCode === c.responsibleAuthorityCode;
  }

  private view(ctx: Context, c: ChildRow, decidedBy: string | null) {
    const today = londonDate(ctx.clock.now());
    const birthday = c.dateOfBirth ? eighteenthBirthday(c.dateOfBirth) : null;
    const dueFrom = c.dateOfBirth ? decisionDueFrom(c.dateOfBirth) : null;
    return {
      childId: c.id,
      status: c.recordStatus,
      decidedAt: c.recordDecidedAt,
      decidedBy,
      handedOverTo: c.handedOverTo,
      note: c.recordDecisionNote,
      eighteenthBirthday: birthday,
      dueFrom,
      /** Open, and within 28 days of 18 or older: the decision is waiting. */
      due: c.recordStatus === 'open' && dueFrom !== null && today >= dueFrom,
      mayDecide: this.mayDecide(ctx, c),
    };
  }

  /** Where the child's record stands at 18, for the child's page and the decision page. */
  async status(ctx: Context, childId: string) {
    requirePermission(ctx, 'child:view');
    return this.withTransaction(async (tx) => {
      const c = await children.findVisibleChild(tx, ctx, childId);
      if (!c) throw new NotFoundError();
      const [by] = c.recordDecidedByUserId
        ? await tx.select({ name: appUser.name }).from(appUser).where(eq(appUser.id, c.recordDecidedByUserId))
        : [];
      return this.view(ctx, c, by?.name ?? null);
    });
  }

  /** Records that the record is handed over or closed: once, by the deciding authority, from 28 days before 18. */
  async decide(ctx: Context, childId: string, raw: AtEighteenDecision): Promise<void> {
    requirePermission(ctx, 'child:close');
    const input = atEighteenDecision.parse(raw);
    await this.withTransaction(async (tx) => {
      const c = await children.findVisibleChild(tx, ctx, childId);
      if (!c || !this.mayDecide(ctx, c)) throw new NotFoundError();
      if (c.recordStatus !== 'open') {
        throw new ConflictError('A decision has already been recorded for this child', 'decision');
      }
      if (!c.dateOfBirth) {
        throw new ConflictError(
          'Record the child’s date of birth first: the decision is made at 18',
          'decision',
        );
      }
      const dueFrom = decisionDueFrom(c.dateOfBirth);
      if (londonDate(ctx.clock.now()) < dueFrom) {
        throw new ConflictError(
          `The decision can be recorded from ${formatDate(dueFrom)}, 28 days before the child’s 18th birthday`,
          'decision',
        );
      }
      children.forgetChildren(tx);
      await tx
        .update(child)
        .set({
          recordStatus: input.decision === 'hand_over' ? 'handed_over' : 'closed',
          recordDecidedAt: ctx.clock.now(),
          recordDecidedByUserId: ctx.actor.userId,
          handedOverTo: input.decision === 'hand_over' ? input.handedOverTo : null,
          recordDecisionNote: input.note,
        })
        .where(and(eq(child.id, childId), eq(child.recordStatus, 'open')));
      await recordAudit(tx, ctx, {
        action: input.decision === 'hand_over' ? 'child.hand-over' : 'child.close',
        subjectType: 'child',
        subjectId: childId,
        childId,
      });
    });
  }

  /**
   * The child.turning-18 job: one alert to the deciding authority when an open record comes within
   * 28 days of the 18th birthday, and one more on the birthday if nothing is decided by then. Each
   * child is marked in the same transaction as its alert, so a second run raises nothing.
   */
  async alertTurning18(ctx: Context): Promise<{ turning: number; turned: number }> {
    const today = londonDate(ctx.clock.now());
    // Anyone born on or before this date is within 28 days of 18 (a day spare for 29 February).
    const [y, m, d] = addDays(today, DECISION_DAYS_BEFORE_18 + 1).split('-');
    const bornBy = `${Number(y) - 18}-${m}-${d === '29' && m === '02' ? '28' : d}`;
    return this.withTransaction(async (tx) => {
      const candidates = await tx
        .select()
        .from(child)
        .where(
          and(
            eq(child.recordStatus, 'open'),
            isNotNull(child.dateOfBirth),
            isNull(child.turned18AlertedAt),
            lte(child.dateOfBirth, bornBy),
          ),
        );
      let turning = 0;
      let turned = 0;
      for (const c of candidates) {
        if (!c.dateOfBirth) continue;
        const isBirthdayOrLater = today >= eighteenthBirthday(c.dateOfBirth);
        const isDue = today >= decisionDueFrom(c.dateOfBirth);
        if (!isDue || (!isBirthdayOrLater && c.turning18AlertedAt)) continue;
        const now = ctx.clock.now();
        children.forgetChildren(tx);
        const marked = await tx
          .update(child)
          .set(
            isBirthdayOrLater
              ? { turned18AlertedAt: now, turning18AlertedAt: c.turning18AlertedAt ?? now }
              : { turning18AlertedAt: now },
          )
          .where(
            and(
              eq(child.id, c.id),
              isBirthdayOrLater ? isNull(child.turned18AlertedAt) : isNull(child.turning18AlertedAt),
            ),
          )
          .returning({ id: child.id });
        if (marked.length === 0) continue;
        const authority = await this.decidingAuthority(tx, c);
        const kind = isBirthdayOrLater ? 'child-turned-18' : 'child-turning-18';
        await this.alerts.raise(tx, ctx, {
          kind,
          agencyIds: [authority?.id],
          childId: c.id,
          subjectType: 'child',
          subjectId: c.id,
          alsoEmailRole: { role: 'missing_lead', agencyIds: [authority?.id] },
          key: `${kind}:${c.id}`,
        });
        await recordAudit(tx, ctx, {
          action: isBirthdayOrLater ? 'child.turned-18-alert' : 'child.turning-18-alert',
          subjectType: 'child',
          subjectId: c.id,
          childId: c.id,
        });
        if (isBirthdayOrLater) turned += 1;
        else turning += 1;
      }
      return { turning, turned };
    });
  }
}
