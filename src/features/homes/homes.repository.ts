import { and, asc, eq, isNull, lte, type SQL, sql } from 'drizzle-orm';
import { child } from '../../platform/access/tables';
import type { Tx } from '../../platform/db/client';
import type { Cursor } from '../../platform/http/pagination';
import { episode } from '../episodes/tables';
import { placement } from '../placements/tables';
import { childrensHome } from './tables';

export async function findHome(tx: Tx, id: string, visible: SQL) {
  const [row] = await tx
    .select()
    .from(childrensHome)
    .where(and(eq(childrensHome.id, id), visible));
  return row ?? null;
}

/** Children placed in the home on `today` (a London date), among those `childVisible` admits. */
export async function childrenPlacedIn(
  tx: Tx,
  homeId: string,
  today: string,
  childVisible: SQL,
  after: Cursor | null,
  limit: number,
) {
  return tx
    .select({
      childId: child.id,
      givenName: child.givenName,
      familyName: child.familyName,
      dateOfBirth: child.dateOfBirth,
      placedSince: placement.startDate,
    })
    .from(placement)
    .innerJoin(child, eq(child.id, placement.childId))
    .where(
      and(
        eq(placement.homeId, homeId),
        isNull(placement.endDate),
        lte(placement.startDate, today),
        childVisible,
        after
          ? sql`(${child.familyName}, ${child.givenName}, ${child.id}) > (${String(after[0])}, ${String(after[1])}, ${String(after[2])}::uuid)`
          : undefined,
      ),
    )
    .orderBy(asc(child.familyName), asc(child.givenName), asc(child.id))
    .limit(limit);
}

export interface EpisodeCounts {
  last90Days: number;
  last12Months: number;
  open: number;
}

/**
 * Episodes that began while a child was placed in the home (on or after the placement's first
 * day, up to its last), of every child placed there: numbers only, never whose they are.
 */
export async function episodeCountsFor(
  tx: Tx,
  homeId: string,
  since: { days90: Date; months12: Date },
): Promise<Record<'missing' | 'absent', EpisodeCounts>> {
  const startedOn = sql`(${episode.startedAt} at time zone 'Europe/London')::date`;
  const count = (kind: 'missing' | 'absent', window: SQL) =>
    sql<number>`count(distinct ${episode.id}) filter (where ${episode.kind} = ${kind} and ${window})::int`;
  const [row] = await tx
    .select({
      missing90: count('missing', sql`${episode.startedAt} >= ${since.days90}`),
      missing12: count('missing', sql`${episode.startedAt} >= ${since.months12}`),
      missingOpen: count('missing', sql`${episode.endedAt} is null`),
      absent90: count('absent', sql`${episode.startedAt} >= ${since.days90}`),
      absent12: count('absent', sql`${episode.startedAt} >= ${since.months12}`),
      absentOpen: count('absent', sql`${episode.endedAt} is null`),
    })
    .from(episode)
    .innerJoin(placement, eq(placement.childId, episode.childId))
    .where(
      and(
        eq(placement.homeId, homeId),
        sql`${episode.enteredInErrorAt} is null`,
        sql`${startedOn} >= ${placement.startDate}`,
        sql`(${placement.endDate} is null or ${startedOn} <= ${placement.endDate})`,
      ),
    );
  const n = (v: number | string | undefined) => Number(v ?? 0);
  return {
    missing: { last90Days: n(row?.missing90), last12Months: n(row?.missing12), open: n(row?.missingOpen) },
    absent: { last90Days: n(row?.absent90), last12Months: n(row?.absent12), open: n(row?.absentOpen) },
  };
}
