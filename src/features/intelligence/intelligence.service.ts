import { and, arrayOverlaps, desc, eq, ilike, inArray, isNull, or, type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { childVisibleTo } from '../../platform/access/child-access';
import { hasPermission, requirePermission } from '../../platform/access/guard';
import { child } from '../../platform/access/tables';
import { agency } from '../../platform/agencies/tables';
import { recordAudit } from '../../platform/audit/audit';
import { appUser } from '../../platform/auth/tables';
import type { Context } from '../../platform/context';
import type { Tx } from '../../platform/db/client';
import type { WithTransaction } from '../../platform/db/transaction';
import { NotFoundError, ValidationError } from '../../platform/http/errors';
import { findVisibleChild } from '../children/children.repository';
import { foldName, nameSimilarity } from '../children/names';
import { episode, returnInterview } from '../episodes/tables';
import type { LocationsService } from '../locations/locations.service';
import { location } from '../locations/tables';
import { notice } from '../notices/tables';
import { sighting } from '../sightings/tables';
import {
  normaliseHandle,
  normalisePhone,
  normaliseRegistration,
  partialMatches,
  personNameCodes,
} from './normalise';
import {
  type EntityInput,
  entityInput,
  entityKindNames,
  type LinkInput,
  type LogInput,
  linkInput,
  logInput,
} from './schemas';
import { type EntityKind, intelEntity, intelLink, intelLog, type LinkSource } from './tables';

export type Acting = Context & { actor: NonNullable<Context['actor']> };
export type EntityRow = typeof intelEntity.$inferSelect;
export type LinkRow = typeof intelLink.$inferSelect;

/**
 * Something that reacts to a new link in the same transaction: pattern alerts, warning-notice
 * breaches. It sees the link as written, whatever the user may see.
 */
export interface LinkObserver {
  onLink(tx: Tx, ctx: Acting, link: LinkRow): Promise<void>;
}

/** An entity as search results and lists show it. */
export interface EntitySummary {
  id: string;
  kind: EntityKind;
  label: string;
  kindName: string;
  /** Why it matched, for search-before-create. */
  why?: string;
}

/**
 * Which links the actor may see: every link from a child they may see or between entities; a
 * link whose handling code is C (sharing with conditions) only inside the agency that recorded it.
 */
export function linkVisibleTo(ctx: Acting): SQL {
  return and(
    or(isNull(intelLink.childId), childVisibleTo(ctx, intelLink.childId)),
    or(eq(intelLink.handlingCode, 'P'), eq(intelLink.authorAgencyId, ctx.actor.agencyId)),
    isNull(intelLink.enteredInErrorAt),
  ) as SQL;
}

/** The entity a merged one now lives in, following merges to the end. */
export async function currentEntity(tx: Tx, id: string): Promise<EntityRow | null> {
  let seen = 0;
  let at = id;
  while (seen < 10) {
    const [row] = await tx.select().from(intelEntity).where(eq(intelEntity.id, at));
    if (!row) return null;
    if (!row.mergedIntoId) return row;
    at = row.mergedIntoId;
    seen += 1;
  }
  return null;
}

const summary = (e: Pick<EntityRow, 'id' | 'kind' | 'label'>, why?: string): EntitySummary => ({
  id: e.id,
  kind: e.kind,
  label: e.label,
  kindName: entityKindNames[e.kind],
  ...(why ? { why } : {}),
});

/**
 * Intelligence: people of concern, places, vehicles, phones and online accounts, and the dated,
 * graded links that tie children to them, each from a source record. Seeing intelligence needs
 * `intelligence:view`; recording it, `intelligence:record`.
 */
export class IntelligenceService {
  private readonly observers: LinkObserver[] = [];

  constructor(
    private readonly withTransaction: WithTransaction,
    private readonly locations: LocationsService,
  ) {}

  /** Adds something that reacts to every new link. */
  observe(observer: LinkObserver): void {
    this.observers.push(observer);
  }

  // ---- Search before create ----------------------------------------------------------------

  /**
   * Entities like what the user is about to record, best first: the same registration (or one a
   * partial plate could be), the same number or handle, a place of that name or postcode, a person
   * whose name sounds or is spelt alike. Shown before anything new is created.
   */
  async findSimilar(ctx: Context, kind: EntityKind, query: string): Promise<EntitySummary[]> {
    if (!hasPermission(ctx, 'intelligence:record')) requirePermission(ctx, 'intelligence:view');
    const q = query.trim();
    if (!q) return [];
    return this.withTransaction(async (tx) => {
      const live = and(eq(intelEntity.kind, kind), isNull(intelEntity.mergedIntoId));
      let found: EntitySummary[] = [];
      switch (kind) {
        case 'vehicle': {
          const reg = normaliseRegistration(q);
          if (!reg) break;
          const rows = await tx
            .select()
            .from(intelEntity)
            .where(and(live, sql`length(${intelEntity.registrationKey}) = ${reg.key.length}`))
            .limit(2000);
          found = rows
            .filter((r) => {
              const key = r.registrationKey ?? '';
              return key === reg.key || partialMatches(reg.key, key) || partialMatches(key, reg.key);
            })
            .map((r) =>
              summary(
                r,
                r.registrationKey === reg.key ? 'Same registration' : 'Could be the same plate, partly read',
              ),
            );
          break;
        }
        case 'phone': {
          const e164 = normalisePhone(q);
          if (!e164) break;
          const rows = await tx
            .select()
            .from(intelEntity)
            .where(and(live, eq(intelEntity.phoneE164, e164)));
          found = rows.map((r) => summary(r, 'Same number'));
          break;
        }
        case 'account': {
          const handle = normaliseHandle(q);
          const rows = await tx
            .select()
            .from(intelEntity)
            .where(and(live, eq(intelEntity.handleKey, handle)))
            .limit(50);
          found = rows.map((r) => summary(r, 'Same handle'));
          break;
        }
        case 'location': {
          const rows = await tx
            .select({ entity: intelEntity })
            .from(intelEntity)
            .innerJoin(location, eq(location.id, intelEntity.locationId))
            .where(
              and(
                live,
                or(
                  ilike(location.name, `%${q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`),
                  sql`replace(upper(${location.postcode}), ' ', '') = ${q.toUpperCase().replace(/\s+/g, '')}`,
                ),
              ),
            )
            .limit(50);
          found = rows.map((r) => summary(r.entity, 'Same place name or postcode'));
          break;
        }
        case 'person': {
          const codes = personNameCodes([q]);
          if (codes.length === 0) break;
          const rows = await tx
            .select()
            .from(intelEntity)
            .where(and(live, arrayOverlaps(intelEntity.nameCodes, codes)))
            .limit(500);
          found = rows
            .map((r) => {
              const names = [r.label, ...(r.aliases ?? [])];
              const best = Math.max(...names.map((n) => nameSimilarity(n, q)));
              return { r, best };
            })
            .filter((x) => x.best >= 0.75)
            .sort((a, b) => b.best - a.best)
            .slice(0, 50)
            .map((x) =>
              summary(
                x.r,
                foldName(x.r.label) === foldName(q) ? 'Same name' : 'A name that sounds or is spelt alike',
              ),
            );
          break;
        }
      }
      return found.slice(0, 50);
    });
  }

  // ---- Entities --------------------------------------------------------------------------------

  /**
   * Records an entity. An exact match already recorded (the same registration, number or handle)
   * is returned instead of a second copy; near matches are for resolution to propose.
   */
  async createEntity(ctx: Context, raw: EntityInput): Promise<{ id: string; existing: boolean }> {
    requirePermission(ctx, 'intelligence:record');
    const input = entityInput.parse(raw);
    // A place's position is looked up before the transaction opens.
    const place =
      input.kind === 'location'
        ? await this.locations.resolve({
            name: input.name,
            ...(input.postcode ? { postcode: input.postcode } : {}),
            ...(input.latitude !== undefined ? { latitude: input.latitude } : {}),
            ...(input.longitude !== undefined ? { longitude: input.longitude } : {}),
          })
        : null;
    return this.withTransaction(async (tx) => {
      const now = ctx.clock.now();
      const base = {
        kind: input.kind,
        createdByUserId: ctx.actor.userId,
        createdByAgencyId: ctx.actor.agencyId,
        createdAt: now,
      };
      let values: typeof intelEntity.$inferInsert;
      let exact: SQL | null = null;
      switch (input.kind) {
        case 'person': {
          const name = [input.givenName, input.familyName].filter(Boolean).join(' ');
          values = {
            ...base,
            label: name || input.aliases[0] || 'Unnamed person',
            givenName: input.givenName ?? null,
            familyName: input.familyName ?? null,
            aliases: input.aliases,
            dateOfBirth: input.dateOfBirth ?? null,
            approximateAge: input.approximateAge ?? null,
            description: input.description ?? null,
            nameCodes: personNameCodes([input.givenName, input.familyName, ...input.aliases]),
          };
          break;
        }
        case 'location': {
          const locationId = await this.locations.insert(
            tx,
            place ?? (await this.locations.resolve(input)),
            now,
          );
          values = {
            ...base,
            label: input.postcode ? `${input.name}, ${input.postcode}` : input.name,
            locationId,
            placeType: input.placeType,
          };
          break;
        }
        case 'vehicle': {
          const reg = normaliseRegistration(input.registration);
          if (!reg) throw new ValidationError([{ field: 'registration', message: 'Enter the registration' }]);
          const detail = [input.colour, input.make, input.model].filter(Boolean).join(' ');
          values = {
            ...base,
            label: detail ? `${reg.registration} (${detail})` : reg.registration,
            registration: reg.registration,
            registrationKey: reg.key,
            registrationPartial: reg.partial ? reg.registration : null,
            make: input.make ?? null,
            model: input.model ?? null,
            colour: input.colour ?? null,
          };
          if (!reg.partial) exact = eq(intelEntity.registrationKey, reg.key);
          break;
        }
        case 'phone': {
          const e164 = normalisePhone(input.number);
          if (!e164) throw new ValidationError([{ field: 'number', message: 'Enter a real phone number' }]);
          values = { ...base, label: e164, phoneE164: e164 };
          exact = eq(intelEntity.phoneE164, e164);
          break;
        }
        case 'account': {
          const handle = normaliseHandle(input.handle);
          values = {
            ...base,
            label: `${input.platform}: @${handle}`,
            platform: input.platform,
            handle: input.handle.trim(),
            handleKey: handle,
          };
          exact = and(
            sql`lower(${intelEntity.platform}) = ${input.platform.toLowerCase()}`,
            eq(intelEntity.handleKey, handle),
          ) as SQL;
          break;
        }
      }
      if (exact) {
        const [same] = await tx
          .select({ id: intelEntity.id })
          .from(intelEntity)
          .where(and(eq(intelEntity.kind, input.kind), isNull(intelEntity.mergedIntoId), exact))
          .limit(1);
        if (same) return { id: same.id, existing: true };
      }
      const [row] = await tx.insert(intelEntity).values(values).returning({ id: intelEntity.id });
      if (!row) throw new Error('entity insert returned nothing');
      await recordAudit(tx, ctx, {
        action: 'intelligence.entity-create',
        subjectType: 'intel_entity',
        subjectId: row.id,
      });
      return { id: row.id, existing: false };
    });
  }

  /**
   * An entity's page: what it is, and the links the actor may see, newest first. A merged entity
   * shows where it now lives.
   */
  async entity(ctx: Context, id: string) {
    requirePermission(ctx, 'intelligence:view');
    return this.withTransaction(async (tx) => {
      const [row] = await tx
        .select({ entity: intelEntity, place: location })
        .from(intelEntity)
        .leftJoin(location, eq(location.id, intelEntity.locationId))
        .where(eq(intelEntity.id, id));
      if (!row) throw new NotFoundError();
      const links = await this.linksWhere(
        tx,
        ctx,
        or(eq(intelLink.entityId, id), eq(intelLink.fromEntityId, id)) as SQL,
        200,
      );
      await recordAudit(tx, ctx, {
        action: 'intelligence.entity-view',
        subjectType: 'intel_entity',
        subjectId: id,
      });
      return { ...row, links };
    });
  }

  /** The links of a child the actor may see, newest first. */
  async linksOfChild(ctx: Context, childId: string) {
    requirePermission(ctx, 'intelligence:view');
    return this.withTransaction(async (tx) => {
      if (!(await findVisibleChild(tx, ctx, childId))) throw new NotFoundError();
      const links = await this.linksWhere(tx, ctx, eq(intelLink.childId, childId), 200);
      await recordAudit(tx, ctx, {
        action: 'intelligence.child-links',
        subjectType: 'child',
        subjectId: childId,
        childId,
      });
      return links;
    });
  }

  /** Links matching `where` that the actor may see, with both ends named, newest first. */
  private async linksWhere(tx: Tx, ctx: Acting, where: SQL, limit: number) {
    const fromEntity = sql`(select ${intelEntity.label} from ${intelEntity} where ${intelEntity.id} = ${intelLink.fromEntityId})`;
    return tx
      .select({
        link: intelLink,
        entityLabel: intelEntity.label,
        entityKind: intelEntity.kind,
        childName: sql<
          string | null
        >`case when ${child.id} is null then null else ${child.givenName} || ' ' || ${child.familyName} end`,
        fromLabel: sql<string | null>`${fromEntity}`,
        authorName: appUser.name,
        authorAgency: agency.name,
      })
      .from(intelLink)
      .innerJoin(intelEntity, eq(intelEntity.id, intelLink.entityId))
      .leftJoin(child, eq(child.id, intelLink.childId))
      .leftJoin(appUser, eq(appUser.id, intelLink.authorUserId))
      .innerJoin(agency, eq(agency.id, intelLink.authorAgencyId))
      .where(and(where, linkVisibleTo(ctx)))
      .orderBy(desc(intelLink.occurredAt), desc(intelLink.id))
      .limit(limit);
  }

  // ---- Links -----------------------------------------------------------------------------------

  /**
   * Links a child (or an entity) to an entity, from a source record the actor may see: an episode,
   * return interview or notice of that child, a sighting, or an intelligence log entry. A link to a
   * merged entity goes to the entity it was merged into.
   */
  async link(ctx: Context, raw: LinkInput): Promise<string> {
    requirePermission(ctx, 'intelligence:record');
    const input = linkInput.parse(raw);
    return this.withTransaction(async (tx) => {
      const target = await currentEntity(tx, input.entityId);
      if (!target)
        throw new ValidationError([
          { field: 'entityId', message: 'Select who or what the child is linked to' },
        ]);
      if (input.childId) {
        if (!(await findVisibleChild(tx, ctx, input.childId))) throw new NotFoundError();
      } else if (input.fromEntityId) {
        const from = await currentEntity(tx, input.fromEntityId);
        if (!from || from.id === target.id) {
          throw new ValidationError([
            { field: 'entityId', message: 'Select two different entities to link' },
          ]);
        }
        input.fromEntityId = from.id;
      }
      await this.checkSource(tx, ctx, input.sourceType, input.sourceId, input.childId ?? null);
      const [row] = await tx
        .insert(intelLink)
        .values({
          childId: input.childId ?? null,
          fromEntityId: input.fromEntityId ?? null,
          entityId: target.id,
          type: input.type,
          occurredAt: input.occurredAt,
          sourceType: input.sourceType,
          sourceId: input.sourceId,
          sourceGrade: input.sourceGrade,
          informationGrade: input.informationGrade,
          handlingCode: input.handlingCode,
          handlingConditions: input.handlingConditions ?? null,
          authorUserId: ctx.actor.userId,
          authorAgencyId: ctx.actor.agencyId,
          createdAt: ctx.clock.now(),
        })
        .returning();
      if (!row) throw new Error('link insert returned nothing');
      await recordAudit(tx, ctx, {
        action: 'intelligence.link',
        subjectType: 'intel_link',
        subjectId: row.id,
        ...(row.childId ? { childId: row.childId } : {}),
      });
      for (const o of this.observers) await o.onLink(tx, ctx, row);
      return row.id;
    });
  }

  /** The record a link comes from must exist, be the child's (when it has a child) and be visible. */
  private async checkSource(tx: Tx, ctx: Acting, type: LinkSource, id: string, childId: string | null) {
    const ofChild = (column: AnyPgColumn) => (childId ? sql`${column} = ${childId}` : sql`true`);
    let found: { id: string }[] = [];
    switch (type) {
      case 'episode':
        found = await tx
          .select({ id: episode.id })
          .from(episode)
          .innerJoin(child, eq(child.id, episode.childId))
          .where(and(eq(episode.id, id), ofChild(episode.childId), childVisibleTo(ctx, child.id)));
        break;
      case 'return_interview':
        found = await tx
          .select({ id: returnInterview.id })
          .from(returnInterview)
          .innerJoin(child, eq(child.id, returnInterview.childId))
          .where(
            and(eq(returnInterview.id, id), ofChild(returnInterview.childId), childVisibleTo(ctx, child.id)),
          );
        break;
      case 'notice':
        found = await tx
          .select({ id: notice.id })
          .from(notice)
          .where(and(eq(notice.id, id), childId ? eq(notice.childId, childId) : undefined));
        break;
      case 'sighting':
        found = await tx
          .select({ id: sighting.id })
          .from(sighting)
          .where(
            and(
              eq(sighting.id, id),
              childId ? or(eq(sighting.childId, childId), isNull(sighting.childId)) : undefined,
            ),
          );
        break;
      case 'log':
        found = await tx
          .select({ id: intelLog.id })
          .from(intelLog)
          .where(
            and(
              eq(intelLog.id, id),
              childId ? or(eq(intelLog.childId, childId), isNull(intelLog.childId)) : undefined,
            ),
          );
        break;
    }
    if (found.length === 0) {
      throw new ValidationError([{ field: 'sourceId', message: 'The record this comes from was not found' }]);
    }
  }

  /** Marks a link entered in error, with a reason; it stays in the record, struck out of networks. */
  async enterLinkInError(ctx: Context, linkId: string, reason: string): Promise<void> {
    requirePermission(ctx, 'intelligence:record');
    const why = reason.trim();
    if (!why) throw new ValidationError([{ field: 'reason', message: 'Enter why the link is wrong' }]);
    await this.withTransaction(async (tx) => {
      const [row] = await tx
        .select({ link: intelLink })
        .from(intelLink)
        .where(and(eq(intelLink.id, linkId), linkVisibleTo(ctx)));
      if (!row) throw new NotFoundError();
      await tx
        .update(intelLink)
        .set({ enteredInErrorAt: ctx.clock.now(), enteredInErrorReason: why })
        .where(eq(intelLink.id, linkId));
      await recordAudit(tx, ctx, {
        action: 'intelligence.link-entered-in-error',
        subjectType: 'intel_link',
        subjectId: linkId,
        ...(row.link.childId ? { childId: row.link.childId } : {}),
        reason: why,
      });
    });
  }

  /** An intelligence log entry: a source for links that is not another record. */
  async addLogEntry(ctx: Context, raw: LogInput): Promise<string> {
    requirePermission(ctx, 'intelligence:record');
    const input = logInput.parse(raw);
    return this.withTransaction(async (tx) => {
      if (input.childId) {
        if (!(await findVisibleChild(tx, ctx, input.childId))) throw new NotFoundError();
      }
      const [row] = await tx
        .insert(intelLog)
        .values({
          childId: input.childId ?? null,
          summary: input.summary,
          occurredAt: input.occurredAt,
          authorUserId: ctx.actor.userId,
          authorAgencyId: ctx.actor.agencyId,
          createdAt: ctx.clock.now(),
        })
        .returning({ id: intelLog.id });
      if (!row) throw new Error('log insert returned nothing');
      await recordAudit(tx, ctx, {
        action: 'intelligence.log',
        subjectType: 'intel_log',
        subjectId: row.id,
        ...(input.childId ? { childId: input.childId } : {}),
      });
      return row.id;
    });
  }

  /** Entities by id, as lists show them (no access check: callers have checked what they show). */
  async summaries(tx: Tx, ids: string[]): Promise<Map<string, EntitySummary>> {
    if (ids.length === 0) return new Map();
    const rows = await tx
      .select({ id: intelEntity.id, kind: intelEntity.kind, label: intelEntity.label })
      .from(intelEntity)
      .where(inArray(intelEntity.id, ids));
    return new Map(rows.map((r) => [r.id, summary(r)]));
  }
}
