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
import type { MailService } from '../../platform/mail/mail.service';
import { type AlertKind, alert } from './tables';

export interface RaiseAlert {
  kind: AlertKind;
  agencyIds: (string | null | undefined)[];
  /** Null for a notice about a young person not yet identified. */
  childId: string | null;
  subjectType: 'episode' | 'return_interview' | 'concern' | 'notice' | 'sighting' | 'share' | 'break_glass';
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
};

/**
 * Alerts between agencies: a row in each agency's duty inbox and an email to its duty address,
 * both in the caller's transaction. Emails carry a link and no personal details.
 */
export class AlertsService {
  constructor(
    private readonly withTransaction: WithTransaction,
    private readonly mail: MailService,
    private readonly config: Pick<Config, 'baseUrl'>,
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
      .select({ id: agency.id, email: agency.email })
      .from(agency)
      .where(and(inArray(agency.id, agencyIds), isNull(agency.disabledAt)));
    const recipients = duty
      .filter((d) => d.email)
      .map((d) => ({ key: `agency:${d.id}`, email: d.email ?? '' }));
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
    for (const r of recipients) {
      await this.mail.queue(tx, {
        key: `${input.key}:${r.key}`,
        to: r.email,
        subject: subjects[input.kind],
        text: body,
      });
    }
  }

  /** The actor's agency's unacknowledged alerts about children it may see, newest first. */
  async inbox(ctx: Context) {
    requirePermission(ctx, 'child:view');
    return this.withTransaction((tx) =>
      tx
        .select({ alert, child: { id: child.id, givenName: child.givenName, familyName: child.familyName } })
        .from(alert)
        .leftJoin(child, eq(child.id, alert.childId))
        .where(
          and(
            eq(alert.agencyId, ctx.actor.agencyId),
            isNull(alert.acknowledgedAt),
            or(isNull(alert.childId), childVisibleTo(ctx, alert.childId)),
          ),
        )
        .orderBy(desc(alert.priority), desc(alert.createdAt))
        .limit(200),
    );
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

export const alertSubjects = subjects;

export function alertPath(subjectType: string, subjectId: string, childId: string | null): string {
  if (subjectType === 'episode') return `/episodes/${subjectId}`;
  if (subjectType === 'notice') return `/notices/${subjectId}`;
  if (subjectType === 'sighting') return `/sightings/${subjectId}`;
  if (subjectType === 'break_glass') return '/break-glass/review';
  if (subjectType === 'return_interview') return `/return-interviews/${subjectId}`;
  return childId ? `/children/${childId}` : '/alerts';
}
