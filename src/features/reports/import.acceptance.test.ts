import { count, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { child, childAccess } from '../../platform/access/tables';
import { agency } from '../../platform/agencies/tables';
import type { Context } from '../../platform/context';
import { alert } from '../alerts/tables';
import { episode, riskGrading } from '../episodes/tables';
import { episodeImport } from './tables';

/**
 * The acceptance test of imports: a 10,000-row file with 5 bad rows, each bad in a different way.
 * Children are inserted directly, in bulk, with access for West Yorkshire Police.
 */

const CHILDREN = 10_000;
let t: TestApp;
let coordinator: Context;

const header = 'Reference,Person ID,Type,Last seen,Reported,Found,Location,Postcode,Risk';
const pad = (n: number) => String(n).padStart(5, '0');
const day = (i: number) => `${String(1 + (i % 28)).padStart(2, '0')}/0${1 + (i % 9)}/2025`;

/** Row i is child i's report; every 100th child is still missing. */
function goodRow(i: number): string[] {
  const open = i % 100 === 0;
  return [
    `WY-${pad(i)}`,
    `PID${pad(i)}`,
    i % 3 === 0 ? 'Absent' : 'Missing',
    `${day(i)} 18:30`,
    `${day(i)} 19:05`,
    open ? '' : `${day(i)} 23:45`,
    `${i} Example Street`,
    i % 2 ? 'LS1 4DY' : '',
    ['Low', 'Medium', 'No apparent risk', ''][i % 4] ?? '',
  ];
}

const csvOf = (rows: string[][]) => [header, ...rows.map((r) => r.join(','))].join('\n');

/** The 5 bad rows, by child number, and what is wrong with each. */
const bad: Record<number, (r: string[]) => string[]> = {
  17: (r) => [r[0] ?? '', 'PID-NOBODY', ...r.slice(2)],
  1234: (r) => [...r.slice(0, 3), '31/02/2025 18:30', ...r.slice(4)],
  4321: (r) => [...r.slice(0, 5), '01/01/2025 10:00', ...r.slice(6)],
  // Child 200's report is open; a second open report names the same child.
  7001: (r) => [r[0] ?? '', 'PID00200', r[2] ?? '', r[3] ?? '', r[4] ?? '', '', ...r.slice(6)],
  9999: (r) => [...r.slice(0, 8), 'Extreme'],
};

const rowsWithProblems = () =>
  Array.from({ length: CHILDREN }, (_, i) => {
    const fix = bad[i];
    return fix ? fix(goodRow(i)) : goodRow(i);
  });

async function snapshot() {
  return t.services.withTransaction(async (tx) => {
    const [episodes] = await tx
      .select({
        n: count(),
        digest: sql<string>`md5(string_agg(${episode.policeReference} || ${episode.childId} || ${episode.kind} || ${episode.startedAt} || coalesce(${episode.endedAt}::text, '') || coalesce(${episode.lastSeenPostcode}, ''), ',' order by ${episode.policeReference}))`,
      })
      .from(episode);
    const [gradings] = await tx.select({ n: count() }).from(riskGrading);
    const [access] = await tx.select({ n: count() }).from(childAccess);
    const [alerts] = await tx.select({ n: count() }).from(alert);
    return {
      episodes: Number(episodes?.n),
      digest: episodes?.digest ?? null,
      gradings: Number(gradings?.n),
      access: Number(access?.n),
      alerts: Number(alerts?.n),
    };
  });
}

beforeAll(async () => {
  t = await buildTestApp();
  t.clock.set('2026-03-02T09:00:00Z');
  coordinator = await contextFor(t, 'coordinator@lantern.invalid');
  const [police] = await t.services.withTransaction((tx) =>
    tx.select({ id: agency.id }).from(agency).where(eq(agency.name, 'West Yorkshire Police')),
  );
  if (!police) throw new Error('no West Yorkshire Police');
  const ids = Array.from(
    { length: CHILDREN },
    (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  );
  await t.services.withTransaction(async (tx) => {
    for (let from = 0; from < CHILDREN; from += 1_000) {
      const part = ids.slice(from, from + 1_000);
      await tx.insert(child).values(
        part.map((id, j) => ({
          id,
          givenName: 'Example',
          familyName: `Child${from + j}`,
          dateOfBirth: '2011-05-04',
          policePersonId: `PID${pad(from + j)}`,
          lookedAfter: (from + j) % 5 === 0,
          responsibleAuthorityCode: (from + j) % 5 === 0 ? 'E08000035' : null,
        })),
      );
      await tx.insert(childAccess).values(
        part.map((id) => ({
          childId: id,
          agencyId: police.id,
          basis: 'case_team' as const,
          validFrom: new Date('2020-01-01T00:00:00Z'),
        })),
      );
    }
  });
}, 120_000);

afterAll(async () => {
  await t.close();
});

describe('importing a 10,000-row file of police reports', () => {
  it('reports exactly the 5 bad rows in the dry run, and the real import commits nothing', async () => {
    const before = await snapshot();
    const file = csvOf(rowsWithProblems());
    const started = performance.now();
    const dry = await t.services.imports.check(coordinator, { csv: file, fileName: 'reports.csv' });
    const dryMs = performance.now() - started;
    expect(dry.mappingProblems).toEqual([]);
    expect(dry.rows).toBe(CHILDREN);
    expect(dry.problems.map((p) => [p.row, p.policeReference])).toEqual([
      [19, 'WY-00017'],
      [1_236, 'WY-01234'],
      [4_323, 'WY-04321'],
      [7_003, 'WY-07001'],
      [10_001, 'WY-09999'],
    ]);
    const reasons = dry.problems.map((p) => p.reason);
    expect(reasons[0]).toContain('unknown child');
    expect(reasons[1]).toContain('When the child was last seen is not a date and time');
    expect(reasons[2]).toContain('end before start');
    expect(reasons[3]).toContain('second open episode');
    expect(reasons[4]).toContain('“Extreme” is not a risk grade');
    expect(dry.committed).toBe(false);
    expect(await snapshot()).toEqual(before);

    const real = await t.services.imports.import(coordinator, { csv: file, fileName: 'reports.csv' });
    expect(real.committed).toBe(false);
    expect(real.problems).toEqual(dry.problems);
    expect(await snapshot()).toEqual(before);
    const [imports] = await t.services.withTransaction((tx) => tx.select({ n: count() }).from(episodeImport));
    expect(Number(imports?.n)).toBe(0);
    console.info(`dry run of ${CHILDREN} rows: ${dryMs.toFixed(0)} ms`);
  }, 60_000);

  it('imports the fixed file all at once, and importing it again changes nothing', async () => {
    const fixed = csvOf(Array.from({ length: CHILDREN }, (_, i) => goodRow(i)));
    const started = performance.now();
    const first = await t.services.imports.import(coordinator, { csv: fixed, fileName: 'reports.csv' });
    const firstMs = performance.now() - started;
    expect(first.problems).toEqual([]);
    expect(first).toMatchObject({ committed: true, rows: CHILDREN, created: CHILDREN, unchanged: 0 });
    const after = await snapshot();
    expect(after.episodes).toBe(CHILDREN);
    // Three in four rows carry a grade.
    expect(after.gradings).toBe(7_500);

    const second = await t.services.imports.import(coordinator, { csv: fixed, fileName: 'reports.csv' });
    expect(second).toMatchObject({ committed: true, created: 0, unchanged: CHILDREN, problems: [] });
    expect(await snapshot()).toEqual(after);
    const records = await t.services.withTransaction((tx) =>
      tx.select().from(episodeImport).orderBy(episodeImport.importedAt),
    );
    expect(records.map((r) => [r.rows, r.created, r.unchanged])).toEqual([
      [CHILDREN, CHILDREN, 0],
      [CHILDREN, 0, CHILDREN],
    ]);
    expect(records[0]?.fileDigest).toBe(records[1]?.fileDigest);
    console.info(`import of ${CHILDREN} rows: ${firstMs.toFixed(0)} ms`);
  }, 90_000);
});
