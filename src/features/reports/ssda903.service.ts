import { stringify } from 'csv-stringify/sync';
import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import { childVisibleTo } from '../../platform/access/child-access';
import { requirePermission } from '../../platform/access/guard';
import { child } from '../../platform/access/tables';
import { findLocalAuthority } from '../../platform/agencies/reference-data';
import { recordAudit } from '../../platform/audit/audit';
import type { Context } from '../../platform/context';
import type { WithTransaction } from '../../platform/db/transaction';
import { NotFoundError, ValidationError } from '../../platform/http/errors';
import { londonDate } from '../../platform/http/london-time';
import { episode, riskGrading } from '../episodes/tables';
import { childrensHome } from '../homes/tables';
import { placement } from '../placements/tables';
import { buildSsda903, type Ssda903Return, type Ssda903Table, ssda903Headers } from './ssda903';
import { careEpisode } from './tables';

/** The CSV of one table: its exact header row, then the rows; blank cells for empty. */
export function ssda903Csv(built: Ssda903Return, table: Ssda903Table): string {
  return stringify([[...ssda903Headers[table]], ...built.rows[table]], { record_delimiter: '\r\n' });
}

/** A collection year a person may ask for: 2000 to next year. */
export function parseCollectionYear(raw: unknown, now: Date): number {
  const year = Number(raw);
  const latest = now.getUTCFullYear() + 1;
  if (!Number.isInteger(year) || year < 2000 || year > latest) {
    throw new ValidationError([
      { field: 'year', message: `Enter the year the collection ends, from 2000 to ${latest}, like 2026` },
    ]);
  }
  return year;
}

/**
 * The SSDA903 return of the user's own authority: the check, and the three files. Every build is
 * audited, as an export when files are taken away.
 */
export class Ssda903Service {
  constructor(private readonly withTransaction: WithTransaction) {}

  async build(
    ctx: Context,
    authorityCode: string,
    year: number,
    purpose: 'check' | 'export' = 'check',
    table?: Ssda903Table,
  ): Promise<Ssda903Return> {
    requirePermission(ctx, 'ssda903:export');
    if (!findLocalAuthority(authorityCode) || ctx.actor.localAuthorityCode !== authorityCode) {
      throw new NotFoundError();
    }
    return this.withTransaction(async (tx) => {
      const cares = await tx
        .select()
        .from(careEpisode)
        .where(
          and(
            eq(careEpisode.authorityCode, authorityCode),
            isNull(careEpisode.enteredInErrorAt),
            childVisibleTo(ctx, careEpisode.childId),
          ),
        );
      const ids = [...new Set(cares.map((c) => c.childId))];
      const children = ids.length ? await tx.select().from(child).where(inArray(child.id, ids)) : [];
      const placements = ids.length
        ? await tx
            .select({ p: placement, urn: childrensHome.urn })
            .from(placement)
            .leftJoin(childrensHome, eq(childrensHome.id, placement.homeId))
            .where(inArray(placement.childId, ids))
        : [];
      const episodes = ids.length
        ? await tx
            .select({
              id: episode.id,
              childId: episode.childId,
              kind: episode.kind,
              startedAt: episode.startedAt,
              endedAt: episode.endedAt,
            })
            .from(episode)
            .where(and(inArray(episode.childId, ids), isNull(episode.enteredInErrorAt)))
        : [];
      // The latest police grade of each episode.
      const grades = ids.length
        ? await tx
            .select({ episodeId: riskGrading.episodeId, grade: riskGrading.grade })
            .from(riskGrading)
            .innerJoin(episode, eq(episode.id, riskGrading.episodeId))
            .where(inArray(episode.childId, ids))
            .orderBy(asc(riskGrading.gradedAt))
        : [];
      const latestGrade = new Map(grades.map((g) => [g.episodeId, g.grade]));
      const built = buildSsda903({
        year,
        children: children.map((c) => ({
          id: c.id,
          name: `${c.givenName} ${c.familyName}`,
          laChildId: c.localAuthorityChildId,
          sex: c.sex,
          dateOfBirth: c.dateOfBirth,
          ethnicity: c.ethnicity,
          upn: c.upn,
          mother: c.mother,
          motherChildDateOfBirth: c.motherChildDateOfBirth,
          homePostcode: c.homePostcode,
        })),
        careEpisodes: cares,
        placements: placements.map(({ p, urn }) => ({
          id: p.id,
          childId: p.childId,
          startDate: p.startDate,
          endDate: p.endDate,
          placementType: p.placementType,
          provider: p.provider,
          postcode: p.postcode,
          urn,
        })),
        missing: episodes.map((e) => ({
          id: e.id,
          childId: e.childId,
          kind: e.kind,
          startedOn: londonDate(e.startedAt),
          endedOn: e.endedAt ? londonDate(e.endedAt) : null,
          gradedHigh: latestGrade.get(e.id) === 'high',
        })),
      });
      await recordAudit(tx, ctx, {
        action: purpose === 'export' ? 'ssda903.export' : 'ssda903.check',
        subjectType: 'ssda903',
        subjectId: `${authorityCode}/${year}${table ? `/${table}` : ''}`,
      });
      return built;
    });
  }

  /** One table's CSV, audited as an export. */
  async csv(ctx: Context, authorityCode: string, year: number, table: Ssda903Table): Promise<string> {
    return ssda903Csv(await this.build(ctx, authorityCode, year, 'export', table), table);
  }
}
