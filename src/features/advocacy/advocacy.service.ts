import { and, asc, desc, eq } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { childVisibleTo } from '../../platform/access/child-access';
import { hasPermission, requirePermission } from '../../platform/access/guard';
import { child } from '../../platform/access/tables';
import { findLocalAuthority } from '../../platform/agencies/reference-data';
import { agency, localAuthority } from '../../platform/agencies/tables';
import { recordAudit } from '../../platform/audit/audit';
import { appUser } from '../../platform/auth/tables';
import type { Context } from '../../platform/context';
import type { Tx } from '../../platform/db/client';
import type { WithTransaction } from '../../platform/db/transaction';
import { ConflictError, type FieldError, NotFoundError, ValidationError } from '../../platform/http/errors';
import { fieldErrorsOf } from '../../platform/http/forms';
import { londonDate } from '../../platform/http/london-time';
import {
  areaName,
  mayReportOn,
  ownsArea,
  type ReportArea,
  type ReportPeriod,
  rate,
  suppress,
} from '../reports/annual.service';
import { type AdvocacyCounts, advocacyFigures, type CountsByKind } from './annual-figures';
import {
  type AdvocacyMeetingInput,
  type AdvocacyMeetingValues,
  advocacyMeetingInput,
  advocacyReason,
  enteredInErrorInput,
} from './schemas';
import { type AdvocacyField, advocacyFields, advocacyMeeting, advocacyMeetingChange } from './tables';

type MeetingRow = typeof advocacyMeeting.$inferSelect;

export interface MeetingChange {
  field: AdvocacyField;
  oldValue: string | null;
  newValue: string | null;
  reason: string | null;
  changedBy: string | null;
  changedAt: Date;
}

export interface MeetingView extends MeetingRow {
  child: { id: string; name: string };
  authorityName: string;
  recordedBy: string | null;
  recordedByAgency: string;
  enteredInErrorBy: string | null;
  changes: MeetingChange[];
  /** Whether the reader may update the meeting or mark it entered in error. */
  mayChange: boolean;
}

export interface ChildMeetings {
  child: { id: string; name: string };
  meetings: MeetingRow[];
  mayRecord: boolean;
}

/** A field's value as the history keeps it: text, or null for no answer. */
const stored = (v: unknown): string | null =>
  v === null || v === undefined ? null : typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v);

/** The columns a validated input sets: every optional answer left out is cleared. */
function columnsOf(v: AdvocacyMeetingValues) {
  return {
    kind: v.kind,
    meetingOn: v.meetingOn,
    offered: v.offered,
    offeredOn: v.offeredOn ?? null,
    offeredBy: v.offeredBy ?? null,
    notOfferedReason: v.notOfferedReason ?? null,
    response: v.response ?? null,
    advocateName: v.advocateName ?? null,
    advocateOrganisation: v.advocateOrganisation ?? null,
    childViews: v.childViews ?? null,
    heard: v.heard ?? null,
    heardNote: v.heardNote ?? null,
  };
}

/** The row as an input again, so an update can send only what changes. */
function inputOf(m: MeetingRow): AdvocacyMeetingInput {
  return {
    kind: m.kind,
    meetingOn: m.meetingOn,
    offered: m.offered,
    offeredOn: m.offeredOn ?? undefined,
    offeredBy: m.offeredBy ?? undefined,
    notOfferedReason: m.notOfferedReason ?? undefined,
    response: m.response ?? undefined,
    advocateName: m.advocateName ?? undefined,
    advocateOrganisation: m.advocateOrganisation ?? undefined,
    childViews: m.childViews ?? undefined,
    heard: m.heard ?? undefined,
    heardNote: m.heardNote ?? undefined,
  };
}

/** Validates an input against the schema and the clock: no offer in the future, no hearing before the meeting. */
function validated(ctx: Context, raw: unknown): AdvocacyMeetingValues {
  const parsed = advocacyMeetingInput.safeParse(raw);
  if (!parsed.success) throw new ValidationError(fieldErrorsOf(parsed.error));
  const v = parsed.data;
  const today = londonDate(ctx.clock.now());
  const errors: FieldError[] = [];
  if (v.offeredOn && v.offeredOn > today) {
    errors.push({
      field: 'offeredOn',
      message: 'The date advocacy was offered must be today or in the past',
    });
  }
  if (v.heard && v.meetingOn > today) {
    errors.push({
      field: 'heard',
      message: 'Whether the child’s views were heard can be recorded once the meeting has taken place',
    });
  }
  if (errors.length) throw new ValidationError(errors);
  return v;
}

const childName = (c: { givenName: string; familyName: string }) => `${c.givenName} ${c.familyName}`;

/**
 * Independent advocacy for a looked-after child's care reviews and placement planning meetings.
 * Reading follows the child's access rules (`child:view` and a `child_access` row); recording and
 * changing needs `advocacy:record` too. Every change keeps the old value with who, when and (for
 * an answer already given) why; a meeting recorded by mistake is marked entered in error, never
 * deleted, and then counts in no rate.
 */
export class AdvocacyService {
  constructor(private readonly withTransaction: WithTransaction) {}

  private async visibleChild(tx: Tx, ctx: Context, childId: string) {
    const [c] = await tx
      .select({
        id: child.id,
        givenName: child.givenName,
        familyName: child.familyName,
        responsibleAuthorityCode: child.responsibleAuthorityCode,
      })
      .from(child)
      .where(and(eq(child.id, childId), childVisibleTo(ctx, child.id)));
    return c ?? null;
  }

  private async visibleMeeting(tx: Tx, ctx: Context, id: string): Promise<MeetingRow | null> {
    const [row] = await tx
      .select({ m: advocacyMeeting })
      .from(advocacyMeeting)
      .where(and(eq(advocacyMeeting.id, id), childVisibleTo(ctx, advocacyMeeting.childId)));
    return row?.m ?? null;
  }

  /** Records the advocacy of one meeting; returns its id. */
  async record(ctx: Context, childId: string, raw: AdvocacyMeetingInput): Promise<string> {
    requirePermission(ctx, 'advocacy:record');
    return this.withTransaction(async (tx) => {
      const c = await this.visibleChild(tx, ctx, childId);
      if (!c) throw new NotFoundError();
      const v = validated(ctx, raw);
      // The rate belongs to the authority responsible for the child at the time.
      const authority = c.responsibleAuthorityCode ?? ctx.actor.localAuthorityCode;
      if (!authority) {
        throw new ConflictError(
          'The child has no responsible authority recorded: record it in the child’s details first',
          'kind',
        );
      }
      const now = ctx.clock.now();
      const [row] = await tx
        .insert(advocacyMeeting)
        .values({
          childId,
          responsibleAuthorityCode: authority,
          ...columnsOf(v),
          recordedByUserId: ctx.actor.userId,
          recordedByAgencyId: ctx.actor.agencyId,
          recordedAt: now,
          updatedAt: now,
        })
        .returning({ id: advocacyMeeting.id });
      if (!row) throw new Error('advocacy meeting insert returned nothing');
      await recordAudit(tx, ctx, {
        action: 'advocacy.record',
        subjectType: 'advocacy_meeting',
        subjectId: row.id,
        childId,
      });
      return row.id;
    });
  }

  /**
   * Updates a meeting as it goes on: the child's answer, the advocate, their views and whether they
   * were heard. `changes` holds only what changes (the API) or the whole form (the pages). Changing
   * an answer already given needs a reason; filling in a blank does not.
   */
  async update(
    ctx: Context,
    id: string,
    changes: Partial<AdvocacyMeetingInput> & { reason?: string },
  ): Promise<{ changed: number }> {
    requirePermission(ctx, 'advocacy:record');
    return this.withTransaction(async (tx) => {
      const m = await this.visibleMeeting(tx, ctx, id);
      if (!m) throw new NotFoundError();
      if (m.enteredInErrorAt) {
        throw new ConflictError('The meeting was entered in error, so it can no longer be changed');
      }
      const { reason: rawReason, ...answers } = changes;
      const reasonParsed = advocacyReason.safeParse(rawReason);
      if (!reasonParsed.success) throw new ValidationError(fieldErrorsOf(reasonParsed.error));
      const reason = reasonParsed.data ?? null;
      const v = validated(ctx, { ...inputOf(m), ...answers });
      const next = columnsOf(v);
      const changed = advocacyFields.filter((f) => stored(m[f]) !== stored(next[f]));
      if (changed.length === 0) return { changed: 0 };
      if (!reason && changed.some((f) => stored(m[f]) !== null)) {
        throw new ValidationError([
          { field: 'reason', message: 'Enter why you are changing what was recorded' },
        ]);
      }
      const now = ctx.clock.now();
      await tx
        .update(advocacyMeeting)
        .set({ ...next, updatedAt: now })
        .where(eq(advocacyMeeting.id, id));
      await tx.insert(advocacyMeetingChange).values(
        changed.map((field) => ({
          meetingId: id,
          field,
          oldValue: stored(m[field]),
          newValue: stored(next[field]),
          reason,
          changedByUserId: ctx.actor.userId,
          changedAt: now,
        })),
      );
      await recordAudit(tx, ctx, {
        action: 'advocacy.update',
        subjectType: 'advocacy_meeting',
        subjectId: id,
        childId: m.childId,
        ...(reason ? { reason } : {}),
      });
      return { changed: changed.length };
    });
  }

  /** Marks a meeting recorded by mistake: it stays visible, marked, and counts in no rate. */
  async markEnteredInError(ctx: Context, id: string, reason: string): Promise<void> {
    requirePermission(ctx, 'advocacy:record');
    const parsed = enteredInErrorInput.safeParse({ reason });
    if (!parsed.success) throw new ValidationError(fieldErrorsOf(parsed.error));
    await this.withTransaction(async (tx) => {
      const m = await this.visibleMeeting(tx, ctx, id);
      if (!m) throw new NotFoundError();
      if (m.enteredInErrorAt)
        throw new ConflictError('The meeting is already marked entered in error', 'reason');
      await tx
        .update(advocacyMeeting)
        .set({
          enteredInErrorAt: ctx.clock.now(),
          enteredInErrorByUserId: ctx.actor.userId,
          enteredInErrorReason: parsed.data.reason,
        })
        .where(eq(advocacyMeeting.id, id));
      await recordAudit(tx, ctx, {
        action: 'advocacy.entered-in-error',
        subjectType: 'advocacy_meeting',
        subjectId: id,
        childId: m.childId,
        reason: parsed.data.reason,
      });
    });
  }

  /** One meeting with who recorded it and its history of changes, oldest first. */
  async get(ctx: Context, id: string): Promise<MeetingView> {
    requirePermission(ctx, 'child:view');
    return this.withTransaction(async (tx) => {
      const recorder = alias(appUser, 'recorder');
      const marker = alias(appUser, 'marker');
      const [row] = await tx
        .select({
          m: advocacyMeeting,
          givenName: child.givenName,
          familyName: child.familyName,
          authorityName: localAuthority.name,
          recordedBy: recorder.name,
          recordedByAgency: agency.name,
          enteredInErrorBy: marker.name,
        })
        .from(advocacyMeeting)
        .innerJoin(child, eq(child.id, advocacyMeeting.childId))
        .innerJoin(localAuthority, eq(localAuthority.code, advocacyMeeting.responsibleAuthorityCode))
        .innerJoin(agency, eq(agency.id, advocacyMeeting.recordedByAgencyId))
        .leftJoin(recorder, eq(recorder.id, advocacyMeeting.recordedByUserId))
        .leftJoin(marker, eq(marker.id, advocacyMeeting.enteredInErrorByUserId))
        .where(and(eq(advocacyMeeting.id, id), childVisibleTo(ctx, advocacyMeeting.childId)));
      if (!row) throw new NotFoundError();
      const changes = await tx
        .select({ c: advocacyMeetingChange, changedBy: appUser.name })
        .from(advocacyMeetingChange)
        .leftJoin(appUser, eq(appUser.id, advocacyMeetingChange.changedByUserId))
        .where(eq(advocacyMeetingChange.meetingId, id))
        .orderBy(asc(advocacyMeetingChange.changedAt), asc(advocacyMeetingChange.field));
      await recordAudit(tx, ctx, {
        action: 'advocacy.view',
        subjectType: 'advocacy_meeting',
        subjectId: id,
        childId: row.m.childId,
      });
      return {
        ...row.m,
        child: { id: row.m.childId, name: childName(row) },
        authorityName: row.authorityName,
        recordedBy: row.recordedBy,
        recordedByAgency: row.recordedByAgency,
        enteredInErrorBy: row.enteredInErrorBy,
        changes: changes.map(({ c, changedBy }) => ({
          field: c.field as AdvocacyField,
          oldValue: c.oldValue,
          newValue: c.newValue,
          reason: c.reason,
          changedBy,
          changedAt: c.changedAt,
        })),
        mayChange: ctx.permissions.has('advocacy:record') && !row.m.enteredInErrorAt,
      };
    });
  }

  /** A child's meetings, the latest meeting first, those entered in error included and marked. */
  async forChild(ctx: Context, childId: string): Promise<ChildMeetings> {
    requirePermission(ctx, 'child:view');
    return this.withTransaction(async (tx) => {
      const c = await this.visibleChild(tx, ctx, childId);
      if (!c) throw new NotFoundError();
      const meetings = await tx
        .select()
        .from(advocacyMeeting)
        .where(eq(advocacyMeeting.childId, childId))
        .orderBy(desc(advocacyMeeting.meetingOn), desc(advocacyMeeting.recordedAt));
      await recordAudit(tx, ctx, {
        action: 'advocacy.list',
        subjectType: 'child',
        subjectId: childId,
        childId,
      });
      return {
        child: { id: c.id, name: childName(c) },
        meetings,
        mayRecord: ctx.permissions.has('advocacy:record'),
      };
    });
  }

  /**
   * The advocacy rates of an authority for a period, with the other authorities of its police force
   * area beside it. The authority's own agency (and a hub administrator) sees exact counts; the
   * force sees its authorities' rates with counts under 3 suppressed; anyone else, nothing.
   */
  async rates(ctx: Context, authorityCode: string, period: ReportPeriod) {
    requirePermission(ctx, 'report:view');
    requirePermission(ctx, 'report:download');
    const area: ReportArea = { type: 'authority', code: authorityCode };
    const name = areaName(area);
    const force = findLocalAuthority(authorityCode)?.policeForceCode;
    const mayRead =
      mayReportOn(ctx, area) || (force !== undefined && mayReportOn(ctx, { type: 'force', code: force }));
    if (!name || !mayRead) throw new NotFoundError();
    return this.withTransaction(async (tx) => {
      const figures = await advocacyFigures(tx, area, period);
      const exact = ownsArea(ctx, area) || hasPermission(ctx, 'agency:manage-all');
      await recordAudit(tx, ctx, {
        action: 'report.advocacy.download.json',
        subjectType: 'local_authority',
        subjectId: `${authorityCode} ${period.from} ${period.to}`,
      });
      const shown = (c: AdvocacyCounts, own: boolean) => {
        const s = (v: number) => suppress(v, own);
        const counts = {
          meetings: s(c.meetings),
          offered: s(c.offered),
          accepted: s(c.accepted),
          acceptedWithViews: s(c.acceptedWithViews),
          heard: s(c.heard),
        };
        return {
          ...counts,
          offeredRate: rate(counts.offered, counts.meetings),
          acceptedRate: rate(counts.accepted, counts.offered),
          heardRate: rate(counts.heard, counts.acceptedWithViews),
        };
      };
      const byKind = (c: CountsByKind, own: boolean) =>
        (['care_review', 'placement_planning', 'all'] as const).map((kind) => ({
          kind,
          ...shown(c[kind], own),
        }));
      return {
        authority: { code: authorityCode, name },
        period,
        exact,
        generatedAt: ctx.clock.now().toISOString(),
        rates: byKind(figures.area, exact),
        otherAuthorities: figures.authorities
          .filter((a) => a.code !== authorityCode)
          .map((a) => ({ code: a.code, name: a.name, rates: byKind(a.counts, false) })),
      };
    });
  }

  /** The child's name, for the heading of the form that records a meeting. */
  async formContext(ctx: Context, childId: string): Promise<{ id: string; name: string }> {
    requirePermission(ctx, 'advocacy:record');
    return this.withTransaction(async (tx) => {
      const c = await this.visibleChild(tx, ctx, childId);
      if (!c) throw new NotFoundError();
      await recordAudit(tx, ctx, {
        action: 'advocacy.form',
        subjectType: 'child',
        subjectId: childId,
        childId,
      });
      return { id: c.id, name: childName(c) };
    });
  }
}
