import { and, asc, desc, eq, isNull } from 'drizzle-orm';
import { requirePermission } from '../../platform/access/guard';
import { agency } from '../../platform/agencies/tables';
import { recordAudit } from '../../platform/audit/audit';
import { appUser } from '../../platform/auth/tables';
import type { Context } from '../../platform/context';
import type { Tx } from '../../platform/db/client';
import type { WithTransaction } from '../../platform/db/transaction';
import { NotFoundError, ValidationError } from '../../platform/http/errors';
import { fieldErrorsOf } from '../../platform/http/forms';
import * as children from '../children/children.repository';
import type { LocationsService } from '../locations/locations.service';
import { location } from '../locations/tables';
import { cleanPhoto, PhotoError } from './photo';
import {
  type ProfileDetails,
  type ProfileEntryInput,
  profileChangeReason,
  profileDetails,
  profileEntry,
  profileFields,
} from './schemas';
import {
  childPhoto,
  childProfile,
  childProfileChange,
  childProfileEntry,
  type ProfileEntryKind,
} from './tables';

export interface ProfileEntryView {
  id: string;
  kind: ProfileEntryKind;
  value: string;
  detail: string | null;
  postcode: string | null;
  latitude: number | null;
  longitude: number | null;
  createdAt: Date;
}

export interface Profile {
  child: children.ChildRow;
  aliases: { givenName: string; familyName: string }[];
  details: typeof childProfile.$inferSelect | null;
  entries: Record<ProfileEntryKind, ProfileEntryView[]>;
  photo: { id: string; width: number; height: number; uploadedAt: Date } | null;
  /** False when the user's role may not see health details: they are then left out. */
  healthShown: boolean;
}

/** Fields that only roles with `health:view` see (DESIGN §5: health details need their own permission). */
export const healthFields = ['healthNeeds', 'medication'] as const;
const maySeeHealth = (ctx: Context) => ctx.permissions.has('health:view');

/** Philomena profiles: a child's description, needs, contacts and photo, kept ready for police. */
export class ProfilesService {
  constructor(
    private readonly withTransaction: WithTransaction,
    private readonly locations: LocationsService,
  ) {}

  private async visibleChild(tx: Tx, ctx: Context, childId: string) {
    const found = await children.findVisibleChild(tx, ctx, childId);
    if (!found) throw new NotFoundError();
    return found;
  }

  /** The profile of a child the actor may see; every read is audited. */
  async get(ctx: Context, childId: string, purpose: 'view' | 'print' = 'view'): Promise<Profile> {
    requirePermission(ctx, 'child:view');
    return this.withTransaction(async (tx) => {
      const found = await this.visibleChild(tx, ctx, childId);
      const aliases = await children.aliasesOf(tx, childId);
      const [details] = await tx.select().from(childProfile).where(eq(childProfile.childId, childId));
      const rows = await tx
        .select({
          id: childProfileEntry.id,
          kind: childProfileEntry.kind,
          value: childProfileEntry.value,
          detail: childProfileEntry.detail,
          postcode: location.postcode,
          latitude: location.latitude,
          longitude: location.longitude,
          createdAt: childProfileEntry.createdAt,
        })
        .from(childProfileEntry)
        .leftJoin(location, eq(location.id, childProfileEntry.locationId))
        .where(and(eq(childProfileEntry.childId, childId), isNull(childProfileEntry.removedAt)))
        .orderBy(asc(childProfileEntry.createdAt));
      const [photo] = await tx
        .select({
          id: childPhoto.id,
          width: childPhoto.width,
          height: childPhoto.height,
          uploadedAt: childPhoto.uploadedAt,
        })
        .from(childPhoto)
        .where(eq(childPhoto.childId, childId))
        .orderBy(desc(childPhoto.uploadedAt))
        .limit(1);
      await recordAudit(tx, ctx, {
        action: purpose === 'print' ? 'profile.print' : 'profile.view',
        subjectType: 'child',
        subjectId: childId,
        childId,
      });
      const entries: Profile['entries'] = { phone: [], social_media: [], associate: [], place: [] };
      for (const r of rows) entries[r.kind].push(r);
      const healthShown = maySeeHealth(ctx);
      const shown = details && !healthShown ? { ...details, healthNeeds: null, medication: null } : details;
      return { child: found, aliases, details: shown ?? null, entries, photo: photo ?? null, healthShown };
    });
  }

  /**
   * Replaces the description and needs; a blank field clears what was there. Each field that
   * changes keeps its old value in the profile's history, with the optional "what has changed".
   */
  async update(ctx: Context, childId: string, input: ProfileDetails, reason?: string): Promise<void> {
    requirePermission(ctx, 'profile:edit');
    const d = profileDetails.parse(input);
    const why = profileChangeReason.safeParse(reason ?? '');
    if (!why.success)
      throw new ValidationError(fieldErrorsOf(why.error).map((e) => ({ ...e, field: 'reason' })));
    const now = ctx.clock.now();
    await this.withTransaction(async (tx) => {
      await this.visibleChild(tx, ctx, childId);
      const [before] = await tx.select().from(childProfile).where(eq(childProfile.childId, childId));
      // Someone who may not see health details cannot change or clear them either.
      if (!maySeeHealth(ctx)) for (const f of healthFields) d[f] = before?.[f] ?? undefined;
      const changed = profileFields.filter((f) => (before?.[f] ?? null) !== (d[f] ?? null));
      if (changed.length === 0) return;
      const values = {
        ...Object.fromEntries(profileFields.map((f) => [f, d[f] ?? null])),
        updatedAt: now,
        updatedByUserId: ctx.actor?.userId ?? null,
      };
      await tx
        .insert(childProfile)
        .values({ childId, ...values })
        .onConflictDoUpdate({ target: childProfile.childId, set: values });
      await tx.insert(childProfileChange).values(
        changed.map((field) => ({
          childId,
          field,
          oldValue: before?.[field] ?? null,
          newValue: d[field] ?? null,
          reason: why.data ?? null,
          changedByUserId: ctx.actor?.userId ?? null,
          changedByAgencyId: ctx.actor?.agencyId ?? null,
          changedAt: now,
        })),
      );
      await recordAudit(tx, ctx, {
        action: 'profile.update',
        subjectType: 'child',
        subjectId: childId,
        childId,
        reason: why.data,
      });
    });
  }

  /** The history of the description and needs, newest first, with who changed each field. */
  async changes(ctx: Context, childId: string) {
    requirePermission(ctx, 'child:view');
    return this.withTransaction(async (tx) => {
      await this.visibleChild(tx, ctx, childId);
      const rows = await tx
        .select({ change: childProfileChange, by: appUser.name, agency: agency.name })
        .from(childProfileChange)
        .leftJoin(appUser, eq(appUser.id, childProfileChange.changedByUserId))
        .leftJoin(agency, eq(agency.id, childProfileChange.changedByAgencyId))
        .where(eq(childProfileChange.childId, childId));
      // Newest save first; within a save, in the order of the form.
      const place = (field: string) => profileFields.indexOf(field as (typeof profileFields)[number]);
      const hidden: readonly string[] = maySeeHealth(ctx) ? [] : healthFields;
      return rows
        .filter((r) => !hidden.includes(r.change.field))
        .sort(
          (a, b) =>
            b.change.changedAt.getTime() - a.change.changedAt.getTime() ||
            place(a.change.field) - place(b.change.field),
        );
    });
  }

  /** Adds a phone, online account, person or place. A place's postcode is looked up first. */
  async addEntry(ctx: Context, childId: string, input: ProfileEntryInput): Promise<string> {
    requirePermission(ctx, 'profile:edit');
    const e = profileEntry.parse(input);
    const place =
      e.kind === 'place'
        ? await this.locations.resolve({
            name: e.value,
            postcode: e.postcode,
            latitude: e.latitude,
            longitude: e.longitude,
          })
        : null;
    return this.withTransaction(async (tx) => {
      await this.visibleChild(tx, ctx, childId);
      const now = ctx.clock.now();
      const locationId = place ? await this.locations.insert(tx, place, now) : null;
      const [row] = await tx
        .insert(childProfileEntry)
        .values({
          childId,
          kind: e.kind,
          value: e.value,
          detail: e.detail ?? null,
          locationId,
          createdAt: now,
          createdByUserId: ctx.actor?.userId ?? null,
        })
        .returning({ id: childProfileEntry.id });
      if (!row) throw new Error('profile entry insert returned nothing');
      await recordAudit(tx, ctx, {
        action: 'profile.entry.add',
        subjectType: 'profile_entry',
        subjectId: row.id,
        childId,
      });
      return row.id;
    });
  }

  /** Takes an entry off the profile; the row is kept with the time it was removed. */
  async removeEntry(ctx: Context, childId: string, entryId: string): Promise<void> {
    requirePermission(ctx, 'profile:edit');
    await this.withTransaction(async (tx) => {
      await this.visibleChild(tx, ctx, childId);
      const removed = await tx
        .update(childProfileEntry)
        .set({ removedAt: ctx.clock.now() })
        .where(
          and(
            eq(childProfileEntry.id, entryId),
            eq(childProfileEntry.childId, childId),
            isNull(childProfileEntry.removedAt),
          ),
        )
        .returning({ id: childProfileEntry.id });
      if (removed.length === 0) throw new NotFoundError();
      await recordAudit(tx, ctx, {
        action: 'profile.entry.remove',
        subjectType: 'profile_entry',
        subjectId: entryId,
        childId,
      });
    });
  }

  /** Stores a new photo, checked by content and re-encoded so that no metadata survives. */
  async uploadPhoto(ctx: Context, childId: string, file: Buffer): Promise<string> {
    requirePermission(ctx, 'profile:edit');
    let clean: ReturnType<typeof cleanPhoto>;
    try {
      clean = cleanPhoto(file);
    } catch (error) {
      if (error instanceof PhotoError)
        throw new ValidationError([{ field: 'photo', message: error.message }]);
      throw error;
    }
    return this.withTransaction(async (tx) => {
      await this.visibleChild(tx, ctx, childId);
      const [row] = await tx
        .insert(childPhoto)
        .values({
          childId,
          ...clean,
          uploadedAt: ctx.clock.now(),
          uploadedByUserId: ctx.actor?.userId ?? null,
        })
        .returning({ id: childPhoto.id });
      if (!row) throw new Error('photo insert returned nothing');
      await recordAudit(tx, ctx, {
        action: 'profile.photo.upload',
        subjectType: 'child_photo',
        subjectId: row.id,
        childId,
      });
      return row.id;
    });
  }

  /** A photo's bytes, for a child the actor may see. Audited like any other read. */
  async photo(ctx: Context, childId: string, photoId: string) {
    requirePermission(ctx, 'child:view');
    return this.withTransaction(async (tx) => {
      await this.visibleChild(tx, ctx, childId);
      const [row] = await tx
        .select({ contentType: childPhoto.contentType, bytes: childPhoto.bytes })
        .from(childPhoto)
        .where(and(eq(childPhoto.id, photoId), eq(childPhoto.childId, childId)));
      if (!row) throw new NotFoundError();
      await recordAudit(tx, ctx, {
        action: 'profile.photo.view',
        subjectType: 'child_photo',
        subjectId: photoId,
        childId,
      });
      return row;
    });
  }
}
