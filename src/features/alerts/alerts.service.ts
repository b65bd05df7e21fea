import { and, desc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import type { Config } from '../../config';
import { childVisibleTo } from '../../platform/access/child-access';
import { requirePermission } from '../../platform/access/guard';
import { child } from '../../platform/access/tables';
import { agency } from '../../platform/agencies/tables';
import { recordAudit } from '../../platform/audit/audit';
import { appUser } from '../../platform/auth/tables';
import type { Context } from '../../platform/context';
import type { Tx } from '../../platform/db/client';
import type { WithTransaction } from '../../platform/db/transaction';
import { NotFoundError } from '../../platform/http/errors';
import { decodeCursor, PAGE_SIZE, pageOf } from '../../platform/http/pagination';
import type { MailService } from '../../platform/mail/mail.service';
import { type AlertKind, alert } from './tables';

export interface RaiseAlert {
  kind: AlertKind;
  agencyIds: (string | null | undefined)[];
  /** Null for a notice about a young person not yet identified. */
  childId: string | null;
  subjectType:
    | 'episode'
    | 'return_interview'
    | 'concern'
    | 'notice'
    | 'sighting'
    | 'share'
    | 'break_glass'
    | 'placement'
    | 'child'
    | 'warning_notice'
    | 'intel_pattern';
  subjectId: string;
  priority?: 'high' | 'normal';
  /** People to email as well as the duty inboxes: for example the missing-from-home coordinators. */
  alsoEmailRole?: { role: string; agencyIds: (string | null | undefined)[] };
  /** Makes the emails of this alert unique, so a job that runs twice sends them once. */
  key: string;
}

const subjects: Record<AlertKind, string> = {
  'episode-reported': 'A child has been reported missing or absent',
  'episode-graded-high': 'High risk: a missing child has been graded high risk',
  'return-interview-due-soon': 'A return interview is due within 24 hours',
  'return-interview-overdue': 'A return interview is overdue',
  'concern-raised': 'A children’s home suspects a child is at risk of abuse or sexual exploitation',
  'notice-raised': 'A child concern notice has reached your MASH',
  'notice-overdue': 'Overdue: a child concern notice has passed its decision deadline',
  'decision-to-confirm':
    'A joint decision on a child concern notice is waiting for your agency to confirm it',
  'sighting-reported': 'Hotel or venue staff have reported a sighting in your area',
  'child-shared': 'Another agency has shared a child’s record with yours',
  'break-glass-used': 'Someone in your agency used break-glass to see a child outside your access',
  'placement-started': 'A looked-after child has been placed in your area: their Philomena profile is ready',
  'placement-ended': 'A looked-after child’s placement in your area has ended',
  'child-turning-18': 'A child turns 18 within 28 days: record whether their record is handed over or closed',
  'child-turned-18':
    'A child is 18 today and nobody has recorded whether their record is handed over or closed',
  'warning-notice-breached':
    'Breach: a child has been linked to a person served with a warning notice about them',
  'intelligence-pattern': 'Several children are linked to one place, adult, vehicle or phone in your area',
};

/**
 * Alerts between agencies: a row in each agency's duty inbox and an email to its duty address,
 * both in the caller's transaction. Emails carry a link and no personal details.
 */
export class AlertsService {
  constructor(
    private readonly withTransaction: WithTransaction,
    private readonly mail: MailService,
    private readonly config: Pick<Config, 'baseUrl' | 'alertEscalationMinutes'>,
  ) {}

  async raise(tx: Tx, ctx: Context, input: RaiseAlert): Promise<void> {
    const agencyIds = [...new Set(input.agencyIds.filter((a): a is string => Boolean(a)))];
    if (agencyIds.length === 0) return;
    const now = ctx.clock.now();
    await tx.insert(alert).values(
      agencyIds.map((agencyId) => ({
        agencyId,
        kind: input.kind,
        childId: input.childId,
        subjectType: input.subjectType,
        subjectId: input.subjectId,
        priority: input.priority ?? 'normal',
        createdAt: now,
      })),
    );
    const path = alertPath(input.subjectType, input.subjectId, input.childId);
    const body = [
      subjects[input.kind],
      '',
      `Open it in Lantern: ${this.config.baseUrl}${path}`,
      '',
      'This message carries no personal details. Sign in to see the record.',
      'OFFICIAL-SENSITIVE',
    ].join('\n');
    const duty = await tx
      .select({ id: agency.id, email: agency.email, outOfHoursEmail: agency.outOfHoursEmail })
      .from(agency)
      .where(and(inArray(agency.id, agencyIds), isNull(agency.disabledAt)));
    const recipients = duty
      .filter((d) => d.email)
      .map((d) => ({ key: `agency:${d.id}`, email: d.email ?? '' }));
    // Out of office hours the emergency duty team hears as well.
    if (outOfHours(now)) {
      for (const d of duty) {
        if (d.outOfHoursEmail) recipients.push({ key: `out-of-hours:${d.id}`, email: d.outOfHoursEmail });
      }
    }
    if (input.alsoEmailRole) {
      const roleAgencies = input.alsoEmailRole.agencyIds.filter((a): a is string => Boolean(a));
      if (roleAgencies.length > 0) {
        const people = await tx
          .select({ id: appUser.id, email: appUser.email })
          .from(appUser)
          .where(
            and(
              inArray(appUser.agencyId, roleAgencies),
              isNull(appUser.disabledAt),
              sql`${input.alsoEmailRole.role} = any(${appUser.roles})`,
            ),
          );
        recipients.push(...people.map((p) => ({ key: `user:${p.id}`, email: p.email })));
      }
    }
    await this.mail.queueMany(
      tx,
      recipients.map((r) => ({
        key: `${input.key}:${r.key}`,
        to: r.email,
        subject: subjects[input.kind],
        text: body,
      })),
    );
  }

  /**
   * Escalates high-priority alerts nobody has acknowledged: after the configured time to the
   * agency's duty managers, and after as long again to its missing-from-home coordinators (police)
   * or missing leads (children's services). Safe to run twice: each step happens once.
   */
  async escalate(ctx: Context): Promise<number> {
    const now = ctx.clock.now();
    const wait = this.config.alertEscalationMinutes * 60_000;
    const due = new Date(now.getTime() - wait);
    return this.withTransaction(async (tx) => {
      const rows = await tx
        .update(alert)
        .set({ escalationLevel: sql`${alert.escalationLevel} + 1`, lastEscalatedAt: now })
        .where(
          and(
            eq(alert.priority, 'high'),
            isNull(alert.acknowledgedAt),
            sql`${alert.escalationLevel} < 2`,
            sql`coalesce(${alert.lastEscalatedAt}, ${alert.createdAt}) <= ${due}`,
          ),
        )
        .returning({
          id: alert.id,
          level: alert.escalationLevel,
          agencyId: alert.agencyId,
          kind: alert.kind,
          subjectType: alert.subjectType,
          subjectId: alert.subjectId,
          childId: alert.childId,
        });
      for (const r of rows) {
        const [owner] = await tx.select({ type: agency.type }).from(agency).where(eq(agency.id, r.agencyId));
        const role =
          r.level === 1
            ? 'duty_manager'
            : owner?.type === 'police_force'
              ? 'missing_coordinator'
              : 'missing_lead';
        const people = await tx
          .select({ id: appUser.id, email: appUser.email })
          .from(appUser)
          .where(
            and(
              eq(appUser.agencyId, r.agencyId),
              isNull(appUser.disabledAt),
              sql`${role} = any(${appUser.roles})`,
            ),
          );
        const path = alertPath(r.subjectType, r.subjectId, r.childId);
        for (const p of people) {
          await this.mail.queue(tx, {
            key: `alert-escalation:${r.id}:${r.level}:${p.id}`,
            to: p.email,
            subject: `Not yet acknowledged: ${subjects[r.kind]}`,
            text: [
              `Nobody in your agency has acknowledged this high-priority alert yet.`,
              subjects[r.kind],
              '',
              `Open it in Lantern: ${this.config.baseUrl}${path}`,
              `Acknowledge it in the duty inbox: ${this.config.baseUrl}/alerts`,
              '',
              'This message carries no personal details. Sign in to see the record.',
              'OFFICIAL-SENSITIVE',
            ].join('\n'),
          });
        }
        await recordAudit(tx, ctx, {
          action: 'alert.escalate',
          subjectType: 'alert',
          subjectId: r.id,
          childId: r.childId ?? undefined,
        });
      }
      return rows.length;
    });
  }

  /** Alerts acknowledged lately in the actor's agency, with who and when: nothing is seen by no one. */
  async acknowledged(ctx: Context) {
    requirePermission(ctx, 'child:view');
    return this.withTransaction((tx) =>
      tx
        .select({ alert, by: appUser.name })
        .from(alert)
        .leftJoin(appUser, eq(appUser.id, alert.acknowledgedByUserId))
        .where(and(eq(alert.agencyId, ctx.actor.agencyId), sql`${alert.acknowledgedAt} is not null`))
        .orderBy(desc(alert.acknowledgedAt))
        .limit(20),
    );
  }

  /**
   * The actor's agency's unacknowledged alerts about children it may see, a page at a time: high
   * priority first, then newest first.
   */
  async inbox(ctx: Context, options: { after?: string } = {}) {
    requirePermission(ctx, 'child:view');
    const cursor = decodeCursor(options.after, 3);
    const high = sql<number>`(case when ${alert.priority} = 'high' then 1 else 0 end)`;
    return this.withTransaction(async (tx) => {
      const rows = await tx
        .select({ alert, child: { id: child.id, givenName: child.givenName, familyName: child.familyName } })
        .from(alert)
        .leftJoin(child, eq(child.id, alert.childId))
        .where(
          and(
            eq(alert.agencyId, ctx.actor.agencyId),
            isNull(alert.acknowledgedAt),
            or(isNull(alert.childId), childVisibleTo(ctx, alert.childId)),
            cursor
              ? sql`(${high}, ${alert.createdAt}, ${alert.id}) < (${Number(cursor[0])}, ${String(cursor[1])}::timestamptz, ${String(cursor[2])}::uuid)`
              : undefined,
          ),
        )
        .orderBy(desc(high), desc(alert.createdAt), desc(alert.id))
        .limit(PAGE_SIZE + 1);
      return pageOf(rows, PAGE_SIZE, (r) => [
        r.alert.priority === 'high' ? 1 : 0,
        r.alert.createdAt.toISOString(),
        r.alert.id,
      ]);
    });
  }

  async acknowledge(ctx: Context, id: string): Promise<void> {
    requirePermission(ctx, 'child:view');
    await this.withTransaction(async (tx) => {
      const rows = await tx
        .update(alert)
        .set({ acknowledgedAt: ctx.clock.now(), acknowledgedByUserId: ctx.actor.userId })
        .where(and(eq(alert.id, id), eq(alert.agencyId, ctx.actor.agencyId), isNull(alert.acknowledgedAt)))
        .returning({ childId: alert.childId });
      const row = rows[0];
      if (!row) throw new NotFoundError();
      await recordAudit(tx, ctx, {
        action: 'alert.acknowledge',
        subjectType: 'alert',
        subjectId: id,
        childId: row.childId ?? undefined,
      });
    });
  }
}

const weekdayHour = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  weekday: 'short',
  hour: 'numeric',
  hourCycle: 'h23',
});

/** Office hours are 9am to 5pm, Monday to Friday, London time; bank holidays are not yet known. */
export function outOfHours(at: Date): boolean {
  const parts = weekdayHour.formatToParts(at);
  const weekday = parts.find((p) => p.type === 'weekday')?.value ?? '';
  const hour = Number(parts.find((p) => p.type === 'hour')?.value ?? '0');
  return weekday === 'Sat' || weekday === 'Sun' || hour < 9 || hour >= 17;
}

export const alertSubjects = subjects;

export function alertPath(subjectType: string, subjectId: string, childId: string | null): string {
  if (subjectType === 'episode') return `/episodes/${subjectId}`;
  if (subjectType === 'notice') return `/notices/${subjectId}`;
  if (subjectType === 'sighting') return `/sightings/${subjectId}`;
  if (subjectType === 'break_glass') return '/break-glass/review';
  if (subjectType === 'placement' && childId) return `/children/${childId}/profile/print`;
  if (subjectType === 'return_interview') return `/return-interviews/${subjectId}`;
  if (subjectType === 'child') return `/children/${subjectId}/at-18`;
  if (subjectType === 'warning_notice') return `/warning-notices/${subjectId}`;
  if (subjectType === 'intel_pattern') return `/intelligence/patterns/${subjectId}`;
  return childId ? `/children/${childId}` : '/alerts';
}
