import { and, asc, desc, eq, inArray, isNull, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Config } from '../../config';
import { hasPermission, requirePermission } from '../../platform/access/guard';
import { child, childAccess } from '../../platform/access/tables';
import { findLocalAuthority, localAuthorities } from '../../platform/agencies/reference-data';
import { agency } from '../../platform/agencies/tables';
import { recordAudit } from '../../platform/audit/audit';
import { appUser } from '../../platform/auth/tables';
import type { Context } from '../../platform/context';
import type { Tx } from '../../platform/db/client';
import type { WithTransaction } from '../../platform/db/transaction';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/http/errors';
import { londonDate } from '../../platform/http/london-time';
import { PAGE_SIZE } from '../../platform/http/pagination';
import { formatDate, formatDateTime } from '../../platform/views/filters';
import * as children from '../children/children.repository';
import { episode, returnInterview } from '../episodes/tables';
import type { Acting } from '../intelligence/intelligence.service';
import { childrenOfPatterns, evidenceOf, openPatternsIn } from '../intelligence/patterns.service';
import { notice, noticeDecision } from '../notices/tables';
import { cseScreening } from '../screening/tables';
import {
  type AgendaKind,
  agendaItem,
  subgroup,
  subgroupAction,
  subgroupMeeting,
  subgroupMember,
} from './tables';

const DAY = 86_400_000;

export const newSubgroup = z.object({
  authorityCode: z
    .string({ error: 'Select the area' })
    .refine((c) => Boolean(findLocalAuthority(c)), 'Select the area from the list'),
  name: z
    .string({ error: 'Enter a name' })
    .trim()
    .min(1, 'Enter a name')
    .max(200, 'The name must be 200 characters or fewer'),
  leadEmail: z
    .string({ error: 'Enter the lead’s email address' })
    .trim()
    .toLowerCase()
    .min(1, 'Enter the lead’s email address'),
});
export const newMeeting = z.object({
  meetsAt: z.date({ error: 'Enter when the meeting is' }),
  venue: z.string({ error: 'Enter where it meets' }).trim().min(1, 'Enter where it meets').max(300),
});
export const newSubgroupAction = z.object({
  description: z.string({ error: 'Describe the action' }).trim().min(1, 'Describe the action').max(1000),
  ownerEmail: z
    .string({ error: 'Enter the owner’s email address' })
    .trim()
    .toLowerCase()
    .min(1, 'Enter the owner’s email address'),
  dueOn: z.iso.date({ error: 'Enter the date the action is due' }),
  agendaItemId: z.uuid().optional(),
});

/** Agenda sections in the order they are discussed. */
const kindOrder: AgendaKind[] = [
  'intelligence_pattern',
  'strategy_discussion',
  'screening',
  'repeat_missing',
  'repeat_absence',
  'return_interview_overdue',
];

/**
 * The areas whose subgroup the actor runs: every area for the hub administrator, otherwise the
 * area of their agency (a force's, every area it covers). A subgroup is its area's (DESIGN §4).
 */
function managedAreas(ctx: Context): string[] | 'all' {
  if (!ctx.actor || !hasPermission(ctx, 'subgroup:manage')) return [];
  if (hasPermission(ctx, 'agency:manage-all')) return 'all';
  const { localAuthorityCode, policeForceCode, agencyType } = ctx.actor;
  if (agencyType === 'police_force' && policeForceCode) {
    return localAuthorities.filter((a) => a.policeForceCode === policeForceCode).map((a) => a.code);
  }
  return localAuthorityCode ? [localAuthorityCode] : [];
}

function managesArea(ctx: Context, authorityCode: string): boolean {
  const areas = managedAreas(ctx);
  return areas === 'all' || areas.includes(authorityCode);
}

/**
 * The multi-agency CSE and missing subgroup of an area: a named lead, members from several
 * agencies, meetings with an agenda built from what the hub flags, minutes and actions. Members see
 * the children on a meeting's agenda for the meeting's purpose, and no one else's access changes.
 */
export class SubgroupService {
  constructor(
    private readonly withTransaction: WithTransaction,
    private readonly rules: Config['flags'],
  ) {}

  private async userByEmail(tx: Tx, email: string, field: string) {
    const [u] = await tx
      .select({ id: appUser.id, agencyId: appUser.agencyId })
      .from(appUser)
      .where(and(eq(appUser.email, email), isNull(appUser.disabledAt)));
    if (!u) throw new ValidationError([{ field, message: 'No active user has that email address' }]);
    return u;
  }

  /** The subgroup, if the actor leads it, is a member, or manages subgroups. */
  private async visibleSubgroup(tx: Tx, ctx: Context, id: string) {
    if (!ctx.actor) throw new NotFoundError();
    const [row] = await tx.select().from(subgroup).where(eq(subgroup.id, id));
    if (!row) throw new NotFoundError();
    if (managesArea(ctx, row.authorityCode) || (await this.isMember(tx, id, ctx.actor.userId))) return row;
    throw new NotFoundError();
  }

  private async isMember(tx: Tx, subgroupId: string, userId: string): Promise<boolean> {
    const [m] = await tx
      .select({ userId: subgroupMember.userId })
      .from(subgroupMember)
      .where(
        and(
          eq(subgroupMember.subgroupId, subgroupId),
          eq(subgroupMember.userId, userId),
          isNull(subgroupMember.leftAt),
        ),
      );
    return Boolean(m);
  }

  async create(ctx: Context, raw: z.input<typeof newSubgroup>): Promise<string> {
    requirePermission(ctx, 'subgroup:manage');
    const input = newSubgroup.parse(raw);
    if (!managesArea(ctx, input.authorityCode)) {
      throw new ValidationError([{ field: 'authorityCode', message: 'Choose the area you work in' }]);
    }
    return this.withTransaction(async (tx) => {
      const lead = await this.userByEmail(tx, input.leadEmail, 'leadEmail');
      const [existing] = await tx
        .select({ id: subgroup.id })
        .from(subgroup)
        .where(eq(subgroup.authorityCode, input.authorityCode));
      if (existing) throw new ConflictError('That area already has a subgroup', 'authorityCode');
      const now = ctx.clock.now();
      const [row] = await tx
        .insert(subgroup)
        .values({ authorityCode: input.authorityCode, name: input.name, leadUserId: lead.id, createdAt: now })
        .returning({ id: subgroup.id });
      if (!row) throw new Error('subgroup insert returned nothing');
      await tx.insert(subgroupMember).values({ subgroupId: row.id, userId: lead.id, joinedAt: now });
      await recordAudit(tx, ctx, { action: 'subgroup.create', subjectType: 'subgroup', subjectId: row.id });
      return row.id;
    });
  }

  /** The subgroups the actor leads or belongs to; every one for those who manage subgroups. */
  async list(ctx: Context) {
    if (!ctx.actor) throw new NotFoundError();
    const me = ctx.actor.userId;
    const areas = managedAreas(ctx);
    return this.withTransaction((tx) =>
      tx
        .select({
          id: subgroup.id,
          name: subgroup.name,
          authorityCode: subgroup.authorityCode,
          lead: appUser.name,
        })
        .from(subgroup)
        .innerJoin(appUser, eq(appUser.id, subgroup.leadUserId))
        .where(
          areas === 'all'
            ? sql`true`
            : sql`(${areas.length ? inArray(subgroup.authorityCode, areas) : sql`false`} or exists (select 1 from ${subgroupMember} m where m.subgroup_id = ${subgroup.id} and m.user_id = ${me} and m.left_at is null))`,
        )
        .orderBy(asc(subgroup.name)),
    );
  }

  async get(ctx: Context, id: string) {
    return this.withTransaction(async (tx) => {
      const s = await this.visibleSubgroup(tx, ctx, id);
      const members = await tx
        .select({ userId: appUser.id, name: appUser.name, email: appUser.email, agency: agency.name })
        .from(subgroupMember)
        .innerJoin(appUser, eq(appUser.id, subgroupMember.userId))
        .innerJoin(agency, eq(agency.id, appUser.agencyId))
        .where(and(eq(subgroupMember.subgroupId, id), isNull(subgroupMember.leftAt)))
        .orderBy(asc(agency.name), asc(appUser.name));
      const meetings = await tx
        .select()
        .from(subgroupMeeting)
        .where(eq(subgroupMeeting.subgroupId, id))
        .orderBy(desc(subgroupMeeting.meetsAt))
        .limit(PAGE_SIZE + 1);
      const today = londonDate(ctx.clock.now());
      const overdueActions = await tx
        .select({ action: subgroupAction, ownerAgency: agency.name, meetsAt: subgroupMeeting.meetsAt })
        .from(subgroupAction)
        .innerJoin(subgroupMeeting, eq(subgroupMeeting.id, subgroupAction.meetingId))
        .innerJoin(agency, eq(agency.id, subgroupAction.ownerAgencyId))
        .where(
          and(
            eq(subgroupMeeting.subgroupId, id),
            isNull(subgroupAction.doneAt),
            lt(subgroupAction.dueOn, today),
          ),
        )
        .orderBy(asc(subgroupAction.dueOn))
        .limit(PAGE_SIZE + 1);
      const lead = members.find((m) => m.userId === s.leadUserId);
      await recordAudit(tx, ctx, { action: 'subgroup.view', subjectType: 'subgroup', subjectId: id });
      // The latest meetings and the most overdue actions: a page of each, and whether there are more.
      return {
        subgroup: s,
        lead,
        members,
        meetings: meetings.slice(0, PAGE_SIZE),
        moreMeetings: meetings.length > PAGE_SIZE,
        overdueActions: overdueActions.slice(0, PAGE_SIZE),
        moreOverdue: overdueActions.length > PAGE_SIZE,
      };
    });
  }

  async addMember(ctx: Context, id: string, email: string): Promise<void> {
    requirePermission(ctx, 'subgroup:manage');
    await this.withTransaction(async (tx) => {
      await this.visibleSubgroup(tx, ctx, id);
      const u = await this.userByEmail(tx, email.trim().toLowerCase(), 'email');
      if (await this.isMember(tx, id, u.id)) throw new ConflictError('They are already a member', 'email');
      await tx.insert(subgroupMember).values({ subgroupId: id, userId: u.id, joinedAt: ctx.clock.now() });
      await recordAudit(tx, ctx, { action: 'subgroup.member.add', subjectType: 'subgroup', subjectId: id });
    });
  }

  async removeMember(ctx: Context, id: string, userId: string): Promise<void> {
    requirePermission(ctx, 'subgroup:manage');
    await this.withTransaction(async (tx) => {
      const s = await this.visibleSubgroup(tx, ctx, id);
      if (s.leadUserId === userId) throw new ConflictError('Name a new lead before the lead leaves', 'email');
      const now = ctx.clock.now();
      await tx
        .update(subgroupMember)
        .set({ leftAt: now })
        .where(
          and(
            eq(subgroupMember.subgroupId, id),
            eq(subgroupMember.userId, userId),
            isNull(subgroupMember.leftAt),
          ),
        );
      // Their access to agenda children ends with their membership.
      await tx
        .update(childAccess)
        .set({ validTo: now })
        .where(
          and(
            eq(childAccess.basis, 'subgroup'),
            eq(childAccess.userId, userId),
            sql`${childAccess.sourceId} in (select id from ${subgroupMeeting} where subgroup_id = ${id})`,
            sql`(${childAccess.validTo} is null or ${childAccess.validTo} > ${now})`,
          ),
        );
      await recordAudit(tx, ctx, {
        action: 'subgroup.member.remove',
        subjectType: 'subgroup',
        subjectId: id,
      });
    });
  }

  async scheduleMeeting(ctx: Context, id: string, raw: z.input<typeof newMeeting>): Promise<string> {
    requirePermission(ctx, 'subgroup:manage');
    const input = newMeeting.parse(raw);
    return this.withTransaction(async (tx) => {
      await this.visibleSubgroup(tx, ctx, id);
      const [row] = await tx
        .insert(subgroupMeeting)
        .values({ subgroupId: id, meetsAt: input.meetsAt, venue: input.venue, createdAt: ctx.clock.now() })
        .returning({ id: subgroupMeeting.id });
      if (!row) throw new Error('meeting insert returned nothing');
      await recordAudit(tx, ctx, {
        action: 'subgroup.meeting.schedule',
        subjectType: 'subgroup_meeting',
        subjectId: row.id,
      });
      return row.id;
    });
  }

  private async visibleMeeting(tx: Tx, ctx: Context, meetingId: string) {
    const [m] = await tx.select().from(subgroupMeeting).where(eq(subgroupMeeting.id, meetingId));
    if (!m) throw new NotFoundError();
    const s = await this.visibleSubgroup(tx, ctx, m.subgroupId);
    return { meeting: m, subgroup: s };
  }

  /**
   * Builds the agenda from what the hub flags in the area: notices decided for a strategy
   * discussion, moderate or significant screenings, repeat missing and absence, overdue return
   * interviews, each with its reason. The lead and members may see those children until two weeks
   * after the meeting.
   */
  async buildAgenda(ctx: Context, meetingId: string): Promise<number> {
    requirePermission(ctx, 'subgroup:manage');
    const now = ctx.clock.now();
    return this.withTransaction(async (tx) => {
      const { meeting, subgroup: s } = await this.visibleMeeting(tx, ctx, meetingId);
      if (meeting.minutesRecordedAt)
        throw new ConflictError('The meeting has been held: its agenda stands', 'agenda');
      const [anyAction] = await tx
        .select({ id: subgroupAction.id })
        .from(subgroupAction)
        .where(eq(subgroupAction.meetingId, meetingId))
        .limit(1);
      if (anyAction) throw new ConflictError('Actions have been recorded against this agenda', 'agenda');
      await tx.delete(agendaItem).where(eq(agendaItem.meetingId, meetingId));
      const items = await this.flaggedIn(tx, s.authorityCode, now);
      items.sort(
        (a, b) =>
          kindOrder.indexOf(a.kind) - kindOrder.indexOf(b.kind) || a.sortName.localeCompare(b.sortName),
      );
      if (items.length > 0) {
        await tx.insert(agendaItem).values(
          items.map((i, position) => ({
            meetingId,
            kind: i.kind,
            childId: i.childId,
            patternId: i.patternId ?? null,
            reason: i.reason,
            position,
          })),
        );
      }
      await tx.update(subgroupMeeting).set({ agendaBuiltAt: now }).where(eq(subgroupMeeting.id, meetingId));
      // Access for the meeting's purpose: each member, for each child on the agenda, until two weeks after.
      const members = await tx
        .select({ userId: appUser.id, agencyId: appUser.agencyId })
        .from(subgroupMember)
        .innerJoin(appUser, eq(appUser.id, subgroupMember.userId))
        .where(and(eq(subgroupMember.subgroupId, s.id), isNull(subgroupMember.leftAt)));
      const until = new Date(Math.max(meeting.meetsAt.getTime(), now.getTime()) + 14 * DAY);
      // A pattern's children are on the agenda through its evidence.
      const inPatterns = await childrenOfPatterns(
        tx,
        items.map((i) => i.patternId).filter((p): p is string => Boolean(p)),
      );
      const childIds = [
        ...new Set([
          ...items.map((i) => i.childId).filter((c): c is string => Boolean(c)),
          ...[...inPatterns.values()].flat(),
        ]),
      ];
      await tx
        .update(childAccess)
        .set({ validTo: now })
        .where(
          and(
            eq(childAccess.basis, 'subgroup'),
            eq(childAccess.sourceId, meetingId),
            isNull(childAccess.validTo),
          ),
        );
      for (const childId of childIds) {
        for (const m of members) {
          await children.grantAccess(tx, {
            childId,
            agencyId: m.agencyId,
            userId: m.userId,
            basis: 'subgroup',
            sourceId: meetingId,
            validFrom: now,
            validTo: until,
          });
        }
      }
      await recordAudit(tx, ctx, {
        action: 'subgroup.agenda.build',
        subjectType: 'subgroup_meeting',
        subjectId: meetingId,
      });
      return items.length;
    });
  }

  /** What the hub flags for children the area's children's services can see. */
  private async flaggedIn(tx: Tx, area: string, now: Date) {
    const inArea = sql`exists (select 1 from ${childAccess} ca join ${agency} a on a.id = ca.agency_id
      where ca.child_id = ${child.id} and ca.user_id is null and a.type = 'local_authority'
        and a.local_authority_code = ${area} and ca.valid_from <= ${now}
        and (ca.valid_to is null or ca.valid_to > ${now}))`;
    const name = sql<string>`${child.familyName} || ' ' || ${child.givenName}`;
    const out: {
      kind: AgendaKind;
      childId: string | null;
      patternId?: string;
      reason: string;
      sortName: string;
    }[] = [];
    // Places, adults, vehicles and phones linked to several children: the pattern is the item.
    for (const p of await openPatternsIn(tx, area)) {
      out.push({
        kind: 'intelligence_pattern',
        childId: null,
        patternId: p.id,
        reason: p.reason,
        sortName: p.label,
      });
    }
    const { repeatMissing, repeatAbsence } = this.rules;
    // Children with so many episodes (or absences alone) within the rule's window.
    const repeated = (rule: { count: number; days: number }, absencesOnly: boolean) =>
      tx
        .select({ id: child.id, name, n: sql<number>`count(*)::int` })
        .from(episode)
        .innerJoin(child, eq(child.id, episode.childId))
        .where(
          and(
            inArea,
            isNull(episode.enteredInErrorAt),
            absencesOnly ? eq(episode.kind, 'absent') : undefined,
            sql`${episode.startedAt} >= ${new Date(now.getTime() - rule.days * DAY)}`,
          ),
        )
        .groupBy(child.id)
        .having(sql`count(*) >= ${rule.count}`);
    for (const r of await repeated(repeatMissing, false)) {
      out.push({
        kind: 'repeat_missing',
        childId: r.id,
        reason: `Repeat missing: ${r.n} episodes in the last ${repeatMissing.days} days`,
        sortName: r.name,
      });
    }
    for (const r of await repeated(repeatAbsence, true)) {
      out.push({
        kind: 'repeat_absence',
        childId: r.id,
        reason: `Repeat absence: ${r.n} absences in the last ${repeatAbsence.days} days`,
        sortName: r.name,
      });
    }
    const overdue = await tx
      .select({ id: child.id, name, dueAt: sql<Date>`min(${returnInterview.dueAt})` })
      .from(returnInterview)
      .innerJoin(child, eq(child.id, returnInterview.childId))
      .where(
        and(
          inArea,
          inArray(returnInterview.status, ['due', 'offered', 'accepted']),
          lt(returnInterview.dueAt, now),
        ),
      )
      .groupBy(child.id);
    for (const r of overdue) {
      out.push({
        kind: 'return_interview_overdue',
        childId: r.id,
        reason: `Return interview overdue: it was due ${formatDateTime(new Date(r.dueAt))}`,
        sortName: r.name,
      });
    }
    const screened = await tx
      .selectDistinctOn([cseScreening.childId], {
        id: child.id,
        name,
        level: cseScreening.level,
        score: cseScreening.score,
        at: cseScreening.screenedAt,
      })
      .from(cseScreening)
      .innerJoin(child, eq(child.id, cseScreening.childId))
      .where(inArea)
      .orderBy(cseScreening.childId, desc(cseScreening.screenedAt));
    for (const r of screened) {
      if (r.level !== 'moderate' && r.level !== 'significant') continue;
      out.push({
        kind: 'screening',
        childId: r.id,
        reason: `CSE screening ${r.level} (score ${r.score}) on ${formatDate(r.at)}`,
        sortName: r.name,
      });
    }
    const strategy = await tx
      .select({ id: child.id, name, finalAt: noticeDecision.finalAt })
      .from(noticeDecision)
      .innerJoin(notice, eq(notice.id, noticeDecision.noticeId))
      .innerJoin(child, eq(child.id, notice.childId))
      .where(
        and(
          eq(notice.areaAuthorityCode, area),
          eq(noticeDecision.strategyDiscussion, 'yes'),
          sql`${noticeDecision.finalAt} >= ${new Date(now.getTime() - 90 * DAY)}`,
          isNull(noticeDecision.supersededAt),
        ),
      );
    for (const r of strategy) {
      out.push({
        kind: 'strategy_discussion',
        childId: r.id,
        reason: `Notice decided for a strategy discussion on ${formatDate(r.finalAt)}`,
        sortName: r.name,
      });
    }
    return out;
  }

  /** A meeting with its agenda (children named) and actions, for the lead and members. */
  async meeting(ctx: Context, meetingId: string) {
    return this.withTransaction(async (tx) => {
      const { meeting, subgroup: s } = await this.visibleMeeting(tx, ctx, meetingId);
      const items = await tx
        .select({
          item: agendaItem,
          child: {
            id: child.id,
            givenName: child.givenName,
            familyName: child.familyName,
            dateOfBirth: child.dateOfBirth,
          },
        })
        .from(agendaItem)
        .leftJoin(child, eq(child.id, agendaItem.childId))
        .where(eq(agendaItem.meetingId, meetingId))
        .orderBy(asc(agendaItem.position));
      const actions = await tx
        .select({ action: subgroupAction, ownerAgency: agency.name })
        .from(subgroupAction)
        .innerJoin(agency, eq(agency.id, subgroupAction.ownerAgencyId))
        .where(eq(subgroupAction.meetingId, meetingId))
        .orderBy(asc(subgroupAction.dueOn), asc(subgroupAction.createdAt));
      const [lead] = await tx
        .select({ name: appUser.name })
        .from(appUser)
        .where(eq(appUser.id, s.leadUserId));
      await recordAudit(tx, ctx, {
        action: 'subgroup.meeting.view',
        subjectType: 'subgroup_meeting',
        subjectId: meetingId,
      });
      for (const childId of new Set(
        items.map((i) => i.item.childId).filter((c): c is string => Boolean(c)),
      )) {
        await recordAudit(tx, ctx, {
          action: 'subgroup.agenda.child',
          subjectType: 'subgroup_meeting',
          subjectId: meetingId,
          childId,
        });
      }
      const evidence = ctx.actor
        ? await evidenceOf(
            tx,
            ctx as Acting,
            items.map((i) => i.item.patternId).filter((p): p is string => Boolean(p)),
            'on-agenda',
          )
        : [];
      return { meeting, subgroup: s, lead: lead?.name ?? '', items, actions, evidence };
    });
  }

  async recordMinutes(ctx: Context, meetingId: string, minutes: string): Promise<void> {
    requirePermission(ctx, 'subgroup:manage');
    const text = z.string().trim().min(1, 'Enter the minutes').max(20000).safeParse(minutes);
    if (!text.success) throw new ValidationError([{ field: 'minutes', message: 'Enter the minutes' }]);
    await this.withTransaction(async (tx) => {
      await this.visibleMeeting(tx, ctx, meetingId);
      await tx
        .update(subgroupMeeting)
        .set({ minutes: text.data, minutesRecordedAt: ctx.clock.now() })
        .where(eq(subgroupMeeting.id, meetingId));
      await recordAudit(tx, ctx, {
        action: 'subgroup.minutes',
        subjectType: 'subgroup_meeting',
        subjectId: meetingId,
      });
    });
  }

  async addAction(ctx: Context, meetingId: string, raw: z.input<typeof newSubgroupAction>): Promise<string> {
    requirePermission(ctx, 'subgroup:manage');
    const input = newSubgroupAction.parse(raw);
    return this.withTransaction(async (tx) => {
      await this.visibleMeeting(tx, ctx, meetingId);
      const owner = await this.userByEmail(tx, input.ownerEmail, 'ownerEmail');
      const [ownerName] = await tx
        .select({ name: appUser.name })
        .from(appUser)
        .where(eq(appUser.id, owner.id));
      const [row] = await tx
        .insert(subgroupAction)
        .values({
          meetingId,
          agendaItemId: input.agendaItemId ?? null,
          description: input.description,
          ownerName: ownerName?.name ?? '',
          ownerAgencyId: owner.agencyId,
          dueOn: input.dueOn,
          createdAt: ctx.clock.now(),
        })
        .returning({ id: subgroupAction.id });
      if (!row) throw new Error('action insert returned nothing');
      await recordAudit(tx, ctx, {
        action: 'subgroup.action.add',
        subjectType: 'subgroup_action',
        subjectId: row.id,
      });
      return row.id;
    });
  }

  async completeAction(ctx: Context, meetingId: string, actionId: string): Promise<void> {
    requirePermission(ctx, 'subgroup:manage');
    await this.withTransaction(async (tx) => {
      await this.visibleMeeting(tx, ctx, meetingId);
      const done = await tx
        .update(subgroupAction)
        .set({ doneAt: ctx.clock.now() })
        .where(
          and(
            eq(subgroupAction.id, actionId),
            eq(subgroupAction.meetingId, meetingId),
            isNull(subgroupAction.doneAt),
          ),
        )
        .returning({ id: subgroupAction.id });
      if (done.length === 0) throw new NotFoundError();
      await recordAudit(tx, ctx, {
        action: 'subgroup.action.complete',
        subjectType: 'subgroup_action',
        subjectId: actionId,
      });
    });
  }
}
