import { and, asc, desc, eq, isNull, notInArray, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Config } from '../../config';
import { childVisibleTo } from '../../platform/access/child-access';
import { requirePermission } from '../../platform/access/guard';
import { child } from '../../platform/access/tables';
import { agency } from '../../platform/agencies/tables';
import { recordAudit } from '../../platform/audit/audit';
import { appUser } from '../../platform/auth/tables';
import type { Context } from '../../platform/context';
import type { Tx } from '../../platform/db/client';
import { planForTheseValues, type WithTransaction } from '../../platform/db/transaction';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/http/errors';
import { londonDate } from '../../platform/http/london-time';
import { decodeCursor, PAGE_SIZE, type Page, pageOf } from '../../platform/http/pagination';
import type { AllocationService } from '../allocation/allocation.service';
import { currentEntity } from '../intelligence/intelligence.service';
import { intelEntity, intelLink } from '../intelligence/tables';
import { responsibleAuthority } from '../intelligence/warning-notices.service';
import {
  type ContactInput,
  contactInput,
  inErrorInput,
  type MeasureDecisionInput,
  type MeasureRequestInput,
  measureDecisionInput,
  measureRequestInput,
  type NewCaseInput,
  newCaseInput,
  personInput,
  type ReviewInput,
  reviewInput,
  type StatementInput,
  type StatusInput,
  type SupporterInput,
  statementInput,
  statusInput,
  supporterInput,
} from './schemas';
import {
  endingStatuses,
  type JusticeStatus,
  justiceCase,
  justiceCasePerson,
  justiceCaseStatus,
  justiceContact,
  justiceSpecialMeasure,
  justiceStatement,
  justiceSupportReview,
} from './tables';

const DAY_MS = 86_400_000;
type Acting = Context & { actor: NonNullable<Context['actor']> };
type CaseRow = typeof justiceCase.$inferSelect;

export const isEnding = (status: JusticeStatus) => endingStatuses.includes(status);

/** Whether an open case has gone too long without contact with the child or family. */
export interface NoContact {
  flagged: boolean;
  /** The last contact, or when the case was recorded if there has been none. */
  since: Date;
  days: number;
  rule: number;
}

export interface JusticeFlag {
  code: 'justice-no-contact';
  reason: string;
  /** The case the flag is about. */
  href: string;
}

export interface CaseSummary {
  id: string;
  crimeReference: string;
  status: JusticeStatus;
  statusOn: string;
  recordedBy: string;
  supporterName: string | null;
  lastContactAt: Date | null;
  enteredInError: boolean;
  noContact: NoContact;
  openReviews: number;
}

const recorder = alias(appUser, 'justice_recorder');

/** The risk panel's flags for a child's cases: one for each open case gone too long without contact. */
export function noContactFlags(cases: CaseSummary[]): JusticeFlag[] {
  return cases
    .filter((s) => s.noContact.flagged)
    .map((s) => ({
      code: 'justice-no-contact' as const,
      reason: `Justice case ${s.crimeReference}: no contact with the child or family for ${s.noContact.days} days (the rule is ${s.noContact.rule})`,
      href: `/justice-cases/${s.id}`,
    }));
}

export interface OpenCase extends CaseSummary {
  /** The last contact, or when the case was recorded: the list's order. */
  since: string;
  childId: string;
  childName: string;
}

/**
 * Justice cases: a crime reference about a child, where it stands over time, the child's statement
 * and interview, special measures at court, the named supporter and the contacts with the child and
 * family before, during and after court. Seeing a case needs `justice:view` and the child; recording
 * needs `justice:record` and the child. A case that ends (no further action, discontinued, an
 * outcome after trial) starts a support review for the child's worker, so the child is not dropped.
 */
export class JusticeService {
  constructor(
    private readonly withTransaction: WithTransaction,
    private readonly allocation: AllocationService,
    private readonly rules: Config['justice'],
  ) {}

  // ---- Reading ---------------------------------------------------------------------------------

  /** The child's cases, newest first, each with its no-contact flag. */
  async forChild(ctx: Context, childId: string): Promise<CaseSummary[]> {
    requirePermission(ctx, 'justice:view');
    return this.withTransaction(async (tx) => {
      await visibleChild(tx, ctx, childId);
      const cases = await this.summaries(tx, ctx, childId);
      await recordAudit(tx, ctx, {
        action: 'justice-case.list',
        subjectType: 'child',
        subjectId: childId,
        childId,
      });
      return cases;
    });
  }

  /**
   * Open cases (not ended, not entered in error) of the children the actor may see, longest without
   * contact first; with `withoutContactOnly`, only those the no-contact rule flags.
   */
  async openCases(
    ctx: Context,
    options: { withoutContactOnly?: boolean; after?: string } = {},
  ): Promise<{ cases: Page<OpenCase>; total: number; rule: number }> {
    requirePermission(ctx, 'justice:view');
    const now = ctx.clock.now();
    const rule = this.rules.noContactDays;
    const cursor = decodeCursor(options.after, 2);
    return this.withTransaction(async (tx) => {
      await planForTheseValues(tx);
      const lastContact = sql<
        Date | string | null
      >`(select max(${justiceContact.contactAt}) from ${justiceContact}
        where ${justiceContact.caseId} = ${justiceCase.id})`;
      const since = sql<Date | string>`coalesce(${lastContact}, ${justiceCase.createdAt})`;
      const open = and(
        childVisibleTo(ctx, child.id),
        isNull(justiceCase.enteredInErrorAt),
        notInArray(justiceCase.status, [...endingStatuses]),
        options.withoutContactOnly ? sql`${since} <= ${new Date(now.getTime() - rule * DAY_MS)}` : undefined,
      );
      const rows = await tx
        .select({
          c: justiceCase,
          agencyName: agency.name,
          givenName: child.givenName,
          familyName: child.familyName,
          lastContactAt: lastContact,
          openReviews: sql<number>`(select count(*)::int from ${justiceSupportReview}
            where ${justiceSupportReview.caseId} = ${justiceCase.id} and ${justiceSupportReview.completedAt} is null)`,
          since,
        })
        .from(justiceCase)
        .innerJoin(child, eq(child.id, justiceCase.childId))
        .innerJoin(agency, eq(agency.id, justiceCase.recordedByAgencyId))
        .where(
          and(
            open,
            cursor
              ? sql`(${since}, ${justiceCase.id}) > (${String(cursor[0])}::timestamptz, ${String(cursor[1])}::uuid)`
              : undefined,
          ),
        )
        .orderBy(asc(since), asc(justiceCase.id))
        .limit(PAGE_SIZE + 1);
      const [counted] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(justiceCase)
        .innerJoin(child, eq(child.id, justiceCase.childId))
        .where(open);
      await recordAudit(tx, ctx, { action: 'justice-case.list', subjectType: 'justice_case' });
      const cases = rows.map((r) => {
        const lastContactAt = r.lastContactAt ? new Date(r.lastContactAt) : null;
        return {
          since: new Date(r.since).toISOString(),
          id: r.c.id,
          childId: r.c.childId,
          childName: `${r.givenName} ${r.familyName}`,
          crimeReference: r.c.crimeReference,
          status: r.c.status,
          statusOn: r.c.statusOn,
          recordedBy: r.agencyName,
          supporterName: r.c.supporterName,
          lastContactAt,
          enteredInError: false,
          noContact: this.noContact(r.c, lastContactAt, now),
          openReviews: Number(r.openReviews),
        };
      });
      return {
        cases: pageOf(cases, PAGE_SIZE, (c) => [c.since, c.id]),
        total: Number(counted?.n ?? 0),
        rule,
      };
    });
  }

  private async summaries(tx: Tx, ctx: Context, childId: string): Promise<CaseSummary[]> {
    const rows = await tx
      .select({
        c: justiceCase,
        agencyName: agency.name,
        lastContactAt: sql<
          Date | string | null
        >`(select max(${justiceContact.contactAt}) from ${justiceContact}
          where ${justiceContact.caseId} = ${justiceCase.id})`,
        openReviews: sql<number>`(select count(*)::int from ${justiceSupportReview}
          where ${justiceSupportReview.caseId} = ${justiceCase.id} and ${justiceSupportReview.completedAt} is null)`,
      })
      .from(justiceCase)
      .innerJoin(agency, eq(agency.id, justiceCase.recordedByAgencyId))
      .where(eq(justiceCase.childId, childId))
      .orderBy(desc(justiceCase.createdAt), desc(justiceCase.id));
    return rows.map((r) => {
      const lastContactAt = r.lastContactAt ? new Date(r.lastContactAt) : null;
      return {
        id: r.c.id,
        crimeReference: r.c.crimeReference,
        status: r.c.status,
        statusOn: r.c.statusOn,
        recordedBy: r.agencyName,
        supporterName: r.c.supporterName,
        lastContactAt,
        enteredInError: r.c.enteredInErrorAt !== null,
        noContact: this.noContact(r.c, lastContactAt, ctx.clock.now()),
        openReviews: Number(r.openReviews),
      };
    });
  }

  /**
   * The no-contact rule, at a moment: a case not ended and not entered in error whose last contact
   * (or, with none, its recording) is more than the configured days ago.
   */
  noContact(c: Pick<CaseRow, 'status' | 'createdAt' | 'enteredInErrorAt'>, last: Date | null, now: Date) {
    const since = last ?? c.createdAt;
    const days = Math.floor((now.getTime() - since.getTime()) / DAY_MS);
    const rule = this.rules.noContactDays;
    return { flagged: !c.enteredInErrorAt && !isEnding(c.status) && days >= rule, since, days, rule };
  }

  /** The child's justice flags for the risk panel: none for someone without `justice:view`. */
  async flagsForChild(ctx: Context, childId: string): Promise<JusticeFlag[]> {
    if (!ctx.actor || !ctx.permissions.has('justice:view')) return [];
    return this.withTransaction(async (tx) => {
      const [c] = await tx
        .select({ id: child.id })
        .from(child)
        .where(and(eq(child.id, childId), childVisibleTo(ctx, child.id)));
      if (!c) return [];
      return noContactFlags(await this.summaries(tx, ctx, childId));
    });
  }

  /** One case with everything recorded on it. */
  async get(ctx: Context, id: string) {
    requirePermission(ctx, 'justice:view');
    return this.withTransaction(async (tx) => {
      const { c, childName } = await this.visibleCase(tx, ctx, id);
      const [by] = await tx
        .select({ agency: agency.name, user: appUser.name })
        .from(agency)
        .leftJoin(appUser, c.recordedByUserId ? eq(appUser.id, c.recordedByUserId) : sql`false`)
        .where(eq(agency.id, c.recordedByAgencyId));
      const history = await tx
        .select({
          id: justiceCaseStatus.id,
          status: justiceCaseStatus.status,
          statusOn: justiceCaseStatus.statusOn,
          outcome: justiceCaseStatus.outcome,
          note: justiceCaseStatus.note,
          recordedAt: justiceCaseStatus.recordedAt,
          by: recorder.name,
          agency: agency.name,
        })
        .from(justiceCaseStatus)
        .innerJoin(agency, eq(agency.id, justiceCaseStatus.recordedByAgencyId))
        .leftJoin(recorder, eq(recorder.id, justiceCaseStatus.recordedByUserId))
        .where(eq(justiceCaseStatus.caseId, id))
        .orderBy(desc(justiceCaseStatus.statusOn), desc(justiceCaseStatus.recordedAt));
      const statements = await tx
        .select({
          id: justiceStatement.id,
          kind: justiceStatement.kind,
          state: justiceStatement.state,
          occurredOn: justiceStatement.occurredOn,
          note: justiceStatement.note,
          by: recorder.name,
        })
        .from(justiceStatement)
        .leftJoin(recorder, eq(recorder.id, justiceStatement.recordedByUserId))
        .where(eq(justiceStatement.caseId, id))
        .orderBy(asc(justiceStatement.occurredOn), asc(justiceStatement.recordedAt));
      const measures = await tx
        .select()
        .from(justiceSpecialMeasure)
        .where(eq(justiceSpecialMeasure.caseId, id))
        .orderBy(asc(justiceSpecialMeasure.requestedOn), asc(justiceSpecialMeasure.recordedAt));
      const contacts = await tx
        .select({
          id: justiceContact.id,
          contactAt: justiceContact.contactAt,
          contactWith: justiceContact.contactWith,
          stage: justiceContact.stage,
          method: justiceContact.method,
          note: justiceContact.note,
          by: recorder.name,
          agency: agency.name,
        })
        .from(justiceContact)
        .innerJoin(agency, eq(agency.id, justiceContact.recordedByAgencyId))
        .leftJoin(recorder, eq(recorder.id, justiceContact.recordedByUserId))
        .where(eq(justiceContact.caseId, id))
        .orderBy(desc(justiceContact.contactAt), desc(justiceContact.id));
      const reviews = await tx
        .select({
          id: justiceSupportReview.id,
          dueAt: justiceSupportReview.dueAt,
          createdAt: justiceSupportReview.createdAt,
          completedAt: justiceSupportReview.completedAt,
          outcome: justiceSupportReview.outcome,
          outcomeNote: justiceSupportReview.outcomeNote,
          by: recorder.name,
        })
        .from(justiceSupportReview)
        .leftJoin(recorder, eq(recorder.id, justiceSupportReview.completedByUserId))
        .where(eq(justiceSupportReview.caseId, id))
        .orderBy(desc(justiceSupportReview.createdAt));
      // Persons of concern are intelligence: shown only to those who may see intelligence.
      const persons = ctx.permissions.has('intelligence:view')
        ? await tx
            .select({ id: intelEntity.id, label: intelEntity.label })
            .from(justiceCasePerson)
            .innerJoin(intelEntity, eq(intelEntity.id, justiceCasePerson.entityId))
            .where(eq(justiceCasePerson.caseId, id))
            .orderBy(asc(intelEntity.label))
        : null;
      await recordAudit(tx, ctx, {
        action: 'justice-case.view',
        subjectType: 'justice_case',
        subjectId: id,
        childId: c.childId,
      });
      const lastContactAt = contacts[0]?.contactAt ?? null;
      return {
        ...c,
        child: { id: c.childId, name: childName },
        recordedBy: { agency: by?.agency ?? '', name: by?.user ?? null },
        history,
        statements,
        measures,
        contacts,
        reviews,
        persons,
        noContact: this.noContact(c, lastContactAt, ctx.clock.now()),
        mayRecord: ctx.permissions.has('justice:record') && !c.enteredInErrorAt,
      };
    });
  }

  /** The child's name, for the new-case form. */
  async formContext(ctx: Context, childId: string) {
    requirePermission(ctx, 'justice:record');
    return this.withTransaction(async (tx) => {
      const c = await visibleChild(tx, ctx, childId);
      await recordAudit(tx, ctx, {
        action: 'justice-case.form',
        subjectType: 'child',
        subjectId: childId,
        childId,
      });
      return c;
    });
  }

  /** The persons of concern linked to the case's child, to choose from; needs intelligence too. */
  async personChoices(ctx: Context, caseId: string) {
    requirePermission(ctx, 'justice:record');
    if (!ctx.permissions.has('intelligence:view')) throw new NotFoundError();
    return this.withTransaction(async (tx) => {
      const { c } = await this.visibleCase(tx, ctx, caseId);
      return tx
        .selectDistinct({ id: intelEntity.id, label: intelEntity.label })
        .from(intelLink)
        .innerJoin(intelEntity, eq(intelEntity.id, intelLink.entityId))
        .where(
          and(
            eq(intelLink.childId, c.childId),
            eq(intelEntity.kind, 'person'),
            isNull(intelLink.enteredInErrorAt),
            isNull(intelEntity.mergedIntoId),
            sql`not exists (select 1 from ${justiceCasePerson} where ${justiceCasePerson.caseId} = ${caseId}
              and ${justiceCasePerson.entityId} = ${intelEntity.id})`,
          ),
        )
        .orderBy(asc(intelEntity.label));
    });
  }

  /** A support review with its case, for the review page. */
  async review(ctx: Context, reviewId: string) {
    requirePermission(ctx, 'justice:view');
    return this.withTransaction(async (tx) => {
      const [r] = await tx
        .select({
          r: justiceSupportReview,
          c: justiceCase,
          givenName: child.givenName,
          familyName: child.familyName,
        })
        .from(justiceSupportReview)
        .innerJoin(justiceCase, eq(justiceCase.id, justiceSupportReview.caseId))
        .innerJoin(child, eq(child.id, justiceSupportReview.childId))
        .where(and(eq(justiceSupportReview.id, reviewId), childVisibleTo(ctx, child.id)));
      if (!r) throw new NotFoundError();
      const [ending] = await tx
        .select()
        .from(justiceCaseStatus)
        .where(eq(justiceCaseStatus.id, r.r.statusId));
      const [by] = r.r.completedByUserId
        ? await tx.select({ name: appUser.name }).from(appUser).where(eq(appUser.id, r.r.completedByUserId))
        : [];
      await recordAudit(tx, ctx, {
        action: 'justice-review.view',
        subjectType: 'justice_support_review',
        subjectId: reviewId,
        childId: r.r.childId,
      });
      return {
        ...r.r,
        completedBy: by?.name ?? null,
        case: { id: r.c.id, crimeReference: r.c.crimeReference, supporterName: r.c.supporterName },
        child: { id: r.r.childId, name: `${r.givenName} ${r.familyName}` },
        ending: ending ? { status: ending.status, statusOn: ending.statusOn, outcome: ending.outcome } : null,
        mayComplete:
          !r.r.completedAt && ctx.permissions.has('justice:record') && r.c.enteredInErrorAt === null,
      };
    });
  }

  // ---- Recording -------------------------------------------------------------------------------

  /** Records a case about a child, with where it stands now; returns its id. */
  async create(ctx: Context, childId: string, raw: NewCaseInput): Promise<string> {
    requirePermission(ctx, 'justice:record');
    const input = newCaseInput.parse(raw);
    notInFuture(ctx, input.statusOn, 'statusOn', 'The date the case reached this stage');
    return this.withTransaction(async (tx) => {
      await visibleChild(tx, ctx, childId);
      const now = ctx.clock.now();
      const [row] = await tx
        .insert(justiceCase)
        .values({
          childId,
          crimeReference: input.crimeReference,
          recordedByAgencyId: ctx.actor.agencyId,
          recordedByUserId: ctx.actor.userId,
          status: input.status,
          statusOn: input.statusOn,
          supporterName: input.supporterName ?? null,
          supporterRole: input.supporterRole ?? null,
          supporterAgency: input.supporterAgency ?? null,
          createdAt: now,
        })
        .returning();
      if (!row) throw new Error('justice case insert returned nothing');
      await recordAudit(tx, ctx, {
        action: 'justice-case.create',
        subjectType: 'justice_case',
        subjectId: row.id,
        childId,
      });
      await this.writeStatus(tx, ctx, row, {
        status: input.status,
        statusOn: input.statusOn,
        outcome: input.status === 'outcome' ? input.outcome : undefined,
        note: input.note,
      });
      return row.id;
    });
  }

  /** Moves a case on: the history keeps every status. Returns the support review it started, if any. */
  async changeStatus(
    ctx: Context,
    caseId: string,
    raw: StatusInput,
  ): Promise<{ supportReviewId: string | null }> {
    requirePermission(ctx, 'justice:record');
    const input = statusInput.parse(raw);
    notInFuture(ctx, input.statusOn, 'statusOn', 'The date the case reached this stage');
    return this.withTransaction(async (tx) => {
      const { c } = await this.openCase(tx, ctx, caseId);
      if (c.status === input.status) {
        throw new ValidationError([{ field: 'status', message: 'The case is at this stage already' }]);
      }
      if (input.statusOn < c.statusOn) {
        throw new ValidationError([
          {
            field: 'statusOn',
            message: 'The date must be the same as or after the date of the case’s current stage',
          },
        ]);
      }
      await tx
        .update(justiceCase)
        .set({ status: input.status, statusOn: input.statusOn })
        .where(eq(justiceCase.id, caseId));
      return { supportReviewId: await this.writeStatus(tx, ctx, c, input) };
    });
  }

  /** Adds a status row; an ending status starts a support review unless one is already open. */
  private async writeStatus(
    tx: Tx,
    ctx: Acting,
    c: CaseRow,
    input: { status: JusticeStatus; statusOn: string; outcome?: string; note?: string },
  ): Promise<string | null> {
    const now = ctx.clock.now();
    const [s] = await tx
      .insert(justiceCaseStatus)
      .values({
        caseId: c.id,
        status: input.status,
        statusOn: input.statusOn,
        outcome: input.outcome ?? null,
        note: input.note ?? null,
        recordedByUserId: ctx.actor.userId,
        recordedByAgencyId: ctx.actor.agencyId,
        recordedAt: now,
      })
      .returning({ id: justiceCaseStatus.id });
    if (!s) throw new Error('justice status insert returned nothing');
    await recordAudit(tx, ctx, {
      action: 'justice-case.status',
      subjectType: 'justice_case',
      subjectId: c.id,
      childId: c.childId,
    });
    if (!isEnding(input.status)) return null;
    const [open] = await tx
      .select({ id: justiceSupportReview.id })
      .from(justiceSupportReview)
      .where(and(eq(justiceSupportReview.caseId, c.id), isNull(justiceSupportReview.completedAt)))
      .limit(1);
    if (open) return null;
    const [review] = await tx
      .insert(justiceSupportReview)
      .values({
        caseId: c.id,
        childId: c.childId,
        statusId: s.id,
        dueAt: new Date(now.getTime() + this.rules.supportReviewDays * DAY_MS),
        createdAt: now,
      })
      .returning({ id: justiceSupportReview.id });
    if (!review) throw new Error('support review insert returned nothing');
    await recordAudit(tx, ctx, {
      action: 'justice-review.create',
      subjectType: 'justice_support_review',
      subjectId: review.id,
      childId: c.childId,
    });
    const authority = await responsibleAuthority(tx, c.childId);
    await this.allocation.allocateToChildWorker(tx, ctx, {
      subjectType: 'support_review',
      subjectId: review.id,
      childId: c.childId,
      agencyIds: [
        c.recordedByAgencyId,
        ...(authority && authority !== c.recordedByAgencyId ? [authority] : []),
      ],
    });
    return review.id;
  }

  async recordStatement(ctx: Context, caseId: string, raw: StatementInput): Promise<string> {
    requirePermission(ctx, 'justice:record');
    const input = statementInput.parse(raw);
    notInFuture(ctx, input.occurredOn, 'occurredOn', 'The date');
    return this.writeToCase(ctx, caseId, { action: 'justice-case.statement' }, async (tx) => {
      const [row] = await tx
        .insert(justiceStatement)
        .values({
          caseId,
          kind: input.kind,
          state: input.state,
          occurredOn: input.occurredOn,
          note: input.note ?? null,
          recordedByUserId: ctx.actor.userId,
          recordedAt: ctx.clock.now(),
        })
        .returning({ id: justiceStatement.id });
      if (!row) throw new Error('statement insert returned nothing');
      return row.id;
    });
  }

  async requestMeasure(ctx: Context, caseId: string, raw: MeasureRequestInput): Promise<string> {
    requirePermission(ctx, 'justice:record');
    const input = measureRequestInput.parse(raw);
    notInFuture(ctx, input.requestedOn, 'requestedOn', 'The date it was asked for');
    return this.writeToCase(ctx, caseId, { action: 'justice-case.measure-request' }, async (tx) => {
      const [waiting] = await tx
        .select({ id: justiceSpecialMeasure.id })
        .from(justiceSpecialMeasure)
        .where(
          and(
            eq(justiceSpecialMeasure.caseId, caseId),
            eq(justiceSpecialMeasure.measure, input.measure),
            eq(justiceSpecialMeasure.decision, 'pending'),
          ),
        );
      if (waiting) {
        throw new ConflictError('This measure has been asked for already and waits for the court', 'measure');
      }
      const [row] = await tx
        .insert(justiceSpecialMeasure)
        .values({
          caseId,
          measure: input.measure,
          requestedOn: input.requestedOn,
          recordedByUserId: ctx.actor.userId,
          recordedAt: ctx.clock.now(),
        })
        .returning({ id: justiceSpecialMeasure.id });
      if (!row) throw new Error('special measure insert returned nothing');
      return row.id;
    });
  }

  async decideMeasure(ctx: Context, caseId: string, raw: MeasureDecisionInput): Promise<void> {
    requirePermission(ctx, 'justice:record');
    const input = measureDecisionInput.parse(raw);
    notInFuture(ctx, input.decidedOn, 'decidedOn', 'The date the court decided');
    await this.writeToCase(ctx, caseId, { action: 'justice-case.measure-decision' }, async (tx) => {
      const [m] = await tx
        .select()
        .from(justiceSpecialMeasure)
        .where(and(eq(justiceSpecialMeasure.id, input.measureId), eq(justiceSpecialMeasure.caseId, caseId)));
      if (m?.decision !== 'pending') {
        throw new ValidationError([
          { field: 'measureId', message: 'Select a special measure that waits for the court' },
        ]);
      }
      if (input.decidedOn < m.requestedOn) {
        throw new ValidationError([
          {
            field: 'decidedOn',
            message: 'The court’s decision must be on or after the date it was asked for',
          },
        ]);
      }
      await tx
        .update(justiceSpecialMeasure)
        .set({ decision: input.decision, decidedOn: input.decidedOn, decidedByUserId: ctx.actor.userId })
        .where(eq(justiceSpecialMeasure.id, m.id));
    });
  }

  async recordContact(ctx: Context, caseId: string, raw: ContactInput): Promise<string> {
    requirePermission(ctx, 'justice:record');
    const input = contactInput.parse(raw);
    if (input.contactAt.getTime() > ctx.clock.now().getTime()) {
      throw new ValidationError([{ field: 'contactAt', message: 'The contact must be now or in the past' }]);
    }
    return this.writeToCase(ctx, caseId, { action: 'justice-case.contact' }, async (tx) => {
      const [row] = await tx
        .insert(justiceContact)
        .values({
          caseId,
          contactAt: input.contactAt,
          contactWith: input.contactWith,
          stage: input.stage,
          method: input.method,
          note: input.note ?? null,
          recordedByUserId: ctx.actor.userId,
          recordedByAgencyId: ctx.actor.agencyId,
          recordedAt: ctx.clock.now(),
        })
        .returning({ id: justiceContact.id });
      if (!row) throw new Error('contact insert returned nothing');
      return row.id;
    });
  }

  /** Names the child's supporter; the old one stays in the audit trail. */
  async setSupporter(ctx: Context, caseId: string, raw: SupporterInput): Promise<void> {
    requirePermission(ctx, 'justice:record');
    const input = supporterInput.parse(raw);
    if (!input.supporterName) {
      throw new ValidationError([{ field: 'supporterName', message: 'Enter the supporter’s name' }]);
    }
    await this.writeToCase(ctx, caseId, { action: 'justice-case.supporter' }, async (tx) => {
      await tx
        .update(justiceCase)
        .set({
          supporterName: input.supporterName ?? null,
          supporterRole: input.supporterRole ?? null,
          supporterAgency: input.supporterAgency ?? null,
        })
        .where(eq(justiceCase.id, caseId));
    });
  }

  /** Names a person of concern in the case; recording it needs intelligence too. */
  async linkPerson(ctx: Context, caseId: string, entityId: string): Promise<void> {
    requirePermission(ctx, 'justice:record');
    if (!ctx.permissions.has('intelligence:view')) throw new NotFoundError();
    const input = personInput.parse({ entityId });
    await this.writeToCase(ctx, caseId, { action: 'justice-case.person' }, async (tx) => {
      const person = await currentEntity(tx, input.entityId);
      if (person?.kind !== 'person') {
        throw new ValidationError([{ field: 'entityId', message: 'Select a person of concern' }]);
      }
      await tx
        .insert(justiceCasePerson)
        .values({ caseId, entityId: person.id, addedByUserId: ctx.actor.userId, addedAt: ctx.clock.now() })
        .onConflictDoNothing();
    });
  }

  /** Marks a case entered in error: it stays visible, with the reason, and nothing more is recorded on it. */
  async markEnteredInError(ctx: Context, caseId: string, reason: string): Promise<void> {
    requirePermission(ctx, 'justice:record');
    const why = inErrorInput.parse({ reason }).reason;
    await this.writeToCase(
      ctx,
      caseId,
      { action: 'justice-case.entered-in-error', reason: why },
      async (tx) => {
        await tx
          .update(justiceCase)
          .set({
            enteredInErrorAt: ctx.clock.now(),
            enteredInErrorReason: why,
            enteredInErrorByUserId: ctx.actor.userId,
          })
          .where(eq(justiceCase.id, caseId));
      },
    );
  }

  /** Completes a support review: support continues, or it has ended and why. */
  async completeReview(ctx: Context, reviewId: string, raw: ReviewInput): Promise<string> {
    requirePermission(ctx, 'justice:record');
    const input = reviewInput.parse(raw);
    return this.withTransaction(async (tx) => {
      const [r] = await tx
        .select({ r: justiceSupportReview, inError: justiceCase.enteredInErrorAt })
        .from(justiceSupportReview)
        .innerJoin(justiceCase, eq(justiceCase.id, justiceSupportReview.caseId))
        .where(and(eq(justiceSupportReview.id, reviewId), childVisibleTo(ctx, justiceSupportReview.childId)));
      if (!r) throw new NotFoundError();
      if (r.r.completedAt || r.inError) {
        throw new ConflictError('This support review has been completed already', 'outcome');
      }
      await tx
        .update(justiceSupportReview)
        .set({
          completedAt: ctx.clock.now(),
          completedByUserId: ctx.actor.userId,
          outcome: input.outcome,
          outcomeNote: input.note ?? null,
        })
        .where(eq(justiceSupportReview.id, reviewId));
      await recordAudit(tx, ctx, {
        action: 'justice-review.complete',
        subjectType: 'justice_support_review',
        subjectId: reviewId,
        childId: r.r.childId,
      });
      return r.r.caseId;
    });
  }

  // ---- Helpers ---------------------------------------------------------------------------------

  /** The case, if its child is visible to the actor; otherwise missing. */
  private async visibleCase(tx: Tx, ctx: Context, id: string) {
    const [row] = await tx
      .select({ c: justiceCase, givenName: child.givenName, familyName: child.familyName })
      .from(justiceCase)
      .innerJoin(child, eq(child.id, justiceCase.childId))
      .where(and(eq(justiceCase.id, id), childVisibleTo(ctx, child.id)));
    if (!row) throw new NotFoundError();
    return { c: row.c, childName: `${row.givenName} ${row.familyName}` };
  }

  /**
   * One write to an open case the actor may see, audited in the same transaction. What it returns
   * is the write's own answer (a new row's id, say).
   */
  private writeToCase<T>(
    ctx: Context,
    caseId: string,
    audit: { action: string; reason?: string },
    write: (tx: Tx, c: CaseRow) => Promise<T>,
  ): Promise<T> {
    return this.withTransaction(async (tx) => {
      const { c } = await this.openCase(tx, ctx, caseId);
      const out = await write(tx, c);
      await recordAudit(tx, ctx, {
        ...audit,
        subjectType: 'justice_case',
        subjectId: caseId,
        childId: c.childId,
      });
      return out;
    });
  }

  /** A case that may still be recorded on: visible, and not entered in error. */
  private async openCase(tx: Tx, ctx: Context, id: string) {
    const found = await this.visibleCase(tx, ctx, id);
    if (found.c.enteredInErrorAt) {
      throw new ConflictError('The case was entered in error: nothing more can be recorded on it');
    }
    return found;
  }
}

async function visibleChild(tx: Tx, ctx: Context, childId: string) {
  const [c] = await tx
    .select({ id: child.id, givenName: child.givenName, familyName: child.familyName })
    .from(child)
    .where(and(eq(child.id, childId), childVisibleTo(ctx, child.id)));
  if (!c) throw new NotFoundError();
  return c;
}

function notInFuture(ctx: Context, day: string, field: string, label: string): void {
  if (day > londonDate(ctx.clock.now())) {
    throw new ValidationError([{ field, message: `${label} must be today or in the past` }]);
  }
}
