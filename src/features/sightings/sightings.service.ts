import { createHash, randomInt } from 'node:crypto';
import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { requirePermission } from '../../platform/access/guard';
import { findLocalAuthority } from '../../platform/agencies/reference-data';
import { agency } from '../../platform/agencies/tables';
import { recordAudit } from '../../platform/audit/audit';
import { appUser } from '../../platform/auth/tables';
import type { Context } from '../../platform/context';
import type { Tx } from '../../platform/db/client';
import type { WithTransaction } from '../../platform/db/transaction';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/http/errors';
import { blankToUndefined } from '../../platform/http/forms';
import { decodeCursor, PAGE_SIZE, pageOf } from '../../platform/http/pagination';
import type { AlertsService } from '../alerts/alerts.service';
import * as children from '../children/children.repository';
import type { LocationsService } from '../locations/locations.service';
import { postcode } from '../locations/schemas';
import { inMashAreaOf, mashAgencies } from '../notices/notices.service';
import { sighting, sightingAccessCode } from './tables';

// Crockford's base32: no I, L, O or U, so codes read aloud or typed from paper survive.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const randomChars = (n: number) =>
  Array.from({ length: n }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');

/** Upper case, without spaces or dashes, with the letters people confuse read as digits. */
export function normaliseCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
}
const hashCode = (code: string) => createHash('sha256').update(normaliseCode(code)).digest('hex');

const optional = (max: number, label: string) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .max(max, `${label} must be ${max.toLocaleString('en-GB')} characters or fewer`)
      .optional(),
  );

export const sightingReport = z.object({
  code: z
    .string({ error: 'Enter your organisation’s access code' })
    .trim()
    .min(1, 'Enter your organisation’s access code'),
  seenAt: z.date({ error: 'Enter when you saw it' }),
  place: z
    .string({ error: 'Enter where you saw it' })
    .trim()
    .min(1, 'Enter where you saw it')
    .max(300, 'Where you saw it must be 300 characters or fewer'),
  postcode: z.preprocess(blankToUndefined, postcode().optional()),
  whatSeen: z
    .string({ error: 'Say what you saw' })
    .trim()
    .min(1, 'Say what you saw')
    .max(8000, 'What you saw must be 8,000 characters or fewer'),
  youngPeople: optional(4000, 'The description of the young people'),
  adults: optional(4000, 'The description of the adults'),
  vehicles: optional(1000, 'Vehicles'),
  roomNumbers: optional(300, 'Room numbers'),
  reporterName: optional(200, 'Your name'),
  reporterContact: optional(200, 'How to contact you'),
});
export type SightingReport = z.input<typeof sightingReport>;

export const newCode = z.object({
  label: z
    .string({ error: 'Enter who the code is for' })
    .trim()
    .min(1, 'Enter who the code is for, like “Front desk”')
    .max(100, 'The name must be 100 characters or fewer'),
});

/** The same answer for a code that never existed and one that was revoked. */
export const CODE_REFUSED = 'The access code was not recognised. Check it with your manager and try again.';

/**
 * Sightings from hotel, venue and frontline staff, reached through an access code rather than an
 * account. Write-only for the reporter; triaged by the MASH of the area where it happened.
 */
export class SightingsService {
  constructor(
    private readonly withTransaction: WithTransaction,
    private readonly locations: LocationsService,
    private readonly alerts: AlertsService,
  ) {}

  /** Issues a code for the actor's own organisation; the code itself is returned once and never stored. */
  async issueCode(ctx: Context, raw: { label: string }): Promise<{ id: string; code: string }> {
    requirePermission(ctx, 'sighting-code:manage');
    const { label } = newCode.parse(raw);
    const area = ctx.actor.localAuthorityCode;
    if (!area) {
      throw new ValidationError([
        {
          field: 'label',
          message: 'Your organisation has no local authority area: ask the hub administrator',
        },
      ]);
    }
    const code = `${randomChars(4)}-${randomChars(4)}-${randomChars(4)}`;
    return this.withTransaction(async (tx) => {
      const [row] = await tx
        .insert(sightingAccessCode)
        .values({
          agencyId: ctx.actor.agencyId,
          areaAuthorityCode: area,
          label,
          codeHash: hashCode(code),
          createdByUserId: ctx.actor.userId,
          createdAt: ctx.clock.now(),
        })
        .returning({ id: sightingAccessCode.id });
      if (!row) throw new Error('access code insert returned nothing');
      await recordAudit(tx, ctx, {
        action: 'sighting-code.issue',
        subjectType: 'sighting_access_code',
        subjectId: row.id,
      });
      return { id: row.id, code };
    });
  }

  async codes(ctx: Context) {
    requirePermission(ctx, 'sighting-code:manage');
    return this.withTransaction((tx) =>
      tx
        .select({
          id: sightingAccessCode.id,
          label: sightingAccessCode.label,
          createdAt: sightingAccessCode.createdAt,
          revokedAt: sightingAccessCode.revokedAt,
          reports: sql<number>`(select count(*)::int from ${sighting} where ${sighting.accessCodeId} = ${sightingAccessCode.id})`,
        })
        .from(sightingAccessCode)
        .where(eq(sightingAccessCode.agencyId, ctx.actor.agencyId))
        .orderBy(desc(sightingAccessCode.createdAt)),
    );
  }

  async revokeCode(ctx: Context, id: string): Promise<void> {
    requirePermission(ctx, 'sighting-code:manage');
    await this.withTransaction(async (tx) => {
      const done = await tx
        .update(sightingAccessCode)
        .set({ revokedAt: ctx.clock.now(), revokedByUserId: ctx.actor.userId })
        .where(
          and(
            eq(sightingAccessCode.id, id),
            eq(sightingAccessCode.agencyId, ctx.actor.agencyId),
            isNull(sightingAccessCode.revokedAt),
          ),
        )
        .returning({ id: sightingAccessCode.id });
      if (done.length === 0) throw new NotFoundError();
      await recordAudit(tx, ctx, {
        action: 'sighting-code.revoke',
        subjectType: 'sighting_access_code',
        subjectId: id,
      });
    });
  }

  /**
   * Takes a report through an access code. A wrong or revoked code is refused with one message;
   * a good one lands in the MASH queue of the area (from the postcode when the lookup knows it,
   * otherwise the organisation's), and the MASH is alerted. The reporter gets only a reference.
   */
  async report(ctx: Context, raw: SightingReport): Promise<{ reference: string }> {
    const input = sightingReport.parse(raw);
    if (input.seenAt > ctx.clock.now()) {
      throw new ValidationError([{ field: 'seenAt', message: 'When you saw it must be in the past' }]);
    }
    const place = await this.locations.resolve({ name: input.place, postcode: input.postcode });
    const outcome = await this.withTransaction(async (tx) => {
      const [code] = await tx
        .select()
        .from(sightingAccessCode)
        .where(
          and(eq(sightingAccessCode.codeHash, hashCode(input.code)), isNull(sightingAccessCode.revokedAt)),
        );
      if (!code) {
        // The refusal commits with its audit row: thrown from here, the rollback would take the row too.
        await recordAudit(tx, ctx, { action: 'sighting.code-refused', subjectType: 'sighting_access_code' });
        return null;
      }
      const now = ctx.clock.now();
      const area =
        place.localAuthorityCode && findLocalAuthority(place.localAuthorityCode)
          ? place.localAuthorityCode
          : code.areaAuthorityCode;
      const locationId = await this.locations.insert(tx, place, now);
      const reference = `S-${randomChars(4)}-${randomChars(4)}`;
      const [row] = await tx
        .insert(sighting)
        .values({
          reference,
          accessCodeId: code.id,
          agencyId: code.agencyId,
          areaAuthorityCode: area,
          seenAt: input.seenAt,
          place: input.place,
          locationId,
          whatSeen: input.whatSeen,
          youngPeople: input.youngPeople ?? null,
          adults: input.adults ?? null,
          vehicles: input.vehicles ? input.vehicles.toUpperCase() : null,
          roomNumbers: input.roomNumbers ?? null,
          reporterName: input.reporterName ?? null,
          reporterContact: input.reporterContact ?? null,
          createdAt: now,
        })
        .returning({ id: sighting.id });
      if (!row) throw new Error('sighting insert returned nothing');
      await this.alerts.raise(tx, ctx, {
        kind: 'sighting-reported',
        agencyIds: (await mashAgencies(tx, area)).map((m) => m.id),
        childId: null,
        subjectType: 'sighting',
        subjectId: row.id,
        key: `sighting-reported:${row.id}`,
      });
      await recordAudit(tx, ctx, { action: 'sighting.report', subjectType: 'sighting', subjectId: row.id });
      return { reference };
    });
    if (!outcome) throw new ValidationError([{ field: 'code', message: CODE_REFUSED }]);
    return outcome;
  }

  /** Sightings not yet dealt with in the MASH queue of the actor's area, oldest first. */
  async queue(ctx: Context, options: { after?: string } = {}) {
    requirePermission(ctx, 'notice:triage');
    const cursor = decodeCursor(options.after, 2);
    return this.withTransaction(async (tx) => {
      const rows = await tx
        .select({ sighting, organisation: agency.name })
        .from(sighting)
        .innerJoin(agency, eq(agency.id, sighting.agencyId))
        .where(
          and(
            inActorArea(ctx),
            eq(sighting.status, 'new'),
            cursor
              ? sql`(${sighting.createdAt}, ${sighting.id}) > (${String(cursor[0])}::timestamptz, ${String(cursor[1])}::uuid)`
              : undefined,
          ),
        )
        .orderBy(asc(sighting.createdAt), asc(sighting.id))
        .limit(PAGE_SIZE + 1);
      await recordAudit(tx, ctx, { action: 'sighting.queue', subjectType: 'sighting' });
      return pageOf(rows, PAGE_SIZE, (r) => [r.sighting.createdAt.toISOString(), r.sighting.id]);
    });
  }

  async get(ctx: Context, id: string) {
    requirePermission(ctx, 'notice:triage');
    return this.withTransaction(async (tx) => {
      const [row] = await tx
        .select({ sighting, organisation: agency.name, triagedBy: appUser.name })
        .from(sighting)
        .innerJoin(agency, eq(agency.id, sighting.agencyId))
        .leftJoin(appUser, eq(appUser.id, sighting.triagedByUserId))
        .where(and(eq(sighting.id, id), inActorArea(ctx)));
      if (!row) throw new NotFoundError();
      const linked = row.sighting.childId
        ? await children.findVisibleChild(tx, ctx, row.sighting.childId)
        : null;
      await recordAudit(tx, ctx, {
        action: 'sighting.view',
        subjectType: 'sighting',
        subjectId: id,
        childId: row.sighting.childId ?? undefined,
      });
      return { ...row, child: linked };
    });
  }

  /** Links a sighting to a child the practitioner may see: it joins the child's chronology. */
  async link(ctx: Context, id: string, childId: string): Promise<void> {
    requirePermission(ctx, 'notice:triage');
    await this.withTransaction(async (tx) => {
      const row = await this.untriaged(tx, ctx, id);
      const found = await children.findVisibleChild(tx, ctx, childId);
      if (!found)
        throw new ValidationError([{ field: 'childId', message: 'Select a child from the search results' }]);
      await tx
        .update(sighting)
        .set({ status: 'linked', childId, triagedByUserId: ctx.actor.userId, triagedAt: ctx.clock.now() })
        .where(eq(sighting.id, row.id));
      await recordAudit(tx, ctx, {
        action: 'sighting.link',
        subjectType: 'sighting',
        subjectId: id,
        childId,
      });
    });
  }

  /** Keeps a sighting that matches no known child as intelligence, out of the queue. */
  async keepAsIntelligence(ctx: Context, id: string): Promise<void> {
    requirePermission(ctx, 'notice:triage');
    await this.withTransaction(async (tx) => {
      const row = await this.untriaged(tx, ctx, id);
      await tx
        .update(sighting)
        .set({ status: 'intelligence', triagedByUserId: ctx.actor.userId, triagedAt: ctx.clock.now() })
        .where(eq(sighting.id, row.id));
      await recordAudit(tx, ctx, { action: 'sighting.keep', subjectType: 'sighting', subjectId: id });
    });
  }

  private async untriaged(tx: Tx, ctx: Context, id: string) {
    const [row] = await tx
      .select()
      .from(sighting)
      .where(and(eq(sighting.id, id), inActorArea(ctx)));
    if (!row) throw new NotFoundError();
    if (row.status !== 'new') throw new ConflictError('The sighting has already been dealt with', 'childId');
    return row;
  }

  /** Sightings linked to a child, for the chronology. */
  async forChild(ctx: Context, childId: string) {
    requirePermission(ctx, 'child:view');
    return this.withTransaction(async (tx) => {
      const found = await children.findVisibleChild(tx, ctx, childId);
      if (!found) throw new NotFoundError();
      return tx
        .select({
          id: sighting.id,
          seenAt: sighting.seenAt,
          place: sighting.place,
          organisation: agency.name,
        })
        .from(sighting)
        .innerJoin(agency, eq(agency.id, sighting.agencyId))
        .where(eq(sighting.childId, childId))
        .orderBy(desc(sighting.seenAt));
    });
  }
}

const inActorArea = (ctx: Context) => inMashAreaOf(ctx, sighting.areaAuthorityCode);
