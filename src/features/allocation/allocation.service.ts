import { and, asc, eq, inArray, isNull, type SQL, sql } from 'drizzle-orm';
import { type AnyPgColumn, alias } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { childVisibleTo } from '../../platform/access/child-access';
import { requirePermission } from '../../platform/access/guard';
import { child } from '../../platform/access/tables';
import { recordAudit } from '../../platform/audit/audit';
import { appUser } from '../../platform/auth/tables';
import type { Context } from '../../platform/context';
import type { Tx } from '../../platform/db/client';
import type { WithTransaction } from '../../platform/db/transaction';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/http/errors';
import { episode, returnInterview, riskGrading } from '../episodes/tables';
import { inMashAreaOf, noticeVisibleTo } from '../notices/notices.service';
import { notice } from '../notices/tables';
import { subgroupAction } from '../subgroup/tables';
import { type AllocationSubject, allocation, allocationSubjects, team, teamMember } from './tables';

export const subjectNames: Record<AllocationSubject, string> = {
  child: 'Child',
  episode: 'Episode',
  return_interview: 'Return interview',
  notice: 'Concern notice',
  action: 'Subgroup action',
};

/** One piece of work in a list: what it is, whose it is, and when it is due. */
export interface WorkItem {
  subjectType: AllocationSubject;
  subjectId: string;
  childId: string | null;
  childName: string | null;
  /** What the work is, in a few words: the kind of episode, the interview's status, the action. */
  detail: string;
  dueAt: Date | null;
  userId: string | null;
  userName: string | null;
  teamId: string | null;
  teamName: string | null;
  href: string;
}

export interface AllocateInput {
  /** `user:<id>` or `team:<id>`. */
  assignee: string;
  reason?: string;
}

export const teamInput = z.object({
  name: z.string({ error: 'Enter the team’s name' }).trim().min(1, 'Enter the team’s name').max(120),
});

const allocatedUser = alias(appUser, 'allocated_user');
const UNALLOCATED_LIMIT = 50;

/** Whose work a list shows. */
type Acting = Context & { actor: NonNullable<Context['actor']> };

type Scope =
  | { kind: 'user'; userId: string }
  | { kind: 'team'; teamId: string }
  | { kind: 'unallocated' }
  | { kind: 'child'; childId: string };

/**
 * Allocation: every child, episode, return interview, notice and subgroup action has a named worker
 * or a team in each agency that works on it. "My work" lists a user's own items, overdue first; a
 * team's queue lists the items allocated to the team but to nobody in it, and what in the agency's
 * area nobody has taken yet.
 */
export class AllocationService {
  constructor(private readonly withTransaction: WithTransaction) {}

  // ---- Teams ----------------------------------------------------------------------------------

  private canManageTeams(ctx: Context, agencyId: string): boolean {
    return (
      ctx.permissions.has('agency:manage-all') ||
      (ctx.permissions.has('agency:manage-own') && ctx.actor?.agencyId === agencyId) ||
      (ctx.permissions.has('work:allocate') && ctx.actor?.agencyId === agencyId)
    );
  }

  async teams(ctx: Context, agencyId: string) {
    if (!this.canManageTeams(ctx, agencyId) && ctx.actor?.agencyId !== agencyId) throw new NotFoundError();
    return this.withTransaction(async (tx) => {
      const teams = await tx
        .select({ id: team.id, name: team.name })
        .from(team)
        .where(and(eq(team.agencyId, agencyId), isNull(team.disbandedAt)))
        .orderBy(asc(team.name));
      const members = teams.length
        ? await tx
            .select({ teamId: teamMember.teamId, userId: appUser.id, name: appUser.name })
            .from(teamMember)
            .innerJoin(appUser, eq(appUser.id, teamMember.userId))
            .where(
              inArray(
                teamMember.teamId,
                teams.map((t) => t.id),
              ),
            )
            .orderBy(asc(appUser.name))
        : [];
      return teams.map((t) => ({ ...t, members: members.filter((m) => m.teamId === t.id) }));
    });
  }

  async createTeam(ctx: Context, agencyId: string, raw: { name: string }): Promise<string> {
    if (!this.canManageTeams(ctx, agencyId)) throw new NotFoundError();
    const { name } = teamInput.parse(raw);
    return this.withTransaction(async (tx) => {
      const [clash] = await tx
        .select({ id: team.id })
        .from(team)
        .where(and(eq(team.agencyId, agencyId), sql`lower(${team.name}) = lower(${name})`));
      if (clash)
        throw new ValidationError([{ field: 'name', message: 'The agency already has a team of that name' }]);
      const [row] = await tx
        .insert(team)
        .values({ agencyId, name, createdAt: ctx.clock.now() })
        .returning({ id: team.id });
      if (!row) throw new Error('team insert returned nothing');
      await recordAudit(tx, ctx, { action: 'team.create', subjectType: 'team', subjectId: row.id });
      return row.id;
    });
  }

  async setMember(ctx: Context, teamId: string, userId: string, member: boolean): Promise<void> {
    await this.withTransaction(async (tx) => {
      const [t] = await tx.select().from(team).where(eq(team.id, teamId));
      if (!t || !this.canManageTeams(ctx, t.agencyId)) throw new NotFoundError();
      const [u] = await tx
        .select({ id: appUser.id })
        .from(appUser)
        .where(and(eq(appUser.id, userId), eq(appUser.agencyId, t.agencyId)));
      if (!u) throw new ValidationError([{ field: 'userId', message: 'Select someone from the agency' }]);
      if (member) {
        await tx
          .insert(teamMember)
          .values({ teamId, userId, addedAt: ctx.clock.now() })
          .onConflictDoNothing();
      } else {
        await tx.delete(teamMember).where(and(eq(teamMember.teamId, teamId), eq(teamMember.userId, userId)));
      }
      await recordAudit(tx, ctx, {
        action: member ? 'team.member-add' : 'team.member-remove',
        subjectType: 'team',
        subjectId: teamId,
      });
    });
  }

  /** The agency a team belongs to, for someone who may manage it. */
  async agencyOfTeam(ctx: Context, teamId: string): Promise<string> {
    const [t] = await this.withTransaction((tx) =>
      tx.select({ agencyId: team.agencyId }).from(team).where(eq(team.id, teamId)),
    );
    if (!t || !this.canManageTeams(ctx, t.agencyId)) throw new NotFoundError();
    return t.agencyId;
  }

  /** The teams the actor belongs to, with how many items wait in each. */
  async myTeams(ctx: Context) {
    requirePermission(ctx, 'work:view');
    return this.withTransaction(async (tx) => {
      return tx
        .select({
          id: team.id,
          name: team.name,
          waiting: sql<number>`(select count(*)::int from ${allocation} a
            where a.team_id = ${team.id} and a.user_id is null and a.ended_at is null)`,
        })
        .from(team)
        .innerJoin(teamMember, eq(teamMember.teamId, team.id))
        .where(and(eq(teamMember.userId, ctx.actor.userId), isNull(team.disbandedAt)))
        .orderBy(asc(team.name));
    });
  }

  // ---- Allocating -------------------------------------------------------------------------------

  /**
   * The subject as the actor may see it, with its child: a subject the actor may not see is
   * reported as missing.
   */
  private async subject(tx: Tx, ctx: Acting, type: AllocationSubject, id: string) {
    const [found] = await this.items(tx, ctx, type, sql`true`, { id, includeFinished: true });
    if (!found) throw new NotFoundError();
    return found;
  }

  /** The actor's agency's current allocation of a subject: for the panel on the subject's page. */
  async current(ctx: Context, type: AllocationSubject, id: string): Promise<WorkItem> {
    requirePermission(ctx, 'child:view');
    return this.withTransaction((tx) => this.subject(tx, ctx, type, id));
  }

  /** The actor's agency's current allocation of a subject, and its history, newest first. */
  async forSubject(ctx: Context, type: AllocationSubject, id: string) {
    requirePermission(ctx, 'child:view');
    return this.withTransaction(async (tx) => {
      const item = await this.subject(tx, ctx, type, id);
      const history = await tx
        .select({
          id: allocation.id,
          userName: allocatedUser.name,
          teamName: team.name,
          reason: allocation.reason,
          allocatedAt: allocation.allocatedAt,
          endedAt: allocation.endedAt,
          allocatedBy: appUser.name,
        })
        .from(allocation)
        .leftJoin(allocatedUser, eq(allocatedUser.id, allocation.userId))
        .leftJoin(team, eq(team.id, allocation.teamId))
        .innerJoin(appUser, eq(appUser.id, allocation.allocatedByUserId))
        .where(
          and(
            eq(allocation.subjectType, type),
            eq(allocation.subjectId, id),
            eq(allocation.agencyId, ctx.actor.agencyId),
          ),
        )
        .orderBy(sql`${allocation.allocatedAt} desc, ${allocation.endedAt} desc nulls first`);
      return { item, history };
    });
  }

  /** Workers and teams of the actor's agency, for the allocation form. */
  async assignees(ctx: Context) {
    requirePermission(ctx, 'work:allocate');
    return this.withTransaction(async (tx) => {
      const users = await tx
        .select({ id: appUser.id, name: appUser.name })
        .from(appUser)
        .where(and(eq(appUser.agencyId, ctx.actor.agencyId), isNull(appUser.disabledAt)))
        .orderBy(asc(appUser.name));
      const teams = await tx
        .select({ id: team.id, name: team.name })
        .from(team)
        .where(and(eq(team.agencyId, ctx.actor.agencyId), isNull(team.disbandedAt)))
        .orderBy(asc(team.name));
      return { users, teams };
    });
  }

  /**
   * Allocates a subject within the actor's agency to a worker (`user:<id>`) or a team
   * (`team:<id>`). Moving work from one owner to another needs a reason, kept in the history.
   */
  async allocate(ctx: Context, type: AllocationSubject, id: string, raw: AllocateInput): Promise<void> {
    requirePermission(ctx, 'work:allocate');
    const input = { assignee: raw.assignee, reason: raw.reason?.trim() || undefined };
    if (!input.assignee)
      throw new ValidationError([{ field: 'assignee', message: 'Select a worker or a team' }]);
    if (input.reason && input.reason.length > 1000) {
      throw new ValidationError([
        { field: 'reason', message: 'The reason must be 1,000 characters or fewer' },
      ]);
    }
    const [kind, targetId] = input.assignee.split(':');
    if ((kind !== 'user' && kind !== 'team') || !targetId || !z.uuid().safeParse(targetId).success) {
      throw new ValidationError([{ field: 'assignee', message: 'Select a worker or a team from the list' }]);
    }
    await this.withTransaction(async (tx) => {
      const item = await this.subject(tx, ctx, type, id);
      let userId: string | null = null;
      let teamId: string | null = null;
      if (kind === 'user') {
        const [u] = await tx
          .select({ id: appUser.id })
          .from(appUser)
          .where(
            and(
              eq(appUser.id, targetId),
              eq(appUser.agencyId, ctx.actor.agencyId),
              isNull(appUser.disabledAt),
            ),
          );
        if (!u)
          throw new ValidationError([
            { field: 'assignee', message: 'Select a worker or a team from the list' },
          ]);
        userId = u.id;
        // A worker keeps the team the work was in when they belong to it.
        if (item.teamId) {
          const [inTeam] = await tx
            .select({ t: teamMember.teamId })
            .from(teamMember)
            .where(and(eq(teamMember.teamId, item.teamId), eq(teamMember.userId, u.id)));
          if (inTeam) teamId = item.teamId;
        }
      } else {
        const [t] = await tx
          .select({ id: team.id })
          .from(team)
          .where(and(eq(team.id, targetId), eq(team.agencyId, ctx.actor.agencyId), isNull(team.disbandedAt)));
        if (!t)
          throw new ValidationError([
            { field: 'assignee', message: 'Select a worker or a team from the list' },
          ]);
        teamId = t.id;
      }
      const moving = item.userId !== null || item.teamId !== null;
      if (moving && item.userId === userId && item.teamId === teamId) {
        throw new ValidationError([{ field: 'assignee', message: 'This is already allocated to them' }]);
      }
      if (moving && !input.reason) {
        throw new ValidationError([{ field: 'reason', message: 'Say why the work is reallocated' }]);
      }
      await this.write(tx, ctx, item, { userId, teamId, reason: input.reason ?? null });
    });
  }

  /** Takes a piece of work: from a team's queue, or from what nobody in the agency has yet. */
  async take(ctx: Context, type: AllocationSubject, id: string): Promise<void> {
    requirePermission(ctx, 'work:view');
    await this.withTransaction(async (tx) => {
      const item = await this.subject(tx, ctx, type, id);
      if (item.userId === ctx.actor.userId) return;
      if (item.userId)
        throw new ConflictError('Someone else has this already: ask them or a manager to reallocate it');
      if (item.teamId) {
        const [member] = await tx
          .select({ t: teamMember.teamId })
          .from(teamMember)
          .where(and(eq(teamMember.teamId, item.teamId), eq(teamMember.userId, ctx.actor.userId)));
        if (!member && !ctx.permissions.has('work:allocate')) {
          throw new ConflictError('This waits in another team’s queue');
        }
      }
      await this.write(tx, ctx, item, { userId: ctx.actor.userId, teamId: item.teamId, reason: null });
    });
  }

  private async write(
    tx: Tx,
    ctx: Acting,
    item: WorkItem,
    to: { userId: string | null; teamId: string | null; reason: string | null },
  ) {
    const now = ctx.clock.now();
    await tx
      .update(allocation)
      .set({ endedAt: now })
      .where(
        and(
          eq(allocation.subjectType, item.subjectType),
          eq(allocation.subjectId, item.subjectId),
          eq(allocation.agencyId, ctx.actor.agencyId),
          isNull(allocation.endedAt),
        ),
      );
    await tx.insert(allocation).values({
      subjectType: item.subjectType,
      subjectId: item.subjectId,
      childId: item.childId,
      agencyId: ctx.actor.agencyId,
      userId: to.userId,
      teamId: to.teamId,
      reason: to.reason,
      allocatedByUserId: ctx.actor.userId,
      allocatedAt: now,
    });
    await recordAudit(tx, ctx, {
      action: 'allocation.allocate',
      subjectType: item.subjectType,
      subjectId: item.subjectId,
      childId: item.childId ?? undefined,
      reason: to.reason ?? undefined,
    });
  }

  // ---- Lists ------------------------------------------------------------------------------------

  /** The actor's own work, overdue first, then by when it is due; work with no date comes last. */
  async myWork(ctx: Context) {
    requirePermission(ctx, 'work:view');
    return this.withTransaction(async (tx) => {
      const items = await this.list(tx, ctx, { kind: 'user', userId: ctx.actor.userId });
      await recordAudit(tx, ctx, { action: 'work.my-work', subjectType: 'allocation' });
      return items;
    });
  }

  /** A team's queue: allocated to the team but to nobody in it; and what the agency has not allocated. */
  async teamQueue(ctx: Context, teamId: string) {
    requirePermission(ctx, 'work:view');
    return this.withTransaction(async (tx) => {
      const [t] = await tx
        .select({ id: team.id, name: team.name, agencyId: team.agencyId })
        .from(team)
        .where(and(eq(team.id, teamId), eq(team.agencyId, ctx.actor.agencyId), isNull(team.disbandedAt)));
      if (!t) throw new NotFoundError();
      const waiting = await this.list(tx, ctx, { kind: 'team', teamId });
      await recordAudit(tx, ctx, { action: 'work.team-queue', subjectType: 'team', subjectId: teamId });
      return { team: t, waiting };
    });
  }

  /** What in the agency's area nobody in the agency has taken yet, by type, with the count of each. */
  async unallocated(ctx: Context) {
    requirePermission(ctx, 'work:view');
    return this.withTransaction(async (tx) => {
      const groups = [];
      for (const type of allocationSubjects) {
        const items = await this.items(tx, ctx, type, this.responsibility(ctx, type), {
          unallocated: true,
          limit: UNALLOCATED_LIMIT + 1,
        });
        const more = items.length > UNALLOCATED_LIMIT;
        if (items.length) {
          groups.push({ type, name: subjectNames[type], items: items.slice(0, UNALLOCATED_LIMIT), more });
        }
      }
      await recordAudit(tx, ctx, { action: 'work.unallocated', subjectType: 'allocation' });
      return groups;
    });
  }

  /** Who in the actor's agency has the child, and the child's live work in the agency. */
  async forChild(ctx: Context, childId: string) {
    requirePermission(ctx, 'child:view');
    return this.withTransaction(async (tx) => this.list(tx, ctx, { kind: 'child', childId }));
  }

  private async list(tx: Tx, ctx: Acting, scope: Scope): Promise<WorkItem[]> {
    const all: WorkItem[] = [];
    for (const type of allocationSubjects) {
      const where =
        scope.kind === 'user'
          ? sql`${allocation.userId} = ${scope.userId}`
          : scope.kind === 'team'
            ? sql`${allocation.teamId} = ${scope.teamId} and ${allocation.userId} is null`
            : scope.kind === 'child'
              ? sql`${child.id} = ${scope.childId}`
              : sql`true`;
      all.push(...(await this.items(tx, ctx, type, where, { allocatedOnly: scope.kind !== 'child' })));
    }
    return sortByUrgency(all);
  }

  /**
   * Which subjects of a type are the agency's to allocate: the force's open episodes and those of the
   * children it places; its own return interviews; notices in its MASH area; the children it looks
   * after; its subgroup actions.
   */
  private responsibility(ctx: Acting, type: AllocationSubject): SQL {
    const { agencyId, localAuthorityCode, policeForceCode } = ctx.actor;
    switch (type) {
      case 'episode':
        return sql`(${episode.policeForceCode} = ${policeForceCode ?? ''}
          or ${child.responsibleAuthorityCode} = ${localAuthorityCode ?? ''})`;
      case 'return_interview':
        return sql`(${returnInterview.ownerAgencyId} = ${agencyId} or ${returnInterview.assignedAgencyId} = ${agencyId})`;
      case 'notice':
        return inMashAreaOf(ctx, notice.areaAuthorityCode);
      case 'child':
        return ctx.actor.agencyType === 'local_authority'
          ? sql`${child.responsibleAuthorityCode} = ${localAuthorityCode ?? ''}`
          : sql`false`;
      case 'action':
        return sql`${subgroupAction.ownerAgencyId} = ${agencyId}`;
    }
  }

  /**
   * Work items of one type, visible to the actor, with the agency's current allocation. Live items
   * only unless `includeFinished`: an open episode, an interview not yet held or declined, an
   * undecided notice, an action not done.
   */
  private async items(
    tx: Tx,
    ctx: Acting,
    type: AllocationSubject,
    where: SQL,
    options: {
      id?: string;
      includeFinished?: boolean;
      allocatedOnly?: boolean;
      unallocated?: boolean;
      limit?: number;
    },
  ): Promise<WorkItem[]> {
    const me = ctx.actor.agencyId;
    const current = and(
      eq(allocation.subjectType, type),
      eq(allocation.agencyId, me),
      isNull(allocation.endedAt),
    ) as SQL;
    const columns = {
      childId: sql<string | null>`${child.id}`,
      givenName: sql<string | null>`${child.givenName}`,
      familyName: sql<string | null>`${child.familyName}`,
      userId: allocation.userId,
      userName: allocatedUser.name,
      teamId: allocation.teamId,
      teamName: team.name,
    };
    const finish = async (
      q: {
        subjectId: string;
        detail: string;
        dueAt: Date | null;
        childId: string | null;
        givenName: string | null;
        familyName: string | null;
        userId: string | null;
        userName: string | null;
        teamId: string | null;
        teamName: string | null;
      }[],
      href: (id: string) => string,
    ): Promise<WorkItem[]> =>
      q.map((r) => ({
        subjectType: type,
        subjectId: r.subjectId,
        childId: r.childId,
        childName: r.givenName ? `${r.givenName} ${r.familyName}` : null,
        detail: r.detail,
        dueAt: r.dueAt ? new Date(r.dueAt) : null,
        userId: r.userId,
        userName: r.userName,
        teamId: r.teamId,
        teamName: r.teamName,
        href: href(r.subjectId),
      }));
    const allocationJoin = (subjectId: AnyPgColumn) => and(current, eq(allocation.subjectId, subjectId));
    const filters = (id: AnyPgColumn, live: SQL, visible: SQL): SQL =>
      and(
        where,
        visible,
        options.id ? eq(id, options.id) : undefined,
        options.includeFinished ? undefined : live,
        options.allocatedOnly ? sql`${allocation.id} is not null` : undefined,
        options.unallocated ? sql`${allocation.id} is null` : undefined,
      ) as SQL;
    const limit = options.limit ?? 500;

    switch (type) {
      case 'episode': {
        const due = sql<Date | null>`(select ${riskGrading.nextReviewAt} from ${riskGrading}
          where ${riskGrading.episodeId} = ${episode.id} order by ${riskGrading.gradedAt} desc limit 1)`;
        const rows = await tx
          .select({ subjectId: episode.id, detail: sql<string>`${episode.kind}`, dueAt: due, ...columns })
          .from(episode)
          .innerJoin(child, eq(child.id, episode.childId))
          .leftJoin(allocation, allocationJoin(episode.id))
          .leftJoin(allocatedUser, eq(allocatedUser.id, allocation.userId))
          .leftJoin(team, eq(team.id, allocation.teamId))
          .where(
            filters(
              episode.id,
              sql`${episode.endedAt} is null and ${episode.enteredInErrorAt} is null`,
              childVisibleTo(ctx, child.id),
            ),
          )
          .orderBy(asc(episode.startedAt))
          .limit(limit);
        return finish(
          rows.map((r) => ({ ...r, detail: r.detail === 'missing' ? 'Missing' : 'Absent' })),
          (id) => `/episodes/${id}`,
        );
      }
      case 'return_interview': {
        const rows = await tx
          .select({
            subjectId: returnInterview.id,
            detail: sql<string>`${returnInterview.status}`,
            dueAt: returnInterview.dueAt,
            ...columns,
          })
          .from(returnInterview)
          .innerJoin(child, eq(child.id, returnInterview.childId))
          .innerJoin(episode, eq(episode.id, returnInterview.episodeId))
          .leftJoin(allocation, allocationJoin(returnInterview.id))
          .leftJoin(allocatedUser, eq(allocatedUser.id, allocation.userId))
          .leftJoin(team, eq(team.id, allocation.teamId))
          .where(
            filters(
              returnInterview.id,
              sql`${returnInterview.status} in ('due', 'offered', 'accepted') and ${episode.enteredInErrorAt} is null`,
              childVisibleTo(ctx, child.id),
            ),
          )
          .orderBy(asc(returnInterview.dueAt))
          .limit(limit);
        return finish(
          rows.map((r) => ({ ...r, detail: `Return interview (${r.detail})` })),
          (id) => `/return-interviews/${id}`,
        );
      }
      case 'notice': {
        const rows = await tx
          .select({
            subjectId: notice.id,
            detail: sql<string>`coalesce(${notice.priority}, 'not yet prioritised')`,
            dueAt: notice.decisionDueAt,
            ...columns,
          })
          .from(notice)
          .leftJoin(child, eq(child.id, notice.childId))
          .leftJoin(allocation, allocationJoin(notice.id))
          .leftJoin(allocatedUser, eq(allocatedUser.id, allocation.userId))
          .leftJoin(team, eq(team.id, allocation.teamId))
          .where(filters(notice.id, sql`${notice.decidedAt} is null`, noticeVisibleTo(ctx)))
          .orderBy(asc(notice.decisionDueAt))
          .limit(limit);
        return finish(
          rows.map((r) => ({ ...r, detail: `Concern notice (${r.detail})` })),
          (id) => `/notices/${id}`,
        );
      }
      case 'child': {
        const rows = await tx
          .select({ subjectId: child.id, detail: sql<string>`''`, dueAt: sql<Date | null>`null`, ...columns })
          .from(child)
          .leftJoin(allocation, allocationJoin(child.id))
          .leftJoin(allocatedUser, eq(allocatedUser.id, allocation.userId))
          .leftJoin(team, eq(team.id, allocation.teamId))
          .where(filters(child.id, sql`true`, childVisibleTo(ctx, child.id)))
          .orderBy(asc(child.familyName), asc(child.givenName), asc(child.id))
          .limit(limit);
        return finish(
          rows.map((r) => ({ ...r, detail: 'Child’s case' })),
          (id) => `/children/${id}`,
        );
      }
      case 'action': {
        const rows = await tx
          .select({
            subjectId: subgroupAction.id,
            detail: subgroupAction.description,
            dueAt: sql<Date | null>`(${subgroupAction.dueOn}::date + time '17:00') at time zone 'Europe/London'`,
            meetingId: subgroupAction.meetingId,
            ...columns,
          })
          .from(subgroupAction)
          .leftJoin(child, sql`false`)
          .leftJoin(allocation, allocationJoin(subgroupAction.id))
          .leftJoin(allocatedUser, eq(allocatedUser.id, allocation.userId))
          .leftJoin(team, eq(team.id, allocation.teamId))
          .where(
            filters(
              subgroupAction.id,
              sql`${subgroupAction.doneAt} is null`,
              sql`${subgroupAction.ownerAgencyId} = ${me}`,
            ),
          )
          .orderBy(asc(subgroupAction.dueOn))
          .limit(limit);
        const meetings = new Map(rows.map((r) => [r.subjectId, r.meetingId]));
        return finish(rows, (id) => `/subgroup-meetings/${meetings.get(id)}`);
      }
    }
  }
}

/** Overdue first (the most overdue leading), then soonest due, then work with no date. */
export function sortByUrgency(items: WorkItem[]): WorkItem[] {
  const at = (i: WorkItem) => (i.dueAt ? i.dueAt.getTime() : Number.POSITIVE_INFINITY);
  return [...items].sort((a, b) => at(a) - at(b) || a.subjectId.localeCompare(b.subjectId));
}
