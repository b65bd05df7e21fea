import { and, asc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import { agency } from '../../platform/agencies/tables';
import type { Tx } from '../../platform/db/client';
import { childrensHome } from '../homes/tables';
import { trainingCourse, trainingRecord, trainingStaff } from './tables';

/** Current staff on a day: started by then (or start not known) and not yet left. */
export const currentOn = (on: string) =>
  sql`(${trainingStaff.startedOn} is null or ${trainingStaff.startedOn} <= ${on}::date)
    and (${trainingStaff.leftOn} is null or ${trainingStaff.leftOn} > ${on}::date)`;

/** Trained on a day: a record, not entered in error, completed by then and valid that day. */
export const trainedOn = (on: string) =>
  sql`exists (select 1 from ${trainingRecord}
    where ${trainingRecord.staffId} = ${trainingStaff.id}
      and ${trainingRecord.enteredInErrorAt} is null
      and ${trainingRecord.completedOn} <= ${on}::date
      and ${trainingRecord.validUntil} >= ${on}::date)`;

export interface ShareCounts {
  staff: number;
  trained: number;
}

/** Current staff and how many of them are trained, on a day, for each value of `key`. */
export async function sharesBy(
  tx: Tx,
  key: SQL,
  where: SQL,
  on: string,
): Promise<(ShareCounts & { key: string | null })[]> {
  const rows = await tx
    .select({
      key: sql<string | null>`${key}`,
      staff: sql<number>`count(*)::int`,
      trained: sql<number>`(count(*) filter (where ${trainedOn(on)}))::int`,
    })
    .from(trainingStaff)
    .where(and(where, currentOn(on)))
    .groupBy(key);
  return rows.map((r) => ({ key: r.key, staff: Number(r.staff), trained: Number(r.trained) }));
}

export async function shareOf(tx: Tx, where: SQL, on: string): Promise<ShareCounts> {
  const [row] = await tx
    .select({
      staff: sql<number>`count(*)::int`,
      trained: sql<number>`(count(*) filter (where ${trainedOn(on)}))::int`,
    })
    .from(trainingStaff)
    .where(and(where, currentOn(on)));
  return { staff: Number(row?.staff ?? 0), trained: Number(row?.trained ?? 0) };
}

/** Staff with their latest valid-until date (records not entered in error), by name. */
export async function staffOf(tx: Tx, where: SQL) {
  return tx
    .select({
      id: trainingStaff.id,
      givenName: trainingStaff.givenName,
      familyName: trainingStaff.familyName,
      sector: trainingStaff.sector,
      homeId: trainingStaff.homeId,
      homeName: childrensHome.name,
      startedOn: trainingStaff.startedOn,
      leftOn: trainingStaff.leftOn,
      validUntil: sql<string | null>`(select max(${trainingRecord.validUntil})::text from ${trainingRecord}
        where ${trainingRecord.staffId} = ${trainingStaff.id} and ${trainingRecord.enteredInErrorAt} is null)`,
    })
    .from(trainingStaff)
    .leftJoin(childrensHome, eq(childrensHome.id, trainingStaff.homeId))
    .where(where)
    .orderBy(asc(trainingStaff.familyName), asc(trainingStaff.givenName), asc(trainingStaff.id));
}

/**
 * Records of current staff that expire by `until` (or have expired) with no later completion of
 * the same course by the same person: what needs renewing, soonest first.
 */
export async function renewalsDue(tx: Tx, where: SQL, today: string, until: string) {
  const later = sql`exists (select 1 from ${trainingRecord} as later
    where later.staff_id = ${trainingRecord.staffId} and later.course_id = ${trainingRecord.courseId}
      and later.entered_in_error_at is null and later.completed_on > ${trainingRecord.completedOn})`;
  return tx
    .select({
      recordId: trainingRecord.id,
      staffId: trainingStaff.id,
      givenName: trainingStaff.givenName,
      familyName: trainingStaff.familyName,
      homeName: childrensHome.name,
      course: trainingCourse.title,
      completedOn: trainingRecord.completedOn,
      validUntil: trainingRecord.validUntil,
    })
    .from(trainingRecord)
    .innerJoin(trainingStaff, eq(trainingStaff.id, trainingRecord.staffId))
    .innerJoin(trainingCourse, eq(trainingCourse.id, trainingRecord.courseId))
    .leftJoin(childrensHome, eq(childrensHome.id, trainingStaff.homeId))
    .where(
      and(
        where,
        currentOn(today),
        sql`${trainingRecord.enteredInErrorAt} is null`,
        sql`${trainingRecord.validUntil} <= ${until}::date`,
        sql`not ${later}`,
      ),
    )
    .orderBy(asc(trainingRecord.validUntil), asc(trainingStaff.familyName), asc(trainingRecord.id));
}

export async function recordsOf(tx: Tx, staffIds: string | string[]) {
  const ids = typeof staffIds === 'string' ? [staffIds] : staffIds;
  if (ids.length === 0) return [];
  return tx
    .select({
      id: trainingRecord.id,
      staffId: trainingRecord.staffId,
      courseId: trainingRecord.courseId,
      course: trainingCourse.title,
      completedOn: trainingRecord.completedOn,
      validUntil: trainingRecord.validUntil,
      provider: trainingRecord.provider,
      createdAt: trainingRecord.createdAt,
      enteredInErrorAt: trainingRecord.enteredInErrorAt,
      enteredInErrorReason: trainingRecord.enteredInErrorReason,
    })
    .from(trainingRecord)
    .innerJoin(trainingCourse, eq(trainingCourse.id, trainingRecord.courseId))
    .where(inArray(trainingRecord.staffId, ids))
    .orderBy(sql`${trainingRecord.completedOn} desc`, asc(trainingCourse.title), asc(trainingRecord.id));
}

export async function findStaff(tx: Tx, id: string, visible: SQL) {
  const [row] = await tx
    .select({
      staff: trainingStaff,
      agencyName: agency.name,
      agencyType: agency.type,
      homeName: childrensHome.name,
    })
    .from(trainingStaff)
    .innerJoin(agency, eq(agency.id, trainingStaff.agencyId))
    .leftJoin(childrensHome, eq(childrensHome.id, trainingStaff.homeId))
    .where(and(eq(trainingStaff.id, id), visible));
  return row ?? null;
}
