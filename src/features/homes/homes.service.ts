import { and, asc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import { childVisibleTo } from '../../platform/access/child-access';
import { hasPermission, requirePermission } from '../../platform/access/guard';
import { child } from '../../platform/access/tables';
import { localAuthorities } from '../../platform/agencies/reference-data';
import { agency } from '../../platform/agencies/tables';
import { recordAudit } from '../../platform/audit/audit';
import type { Context } from '../../platform/context';
import type { WithTransaction } from '../../platform/db/transaction';
import { NotFoundError } from '../../platform/http/errors';
import { londonDate } from '../../platform/http/london-time';
import { decodeCursor, PAGE_SIZE, pageOf } from '../../platform/http/pagination';
import * as repo from './homes.repository';
import { type ParsedRegister, parseRegister } from './register-import';
import { childrensHome } from './tables';

export type ImportResult =
  | { ok: true; committed: boolean; total: number; added: number; updated: number }
  | (Extract<ParsedRegister, { ok: false }> & { committed: false });

/**
 * Which homes an actor may see: a police force sees the homes in the authorities it covers (seed
 * 9.6–9.7), a local authority those in its area, a provider its own, a hub administrator all.
 */
function homesVisibleTo(ctx: Context): SQL {
  if (!ctx.actor || !hasPermission(ctx, 'childrens-home:view')) return sql`false`;
  if (hasPermission(ctx, 'agency:manage-all')) return sql`true`;
  const { policeForceCode, localAuthorityCode, agencyId, agencyType } = ctx.actor;
  if (agencyType === 'police_force' && policeForceCode) {
    const covered = localAuthorities.filter((a) => a.policeForceCode === policeForceCode).map((a) => a.code);
    return covered.length ? inArray(childrensHome.localAuthorityCode, covered) : sql`false`;
  }
  if (agencyType === 'local_authority' && localAuthorityCode)
    return eq(childrensHome.localAuthorityCode, localAuthorityCode);
  if (agencyType === 'childrens_home_provider') return eq(childrensHome.providerAgencyId, agencyId);
  return sql`false`;
}

const DAY_MS = 86_400_000;

export class HomesService {
  constructor(private readonly withTransaction: WithTransaction) {}

  /**
   * Imports the register. A dry run reports what would change; a commit writes every row or, when
   * any row is bad, none. Homes are matched on their URN; providers on their agency's exact name.
   */
  async importRegister(ctx: Context, csv: string, commit: boolean): Promise<ImportResult> {
    requirePermission(ctx, 'childrens-home:import');
    const parsed = parseRegister(csv);
    if (!parsed.ok) return { ...parsed, committed: false };
    const now = ctx.clock.now();
    const run = async () =>
      this.withTransaction(async (tx) => {
        const existing = await tx
          .select({ urn: childrensHome.urn })
          .from(childrensHome)
          .where(
            inArray(
              childrensHome.urn,
              parsed.rows.map((r) => r.urn),
            ),
          );
        const known = new Set(existing.map((e) => e.urn));
        const providers = await tx
          .select({ id: agency.id, name: agency.name })
          .from(agency)
          .where(eq(agency.type, 'childrens_home_provider'));
        const providerId = new Map(providers.map((p) => [p.name.toLowerCase(), p.id]));
        if (commit) {
          for (const r of parsed.rows) {
            const values = {
              urn: r.urn,
              name: r.name,
              providerName: r.provider,
              providerAgencyId: providerId.get(r.provider.toLowerCase()) ?? null,
              address: r.address,
              postcode: r.postcode,
              localAuthorityCode: r.local_authority,
              registeredPlaces: r.registered_places,
              status: r.status,
              importedAt: now,
            };
            await tx
              .insert(childrensHome)
              .values(values)
              .onConflictDoUpdate({ target: childrensHome.urn, set: values });
          }
          await recordAudit(tx, ctx, {
            action: 'childrens-home.import',
            subjectType: 'childrens_home_register',
          });
        }
        const added = parsed.rows.filter((r) => !known.has(r.urn)).length;
        return {
          ok: true as const,
          committed: commit,
          total: parsed.rows.length,
          added,
          updated: parsed.rows.length - added,
        };
      });
    return run();
  }

  /** The homes the actor may see, by authority and name, a page at a time. */
  async list(
    ctx: Context,
    filter: { localAuthorityCode?: string; policeForceCode?: string; after?: string } = {},
  ) {
    const cursor = decodeCursor(filter.after, 3);
    const covered = filter.policeForceCode
      ? localAuthorities.filter((a) => a.policeForceCode === filter.policeForceCode).map((a) => a.code)
      : null;
    requirePermission(ctx, 'childrens-home:view');
    const rows = await this.withTransaction((tx) =>
      tx
        .select()
        .from(childrensHome)
        .where(
          and(
            homesVisibleTo(ctx),
            cursor
              ? sql`(${childrensHome.localAuthorityCode}, ${childrensHome.name}, ${childrensHome.id}) > (${String(cursor[0])}, ${String(cursor[1])}, ${String(cursor[2])}::uuid)`
              : undefined,
            filter.localAuthorityCode
              ? eq(childrensHome.localAuthorityCode, filter.localAuthorityCode)
              : undefined,
            covered ? inArray(childrensHome.localAuthorityCode, covered.length ? covered : ['']) : undefined,
          ),
        )
        .orderBy(asc(childrensHome.localAuthorityCode), asc(childrensHome.name), asc(childrensHome.id))
        .limit(PAGE_SIZE + 1),
    );
    return pageOf(rows, PAGE_SIZE, (h) => [h.localAuthorityCode, h.name, h.id]);
  }

  /**
   * A home with the children placed there now and counts of the episodes that began while a child
   * lived there. Only children the actor may see are named; the counts take in every child, since
   * they name nobody and show the home's pattern to the police of the covering force.
   */
  async overview(ctx: Context, id: string, options: { after?: string } = {}) {
    requirePermission(ctx, 'childrens-home:view');
    const cursor = decodeCursor(options.after, 3);
    const now = ctx.clock.now();
    const months12 = new Date(now);
    months12.setUTCMonth(months12.getUTCMonth() - 12);
    const today = londonDate(now);
    return this.withTransaction(async (tx) => {
      const home = await repo.findHome(tx, id, homesVisibleTo(ctx));
      if (!home) throw new NotFoundError();
      const placed = pageOf(
        await repo.childrenPlacedIn(tx, id, today, childVisibleTo(ctx, child.id), cursor, PAGE_SIZE + 1),
        PAGE_SIZE,
        (c) => [c.familyName, c.givenName, c.childId],
      );
      const children = placed.rows;
      const episodeCounts = await repo.episodeCountsFor(tx, id, {
        days90: new Date(now.getTime() - 90 * DAY_MS),
        months12,
      });
      await recordAudit(tx, ctx, {
        action: 'childrens-home.view',
        subjectType: 'childrens_home',
        subjectId: id,
      });
      // Each child named on the page is a read of that child: one row each, as for their record.
      for (const c of children) {
        await recordAudit(tx, ctx, {
          action: 'childrens-home.child-listed',
          subjectType: 'childrens_home',
          subjectId: id,
          childId: c.childId,
        });
      }
      return { home, children, next: placed.next, episodeCounts, today };
    });
  }
}
