import { and, count, desc, eq, gte, isNull, sql } from 'drizzle-orm';
import type { Config } from '../../config';
import { childVisibleTo } from '../../platform/access/child-access';
import { requirePermission } from '../../platform/access/guard';
import { child } from '../../platform/access/tables';
import type { Context } from '../../platform/context';
import type { Tx } from '../../platform/db/client';
import type { WithTransaction } from '../../platform/db/transaction';
import { decodeCursor, PAGE_SIZE, pageOf } from '../../platform/http/pagination';
import { episode } from './tables';

export type FlagCode = 'repeat-missing' | 'repeat-absence';

export interface Flag {
  code: FlagCode;
  /** Why the flag is raised, in words a person can check. */
  reason: string;
}

const DAY_MS = 86_400_000;

/**
 * Flags the hub raises from a child's episodes, each with its window and reason. Repeat missing
 * counts every episode, absences included (an absent child is never ignored); repeat absence counts
 * absences alone. Windows end now: a flag says what is happening lately.
 */
export class FlagsService {
  constructor(
    private readonly withTransaction: WithTransaction,
    private readonly rules: Config['flags'],
  ) {}

  async flagsOf(tx: Tx, childId: string, now: Date): Promise<Flag[]> {
    const { repeatMissing, repeatAbsence } = this.rules;
    const [row] = await tx
      .select({
        all: sql<number>`count(*) filter (where ${episode.startedAt} >= ${new Date(now.getTime() - repeatMissing.days * DAY_MS)})::int`,
        absences: sql<number>`count(*) filter (where ${episode.kind} = 'absent' and ${episode.startedAt} >= ${new Date(now.getTime() - repeatAbsence.days * DAY_MS)})::int`,
      })
      .from(episode)
      .where(and(eq(episode.childId, childId), isNull(episode.enteredInErrorAt)));
    const flags: Flag[] = [];
    if ((row?.all ?? 0) >= repeatMissing.count) {
      flags.push({
        code: 'repeat-missing',
        reason: `${row?.all} episodes in the last ${repeatMissing.days} days (the rule is ${repeatMissing.count})`,
      });
    }
    if ((row?.absences ?? 0) >= repeatAbsence.count) {
      flags.push({
        code: 'repeat-absence',
        reason: `${row?.absences} absences in the last ${repeatAbsence.days} days (the rule is ${repeatAbsence.count})`,
      });
    }
    return flags;
  }

  async forChild(ctx: Context, childId: string): Promise<Flag[]> {
    requirePermission(ctx, 'child:view');
    return this.withTransaction((tx) => this.flagsOf(tx, childId, ctx.clock.now()));
  }

  /** Children the actor may see who are repeatedly missing now, most episodes first. */
  async repeatMissing(ctx: Context, options: { after?: string } = {}) {
    requirePermission(ctx, 'child:view');
    const { repeatMissing } = this.rules;
    const since = new Date(ctx.clock.now().getTime() - repeatMissing.days * DAY_MS);
    const cursor = decodeCursor(options.after, 2);
    const rows = await this.withTransaction((tx) =>
      tx
        .select({
          id: child.id,
          givenName: child.givenName,
          familyName: child.familyName,
          episodes: count(episode.id),
        })
        .from(episode)
        .innerJoin(child, eq(child.id, episode.childId))
        .where(
          and(gte(episode.startedAt, since), isNull(episode.enteredInErrorAt), childVisibleTo(ctx, child.id)),
        )
        .groupBy(child.id, child.givenName, child.familyName)
        .having(
          and(
            sql`count(${episode.id}) >= ${repeatMissing.count}`,
            cursor
              ? sql`(count(${episode.id}), ${child.id}) < (${Number(cursor[0])}, ${String(cursor[1])}::uuid)`
              : undefined,
          ),
        )
        .orderBy(sql`count(${episode.id}) desc`, desc(child.id))
        .limit(PAGE_SIZE + 1),
    );
    return pageOf(rows, PAGE_SIZE, (r) => [Number(r.episodes), r.id]);
  }
}
