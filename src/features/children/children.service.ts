import { and, eq, or, sql } from 'drizzle-orm';
import { childVisibleTo } from '../../platform/access/child-access';
import { requirePermission } from '../../platform/access/guard';
import { child } from '../../platform/access/tables';
import { recordAudit } from '../../platform/audit/audit';
import type { Context } from '../../platform/context';
import { planForTheseValues, type WithTransaction } from '../../platform/db/transaction';
import { NotFoundError, ValidationError } from '../../platform/http/errors';
import { fieldErrorsOf } from '../../platform/http/forms';
import { decodeCursor, PAGE_SIZE, pageOf } from '../../platform/http/pagination';
import type { LocationsService } from '../locations/locations.service';
import * as repo from './children.repository';
import { foldName, nameSimilarity, phoneticCodes } from './names';
import {
  type ChildCorrection,
  type ChildSearch,
  childCorrection,
  childDetails,
  type NewChild,
} from './schemas';
import type { ChildCorrectableField } from './tables';

export interface SearchHit {
  child: repo.ChildRow;
  /** The name or alias that matched, and how closely (1 = exactly). */
  matchedName: string;
  matchedAlias: boolean;
  score: number;
}

const NAME_MATCH_THRESHOLD = 0.8;

/** A detail as the history keeps it: text, a looked-after flag as "true" or "false", blank as null. */
function asHistory(value: string | boolean | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'boolean' ? String(value) : value;
}

/** A child's details as recording takes them, so a correction is checked by the same rules. */
function detailsOf(c: repo.ChildRow): NewChild {
  const or = <T>(v: T | null) => v ?? undefined;
  return {
    givenName: c.givenName,
    familyName: c.familyName,
    dateOfBirth: or(c.dateOfBirth),
    sex: or(c.sex) as NewChild['sex'],
    ethnicity: or(c.ethnicity) as NewChild['ethnicity'],
    lookedAfter: c.lookedAfter,
    legalStatus: or(c.legalStatus) as NewChild['legalStatus'],
    responsibleAuthorityCode: or(c.responsibleAuthorityCode),
    upn: or(c.upn),
    localAuthorityChildId: or(c.localAuthorityChildId),
    policePersonId: or(c.policePersonId),
    homePostcode: or(c.homePostcode),
    homeAddress: or(c.homeAddress),
    homeLatitude: or(c.homeLatitude),
    homeLongitude: or(c.homeLongitude),
  };
}

/**
 * The messages the record breaks only once the correction is made: cross-detail rules such as "a
 * looked-after child has a responsible authority". What the record already broke is not the
 * corrector's to answer for.
 */
function newlyBroken(c: repo.ChildRow, field: ChildCorrectableField, value: string | boolean | undefined) {
  const messages = (input: NewChild) => {
    const result = childDetails.safeParse(input);
    return result.success ? [] : result.error.issues.map((i) => i.message);
  };
  const before = new Set(messages(detailsOf(c)));
  return messages({ ...detailsOf(c), [field]: value }).filter((m) => !before.has(m));
}

export class ChildrenService {
  constructor(
    private readonly withTransaction: WithTransaction,
    private readonly locations: LocationsService,
  ) {}

  /** Records a child; the recording agency gets access as its creator. */
  async create(ctx: Context, input: NewChild): Promise<string> {
    requirePermission(ctx, 'child:create');
    const details = childDetails.parse(input);
    const home = details.homePostcode
      ? await this.locations.resolve({
          name: details.homeAddress ?? details.homePostcode,
          postcode: details.homePostcode,
          latitude: details.homeLatitude,
          longitude: details.homeLongitude,
        })
      : null;
    return this.withTransaction(async (tx) => {
      const now = ctx.clock.now();
      const id = await repo.insertChild(tx, {
        givenName: details.givenName,
        familyName: details.familyName,
        dateOfBirth: details.dateOfBirth ?? null,
        sex: details.sex ?? null,
        ethnicity: details.ethnicity ?? null,
        lookedAfter: details.lookedAfter,
        legalStatus: details.legalStatus ?? null,
        responsibleAuthorityCode: details.responsibleAuthorityCode ?? null,
        upn: details.upn?.toUpperCase() ?? null,
        localAuthorityChildId: details.localAuthorityChildId ?? null,
        policePersonId: details.policePersonId ?? null,
        homePostcode: details.homePostcode ?? null,
        homeAddress: details.homeAddress ?? null,
        homeLatitude: home?.latitude ?? details.homeLatitude ?? null,
        homeLongitude: home?.longitude ?? details.homeLongitude ?? null,
        createdByAgencyId: ctx.actor.agencyId,
        createdAt: now,
      });
      await repo.insertAliases(tx, id, details.aliases, now);
      await repo.refreshSearchNames(tx, id);
      await repo.grantAccess(tx, {
        childId: id,
        agencyId: ctx.actor.agencyId,
        basis: 'creator',
        validFrom: now,
      });
      await recordAudit(tx, ctx, {
        action: 'child.create',
        subjectType: 'child',
        subjectId: id,
        childId: id,
      });
      return id;
    });
  }

  /**
   * Corrects one detail of a child with a reason; the old value stays in the history. A corrected
   * name is searchable at once; a corrected home postcode takes its position from the lookup
   * service, as on recording, or none (the old position was the old home's).
   */
  async correct(ctx: Context, childId: string, raw: ChildCorrection): Promise<void> {
    requirePermission(ctx, 'child:correct');
    const parsed = childCorrection.safeParse(raw);
    if (!parsed.success) throw new ValidationError(fieldErrorsOf(parsed.error));
    const { field, reason } = parsed.data;
    const value =
      field === 'upn' && typeof parsed.data.value === 'string'
        ? parsed.data.value.toUpperCase()
        : parsed.data.value;
    const home =
      field === 'homePostcode' && typeof value === 'string'
        ? await this.locations.resolve({ name: value, postcode: value })
        : null;
    await this.withTransaction(async (tx) => {
      const found = await repo.findVisibleChild(tx, ctx, childId);
      if (!found) throw new NotFoundError();
      const oldValue = asHistory(found[field]);
      const newValue = asHistory(value);
      if (oldValue === newValue) {
        throw new ValidationError([{ field: 'value', message: 'The new value is the same as the old one' }]);
      }
      const broken = newlyBroken(found, field, value);
      if (broken[0]) throw new ValidationError([{ field: 'value', message: broken[0] }]);
      await repo.updateChild(tx, childId, {
        [field]: value ?? null,
        ...(field === 'homePostcode'
          ? { homeLatitude: home?.latitude ?? null, homeLongitude: home?.longitude ?? null }
          : {}),
      });
      if (field === 'givenName' || field === 'familyName') await repo.refreshSearchNames(tx, childId);
      await repo.insertCorrection(tx, {
        childId,
        field,
        oldValue,
        newValue,
        reason,
        correctedByUserId: ctx.actor.userId,
        correctedByAgencyId: ctx.actor.agencyId,
        correctedAt: ctx.clock.now(),
      });
      await recordAudit(tx, ctx, {
        action: 'child.correct',
        subjectType: 'child',
        subjectId: childId,
        childId,
        reason,
      });
    });
  }

  /** The corrections of a child's details, newest first. */
  async corrections(ctx: Context, childId: string) {
    requirePermission(ctx, 'child:view');
    return this.withTransaction(async (tx) => {
      const found = await repo.findVisibleChild(tx, ctx, childId);
      if (!found) throw new NotFoundError();
      return repo.correctionsOf(tx, childId);
    });
  }

  /** One child's record. Every read is audited; a child the actor may not see is "not found". */
  async get(ctx: Context, id: string) {
    requirePermission(ctx, 'child:view');
    return this.withTransaction(async (tx) => {
      const row = await repo.findVisibleChild(tx, ctx, id);
      if (!row) throw new NotFoundError();
      const aliases = await repo.aliasesOf(tx, id);
      await recordAudit(tx, ctx, { action: 'child.view', subjectType: 'child', subjectId: id, childId: id });
      return { ...row, aliases };
    });
  }

  /** The children the actor may see, in name order, a page at a time. */
  async list(ctx: Context, options: { after?: string } = {}) {
    requirePermission(ctx, 'child:view');
    const cursor = decodeCursor(options.after, 3);
    return this.withTransaction(async (tx) => {
      await planForTheseValues(tx);
      const rows = await repo.listChildren(tx, childVisibleTo(ctx, child.id), cursor, PAGE_SIZE + 1);
      await recordAudit(tx, ctx, { action: 'child.list', subjectType: 'child' });
      return pageOf(rows, PAGE_SIZE, (r) => [r.familyName, r.givenName, r.id]);
    });
  }

  /**
   * Finds children the actor may see by name (names and aliases, near spellings and names that
   * sound alike), date of birth or any agency's identifier. Criteria given together must all match.
   */
  async search(ctx: Context, criteria: ChildSearch): Promise<SearchHit[]> {
    requirePermission(ctx, 'child:view');
    const visible = childVisibleTo(ctx, child.id);
    return this.withTransaction(async (tx) => {
      await planForTheseValues(tx);
      const conditions = [
        criteria.dateOfBirth ? eq(child.dateOfBirth, criteria.dateOfBirth) : undefined,
        criteria.identifier
          ? or(
              sql`upper(${child.upn}) = ${criteria.identifier.toUpperCase()}`,
              sql`lower(${child.localAuthorityChildId}) = ${criteria.identifier.toLowerCase()}`,
              sql`lower(${child.policePersonId}) = ${criteria.identifier.toLowerCase()}`,
            )
          : undefined,
      ].filter((c) => c !== undefined);
      let hits: SearchHit[];
      if (criteria.name) {
        const query = foldName(criteria.name);
        const parts = query.split(/\s+/).filter(Boolean);
        const codes = parts.flatMap(phoneticCodes);
        const candidates = await repo.nameCandidates(
          tx,
          visible,
          codes,
          (parts.at(-1) ?? '').slice(0, 2),
          parts,
        );
        const best = new Map<string, { score: number; name: string; alias: boolean }>();
        for (const c of candidates) {
          const full = `${c.givenName} ${c.familyName}`;
          const score =
            parts.length > 1
              ? nameSimilarity(query, full)
              : Math.max(nameSimilarity(query, c.familyName), nameSimilarity(query, c.givenName));
          const prior = best.get(c.childId);
          if (score >= NAME_MATCH_THRESHOLD && (!prior || score > prior.score)) {
            best.set(c.childId, { score, name: full, alias: c.source === 'alias' });
          }
        }
        const rows = await repo.childrenByIds(
          tx,
          [...best.keys()],
          conditions.length ? (and(visible, ...conditions) ?? visible) : visible,
        );
        hits = rows
          .map((row) => {
            const b = best.get(row.id);
            return {
              child: row,
              matchedName: b?.name ?? '',
              matchedAlias: b?.alias ?? false,
              score: b?.score ?? 0,
            };
          })
          .sort((a, b) => b.score - a.score || a.child.familyName.localeCompare(b.child.familyName));
      } else if (conditions.length > 0) {
        const rows = await repo.childrenWhere(tx, and(...conditions) ?? sql`true`, visible);
        hits = rows.map((row) => ({
          child: row,
          matchedName: `${row.givenName} ${row.familyName}`,
          matchedAlias: false,
          score: 1,
        }));
      } else {
        hits = [];
      }
      await recordAudit(tx, ctx, { action: 'child.search', subjectType: 'child' });
      return hits.slice(0, 50);
    });
  }
}
