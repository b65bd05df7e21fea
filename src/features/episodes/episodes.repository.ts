import { and, asc, desc, eq, isNull, lt, notExists, or, type SQL, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { child } from '../../platform/access/tables';
import { agency, commission } from '../../platform/agencies/tables';
import { appUser } from '../../platform/auth/tables';
import type { Tx } from '../../platform/db/client';
import { episode, episodeCorrection, episodeKindChange, returnInterview, riskGrading } from './tables';

export type EpisodeRow = typeof episode.$inferSelect;

export async function openEpisodeOf(tx: Tx, childId: string) {
  const [row] = await tx
    .select({ id: episode.id })
    .from(episode)
    .where(and(eq(episode.childId, childId), isNull(episode.endedAt), isNull(episode.enteredInErrorAt)));
  return row ?? null;
}

export async function insertEpisode(tx: Tx, values: typeof episode.$inferInsert): Promise<string> {
  const [row] = await tx.insert(episode).values(values).returning({ id: episode.id });
  if (!row) throw new Error('episode insert returned nothing');
  return row.id;
}

/** An episode whose child the actor may see, or null. */
export async function findEpisode(tx: Tx, id: string, childVisible: SQL) {
  const [row] = await tx
    .select({ episode, child })
    .from(episode)
    .innerJoin(child, eq(child.id, episode.childId))
    .where(and(eq(episode.id, id), childVisible));
  return row ?? null;
}

export async function gradingsOf(tx: Tx, episodeId: string) {
  return tx
    .select()
    .from(riskGrading)
    .where(eq(riskGrading.episodeId, episodeId))
    .orderBy(asc(riskGrading.gradedAt));
}

/**
 * Open episodes whose latest grading set a review time that has passed, most overdue first. A
 * later grading replaces the earlier one's review time, so only the latest counts.
 */
export async function overdueReviews(
  tx: Tx,
  now: Date,
  childVisible: SQL,
  policeForceCode: string | null,
  cursor: (string | number | null)[] | null,
  limit: number,
) {
  const later = alias(riskGrading, 'later_grading');
  return tx
    .select({
      episodeId: episode.id,
      kind: episode.kind,
      policeReference: episode.policeReference,
      childId: child.id,
      givenName: child.givenName,
      familyName: child.familyName,
      grade: riskGrading.grade,
      nextReviewAt: riskGrading.nextReviewAt,
    })
    .from(episode)
    .innerJoin(child, eq(child.id, episode.childId))
    .innerJoin(riskGrading, eq(riskGrading.episodeId, episode.id))
    .where(
      and(
        isNull(episode.endedAt),
        isNull(episode.enteredInErrorAt),
        // A record handed over or closed at 18 is no longer the hub's to review.
        eq(child.recordStatus, 'open'),
        lt(riskGrading.nextReviewAt, now),
        notExists(
          tx
            .select({ one: sql`1` })
            .from(later)
            .where(
              and(
                eq(later.episodeId, riskGrading.episodeId),
                sql`(${later.gradedAt}, ${later.id}) > (${riskGrading.gradedAt}, ${riskGrading.id})`,
              ),
            ),
        ),
        policeForceCode
          ? or(eq(episode.policeForceCode, policeForceCode), isNull(episode.policeForceCode))
          : undefined,
        childVisible,
        cursor
          ? sql`(${riskGrading.nextReviewAt}, ${episode.id}) > (${String(cursor[0])}::timestamptz, ${String(cursor[1])}::uuid)`
          : undefined,
      ),
    )
    .orderBy(asc(riskGrading.nextReviewAt), asc(episode.id))
    .limit(limit);
}

export async function kindChangesOf(tx: Tx, episodeId: string) {
  return tx
    .select()
    .from(episodeKindChange)
    .where(eq(episodeKindChange.episodeId, episodeId))
    .orderBy(asc(episodeKindChange.changedAt));
}

/** The child's latest episodes, newest first, those entered in error included. */
export async function episodesOfChild(tx: Tx, childId: string, limit: number) {
  return tx
    .select()
    .from(episode)
    .where(eq(episode.childId, childId))
    .orderBy(desc(episode.startedAt), desc(episode.id))
    .limit(limit);
}

/** How many episodes a child has had, and how many of each kind since a time; none entered in error. */
export async function episodeTotalsOf(tx: Tx, childId: string, since: Date) {
  const [row] = await tx
    .select({
      total: sql<number>`count(*)::int`,
      missingSince: sql<number>`(count(*) filter (where ${episode.kind} = 'missing' and ${episode.startedAt} >= ${since}))::int`,
      absentSince: sql<number>`(count(*) filter (where ${episode.kind} = 'absent' and ${episode.startedAt} >= ${since}))::int`,
    })
    .from(episode)
    .where(and(eq(episode.childId, childId), isNull(episode.enteredInErrorAt)));
  return {
    total: Number(row?.total ?? 0),
    missingLastYear: Number(row?.missingSince ?? 0),
    absentLastYear: Number(row?.absentSince ?? 0),
  };
}

/** The child's open episode, whole. */
export async function openEpisodeRowOf(tx: Tx, childId: string) {
  const [row] = await tx
    .select()
    .from(episode)
    .where(and(eq(episode.childId, childId), isNull(episode.endedAt), isNull(episode.enteredInErrorAt)));
  return row ?? null;
}

/** An episode's latest risk grading. */
export async function latestGradingOf(tx: Tx, episodeId: string) {
  const [row] = await tx
    .select()
    .from(riskGrading)
    .where(eq(riskGrading.episodeId, episodeId))
    .orderBy(desc(riskGrading.gradedAt), desc(riskGrading.id))
    .limit(1);
  return row ?? null;
}

export async function insertGrading(tx: Tx, values: typeof riskGrading.$inferInsert): Promise<void> {
  await tx.insert(riskGrading).values(values);
}

export async function updateEpisode(
  tx: Tx,
  id: string,
  values: Partial<typeof episode.$inferInsert>,
): Promise<void> {
  await tx.update(episode).set(values).where(eq(episode.id, id));
}

export async function insertKindChange(tx: Tx, values: typeof episodeKindChange.$inferInsert): Promise<void> {
  await tx.insert(episodeKindChange).values(values);
}

export async function insertReturnInterview(
  tx: Tx,
  values: typeof returnInterview.$inferInsert,
): Promise<string> {
  const [row] = await tx.insert(returnInterview).values(values).returning({ id: returnInterview.id });
  if (!row) throw new Error('return interview insert returned nothing');
  return row.id;
}

export async function returnInterviewOf(tx: Tx, episodeId: string) {
  const [row] = await tx.select().from(returnInterview).where(eq(returnInterview.episodeId, episodeId));
  return row ?? null;
}

/** The police agency for a force code, and the children's services agency for an authority code. */
export async function policeAgencyOf(tx: Tx, forceCode: string) {
  const [row] = await tx
    .select({ id: agency.id })
    .from(agency)
    .where(
      and(eq(agency.type, 'police_force'), eq(agency.policeForceCode, forceCode), isNull(agency.disabledAt)),
    );
  return row?.id ?? null;
}

export async function authorityAgencyOf(tx: Tx, authorityCode: string) {
  const [row] = await tx
    .select({ id: agency.id })
    .from(agency)
    .where(
      and(
        eq(agency.type, 'local_authority'),
        eq(agency.localAuthorityCode, authorityCode),
        isNull(agency.disabledAt),
      ),
    );
  return row?.id ?? null;
}

/** The agency an owner commissions to do its return interviews, if any. */
export async function returnInterviewProviderOf(tx: Tx, ownerAgencyId: string) {
  const [row] = await tx
    .select({ id: commission.providerAgencyId })
    .from(commission)
    .innerJoin(agency, eq(agency.id, commission.providerAgencyId))
    .where(
      and(
        eq(commission.commissionerAgencyId, ownerAgencyId),
        eq(commission.service, 'return_interviews'),
        isNull(agency.disabledAt),
      ),
    );
  return row?.id ?? null;
}

export async function insertCorrection(tx: Tx, values: typeof episodeCorrection.$inferInsert): Promise<void> {
  await tx.insert(episodeCorrection).values(values);
}

export async function correctionsOf(tx: Tx, episodeId: string) {
  return tx
    .select({ correction: episodeCorrection, by: appUser.name })
    .from(episodeCorrection)
    .leftJoin(appUser, eq(appUser.id, episodeCorrection.correctedByUserId))
    .where(eq(episodeCorrection.episodeId, episodeId))
    .orderBy(desc(episodeCorrection.correctedAt));
}
