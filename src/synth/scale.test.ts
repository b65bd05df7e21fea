import { readFileSync } from 'node:fs';
import { asc, count, desc, eq, isNull, ne, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/support/app';
import { episode, returnInterview } from '../features/episodes/tables';
import { notice } from '../features/notices/tables';
import { placement } from '../features/placements/tables';
import { child, childAccess } from '../platform/access/tables';
import { TestClock } from '../platform/context';
import { openDatabase } from '../platform/db/client';
import { transactionRunner } from '../platform/db/transaction';
import { type ScaleShape, seedScale } from './scale';

/** The force scale's shape, a fiftieth of the size, so the test loads in seconds on either database. */
const small: ScaleShape = {
  children: 300,
  episodes: 2_000,
  authorities: 'force',
  years: 5,
  homesPerAuthority: 3,
  noticeEvery: 20,
};

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
  t.clock.set('2026-11-26T12:00:00Z');
});
afterAll(async () => {
  await t.close();
});

describe('the scale datasets', () => {
  it('load in bulk with the shapes that matter: a heavy tail, placements out of area, open and overdue work', async () => {
    const summary = await seedScale(t.database, t.services.withTransaction, t.clock, small, {
      seed: 7,
      batch: 120,
    });
    const episodes = summary.counts.episode ?? 0;
    expect(summary.counts.child).toBe(300);
    expect(episodes).toBeGreaterThan(1_800);
    expect(episodes).toBeLessThanOrEqual(2_200);
    expect(summary.counts.notice).toBeGreaterThan(50);

    // One child in ten has most of the episodes.
    const perChild = await t.services.withTransaction((tx) =>
      tx.select({ n: count() }).from(episode).groupBy(episode.childId).orderBy(desc(count())),
    );
    const top = perChild.slice(0, 30).reduce((s, r) => s + Number(r.n), 0);
    expect(top / episodes).toBeGreaterThan(0.5);

    const away = await t.services.withTransaction((tx) =>
      tx
        .select({ n: count() })
        .from(placement)
        .where(ne(placement.placingAuthorityCode, placement.hostAuthorityCode)),
    );
    expect(Number(away[0]?.n)).toBeGreaterThan(0);
    expect(summary.counts.overdueInterviews).toBeGreaterThan(0);
    // Each child is visible to the authority that recorded it.
    const unseen = await t.services.withTransaction((tx) =>
      tx
        .select({ id: child.id })
        .from(child)
        .where(
          sql`not exists (select 1 from ${childAccess} a where a.child_id = ${child.id} and a.basis = 'creator')`,
        ),
    );
    expect(unseen).toEqual([]);
    // Every closed episode has its return interview; no child has two open episodes (the index holds).
    const closedWithout = await t.services.withTransaction((tx) =>
      tx
        .select({ id: episode.id })
        .from(episode)
        .leftJoin(returnInterview, eq(returnInterview.episodeId, episode.id))
        .where(sql`${episode.endedAt} is not null and ${returnInterview.id} is null`),
    );
    expect(closedWithout).toEqual([]);
    // Recent notices wait for the MASH; older ones are decided.
    const undecided = await t.services.withTransaction((tx) =>
      tx.select({ n: count() }).from(notice).where(isNull(notice.decidedAt)),
    );
    expect(Number(undecided[0]?.n)).toBeLessThan(summary.counts.notice ?? 0);
  });

  it('gives the same data for the same seed', async () => {
    // The rows are the generator's alone, whatever the database: each run loads an embedded one.
    const ids = async (seed: number) => {
      const database = await openDatabase({
        pgliteDataDir: 'memory://',
        loadDataDir: new Blob([readFileSync(inject('pgliteTemplate'))]),
      });
      try {
        const withTransaction = transactionRunner(database);
        const clock = new TestClock(new Date('2026-11-26T12:00:00Z'));
        await withTransaction((tx) =>
          tx.execute(
            sql`insert into agency (name, type, local_authority_code, created_at) values ('Leeds City Council Children’s Services', 'local_authority', 'E08000035', now())`,
          ),
        );
        await seedScale(
          database,
          withTransaction,
          clock,
          { ...small, children: 40, episodes: 200 },
          { seed },
        );
        return withTransaction((tx) =>
          tx.select({ id: child.id, name: child.familyName }).from(child).orderBy(asc(child.id)),
        );
      } finally {
        await database.close();
      }
    };
    const first = await ids(11);
    expect(first).toHaveLength(40);
    expect(await ids(11)).toEqual(first);
    expect(await ids(12)).not.toEqual(first);
  }, 120_000);
});
