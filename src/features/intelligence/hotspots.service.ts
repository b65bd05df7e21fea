import { and, desc, eq, gte, inArray, isNotNull, isNull, lt, type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { cellToChildren, cellToParent, getResolution, isValidCell } from 'h3-js';
import { z } from 'zod';
import { childVisibleTo } from '../../platform/access/child-access';
import { hasPermission, requirePermission } from '../../platform/access/guard';
import { child } from '../../platform/access/tables';
import { findLocalAuthority } from '../../platform/agencies/reference-data';
import { recordAudit } from '../../platform/audit/audit';
import type { Context } from '../../platform/context';
import type { Tx } from '../../platform/db/client';
import { planForTheseValues, type WithTransaction } from '../../platform/db/transaction';
import { NotFoundError } from '../../platform/http/errors';
import { fromLondon } from '../../platform/http/london-time';
import { episode } from '../episodes/tables';
import { H3_RESOLUTION, h3CellOf } from '../locations/locations.service';
import { location } from '../locations/tables';
import { sighting } from '../sightings/tables';

/** What a hotspot counts: where children went missing from, were found, and were seen. */
export const hotspotKinds = ['missing', 'found', 'seen'] as const;
export type HotspotKind = (typeof hotspotKinds)[number];
export const hotspotKindNames: Record<HotspotKind, string> = {
  missing: 'Went missing from',
  found: 'Found at',
  seen: 'Seen at',
};

/** Hexagon sizes offered: about 5 km², 0.7 km² and 0.1 km². Places are stored at 9. */
export const hotspotResolutions = [7, 8, 9] as const;
export type HotspotResolution = (typeof hotspotResolutions)[number];

/** Counts below this are shown as "fewer than 3" to anyone without `intelligence:view`. */
export const SUPPRESS_BELOW = 3;
/** The most cells one answer holds, busiest first: the map and its table show the same ones. */
export const MAX_CELLS = 400;

/** London hours (0–23) of the night, 22:00 to 06:00, and of the day, 06:00 to 22:00. */
export const NIGHT_HOURS = [22, 23, 0, 1, 2, 3, 4, 5];
export const DAY_HOURS = Array.from({ length: 16 }, (_, i) => i + 6);

/** The London hours from `from` up to (not including) `to`, wrapping past midnight; all 24 when equal. */
export function hoursBetween(from: number, to: number): number[] {
  const n = (to - from + 24) % 24 || 24;
  return Array.from({ length: n }, (_, i) => (from + i) % 24);
}

const isoDate = z.iso.date();
export const hotspotFilter = z.object({
  resolution: z.union([z.literal(7), z.literal(8), z.literal(9)]).default(8),
  kinds: z
    .array(z.enum(hotspotKinds))
    .min(1)
    .default([...hotspotKinds]),
  /** London calendar dates, both included. */
  from: isoDate.optional(),
  to: isoDate.optional(),
  /** London hours of the day to count (0–23); all when absent. */
  hours: z.array(z.number().int().min(0).max(23)).min(1).optional(),
  /** ISO days of the week to count (1 Monday … 7 Sunday), in London; all when absent. */
  weekdays: z.array(z.number().int().min(1).max(7)).min(1).optional(),
});
export type HotspotFilter = z.input<typeof hotspotFilter>;
type Filter = z.output<typeof hotspotFilter>;

/** A count as shown: exact, or "fewer than 3" (null) for someone without `intelligence:view`. */
export type ShownCount = number | null;

export interface Hexagon {
  cell: string;
  /** The local authority most of the cell's places are in, when the places say. */
  areaName: string | null;
  /** Exact counts by kind: only for users who see exact counts, otherwise null. */
  byKind: Record<HotspotKind, number> | null;
  /** The kinds asked for, together; null when suppressed. */
  total: ShownCount;
  /** For shading: the count, or 1 for a suppressed one. */
  weight: number;
}

export interface HotspotAnswer {
  resolution: HotspotResolution;
  kinds: HotspotKind[];
  /** True when the actor sees exact counts (`intelligence:view`). */
  exact: boolean;
  /** Busiest first, at most MAX_CELLS. */
  hexagons: Hexagon[];
  /** Cells with anything in them, before the MAX_CELLS cut. */
  cellCount: number;
}

/** One res-9 cell's count of one kind, in one local authority when the place says. */
export interface BinnedRow {
  cell: string;
  kind: HotspotKind;
  area: string | null;
  n: number;
}

interface Source {
  table: typeof episode | typeof sighting;
  at: AnyPgColumn;
  place: AnyPgColumn;
  childId: AnyPgColumn;
  live: SQL;
}

const sources: Record<HotspotKind, Source> = {
  missing: {
    table: episode,
    at: episode.startedAt,
    place: episode.lastSeenLocationId,
    childId: episode.childId,
    live: isNull(episode.enteredInErrorAt),
  },
  found: {
    table: episode,
    at: episode.endedAt,
    place: episode.foundLocationId,
    childId: episode.childId,
    live: and(isNull(episode.enteredInErrorAt), isNotNull(episode.endedAt)) as SQL,
  },
  // A sighting counts once the MASH has linked it to a child: then it is a child seen.
  seen: {
    table: sighting,
    at: sighting.seenAt,
    place: sighting.locationId,
    childId: sighting.childId,
    live: eq(sighting.status, 'linked'),
  },
};

const inList = (values: readonly number[]) =>
  sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  );

/** The filter's conditions on a timestamp: dates, hours and days of the week, all in London time. */
function whenConditions(at: AnyPgColumn, f: Filter): SQL[] {
  const conditions: SQL[] = [];
  // Midnight in London at the start of a calendar day; the day after `to` ends the range.
  const midnight = (iso: string, plusDays = 0) => {
    const [y, m, d] = iso.split('-').map(Number);
    const day = new Date(Date.UTC(y ?? 0, (m ?? 1) - 1, (d ?? 1) + plusDays));
    return fromLondon(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate());
  };
  const start = f.from ? midnight(f.from) : null;
  const end = f.to ? midnight(f.to, 1) : null;
  if (start) conditions.push(gte(at, start));
  if (end) conditions.push(lt(at, end));
  if (f.hours && f.hours.length < 24) {
    conditions.push(sql`extract(hour from ${at} at time zone 'Europe/London')::int in (${inList(f.hours)})`);
  }
  if (f.weekdays && f.weekdays.length < 7) {
    conditions.push(
      sql`extract(isodow from ${at} at time zone 'Europe/London')::int in (${inList(f.weekdays)})`,
    );
  }
  return conditions;
}

/**
 * Counts, for each stored (resolution 9) cell, the places of the kinds asked for, in SQL. `scope`
 * limits the children counted; null counts every child (the benchmark, and nothing a user sees).
 */
export async function binPlaces(
  tx: Tx,
  filter: HotspotFilter,
  scope: ((childId: AnyPgColumn) => SQL) | null,
): Promise<BinnedRow[]> {
  const f = hotspotFilter.parse(filter);
  const rows: BinnedRow[] = [];
  for (const kind of f.kinds) {
    const s = sources[kind];
    const found = await tx
      .select({ cell: location.h3Cell, area: location.localAuthorityCode, n: sql<number>`count(*)::int` })
      .from(s.table)
      .innerJoin(location, eq(location.id, s.place))
      .where(
        and(
          s.live,
          isNotNull(location.h3Cell),
          ...whenConditions(s.at, f),
          scope ? scope(s.childId) : undefined,
        ),
      )
      .groupBy(location.h3Cell, location.localAuthorityCode);
    for (const r of found) if (r.cell) rows.push({ cell: r.cell, kind, area: r.area, n: Number(r.n) });
  }
  return rows;
}

interface RolledUp {
  cell: string;
  byKind: Record<HotspotKind, number>;
  total: number;
  areas: Map<string, number>;
}

/** Adds stored cells up into their parents at `resolution` (h3-js `cellToParent`), busiest first. */
export function rollUp(rows: readonly BinnedRow[], resolution: HotspotResolution): RolledUp[] {
  const cells = new Map<string, RolledUp>();
  const parents = new Map<string, string>();
  for (const r of rows) {
    let parent = parents.get(r.cell);
    if (!parent) {
      parent = resolution === H3_RESOLUTION ? r.cell : cellToParent(r.cell, resolution);
      parents.set(r.cell, parent);
    }
    let c = cells.get(parent);
    if (!c) {
      c = { cell: parent, byKind: { missing: 0, found: 0, seen: 0 }, total: 0, areas: new Map() };
      cells.set(parent, c);
    }
    c.byKind[r.kind] += r.n;
    c.total += r.n;
    if (r.area) c.areas.set(r.area, (c.areas.get(r.area) ?? 0) + r.n);
  }
  return [...cells.values()].sort((a, b) => b.total - a.total || a.cell.localeCompare(b.cell));
}

/** A count as someone without `intelligence:view` may see it. */
export function suppressed(n: number): ShownCount {
  return n > 0 && n < SUPPRESS_BELOW ? null : n;
}

const areaNameOf = (areas: Map<string, number>) => {
  let best: string | null = null;
  let most = 0;
  for (const [code, n] of areas) {
    if (n > most) {
      best = code;
      most = n;
    }
  }
  return best ? (findLocalAuthority(best)?.name ?? null) : null;
};

/** A place in a cell, with its counts. */
export interface CellPlace {
  id: string;
  name: string;
  postcode: string | null;
  byKind: Record<HotspotKind, number>;
}

/** A record at a cell's places, of a child the user may open. */
export interface CellRecord {
  kind: HotspotKind;
  at: Date;
  place: string;
  childId: string;
  childName: string;
}

export interface CellAnswer {
  cell: string;
  resolution: HotspotResolution;
  areaName: string | null;
  places: CellPlace[];
  /** Newest first; only children the user may see. */
  records: CellRecord[];
}

/** Hotspots are for those who work with children (`child:view`) or analyse intelligence. */
export function requireHotspotAccess(ctx: Context): void {
  if (!hasPermission(ctx, 'intelligence:view')) requirePermission(ctx, 'child:view');
}

/**
 * Hotspots: H3 hexagons counting where children went missing from, were found and were seen.
 *
 * Counts include only children the actor's agency holds access to (`child_access`, the same rule
 * as every list), and no child's identity: the page needs `child:view` or `intelligence:view`,
 * and counts of 1 or 2 are shown as "fewer than 3" to anyone without `intelligence:view`.
 */
export class HotspotsService {
  constructor(private readonly withTransaction: WithTransaction) {}

  /** Counts per hexagon at the filter's resolution, for the actor's agency. */
  async hexagons(ctx: Context, filter: HotspotFilter): Promise<HotspotAnswer> {
    requireHotspotAccess(ctx);
    const f = hotspotFilter.parse(filter);
    const exact = hasPermission(ctx, 'intelligence:view');
    return this.withTransaction(async (tx) => {
      await planForTheseValues(tx);
      const rows = await binPlaces(tx, f, agencyCounts(ctx));
      const rolled = rollUp(rows, f.resolution);
      await recordAudit(tx, ctx, { action: 'hotspots.view', subjectType: 'hotspots' });
      const hexagons = rolled.slice(0, MAX_CELLS).map((c): Hexagon => {
        const total = exact ? c.total : suppressed(c.total);
        return {
          cell: c.cell,
          areaName: areaNameOf(c.areas),
          // The breakdown by kind only for exact counts: beside a shown total, it would give a
          // suppressed count away by subtraction.
          byKind: exact ? c.byKind : null,
          total,
          weight: total ?? 1,
        };
      });
      return { resolution: f.resolution, kinds: f.kinds, exact, hexagons, cellCount: rolled.length };
    });
  }

  /**
   * One hexagon's places with their counts, for `intelligence:view`; and, of those places' records,
   * the ones about children the user may open (their names only then).
   */
  async cell(ctx: Context, cell: string, filter: HotspotFilter): Promise<CellAnswer> {
    requirePermission(ctx, 'intelligence:view');
    if (!isValidCell(cell)) throw new NotFoundError();
    const resolution = getResolution(cell);
    if (!(hotspotResolutions as readonly number[]).includes(resolution)) throw new NotFoundError();
    const f = hotspotFilter.parse({ ...filter, resolution });
    const stored = resolution === H3_RESOLUTION ? [cell] : cellToChildren(cell, H3_RESOLUTION);
    return this.withTransaction(async (tx) => {
      const inCell = inArray(location.h3Cell, stored);
      const counted = agencyCounts(ctx);
      const places = new Map<string, CellPlace & { area: string | null }>();
      const records: CellRecord[] = [];
      for (const kind of f.kinds) {
        const s = sources[kind];
        const when = whenConditions(s.at, f);
        const byPlace = await tx
          .select({
            id: location.id,
            name: location.name,
            postcode: location.postcode,
            area: location.localAuthorityCode,
            n: sql<number>`count(*)::int`,
          })
          .from(s.table)
          .innerJoin(location, eq(location.id, s.place))
          .where(and(s.live, inCell, ...when, counted(s.childId)))
          .groupBy(location.id, location.name, location.postcode, location.localAuthorityCode);
        for (const p of byPlace) {
          const place = places.get(p.id) ?? {
            id: p.id,
            name: p.name,
            postcode: p.postcode,
            area: p.area,
            byKind: { missing: 0, found: 0, seen: 0 },
          };
          place.byKind[kind] += Number(p.n);
          places.set(p.id, place);
        }
        const visible = await tx
          .select({
            at: s.at,
            place: location.name,
            childId: child.id,
            givenName: child.givenName,
            familyName: child.familyName,
          })
          .from(s.table)
          .innerJoin(location, eq(location.id, s.place))
          .innerJoin(child, eq(child.id, s.childId))
          .where(and(s.live, inCell, ...when, childVisibleTo(ctx, child.id)))
          .orderBy(desc(s.at))
          .limit(50);
        for (const v of visible) {
          records.push({
            kind,
            at: v.at as Date,
            place: v.place,
            childId: v.childId,
            childName: `${v.givenName ?? ''} ${v.familyName ?? ''}`.trim(),
          });
        }
      }
      await recordAudit(tx, ctx, { action: 'hotspots.cell', subjectType: 'h3_cell', subjectId: cell });
      const total = (p: CellPlace) => p.byKind.missing + p.byKind.found + p.byKind.seen;
      const sorted = [...places.values()].sort((a, b) => total(b) - total(a) || a.name.localeCompare(b.name));
      const areas = new Map<string, number>();
      for (const p of sorted) if (p.area) areas.set(p.area, (areas.get(p.area) ?? 0) + total(p));
      return {
        cell,
        resolution: resolution as HotspotResolution,
        areaName: areaNameOf(areas),
        places: sorted.map(({ area: _area, ...p }) => p),
        records: records.sort((a, b) => b.at.getTime() - a.at.getTime()).slice(0, 50),
      };
    });
  }

  /** Gives every place with coordinates but no cell its cell; run at start-up. Returns how many. */
  async fillMissingCells(): Promise<number> {
    return this.withTransaction((tx) => fillMissingCells(tx));
  }
}

/**
 * Which children a count may include: those the actor's agency holds access to. This is the rule of
 * `childVisibleTo` applied to the agency's access rows; it does not need `child:view`, because a
 * count names nobody (an analyst counts children they may not open).
 */
export function agencyCounts(ctx: Context): (childId: AnyPgColumn) => SQL {
  const counting: Context = { ...ctx, permissions: new Set([...ctx.permissions, 'child:view']) };
  return (childId) => childVisibleTo(counting, childId);
}

/**
 * Fills `h3_cell` for places that have coordinates but no cell (recorded before cells were kept, or
 * loaded without them), a batch at a time. Returns how many were filled.
 */
export async function fillMissingCells(tx: Tx, batch = 5_000): Promise<number> {
  let filled = 0;
  for (;;) {
    const rows = await tx
      .select({ id: location.id, latitude: location.latitude, longitude: location.longitude })
      .from(location)
      .where(and(isNull(location.h3Cell), isNotNull(location.latitude), isNotNull(location.longitude)))
      .limit(batch);
    if (rows.length === 0) return filled;
    const values = sql.join(
      rows.map((r) => sql`(${r.id}::uuid, ${h3CellOf(r.latitude, r.longitude)})`),
      sql`, `,
    );
    await tx.execute(
      sql`update ${location} set h3_cell = v.cell from (values ${values}) as v(id, cell) where ${location.id} = v.id`,
    );
    filled += rows.length;
    if (rows.length < batch) return filled;
  }
}
