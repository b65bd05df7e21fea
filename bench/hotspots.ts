// Hotspot binning against a loaded dataset: every episode's places counted per H3 cell, for every
// child, and as one police user sees them. Reads only, in read-only transactions, apart from giving
// places that have coordinates but no cell theirs (the start-up backfill), which it reports.
import { eq, sql } from 'drizzle-orm';
import {
  agencyCounts,
  binPlaces,
  fillMissingCells,
  type HotspotFilter,
  rollUp,
} from '../src/features/intelligence/hotspots.service';
import { agency } from '../src/platform/agencies/tables';
import { contextForUser } from '../src/platform/auth/actor';
import { appUser } from '../src/platform/auth/tables';
import { systemClock } from '../src/platform/context';
import type { Tx } from '../src/platform/db/client';
import { openDatabase } from '../src/platform/db/client';
import { transactionRunner } from '../src/platform/db/transaction';

interface Figure {
  name: string;
  value: number;
  unit: string;
}

const RUNS = 3;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

export async function benchHotspots(databaseUrl: string): Promise<Figure[]> {
  const database = await openDatabase({ databaseUrl, poolSize: 2 });
  const withTransaction = transactionRunner(database);
  const readOnly = <T>(fn: (tx: Tx) => Promise<T>) =>
    withTransaction(async (tx) => {
      await tx.execute(sql`set transaction read only`);
      return fn(tx);
    });
  const timed = async (fn: () => Promise<unknown>) => {
    const times: number[] = [];
    for (let i = 0; i < RUNS; i += 1) {
      const started = performance.now();
      await fn();
      times.push(performance.now() - started);
    }
    return Math.round(median(times) * 10) / 10;
  };
  try {
    const filled = await withTransaction((tx) => fillMissingCells(tx));
    const [counts] = await readOnly(async (tx) => {
      const result = await tx.execute(sql`
        select (select count(*) from episode where entered_in_error_at is null)::int as episodes,
               (select count(*) from episode e join location l on l.id = e.last_seen_location_id
                 where e.entered_in_error_at is null and l.h3_cell is not null)::int as missing,
               (select count(*) from episode e join location l on l.id = e.found_location_id
                 where e.entered_in_error_at is null and l.h3_cell is not null)::int as found,
               (select count(*) from sighting s join location l on l.id = s.location_id
                 where s.status = 'linked' and l.h3_cell is not null)::int as seen`);
      return (result as unknown as { rows: Record<string, number>[] }).rows;
    });
    const all: HotspotFilter = { resolution: 8 };
    let cells = 0;
    const everyone = await timed(() =>
      readOnly(async (tx) => {
        cells = rollUp(await binPlaces(tx, all, null), 8).length;
      }),
    );
    const coarser = await timed(() => readOnly(async (tx) => rollUp(await binPlaces(tx, all, null), 7)));

    // As the demo's West Yorkshire police MASH officer: only children the force may see.
    const [police] = await readOnly((tx) =>
      tx
        .select({ u: appUser, a: agency })
        .from(appUser)
        .innerJoin(agency, eq(agency.id, appUser.agencyId))
        .where(eq(appUser.email, 'police.mash@lantern.invalid')),
    );
    const figures: Figure[] = [
      { name: 'episodes', value: Number(counts?.episodes ?? 0), unit: 'count' },
      { name: 'places binned: went missing from', value: Number(counts?.missing ?? 0), unit: 'count' },
      { name: 'places binned: found at', value: Number(counts?.found ?? 0), unit: 'count' },
      { name: 'places binned: seen at', value: Number(counts?.seen ?? 0), unit: 'count' },
      { name: 'cells given by the backfill', value: filled, unit: 'count' },
      { name: 'bin every episode, every child (res 8)', value: everyone, unit: 'ms' },
      { name: 'hexagons with anything in them (res 8)', value: cells, unit: 'count' },
      { name: 'bin every episode, every child (res 7)', value: coarser, unit: 'ms' },
    ];
    if (police) {
      const ctx = contextForUser(police.u, police.a, 'bench-hotspots', systemClock);
      const counted = agencyCounts(ctx);
      figures.push({
        name: 'bin as a police MASH officer, force access (res 8)',
        value: await timed(() => readOnly(async (tx) => rollUp(await binPlaces(tx, all, counted), 8))),
        unit: 'ms',
      });
      const night: HotspotFilter = { resolution: 8, hours: [22, 23, 0, 1, 2, 3, 4, 5], weekdays: [5, 6] };
      figures.push({
        name: 'the same, Friday and Saturday nights only',
        value: await timed(() => readOnly(async (tx) => rollUp(await binPlaces(tx, night, counted), 8))),
        unit: 'ms',
      });
    }
    return figures;
  } finally {
    await database.close();
  }
}

// Run on its own: `npx tsx bench/hotspots.ts postgres://…/lantern_bench_force`.
if (process.argv[1]?.endsWith('hotspots.ts') && process.argv[2]) {
  for (const f of await benchHotspots(process.argv[2]))
    console.log(`  ${f.name.padEnd(52)} ${f.value} ${f.unit}`);
}
