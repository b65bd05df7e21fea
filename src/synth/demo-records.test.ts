import { count, gt, isNull, lt, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/support/app';
import { contextFor } from '../../test/support/contexts';
import { episode, returnInterview } from '../features/episodes/tables';
import { placement } from '../features/placements/tables';
import { childProfileEntry } from '../features/profiles/tables';
import { child } from '../platform/access/tables';
import { seedDemoRecords } from './demo-records';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
  t.clock.set('2026-11-26T12:00:00Z');
  await seedDemoRecords(t.services.withTransaction, t.clock);
});
afterAll(async () => {
  await t.close();
});

const one = async <T>(q: Promise<T[]>) => (await q)[0];

describe('demo records', () => {
  it('makes the demo scale: 400 children and about 3,000 episodes, a few open', async () => {
    const children = await one(t.services.withTransaction((tx) => tx.select({ n: count() }).from(child)));
    expect(Number(children?.n)).toBe(400);
    const episodes = await one(t.services.withTransaction((tx) => tx.select({ n: count() }).from(episode)));
    expect(Number(episodes?.n)).toBeGreaterThan(2_500);
    expect(Number(episodes?.n)).toBeLessThanOrEqual(3_000);
    const open = await one(
      t.services.withTransaction((tx) =>
        tx.select({ n: count() }).from(episode).where(isNull(episode.endedAt)),
      ),
    );
    expect(Number(open?.n)).toBeGreaterThan(0);
  });

  it('has evening and night peaks, overdue return interviews and repeat-missing children', async () => {
    const evening = await one(
      t.services.withTransaction((tx) =>
        tx
          .select({
            share: sql<number>`avg(case when extract(hour from ${episode.startedAt}) >= 16 or extract(hour from ${episode.startedAt}) < 3 then 1.0 else 0.0 end)::float`,
          })
          .from(episode),
      ),
    );
    expect(Number(evening?.share)).toBeGreaterThan(0.6);
    const overdue = await one(
      t.services.withTransaction((tx) =>
        tx
          .select({ n: count() })
          .from(returnInterview)
          .where(sql`${returnInterview.status} = 'due' and ${lt(returnInterview.dueAt, t.clock.now())}`),
      ),
    );
    expect(Number(overdue?.n)).toBeGreaterThan(0);
    const coordinator = await contextFor(t, 'coordinator@lantern.invalid');
    expect((await t.services.flags.repeatMissing(coordinator)).rows.length).toBeGreaterThan(5);
  });

  it('places a realistic share of looked-after children far out of area, both ways, so the flag shows', async () => {
    const all = await t.services.withTransaction((tx) => tx.select().from(placement));
    const children = await t.services.withTransaction((tx) =>
      tx.select({ n: count() }).from(child).where(sql`${child.lookedAfter}`),
    );
    expect(all.length).toBe(Number(children[0]?.n));
    const far = all.filter(
      (p) => p.placingAuthorityCode !== p.hostAuthorityCode && (p.distanceFromHomeMiles ?? 0) > 20,
    );
    expect(far.length / all.length).toBeGreaterThanOrEqual(0.1);
    expect(far.length / all.length).toBeLessThanOrEqual(0.15);
    expect(
      far.some((p) => p.placingAuthorityCode === 'E08000035' && p.hostAuthorityCode === 'E06000065'),
    ).toBe(true);
    expect(
      far.some((p) => p.placingAuthorityCode === 'E06000065' && p.hostAuthorityCode === 'E08000035'),
    ).toBe(true);
    // The rest are near home, in the child's own authority: the flag means something.
    const near = all.filter((p) => !far.includes(p));
    expect(near.every((p) => p.placingAuthorityCode === p.hostAuthorityCode)).toBe(true);
    expect(near.every((p) => (p.distanceFromHomeMiles ?? 99) <= 20)).toBe(true);

    // The placing authority sees the flag on the child's record.
    const leedsFar = far.find((p) => p.placingAuthorityCode === 'E08000035');
    const leedsWorker = await contextFor(t, 'social.mash@lantern.invalid');
    const current = await t.services.placements.currentFor(leedsWorker, leedsFar?.childId ?? '');
    expect(current?.outOfArea).toBe(true);
    expect(current?.distanceFromHomeMiles).toBeGreaterThan(20);
    // And the host force, which the placement let in.
    const northYorkshirePolice = await contextFor(t, 'neighbour.police@lantern.invalid');
    expect((await t.services.placements.currentFor(northYorkshirePolice, leedsFar?.childId ?? ''))?.id).toBe(
      leedsFar?.id,
    );
  });

  it('gives the children who go missing most a Philomena profile, with drama-range phone numbers only', async () => {
    const rows = await t.services.withTransaction((tx) =>
      tx
        .select({
          childId: childProfileEntry.childId,
          kind: childProfileEntry.kind,
          value: childProfileEntry.value,
        })
        .from(childProfileEntry),
    );
    const profiled = new Set(rows.map((r) => r.childId));
    expect(profiled.size).toBe(40);
    const phones = rows.filter((r) => r.kind === 'phone').map((r) => r.value);
    expect(phones.length).toBe(40);
    expect(phones.every((p) => /^\+447700900\d{3}$/.test(p))).toBe(true);
    const practitioner = await contextFor(t, 'social.mash@lantern.invalid');
    const visible = [...profiled];
    let shown = 0;
    for (const id of visible.slice(0, 10)) {
      const p = await t.services.profiles.get(practitioner, id).catch(() => null);
      if (p) {
        shown++;
        expect(p.details?.height).toMatch(/^\d+ cm$/);
        expect(p.entries.place[0]?.latitude).not.toBeNull();
      }
    }
    expect(shown).toBeGreaterThan(0);
  });

  it('is the same every time: the seed is fixed', async () => {
    const again = await buildTestApp();
    try {
      again.clock.set('2026-11-26T12:00:00Z');
      await seedDemoRecords(again.services.withTransaction, again.clock);
      const names = (db: TestApp) =>
        db.services.withTransaction((tx) =>
          tx.select({ n: child.familyName }).from(child).orderBy(child.familyName).limit(20),
        );
      expect(await names(again)).toEqual(await names(t));
      const distances = (db: TestApp) =>
        db.services.withTransaction((tx) =>
          tx
            .select({ miles: placement.distanceFromHomeMiles, host: placement.hostAuthorityCode })
            .from(placement)
            .where(gt(placement.distanceFromHomeMiles, 20))
            .orderBy(placement.distanceFromHomeMiles),
        );
      expect(await distances(again)).toEqual(await distances(t));
    } finally {
      await again.close();
    }
  });
});

describe('demo work', () => {
  it('gives the coordinator, the return worker and the missing lead some allocated work, and the teams a queue', async () => {
    const coordinator = await contextFor(t, 'coordinator@lantern.invalid');
    const { rows: mine } = await t.services.allocation.myWork(coordinator);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((w) => w.subjectType === 'episode' && w.userName === 'Dan Whitlow')).toBe(true);
    const worker = await contextFor(t, 'return.worker@lantern.invalid');
    const { rows: interviews } = await t.services.allocation.myWork(worker);
    expect(interviews.length).toBeGreaterThan(0);
    expect(interviews.every((w) => w.subjectType === 'return_interview')).toBe(true);
    const lead = await contextFor(t, 'missing.lead@lantern.invalid');
    expect(
      (await t.services.allocation.myWork(lead)).rows.filter((w) => w.subjectType === 'child'),
    ).toHaveLength(8);
    const [unit] = (await t.services.allocation.myTeams(coordinator)).filter(
      (x) => x.name === 'Missing persons unit',
    );
    expect(unit?.waiting).toBeGreaterThan(0);
  });
});
