import { asc, desc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { episode } from '../../src/features/episodes/tables';
import { childVisibleTo } from '../../src/platform/access/child-access';
import { child } from '../../src/platform/access/tables';
import { PAGE_SIZE } from '../../src/platform/http/pagination';
import { seedScale } from '../../src/synth/scale';
import { Browser, buildTestApp, type TestApp } from '../support/app';
import { contextFor } from '../support/contexts';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
  t.clock.set('2026-11-26T12:00:00Z');
  // A force area's worth of undecided notices: every other episode of the last few days has one.
  await seedScale(t.database, t.services.withTransaction, t.clock, {
    children: 1_500,
    episodes: 3_000,
    authorities: 'force',
    years: 0.01,
    homesPerAuthority: 2,
    noticeEvery: 2,
  });
}, 120_000);
afterAll(async () => {
  await t.close();
});

const noticeLinks = (html: string) =>
  [...html.matchAll(/href="\/notices\/([0-9a-f-]{36})"/g)].map((m) => m[1]);

describe('the MASH queue at force scale', () => {
  it('loads one page at a time, soonest due first, and the next page follows on without overlap', async () => {
    const police = await contextFor(t, 'police.mash@lantern.invalid');
    const first = await t.services.notices.queue(police);
    expect(first.rows).toHaveLength(PAGE_SIZE);
    expect(first.next).not.toBeNull();
    const second = await t.services.notices.queue(police, { after: first.next ?? '' });
    expect(second.rows).toHaveLength(PAGE_SIZE);
    const due = [...first.rows, ...second.rows].map((r) => r.notice.decisionDueAt.getTime());
    expect(due).toEqual([...due].sort((a, b) => a - b));
    const ids = new Set([...first.rows, ...second.rows].map((r) => r.notice.id));
    expect(ids.size).toBe(2 * PAGE_SIZE);

    const b = new Browser(t.app);
    await b.signIn('police.mash@lantern.invalid');
    const page = await b.get('/mash');
    expect(noticeLinks(page.body)).toHaveLength(PAGE_SIZE);
    const next = /href="(\/mash\?after=[^"]+)"/.exec(page.body)?.[1]?.replaceAll('&amp;', '&');
    expect(next).toBeDefined();
    const following = await b.get(next ?? '');
    expect(noticeLinks(following.body)).toEqual(second.rows.map((r) => r.notice.id));
    expect(following.body).toContain('First page');

    expect((await b.get('/mash?after=not-ours')).statusCode).toBe(400);
  });

  it('pages the API the same way', async () => {
    const { token } = await t.services.apiTokens.create(
      await contextFor(t, 'police.mash@lantern.invalid'),
      'pages',
    );
    const auth = { authorization: `Bearer ${token}` };
    const one = (await t.app.inject({ url: '/api/v1/notices', headers: auth })).json();
    expect(one.notices).toHaveLength(PAGE_SIZE);
    const two = (
      await t.app.inject({ url: `/api/v1/notices?after=${encodeURIComponent(one.next)}`, headers: auth })
    ).json();
    expect(two.notices[0].id).not.toBe(one.notices[0].id);
    const bad = await t.app.inject({ url: '/api/v1/notices?after=nonsense', headers: auth });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
  });
});

describe('the return-interview queue at force scale', () => {
  it('loads one page at a time, with the count of overdue interviews over all pages', async () => {
    const lead = await contextFor(t, 'missing.lead@lantern.invalid');
    const first = await t.services.returnInterviews.queue(lead);
    expect(first.rows).toHaveLength(PAGE_SIZE);
    const second = await t.services.returnInterviews.queue(lead, { after: first.next ?? '' });
    expect(second.rows.length).toBeGreaterThan(0);
    expect(second.rows[0]?.interview.dueAt.getTime()).toBeGreaterThanOrEqual(
      first.rows.at(-1)?.interview.dueAt.getTime() ?? 0,
    );
    const overdueOnFirst = first.rows.filter((r) => r.interview.dueAt < t.clock.now()).length;
    expect(first.overdue).toBeGreaterThanOrEqual(overdueOnFirst);

    const b = new Browser(t.app);
    await b.signIn('missing.lead@lantern.invalid');
    const page = await b.get('/return-interviews');
    expect([...page.body.matchAll(/href="\/return-interviews\/[0-9a-f-]{36}"/g)]).toHaveLength(PAGE_SIZE);
    expect(page.body).toContain('Next page');
  });
});

describe('the list of children at force scale', () => {
  it('is in name order, one page at a time', async () => {
    const social = await contextFor(t, 'social.mash@lantern.invalid');
    const first = await t.services.children.list(social);
    expect(first.rows).toHaveLength(PAGE_SIZE);
    const second = await t.services.children.list(social, { after: first.next ?? '' });
    // The two pages are the first hundred in the database's own name order.
    const expected = await t.services.withTransaction((tx) =>
      tx
        .select({ id: child.id })
        .from(child)
        .where(childVisibleTo(social, child.id))
        .orderBy(asc(child.familyName), asc(child.givenName), asc(child.id))
        .limit(2 * PAGE_SIZE),
    );
    expect([...first.rows, ...second.rows].map((c) => c.id)).toEqual(expected.map((c) => c.id));
  });
});

describe('the overdue risk reviews at force scale', () => {
  it('are listed most overdue first, one page at a time', async () => {
    const police = await contextFor(t, 'police.mash@lantern.invalid');
    const first = await t.services.episodes.overdueReviews(police);
    expect(first.rows).toHaveLength(PAGE_SIZE);
    const second = await t.services.episodes.overdueReviews(police, { after: first.next ?? '' });
    const due = [...first.rows, ...second.rows].map((r) => r.nextReviewAt?.getTime() ?? 0);
    expect(due).toEqual([...due].sort((a, b) => a - b));
    expect(new Set([...first.rows, ...second.rows].map((r) => r.episodeId)).size).toBe(due.length);
  });
});

describe('the child’s page at force scale', () => {
  it('shows the latest events and leaves the rest to the full chronology', async () => {
    const social = await contextFor(t, 'social.mash@lantern.invalid');
    const [busiest] = await t.services.withTransaction((tx) =>
      tx
        .select({ id: episode.childId, n: sql<number>`count(*)::int` })
        .from(episode)
        .innerJoin(child, eq(child.id, episode.childId))
        .where(childVisibleTo(social, child.id))
        .groupBy(episode.childId)
        .orderBy(desc(sql`count(*)`))
        .limit(1),
    );
    // Each episode makes several events: missing, graded, found, the interview.
    expect(Number(busiest?.n)).toBeGreaterThan(8);
    const b = new Browser(t.app);
    await b.signIn('social.mash@lantern.invalid');
    const page = await b.get(`/children/${busiest?.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body.match(/class="moj-timeline__item"/g)).toHaveLength(15);
    expect(page.body).toContain('earlier events are in the full chronology');

    // The full chronology, a few rows a page: every event once, newest first, filters kept.
    const first = await t.services.chronology.page(social, busiest?.id ?? '', { size: 7 });
    const all = [...first.rows];
    let next = first.next;
    while (next) {
      const more = await t.services.chronology.page(social, busiest?.id ?? '', { size: 7, after: next });
      expect(more.rows.length).toBeLessThanOrEqual(7);
      all.push(...more.rows);
      next = more.next;
    }
    expect(all).toHaveLength(first.total);
    const times = all.map((e) => e.at.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(new Set(all.map((e) => `${e.at.toISOString()} ${e.title} ${e.href}`)).size).toBe(all.length);
    const episodesOnly = await b.get(`/children/${busiest?.id}/chronology?type=episode`);
    const titles = [...episodesOnly.body.matchAll(/<td class="govuk-table__cell">Episodes<\/td>/g)];
    expect(titles.length).toBe(Math.min(PAGE_SIZE, all.filter((e) => e.type === 'episode').length));
    expect(episodesOnly.body).not.toContain('Risk gradings</td>');
  });
});

describe('the repeat-missing list at force scale', () => {
  it('puts the children with most episodes first, one page at a time', async () => {
    const social = await contextFor(t, 'social.mash@lantern.invalid');
    const first = await t.services.flags.repeatMissing(social);
    expect(first.rows.length).toBeGreaterThan(0);
    const all = [...first.rows];
    let next = first.next;
    while (next) {
      const page = await t.services.flags.repeatMissing(social, { after: next });
      expect(page.rows.length).toBeLessThanOrEqual(PAGE_SIZE);
      all.push(...page.rows);
      next = page.next;
    }
    const counts = all.map((r) => Number(r.episodes));
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(new Set(all.map((r) => r.id)).size).toBe(all.length);
    expect(counts.every((n) => n >= 3)).toBe(true);
  });
});

describe('my work at force scale', () => {
  it('pages a worker’s work across every type, most urgent first, each item once', async () => {
    const coordinator = await contextFor(t, 'coordinator@lantern.invalid');
    const { userId, agencyId } = coordinator.actor ?? { userId: '', agencyId: '' };
    // Give the coordinator a caseload: open episodes of the force and undecided notices of its MASH area.
    const allocate = (type: string, from: string, limit: number) =>
      t.database.raw.query(
        `insert into allocation (subject_type, subject_id, child_id, agency_id, user_id, allocated_by_user_id, allocated_at)
         select $1, s.id, s.child_id, $2, $3, $3, now() from ${from} s where ${type === 'episode' ? 's.ended_at is null and s.entered_in_error_at is null and s.police_force_code = $4' : 's.decided_at is null and $4 = $4'}
           and not exists (select 1 from allocation a where a.subject_id = s.id and a.agency_id = $2 and a.ended_at is null)
         limit ${limit}`,
        [type, agencyId, userId, coordinator.actor?.policeForceCode ?? ''],
      );
    await allocate('episode', 'episode', 70);
    await allocate('notice', 'notice', 60);

    const first = await t.services.allocation.myWork(coordinator);
    expect(first.rows).toHaveLength(PAGE_SIZE);
    expect(first.total).toBeGreaterThan(2 * PAGE_SIZE);
    const all = [...first.rows];
    let next = first.next;
    while (next) {
      const page = await t.services.allocation.myWork(coordinator, next);
      expect(page.rows.length).toBeLessThanOrEqual(PAGE_SIZE);
      all.push(...page.rows);
      next = page.next;
    }
    expect(all).toHaveLength(first.total);
    expect(new Set(all.map((i) => i.subjectId)).size).toBe(all.length);
    expect(new Set(all.map((i) => i.subjectType))).toEqual(new Set(['episode', 'notice']));
    const due = all.map((i) => i.dueAt?.getTime() ?? Number.POSITIVE_INFINITY);
    expect(due).toEqual([...due].sort((a, b) => a - b));
    expect(first.overdue).toBe(all.filter((i) => i.dueAt && i.dueAt < t.clock.now()).length);

    const b = new Browser(t.app);
    await b.signIn('coordinator@lantern.invalid');
    const page = await b.get('/work');
    expect(page.body).toContain(`${first.total} items`);
    const next1 = /href="(\/work\?after=[^"]+)"/.exec(page.body)?.[1]?.replaceAll('&amp;', '&');
    const second = await b.get(next1 ?? '');
    expect(second.statusCode).toBe(200);
    expect(second.body).toContain(`href="${all[PAGE_SIZE]?.href}"`);
    expect(second.body).toContain('First page');
  });
});
