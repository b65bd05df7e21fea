import { and, asc, eq, inArray, isNull, type SQL, sql } from 'drizzle-orm';
import { requirePermission } from '../../platform/access/guard';
import { findLocalAuthority } from '../../platform/agencies/reference-data';
import { agency } from '../../platform/agencies/tables';
import { recordAudit } from '../../platform/audit/audit';
import type { Context } from '../../platform/context';
import type { Tx } from '../../platform/db/client';
import type { WithTransaction } from '../../platform/db/transaction';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/http/errors';
import { londonDate } from '../../platform/http/london-time';
import { childrensHome } from '../homes/tables';
import { type AttendanceRow, parseAttendance, type RowProblem } from './csv-import';
import {
  type CourseInput,
  courseInput,
  inErrorInput,
  leaveInput,
  type RecordInput,
  recordInput,
  type StaffInput,
  staffInput,
} from './schemas';
import {
  type TrainingSector,
  trainingCourse,
  trainingRecord,
  trainingSectors,
  trainingStaff,
} from './tables';
import * as repo from './training.repository';
import {
  authorityOf,
  homeTrainingVisibleTo,
  mayReportOnArea,
  organisationVisibleTo,
  trainingStaffVisibleTo,
} from './visibility';

/** Records expiring within this many days are listed as renewals due, with those already expired. */
export const RENEWAL_DAYS = 60;

export interface Share {
  staff: number;
  trained: number;
  /** Whole per cent; null when there are no current staff to count. */
  percent: number | null;
}

export const shareOf = (c: repo.ShareCounts): Share => ({
  staff: c.staff,
  trained: c.trained,
  percent: c.staff > 0 ? Math.round((100 * c.trained) / c.staff) : null,
});

/** A date plus whole months, kept within the month (31 January plus one month is 28 or 29 February). */
export function addMonths(isoDate: string, months: number): string {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d, last));
  return target.toISOString().slice(0, 10);
}

const addDays = (isoDate: string, days: number) =>
  new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

export type ImportResult =
  | {
      ok: true;
      committed: boolean;
      rows: number;
      staffAdded: number;
      recordsAdded: number;
      alreadyRecorded: number;
    }
  | { ok: false; committed: false; fileProblem?: string; rowProblems: RowProblem[] };

export interface OrganisationRef {
  id: string;
  name: string;
  type: string;
  localAuthorityCode: string | null;
}

/**
 * Training on the warning signs (issue 9): courses with a validity, each organisation's staff
 * (who need not be Lantern users) and their training, shares of current staff trained, renewals
 * due, attendance imported from a file, and a report per area. Seeing it follows the one rule in
 * visibility.ts; recording is for the organisation's own administrator.
 */
export class TrainingService {
  constructor(
    private readonly withTransaction: WithTransaction,
    private readonly renewalDays = RENEWAL_DAYS,
  ) {}

  // ---- Courses ---------------------------------------------------------------------------------

  /** The courses, by title: those on offer, or every one for the courses page. */
  async courses(ctx: Context, options: { includeInactive?: boolean } = {}) {
    if (!ctx.permissions.has('training:manage-courses')) requirePermission(ctx, 'training:view');
    return this.withTransaction((tx) =>
      tx
        .select()
        .from(trainingCourse)
        .where(options.includeInactive ? undefined : eq(trainingCourse.active, true))
        .orderBy(asc(trainingCourse.title)),
    );
  }

  async course(ctx: Context, id: string) {
    requirePermission(ctx, 'training:manage-courses');
    const [row] = await this.withTransaction((tx) =>
      tx.select().from(trainingCourse).where(eq(trainingCourse.id, id)),
    );
    if (!row) throw new NotFoundError();
    return row;
  }

  async addCourse(ctx: Context, raw: CourseInput): Promise<string> {
    requirePermission(ctx, 'training:manage-courses');
    const input = courseInput.parse(raw);
    return this.withTransaction(async (tx) => {
      await this.refuseDuplicateTitle(tx, input.title);
      const now = ctx.clock.now();
      const [row] = await tx
        .insert(trainingCourse)
        .values({
          title: input.title,
          covers: input.covers,
          validityMonths: input.validityMonths,
          active: true,
          createdAt: now,
          updatedAt: now,
        })
        .returning({ id: trainingCourse.id });
      if (!row) throw new Error('course insert returned nothing');
      await recordAudit(tx, ctx, {
        action: 'training.course.add',
        subjectType: 'training_course',
        subjectId: row.id,
      });
      return row.id;
    });
  }

  /** Changes a course. Records already made keep the validity they were given. */
  async changeCourse(ctx: Context, id: string, raw: CourseInput): Promise<void> {
    requirePermission(ctx, 'training:manage-courses');
    const input = courseInput.parse(raw);
    await this.withTransaction(async (tx) => {
      const [existing] = await tx.select().from(trainingCourse).where(eq(trainingCourse.id, id));
      if (!existing) throw new NotFoundError();
      await this.refuseDuplicateTitle(tx, input.title, id);
      await tx
        .update(trainingCourse)
        .set({
          title: input.title,
          covers: input.covers,
          validityMonths: input.validityMonths,
          active: input.active ?? existing.active,
          updatedAt: ctx.clock.now(),
        })
        .where(eq(trainingCourse.id, id));
      await recordAudit(tx, ctx, {
        action: 'training.course.change',
        subjectType: 'training_course',
        subjectId: id,
      });
    });
  }

  private async refuseDuplicateTitle(tx: Tx, title: string, exceptId?: string) {
    const [clash] = await tx
      .select({ id: trainingCourse.id })
      .from(trainingCourse)
      .where(
        and(
          sql`lower(${trainingCourse.title}) = lower(${title})`,
          exceptId ? sql`${trainingCourse.id} <> ${exceptId}` : undefined,
        ),
      );
    if (clash) throw new ConflictError('A course with this title already exists', 'title');
  }

  // ---- Organisations ---------------------------------------------------------------------------

  /**
   * An organisation's training: its share of current staff trained, each of its homes' shares,
   * its staff and its renewals due. The actor's own organisation unless another is named.
   */
  async organisation(ctx: Context, agencyId?: string, options: { withRecords?: boolean } = {}) {
    requirePermission(ctx, 'training:view');
    const id = agencyId ?? ctx.actor.agencyId;
    const today = londonDate(ctx.clock.now());
    return this.withTransaction(async (tx) => {
      const [org] = await tx
        .select({
          id: agency.id,
          name: agency.name,
          type: agency.type,
          localAuthorityCode: agency.localAuthorityCode,
        })
        .from(agency)
        .where(and(eq(agency.id, id), organisationVisibleTo(ctx, agency.id)));
      if (!org) throw new NotFoundError();
      const staffHere = and(eq(trainingStaff.agencyId, id), trainingStaffVisibleTo(ctx)) as SQL;
      const share = shareOf(await repo.shareOf(tx, staffHere, today));
      const homes = await this.homeShares(tx, ctx, eq(childrensHome.providerAgencyId, id), today);
      const staff = await repo.staffOf(tx, staffHere);
      const renewals = await repo.renewalsDue(tx, staffHere, today, addDays(today, this.renewalDays));
      const records = options.withRecords
        ? await repo.recordsOf(
            tx,
            staff.map((s) => s.id),
          )
        : [];
      await recordAudit(tx, ctx, {
        action: 'training.organisation.view',
        subjectType: 'agency',
        subjectId: id,
      });
      return {
        records,
        organisation: org as OrganisationRef,
        own: id === ctx.actor.agencyId,
        share,
        homes,
        staff: staff.map((s) => ({
          ...s,
          current: (!s.startedOn || s.startedOn <= today) && (!s.leftOn || s.leftOn > today),
          trained: s.validUntil !== null && s.validUntil >= today,
        })),
        renewals,
        today,
        renewalDays: this.renewalDays,
      };
    });
  }

  /** For a local authority's users: the organisations and homes of its area with staff recorded. */
  async area(ctx: Context) {
    requirePermission(ctx, 'training:view');
    const authority = authorityOf(ctx);
    if (!authority) return null;
    return this.withTransaction((tx) => this.areaFigures(tx, ctx, authority, londonDate(ctx.clock.now())));
  }

  private async areaFigures(tx: Tx, ctx: Context, areaCode: string, today: string) {
    const visible = trainingStaffVisibleTo(ctx);
    const inArea = sql`(case when ${trainingStaff.homeId} is null
      then exists (select 1 from ${agency} as org where org.id = ${trainingStaff.agencyId} and org.local_authority_code = ${areaCode})
      else exists (select 1 from ${childrensHome} as home where home.id = ${trainingStaff.homeId} and home.local_authority_code = ${areaCode})
    end)`;
    const where = and(visible, inArea) as SQL;
    const byOrganisation = await repo.sharesBy(tx, sql`${trainingStaff.agencyId}::text`, where, today);
    const ids = byOrganisation.map((o) => o.key ?? '').filter(Boolean);
    const names = ids.length
      ? await tx
          .select({ id: agency.id, name: agency.name, type: agency.type })
          .from(agency)
          .where(inArray(agency.id, ids))
      : [];
    const organisations = byOrganisation
      .map((o) => {
        const a = names.find((n) => n.id === o.key);
        return { id: o.key ?? '', name: a?.name ?? '', type: a?.type ?? 'other', ...shareOf(o) };
      })
      .sort((x, y) => x.name.localeCompare(y.name));
    const homes = await this.homeShares(tx, ctx, eq(childrensHome.localAuthorityCode, areaCode), today);
    const bySector = await repo.sharesBy(tx, sql`${trainingStaff.sector}`, where, today);
    const sectors = trainingSectors
      .map((s) => ({
        sector: s as TrainingSector,
        ...shareOf(bySector.find((x) => x.key === s) ?? { staff: 0, trained: 0 }),
      }))
      .filter((s) => s.staff > 0);
    const total = shareOf(await repo.shareOf(tx, where, today));
    return {
      areaCode,
      areaName: findLocalAuthority(areaCode)?.name ?? areaCode,
      organisations,
      homes,
      sectors,
      total,
      today,
    };
  }

  /** Each home's share, of the homes the filter picks that the actor may see and that have staff recorded. */
  private async homeShares(tx: Tx, ctx: Context, filter: SQL, today: string) {
    const homes = await tx
      .select({
        id: childrensHome.id,
        name: childrensHome.name,
        urn: childrensHome.urn,
        providerName: childrensHome.providerName,
      })
      .from(childrensHome)
      .where(
        and(
          filter,
          homeTrainingVisibleTo(ctx),
          sql`exists (select 1 from ${trainingStaff} where ${trainingStaff.homeId} = ${childrensHome.id})`,
        ),
      )
      .orderBy(asc(childrensHome.name), asc(childrensHome.id));
    if (homes.length === 0) return [];
    const shares = await repo.sharesBy(
      tx,
      sql`${trainingStaff.homeId}::text`,
      and(
        inArray(
          trainingStaff.homeId,
          homes.map((h) => h.id),
        ),
        trainingStaffVisibleTo(ctx),
      ) as SQL,
      today,
    );
    return homes.map((h) => ({
      ...h,
      ...shareOf(shares.find((s) => s.key === h.id) ?? { staff: 0, trained: 0 }),
    }));
  }

  /** A home's share of current staff trained, for its page; null for someone who may not see it. */
  async homeShare(ctx: Context, homeId: string): Promise<Share | null> {
    if (!ctx.permissions.has('training:view') || !ctx.actor) return null;
    const today = londonDate(ctx.clock.now());
    return this.withTransaction(async (tx) => {
      const [home] = await tx
        .select({ id: childrensHome.id })
        .from(childrensHome)
        .where(and(eq(childrensHome.id, homeId), homeTrainingVisibleTo(ctx)));
      if (!home) return null;
      return shareOf(
        await repo.shareOf(
          tx,
          and(eq(trainingStaff.homeId, homeId), trainingStaffVisibleTo(ctx)) as SQL,
          today,
        ),
      );
    });
  }

  /** The report of an area: each organisation and home with staff, and each sector. */
  async areaReport(ctx: Context, areaCode?: string) {
    requirePermission(ctx, 'training:view');
    const code = areaCode ?? authorityOf(ctx) ?? ctx.actor.localAuthorityCode ?? '';
    if (!findLocalAuthority(code) || !mayReportOnArea(ctx, code)) throw new NotFoundError();
    return this.withTransaction(async (tx) => {
      const figures = await this.areaFigures(tx, ctx, code, londonDate(ctx.clock.now()));
      await recordAudit(tx, ctx, {
        action: 'training.report.view',
        subjectType: 'local_authority',
        subjectId: code,
      });
      return figures;
    });
  }

  // ---- Staff -----------------------------------------------------------------------------------

  /** The homes of the actor's organisation, for the staff form and the file's home URN. */
  async ownHomes(ctx: Context) {
    requirePermission(ctx, 'training:record');
    const agencyId = ctx.actor.agencyId;
    return this.withTransaction((tx) =>
      tx
        .select({ id: childrensHome.id, name: childrensHome.name, urn: childrensHome.urn })
        .from(childrensHome)
        .where(eq(childrensHome.providerAgencyId, agencyId))
        .orderBy(asc(childrensHome.name)),
    );
  }

  async addStaff(ctx: Context, raw: StaffInput): Promise<string> {
    requirePermission(ctx, 'training:record');
    const input = staffInput.parse(raw);
    const actor = ctx.actor;
    if (input.startedOn && input.startedOn > londonDate(ctx.clock.now())) {
      throw new ValidationError([
        { field: 'startedOn', message: 'The date they started must be today or in the past' },
      ]);
    }
    return this.withTransaction(async (tx) => {
      if (input.homeId) {
        const [home] = await tx
          .select({ id: childrensHome.id })
          .from(childrensHome)
          .where(and(eq(childrensHome.id, input.homeId), eq(childrensHome.providerAgencyId, actor.agencyId)));
        if (!home)
          throw new ValidationError([
            { field: 'homeId', message: 'Select one of your organisation’s homes' },
          ]);
      }
      const [row] = await tx
        .insert(trainingStaff)
        .values({
          agencyId: actor.agencyId,
          homeId: input.homeId ?? null,
          givenName: input.givenName,
          familyName: input.familyName,
          email: input.email ?? null,
          sector: input.sector,
          startedOn: input.startedOn ?? null,
          createdByUserId: actor.userId,
          createdAt: ctx.clock.now(),
        })
        .returning({ id: trainingStaff.id });
      if (!row) throw new Error('staff insert returned nothing');
      await recordAudit(tx, ctx, {
        action: 'training.staff.add',
        subjectType: 'training_staff',
        subjectId: row.id,
      });
      return row.id;
    });
  }

  /** A staff member with every training record, those entered in error included. */
  async staffMember(ctx: Context, id: string) {
    requirePermission(ctx, 'training:view');
    const today = londonDate(ctx.clock.now());
    return this.withTransaction(async (tx) => {
      const found = await repo.findStaff(tx, id, trainingStaffVisibleTo(ctx));
      if (!found) throw new NotFoundError();
      const records = await repo.recordsOf(tx, id);
      await recordAudit(tx, ctx, {
        action: 'training.staff.view',
        subjectType: 'training_staff',
        subjectId: id,
      });
      const s = found.staff;
      return {
        ...found,
        records: records.map((r) => ({
          ...r,
          current: !r.enteredInErrorAt && r.completedOn <= today && r.validUntil >= today,
        })),
        current: (!s.startedOn || s.startedOn <= today) && (!s.leftOn || s.leftOn > today),
        mayRecord: ctx.permissions.has('training:record') && s.agencyId === ctx.actor.agencyId,
        today,
      };
    });
  }

  /** The staff member of the actor's own organisation, for a change: another's is not found. */
  private async ownStaff(tx: Tx, ctx: Context & { actor: NonNullable<Context['actor']> }, id: string) {
    const [row] = await tx
      .select()
      .from(trainingStaff)
      .where(
        and(
          eq(trainingStaff.id, id),
          eq(trainingStaff.agencyId, ctx.actor.agencyId),
          trainingStaffVisibleTo(ctx),
        ),
      );
    if (!row) throw new NotFoundError();
    return row;
  }

  async staffLeaves(ctx: Context, id: string, raw: { leftOn?: string }): Promise<void> {
    requirePermission(ctx, 'training:record');
    await this.withTransaction(async (tx) => {
      const s = await this.ownStaff(tx, ctx, id);
      const { leftOn } = leaveInput.parse(raw);
      if (s.leftOn)
        throw new ConflictError('They have already left: their leaving date is recorded', 'leftOn');
      if (s.startedOn && leftOn < s.startedOn) {
        throw new ValidationError([
          { field: 'leftOn', message: 'The date they left must be on or after the date they started' },
        ]);
      }
      await tx.update(trainingStaff).set({ leftOn }).where(eq(trainingStaff.id, id));
      await recordAudit(tx, ctx, {
        action: 'training.staff.leave',
        subjectType: 'training_staff',
        subjectId: id,
      });
    });
  }

  /** Records that a staff member completed a course; valid until follows the course's validity now. */
  async recordTraining(ctx: Context, staffId: string, raw: RecordInput): Promise<string> {
    requirePermission(ctx, 'training:record');
    return this.withTransaction(async (tx) => {
      await this.ownStaff(tx, ctx, staffId);
      const input = recordInput.parse(raw);
      if (input.completedOn > londonDate(ctx.clock.now())) {
        throw new ValidationError([
          { field: 'completedOn', message: 'The date the course was completed must be today or in the past' },
        ]);
      }
      const [course] = await tx
        .select()
        .from(trainingCourse)
        .where(and(eq(trainingCourse.id, input.courseId), eq(trainingCourse.active, true)));
      if (!course)
        throw new ValidationError([{ field: 'courseId', message: 'Select a course from the list' }]);
      const [already] = await tx
        .select({ id: trainingRecord.id })
        .from(trainingRecord)
        .where(
          and(
            eq(trainingRecord.staffId, staffId),
            eq(trainingRecord.courseId, course.id),
            eq(trainingRecord.completedOn, input.completedOn),
            isNull(trainingRecord.enteredInErrorAt),
          ),
        );
      if (already)
        throw new ConflictError('This course completed on this date is already recorded', 'courseId');
      const id = await this.insertRecord(tx, ctx, staffId, course, input.completedOn, input.provider ?? null);
      await recordAudit(tx, ctx, {
        action: 'training.record.add',
        subjectType: 'training_record',
        subjectId: id,
      });
      return id;
    });
  }

  private async insertRecord(
    tx: Tx,
    ctx: Context,
    staffId: string,
    course: { id: string; validityMonths: number },
    completedOn: string,
    provider: string | null,
  ): Promise<string> {
    const [row] = await tx
      .insert(trainingRecord)
      .values({
        staffId,
        courseId: course.id,
        completedOn,
        validUntil: addMonths(completedOn, course.validityMonths),
        provider,
        recordedByUserId: ctx.actor?.userId ?? null,
        createdAt: ctx.clock.now(),
      })
      .returning({ id: trainingRecord.id });
    if (!row) throw new Error('training record insert returned nothing');
    return row.id;
  }

  /** A record with its staff member, for the entered-in-error page; the organisation's own only. */
  async record(ctx: Context, id: string) {
    requirePermission(ctx, 'training:record');
    return this.withTransaction(async (tx) => {
      const [row] = await tx
        .select({ record: trainingRecord, course: trainingCourse.title, staff: trainingStaff })
        .from(trainingRecord)
        .innerJoin(trainingStaff, eq(trainingStaff.id, trainingRecord.staffId))
        .innerJoin(trainingCourse, eq(trainingCourse.id, trainingRecord.courseId))
        .where(
          and(
            eq(trainingRecord.id, id),
            eq(trainingStaff.agencyId, ctx.actor.agencyId),
            trainingStaffVisibleTo(ctx),
          ),
        );
      if (!row) throw new NotFoundError();
      await recordAudit(tx, ctx, {
        action: 'training.record.view',
        subjectType: 'training_record',
        subjectId: id,
      });
      return row;
    });
  }

  /** Marks a record entered in error, with the reason: it stays on the person's page and counts for nothing. */
  async recordInError(ctx: Context, id: string, raw: { reason?: string }): Promise<string> {
    requirePermission(ctx, 'training:record');
    return this.withTransaction(async (tx) => {
      const [row] = await tx
        .select({ record: trainingRecord })
        .from(trainingRecord)
        .innerJoin(trainingStaff, eq(trainingStaff.id, trainingRecord.staffId))
        .where(
          and(
            eq(trainingRecord.id, id),
            eq(trainingStaff.agencyId, ctx.actor.agencyId),
            trainingStaffVisibleTo(ctx),
          ),
        );
      if (!row) throw new NotFoundError();
      const { reason } = inErrorInput.parse(raw);
      if (row.record.enteredInErrorAt)
        throw new ConflictError('This record is already marked as entered in error', 'reason');
      await tx
        .update(trainingRecord)
        .set({
          enteredInErrorAt: ctx.clock.now(),
          enteredInErrorByUserId: ctx.actor.userId,
          enteredInErrorReason: reason,
        })
        .where(eq(trainingRecord.id, id));
      await recordAudit(tx, ctx, {
        action: 'training.record.in-error',
        subjectType: 'training_record',
        subjectId: id,
      });
      return row.record.staffId;
    });
  }

  // ---- Attendance files --------------------------------------------------------------------------

  /**
   * Imports an attendance file for the actor's organisation. Every row is checked first and every
   * bad one reported with its line; then all rows go in or, if any is bad, none. People are matched
   * on their email, or on their names and home, so a file imported twice adds nothing.
   */
  async importAttendance(ctx: Context, csv: string, commit: boolean): Promise<ImportResult> {
    requirePermission(ctx, 'training:record');
    const actor = ctx.actor;
    const today = londonDate(ctx.clock.now());
    const parsed = parseAttendance(csv, today);
    if (!parsed.ok) return { ...parsed, committed: false };
    return this.withTransaction(async (tx) => {
      const courses = await tx.select().from(trainingCourse).where(eq(trainingCourse.active, true));
      const courseByTitle = new Map(courses.map((c) => [c.title.toLowerCase(), c]));
      const homes = await tx
        .select({ id: childrensHome.id, urn: childrensHome.urn })
        .from(childrensHome)
        .where(eq(childrensHome.providerAgencyId, actor.agencyId));
      const homeByUrn = new Map(homes.map((h) => [h.urn.toUpperCase(), h.id]));
      const problems: RowProblem[] = [...parsed.rowProblems];
      const seen = new Map<string, number>();
      const checked: (AttendanceRow & { courseId: string; homeId: string | null; personKey: string })[] = [];
      for (const r of parsed.rows) {
        const rowProblems: string[] = [];
        const course = courseByTitle.get(r.course.toLowerCase());
        if (!course)
          rowProblems.push(`Course “${r.course.slice(0, 100)}” is not one of the courses on offer`);
        const homeId = r.home_urn ? (homeByUrn.get(r.home_urn) ?? null) : null;
        if (r.home_urn && !homeId)
          rowProblems.push(`Home URN ${r.home_urn} is not one of your organisation’s homes`);
        const personKey = personKeyOf(r.email, r.given_name, r.family_name, homeId);
        const key = `${personKey}|${course?.id ?? r.course}|${r.completed_on}`;
        const earlier = seen.get(key);
        if (earlier) rowProblems.push(`The same training is also on line ${earlier}`);
        seen.set(key, r.line);
        if (rowProblems.length > 0)
          problems.push({ line: r.line, who: `${r.given_name} ${r.family_name}`, problems: rowProblems });
        else if (course) checked.push({ ...r, courseId: course.id, homeId, personKey });
      }
      if (problems.length > 0) {
        problems.sort((a, b) => a.line - b.line);
        return { ok: false as const, committed: false as const, rowProblems: problems };
      }

      const existing = await tx
        .select()
        .from(trainingStaff)
        .where(eq(trainingStaff.agencyId, actor.agencyId));
      const staffByKey = new Map<string, string>();
      for (const s of existing) {
        if (s.email) staffByKey.set(personKeyOf(s.email, '', '', null), s.id);
        staffByKey.set(personKeyOf(null, s.givenName, s.familyName, s.homeId), s.id);
      }
      const recorded = existing.length
        ? await tx
            .select({
              staffId: trainingRecord.staffId,
              courseId: trainingRecord.courseId,
              completedOn: trainingRecord.completedOn,
            })
            .from(trainingRecord)
            .where(
              and(
                inArray(
                  trainingRecord.staffId,
                  existing.map((s) => s.id),
                ),
                isNull(trainingRecord.enteredInErrorAt),
              ),
            )
        : [];
      const done = new Set(recorded.map((r) => `${r.staffId}|${r.courseId}|${r.completedOn}`));
      let staffAdded = 0;
      let recordsAdded = 0;
      let alreadyRecorded = 0;
      const now = ctx.clock.now();
      for (const r of checked) {
        let staffId = staffByKey.get(r.personKey);
        if (!staffId) {
          staffAdded += 1;
          if (commit) {
            const [row] = await tx
              .insert(trainingStaff)
              .values({
                agencyId: actor.agencyId,
                homeId: r.homeId,
                givenName: r.given_name,
                familyName: r.family_name,
                email: r.email,
                sector: r.sector,
                startedOn: r.started_on,
                createdByUserId: actor.userId,
                createdAt: now,
              })
              .returning({ id: trainingStaff.id });
            staffId = row?.id ?? '';
          } else {
            staffId = `new:${r.personKey}`;
          }
          staffByKey.set(r.personKey, staffId);
        }
        const key = `${staffId}|${r.courseId}|${r.completed_on}`;
        if (done.has(key)) {
          alreadyRecorded += 1;
          continue;
        }
        done.add(key);
        recordsAdded += 1;
        if (commit) {
          const course = courses.find((c) => c.id === r.courseId);
          if (course) await this.insertRecord(tx, ctx, staffId, course, r.completed_on, null);
        }
      }
      if (commit) {
        await recordAudit(tx, ctx, {
          action: 'training.import',
          subjectType: 'agency',
          subjectId: actor.agencyId,
        });
      }
      return {
        ok: true as const,
        committed: commit,
        rows: checked.length,
        staffAdded,
        recordsAdded,
        alreadyRecorded,
      };
    });
  }
}

/** How a person in a file is known again: their email, or else their names and home. */
function personKeyOf(email: string | null, given: string, family: string, homeId: string | null): string {
  return email
    ? `email:${email.toLowerCase()}`
    : `name:${given.trim().toLowerCase()}|${family.trim().toLowerCase()}|${homeId ?? ''}`;
}
