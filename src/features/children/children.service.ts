import { and, eq, or, sql } from 'drizzle-orm';
import { childVisibleTo } from '../../platform/access/child-access';
import { requirePermission } from '../../platform/access/guard';
import { child } from '../../platform/access/tables';
import { recordAudit } from '../../platform/audit/audit';
import type { Context } from '../../platform/context';
import type { WithTransaction } from '../../platform/db/transaction';
import { NotFoundError } from '../../platform/http/errors';
import type { LocationsService } from '../locations/locations.service';
import * as repo from './children.repository';
import { foldName, nameSimilarity, phoneticCodes } from './names';
import { type ChildSearch, childDetails, type NewChild } from './schemas';

export interface SearchHit {
  child: repo.ChildRow;
  /** The name or alias that matched, and how closely (1 = exactly). */
  matchedName: string;
  matchedAlias: boolean;
  score: number;
}

const NAME_MATCH_THRESHOLD = 0.8;

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

  /** One child's record. Every read is audited; a child the actor may not see is "not found". */
  async get(ctx: Context, id: string) {
    requirePermission(ctx, 'child:view');
    return this.withTransaction(async (tx) => {
      const row = await repo.findChild(tx, id, childVisibleTo(ctx, child.id));
      if (!row) throw new NotFoundError();
      const aliases = await repo.aliasesOf(tx, id);
      await recordAudit(tx, ctx, { action: 'child.view', subjectType: 'child', subjectId: id, childId: id });
      return { ...row, aliases };
    });
  }

  async list(ctx: Context) {
    requirePermission(ctx, 'child:view');
    return this.withTransaction(async (tx) => {
      const rows = await repo.listChildren(tx, childVisibleTo(ctx, child.id));
      await recordAudit(tx, ctx, { action: 'child.list', subjectType: 'child' });
      return rows;
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
        const candidates = await repo.nameCandidates(tx, visible, codes, (parts.at(-1) ?? '').slice(0, 2));
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
