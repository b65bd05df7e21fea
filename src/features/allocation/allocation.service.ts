import { and, asc, eq, inArray, isNull, type SQL, sql } from 'drizzle-orm';
import { type AnyPgColumn, alias, type SelectedFields } from 'drizzle-orm/pg-core';
import type { SelectResultFields } from 'drizzle-orm/query-builders/select.types';
import { z } from 'zod';
import { childVisibleTo } from '../../platform/access/child-access';
import { requirePermission } from '../../platform/access/guard';
import { child } from '../../platform/access/tables';
import { agency } from '../../platform/agencies/tables';
import { recordAudit } from '../../platform/audit/audit';
import { appUser } from '../../platform/auth/tables';
import type { Context } from '../../platform/context';
import type { Tx } from '../../platform/db/client';
import type { WithTransaction } from '../../platform/db/transaction';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/http/errors';
import { type Cursor, decodeCursor, PAGE_SIZE, type Page, pageOf } from '../../platform/http/pagination';
import { episode, returnInterview, riskGrading } from '../episodes/tables';
import { justiceCase, justiceSupportReview } from '../justice/tables';
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
  support_review: 'Support review',
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

/** A select being joined; drizzle's own types do not follow a generic selection through joins. */
interface Joining {
  from(table: unknown): Joining;
  innerJoin(table: unknown, on: unknown): Joining;
  leftJoin(table: unknown, on: unknown): Joining;
}

/** A select with its joins made, waiting for its filter. */
interface Selecting<T extends SelectedFields> {
  where(where: SQL | undefined): PromiseLike<SelectResultFields<T>[]> & {
    orderBy(...order: SQL[]): { limit(n: number): PromiseLike<SelectResultFields<T>[]> };
  };
}

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
      // A hub administrator may name any agency: one that does not exist is missing, not a server error.
      const [owner] = await tx.select({ id: agency.id }).from(agency).where(eq(agency.id, agencyId));
      if (!owner) throw new NotFoundError();
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

  /**
   * Allocates new work, in the transaction that creates it, to whoever has the child: the current
   * `child` allocation of the first of `agencyIds` that holds one. Work nobody has the child for
   * is left for the agency's list of what is not yet allocated. Returns the agency, or null.
   */
  async allocateToChildWorker(
    tx: Tx,
    ctx: Context,
    work: { subjectType: AllocationSubject; subjectId: string; childId: string; agencyIds: string[] },
  ): Promise<string | null> {
    if (!ctx.actor) return null;
    const holders = work.agencyIds.length
      ? await tx
          .select({ agencyId: allocation.agencyId, userId: allocation.userId, teamId: allocation.teamId })
          .from(allocation)
          .where(
            and(
              eq(allocation.subjectType, 'child'),
              eq(allocation.subjectId, work.childId),
              inArray(allocation.agencyId, work.agencyIds),
              isNull(allocation.endedAt),
            ),
          )
      : [];
    const holder = work.agencyIds.map((a) => holders.find((h) => h.agencyId === a)).find(Boolean);
    if (!holder) return null;
    await tx.insert(allocation).values({
      subjectType: work.subjectType,
      subjectId: work.subjectId,
      childId: work.childId,
      agencyId: holder.agencyId,
      userId: holder.userId,
      teamId: holder.teamId,
      reason: null,
      allocatedByUserId: ctx.actor.userId,
      allocatedAt: ctx.clock.now(),
    });
    await recordAudit(tx, ctx, {
      action: 'allocation.allocate',
      subjectType: work.subjectType,
      subjectId: work.subjectId,
      childId: work.childId,
    });
    return holder.agencyId;
  }

  // ---- Lists ------------------------------------------------------------------------------------

  /**
   * One page of the actor's own work, overdue first, then by when it is due; work with no date comes
   * last. With the number of items and how many are overdue.
   */
  async myWork(ctx: Context, after?: string) {
    requirePermission(ctx, 'work:view');
    const cursor = decodeCursor(after, 2);
    return this.withTransaction(async (tx) => {
      const scope: Scope = { kind: 'user', userId: ctx.actor.userId };
      const page = await this.page(tx, ctx, scope, cursor);
      const counts = await this.counts(tx, ctx, scope);
      await recordAudit(tx, ctx, { action: 'work.my-work', subjectType: 'allocation' });
      return { ...page, ...counts };
    });
  }

  /** One page of a team's queue: allocated to the team but to nobody in it. */
  async teamQueue(ctx: Context, teamId: string, after?: string) {
    requirePermission(ctx, 'work:view');
    const cursor = decodeCursor(after, 2);
    return this.withTransaction(async (tx) => {
      const [t] = await tx
        .select({ id: team.id, name: team.name, agencyId: team.agencyId })
        .from(team)
        .where(and(eq(team.id, teamId), eq(team.agencyId, ctx.actor.agencyId), isNull(team.disbandedAt)));
      if (!t) throw new NotFoundError();
      const scope: Scope = { kind: 'team', teamId };
      const waiting = await this.page(tx, ctx, scope, cursor);
      const counts = await this.counts(tx, ctx, scope);
      await recordAudit(tx, ctx, { action: 'work.team-queue', subjectType: 'team', subjectId: teamId });
      return { team: t, waiting, ...counts };
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

  private scopeFilter(scope: Scope): SQL {
    switch (scope.kind) {
      case 'user':
        return sql`${allocation.userId} = ${scope.userId}`;
      case 'team':
        return sql`${allocation.teamId} = ${scope.teamId} and ${allocation.userId} is null`;
      case 'child':
        return sql`${child.id} = ${scope.childId}`;
      case 'unallocated':
        return sql`true`;
    }
  }

  /** A child's live work in the agency: a handful of items, so one list. */
  private async list(tx: Tx, ctx: Acting, scope: Scope): Promise<WorkItem[]> {
    const all: WorkItem[] = [];
    for (const type of allocationSubjects) {
      all.push(...(await this.items(tx, ctx, type, this.scopeFilter(scope), {})));
    }
    return sortByUrgency(all);
  }

  /**
   * One page of a worker's or a team's work across every type: a page of each type after the
   * cursor, merged in the same order, is enough to fill the page.
   */
  private async page(tx: Tx, ctx: Acting, scope: Scope, after: Cursor | null): Promise<Page<WorkItem>> {
    const all: WorkItem[] = [];
    for (const type of allocationSubjects) {
      all.push(
        ...(await this.items(tx, ctx, type, this.scopeFilter(scope), {
          allocatedOnly: true,
          after,
          limit: PAGE_SIZE + 1,
        })),
      );
    }
    return pageOf(sortByUrgency(all), PAGE_SIZE, (i) => [i.dueAt?.toISOString() ?? null, i.subjectId]);
  }

  /** How much work a scope holds, and how much of it is overdue. */
  private async counts(tx: Tx, ctx: Acting, scope: Scope) {
    const now = ctx.clock.now();
    let total = 0;
    let overdue = 0;
    for (const type of allocationSubjects) {
      const c = await this.countItems(tx, ctx, type, this.scopeFilter(scope), now);
      total += c.total;
      overdue += c.overdue;
    }
    return { total, overdue };
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
      case 'support_review':
        return sql`(${justiceCase.recordedByAgencyId} = ${agencyId}
          or ${child.responsibleAuthorityCode} = ${localAuthorityCode ?? ''})`;
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
      /** Keyset order, due first (no date last), then id; with a cursor, the rows after it. */
      after?: Cursor | null;
    },
  ): Promise<WorkItem[]> {
    const q = this.query(tx, ctx, type, where, options);
    const keyset = options.after !== undefined;
    const rows = await q
      .select({
        subjectId: sql<string>`${q.id}`,
        detail: sql<string>`${q.detail}`,
        dueAt: sql<Date | null>`${q.due}`,
        meetingId: q.meetingId,
        childId: sql<string | null>`${child.id}`,
        givenName: sql<string | null>`${child.givenName}`,
        familyName: sql<string | null>`${child.familyName}`,
        userId: allocation.userId,
        userName: allocatedUser.name,
        teamId: allocation.teamId,
        teamName: team.name,
      })
      .where(and(q.where, keyset ? afterCursor(q.due, q.id, options.after ?? null) : undefined))
      .orderBy(...(keyset ? [sql`${q.due} asc nulls last`, asc(q.id)] : q.order))
      .limit(options.limit ?? PAGE_SIZE);
    return rows.map((r) => ({
      subjectType: type,
      subjectId: r.subjectId,
      childId: r.childId,
      childName: r.givenName ? `${r.givenName} ${r.familyName}` : null,
      detail: q.describe(r.detail),
      dueAt: r.dueAt ? new Date(r.dueAt) : null,
      userId: r.userId,
      userName: r.userName,
      teamId: r.teamId,
      teamName: r.teamName,
      href: type === 'action' ? `/subgroup-meetings/${r.meetingId}` : q.href(r.subjectId),
    }));
  }

  /** How many items of a type a scope holds, and how many of them are overdue. */
  private async countItems(tx: Tx, ctx: Acting, type: AllocationSubject, where: SQL, now: Date) {
    const q = this.query(tx, ctx, type, where, { allocatedOnly: true });
    const [row] = await q
      .select({
        total: sql<number>`count(*)::int`,
        overdue: sql<number>`(count(*) filter (where ${q.due} < ${now}))::int`,
      })
      .where(q.where);
    return row ?? { total: 0, overdue: 0 };
  }

  /**
   * The parts of the query for one type of work: its id, due time, detail and natural order, and a
   * `select` that joins the child and the agency's current allocation and owner.
   */
  private query(
    tx: Tx,
    ctx: Acting,
    type: AllocationSubject,
    where: SQL,
    options: { id?: string; includeFinished?: boolean; allocatedOnly?: boolean; unallocated?: boolean },
  ) {
    const me = ctx.actor.agencyId;
    const current = and(
      eq(allocation.subjectType, type),
      eq(allocation.agencyId, me),
      isNull(allocation.endedAt),
    ) as SQL;
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
    const start = (cols: SelectedFields) => tx.select(cols) as unknown as Joining;
    const owners = <T extends SelectedFields>(from: Joining, subjectId: AnyPgColumn) =>
      from
        .leftJoin(allocation, allocationJoin(subjectId))
        .leftJoin(allocatedUser, eq(allocatedUser.id, allocation.userId))
        .leftJoin(team, eq(team.id, allocation.teamId)) as unknown as Selecting<T>;
    const noMeeting = sql<string | null>`null`;

    switch (type) {
      case 'episode':
        return {
          id: episode.id,
          due: sql`(select ${riskGrading.nextReviewAt} from ${riskGrading}
            where ${riskGrading.episodeId} = ${episode.id} order by ${riskGrading.gradedAt} desc limit 1)`,
          detail: sql`${episode.kind}`,
          meetingId: noMeeting,
          order: [asc(episode.startedAt)],
          describe: (d: string) => (d === 'missing' ? 'Missing' : 'Absent'),
          href: (id: string) => `/episodes/${id}`,
          where: filters(
            episode.id,
            sql`${episode.endedAt} is null and ${episode.enteredInErrorAt} is null`,
            childVisibleTo(ctx, child.id),
          ),
          select: <T extends SelectedFields>(cols: T) =>
            owners<T>(start(cols).from(episode).innerJoin(child, eq(child.id, episode.childId)), episode.id),
        };
      case 'return_interview':
        return {
          id: returnInterview.id,
          due: sql`${returnInterview.dueAt}`,
          detail: sql`${returnInterview.status}`,
          meetingId: noMeeting,
          order: [asc(returnInterview.dueAt)],
          describe: (d: string) => `Return interview (${d})`,
          href: (id: string) => `/return-interviews/${id}`,
          where: filters(
            returnInterview.id,
            sql`${returnInterview.status} in ('due', 'offered', 'accepted') and ${episode.enteredInErrorAt} is null`,
            childVisibleTo(ctx, child.id),
          ),
          select: <T extends SelectedFields>(cols: T) =>
            owners<T>(
              start(cols)
                .from(returnInterview)
                .innerJoin(child, eq(child.id, returnInterview.childId))
                .innerJoin(episode, eq(episode.id, returnInterview.episodeId)),
              returnInterview.id,
            ),
        };
      case 'notice':
        return {
          id: notice.id,
          due: sql`${notice.decisionDueAt}`,
          detail: sql`coalesce(${notice.priority}, 'not yet prioritised')`,
          meetingId: noMeeting,
          order: [asc(notice.decisionDueAt)],
          describe: (d: string) => `Concern notice (${d})`,
          href: (id: string) => `/notices/${id}`,
          where: filters(notice.id, sql`${notice.decidedAt} is null`, noticeVisibleTo(ctx)),
          select: <T extends SelectedFields>(cols: T) =>
            owners<T>(start(cols).from(notice).leftJoin(child, eq(child.id, notice.childId)), notice.id),
        };
      case 'child':
        return {
          id: child.id,
          due: sql`null::timestamptz`,
          detail: sql`''`,
          meetingId: noMeeting,
          order: [asc(child.familyName), asc(child.givenName), asc(child.id)],
          describe: () => 'Child’s case',
          href: (id: string) => `/children/${id}`,
          where: filters(child.id, sql`true`, childVisibleTo(ctx, child.id)),
          select: <T extends SelectedFields>(cols: T) => owners<T>(start(cols).from(child), child.id),
        };
      case 'action':
        return {
          id: subgroupAction.id,
          due: sql`((${subgroupAction.dueOn}::date + time '17:00') at time zone 'Europe/London')`,
          detail: sql`${subgroupAction.description}`,
          meetingId: sql<string | null>`${subgroupAction.meetingId}`,
          order: [asc(subgroupAction.dueOn)],
          describe: (d: string) => d,
          href: (id: string) => `/subgroup-meetings/${id}`,
          where: filters(
            subgroupAction.id,
            sql`${subgroupAction.doneAt} is null`,
            sql`${subgroupAction.ownerAgencyId} = ${me}`,
          ),
          select: <T extends SelectedFields>(cols: T) =>
            owners<T>(start(cols).from(subgroupAction).leftJoin(child, sql`false`), subgroupAction.id),
        };
      case 'support_review':
        return {
          id: justiceSupportReview.id,
          due: sql`${justiceSupportReview.dueAt}`,
          detail: sql`''`,
          meetingId: noMeeting,
          order: [asc(justiceSupportReview.dueAt)],
          describe: () => 'Review the child’s support now the justice case has ended',
          href: (id: string) => `/support-reviews/${id}`,
          // Justice details need their own permission: without it the review is not even listed.
          where: filters(
            justiceSupportReview.id,
            sql`${justiceSupportReview.completedAt} is null and ${justiceCase.enteredInErrorAt} is null`,
            ctx.permissions.has('justice:view') ? childVisibleTo(ctx, child.id) : sql`false`,
          ),
          select: <T extends SelectedFields>(cols: T) =>
            owners<T>(
              start(cols)
                .from(justiceSupportReview)
                .innerJoin(child, eq(child.id, justiceSupportReview.childId))
                .innerJoin(justiceCase, eq(justiceCase.id, justiceSupportReview.caseId)),
              justiceSupportReview.id,
            ),
        };
    }
  }
}

/** The rows after a cursor in the order (due ascending, no date last; then id). */
function afterCursor(due: SQL, id: AnyPgColumn, after: Cursor | null): SQL | undefined {
  if (!after) return undefined;
  const [at, lastId] = after;
  if (at === null) return sql`(${due} is null and ${id} > ${lastId})`;
  const when = new Date(String(at));
  return sql`(${due} > ${when} or (${due} = ${when} and ${id} > ${lastId}) or ${due} is null)`;
}

/** Overdue first (the most overdue leading), then soonest due, then work with no date. */
export function sortByUrgency(items: WorkItem[]): WorkItem[] {
  const at = (i: WorkItem) => (i.dueAt ? i.dueAt.getTime() : Number.POSITIVE_INFINITY);
  // Ids compare as PostgreSQL compares uuids, so that a page ends where the next one starts.
  const byId = (a: WorkItem, b: WorkItem) =>
    a.subjectId < b.subjectId ? -1 : a.subjectId > b.subjectId ? 1 : 0;
  return [...items].sort((a, b) => at(a) - at(b) || byId(a, b));
}
