import { parse } from 'csv-parse/sync';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { child } from '../../platform/access/tables';
import { auditEvent } from '../../platform/audit/tables';
import type { Context } from '../../platform/context';
import { londonDate } from '../../platform/http/london-time';
import { seedDemoRecords } from '../../synth/demo-records';
import { episode, riskGrading } from '../episodes/tables';
import { childIdentifier, collectionYear, type Ssda903Table, ssda903Headers, ukDate } from './ssda903';
import { careEpisode } from './tables';

const LEEDS = 'E08000035';
const YEAR = 2026;
let t: TestApp;
let lead: Context;
const files = {} as Record<Ssda903Table, string[][]>;
const raw = {} as Record<Ssda903Table, string>;

beforeAll(async () => {
  t = await buildTestApp();
  t.clock.set('2026-03-02T09:00:00Z');
  await seedDemoRecords(t.services.withTransaction, t.clock);
  lead = await contextFor(t, 'missing.lead@lantern.invalid');
  for (const table of ['Header', 'Episodes', 'Missing'] as const) {
    raw[table] = await t.services.ssda903.csv(lead, LEEDS, YEAR, table);
    files[table] = parse(raw[table], { relax_column_count: false }) as string[][];
  }
}, 120_000);
afterAll(async () => {
  await t.close();
});

const ddmmyyyy = /^\d{2}\/\d{2}\/\d{4}$/;

describe('the SSDA903 files of the demo authority', () => {
  it('have the exact header rows, dd/mm/yyyy dates and codes', () => {
    for (const table of ['Header', 'Episodes', 'Missing'] as const) {
      expect(raw[table].split('\r\n')[0]).toBe(ssda903Headers[table].join(','));
      expect(files[table].length).toBeGreaterThan(10);
    }
    for (const [, sex, dob] of files.Header.slice(1)) {
      expect(['M', 'F', 'U']).toContain(sex);
      expect(dob).toMatch(ddmmyyyy);
    }
    for (const row of files.Episodes.slice(1)) {
      expect(row[1]).toMatch(ddmmyyyy);
      expect(row[7] === '' || ddmmyyyy.test(row[7] ?? '')).toBe(true);
      expect((row[7] === '') === (row[8] === '')).toBe(true);
    }
    const codes = new Set(files.Missing.slice(1).map((r) => r[2]));
    expect([...codes].sort()).toEqual(['A', 'M']);
    for (const row of files.Missing.slice(1)) {
      expect(row[3]).toMatch(ddmmyyyy);
      expect(row[4] === '' || ddmmyyyy.test(row[4] ?? '')).toBe(true);
    }
    // Episodes ending within the year are there: legal status changes (X1, then RNE L).
    expect(files.Episodes.some((r) => r[8] === 'X1')).toBe(true);
    expect(files.Episodes.some((r) => r[2] === 'L')).toBe(true);
  });

  it('read back, match the database: one Missing row per episode in care, blank ends for open ones', async () => {
    const { from, to } = collectionYear(YEAR);
    const cares = await t.services.withTransaction((tx) =>
      tx
        .select()
        .from(careEpisode)
        .where(and(eq(careEpisode.authorityCode, LEEDS), isNull(careEpisode.enteredInErrorAt))),
    );
    const inYear = cares.filter((c) => c.startedOn <= to && (c.endedOn === null || c.endedOn >= from));
    const ids = [...new Set(inYear.map((c) => c.childId))];
    const children = await t.services.withTransaction((tx) =>
      tx.select().from(child).where(inArray(child.id, ids)),
    );
    const episodes = await t.services.withTransaction((tx) =>
      tx
        .select()
        .from(episode)
        .where(and(inArray(episode.childId, ids), isNull(episode.enteredInErrorAt))),
    );
    const idOf = new Map(
      children.map((c) => [c.id, childIdentifier({ id: c.id, laChildId: c.localAuthorityChildId })]),
    );

    // Header: one row per child in care in the year, with the child's own facts.
    expect(files.Header.length - 1).toBe(children.length);
    for (const c of children) {
      expect(files.Header).toContainEqual([
        idOf.get(c.id),
        c.sex,
        ukDate(c.dateOfBirth),
        c.ethnicity,
        c.upn,
        '',
        '',
      ]);
    }

    // Episodes: every care episode in the year starts a row with its codes (one placement each).
    for (const c of inYear) {
      const row = files.Episodes.find((r) => r[0] === idOf.get(c.childId) && r[1] === ukDate(c.startedOn));
      expect(row?.slice(2, 5)).toEqual([c.reasonNewEpisode, c.legalStatus, c.categoryOfNeed]);
      expect(row?.[7]).toBe(c.endedOn && c.endedOn <= to ? ukDate(c.endedOn) : '');
      expect(row?.[8]).toBe(c.endedOn && c.endedOn <= to ? (c.reasonCeased ?? '') : '');
    }
    expect(files.Episodes.length - 1).toBe(inYear.length);

    // Missing: every episode that starts inside a care episode and falls in the year.
    const expected: string[][] = [];
    for (const e of episodes) {
      const start = londonDate(e.startedAt);
      const end = e.endedAt ? londonDate(e.endedAt) : null;
      const care = cares.find(
        (c) => c.childId === e.childId && c.startedOn <= start && (c.endedOn === null || start <= c.endedOn),
      );
      if (!care || start > to || (end !== null && end < from)) continue;
      const c = children.find((x) => x.id === e.childId);
      expected.push([
        idOf.get(e.childId) ?? '',
        ukDate(c?.dateOfBirth),
        e.kind === 'missing' ? 'M' : 'A',
        ukDate(start),
        end ? ukDate(end) : '',
      ]);
    }
    const sortRows = (rows: string[][]) => rows.map((r) => r.join(',')).sort();
    expect(sortRows(files.Missing.slice(1))).toEqual(sortRows(expected));
    expect(expected.some((r) => r[4] === '')).toBe(true);
    expect(expected.length).toBeGreaterThan(100);
  });

  it('audits every export', async () => {
    const rows = await t.services.withTransaction((tx) =>
      tx.select().from(auditEvent).where(eq(auditEvent.action, 'ssda903.export')),
    );
    expect(rows.map((r) => r.subjectId).sort()).toEqual([
      'E08000035/2026/Episodes',
      'E08000035/2026/Header',
      'E08000035/2026/Missing',
    ]);
  });
});

describe('the check', () => {
  it('finds planted problems, each with a link to fix it', async () => {
    const social = await contextFor(t, 'social.mash@lantern.invalid');
    const planted = await t.services.children.create(social, {
      givenName: 'Example',
      familyName: 'Planted',
      dateOfBirth: '2011-02-03',
      lookedAfter: true,
      responsibleAuthorityCode: LEEDS,
    });
    const care = await t.services.careEpisodes.record(lead, planted, {
      startedOn: '2025-06-01',
      reasonNewEpisode: 'S',
      legalStatus: 'C2',
      categoryOfNeed: 'N1',
    });
    await t.services.careEpisodes.end(lead, planted, care, { endedOn: '2025-08-01', reasonCeased: 'E13' });
    const [outside] = await t.services.withTransaction((tx) =>
      tx
        .insert(episode)
        .values({
          childId: planted,
          kind: 'missing',
          startedAt: new Date('2025-09-10T21:00:00Z'),
          reportedAt: new Date('2025-09-10T22:00:00Z'),
          reportedByAgencyId: lead.actor?.agencyId ?? '',
          endedAt: new Date('2025-09-11T08:00:00Z'),
          createdAt: new Date('2025-09-10T22:00:00Z'),
        })
        .returning(),
    );
    // And a demo child's away episode, now graded high: a search, so the whereabouts were probably not known.
    const [away] = await t.services.withTransaction((tx) =>
      tx
        .select({ id: episode.id, childId: episode.childId, startedAt: episode.startedAt })
        .from(episode)
        .innerJoin(careEpisode, eq(careEpisode.childId, episode.childId))
        .where(
          and(
            eq(episode.kind, 'absent'),
            eq(careEpisode.authorityCode, LEEDS),
            isNull(careEpisode.endedOn),
            sql`${episode.startedAt} > ${careEpisode.startedOn}::date + 1`,
          ),
        )
        .limit(1),
    );
    if (!away) throw new Error('the demo has away episodes in care');
    await t.services.withTransaction((tx) =>
      tx.insert(riskGrading).values({
        episodeId: away.id,
        grade: 'high',
        rationale: 'Whereabouts not known after all',
        gradedAt: new Date('2026-03-02T08:00:00Z'),
      }),
    );
    const built = await t.services.ssda903.build(lead, LEEDS, YEAR);
    const mine = built.problems.filter((p) => p.childId === planted);
    expect(mine).toContainEqual(
      expect.objectContaining({
        message: 'No placement is recorded for the care episode from 01/06/2025',
        href: `/children/${planted}/placements/new`,
      }),
    );
    expect(mine).toContainEqual(
      expect.objectContaining({
        message: 'The missing episode from 10/09/2025 is outside any care episode',
        href: `/episodes/${outside?.id}`,
      }),
    );
    expect(built.problems).toContainEqual(
      expect.objectContaining({
        childId: away.childId,
        message: `The away (absent) episode from ${ukDate(londonDate(away.startedAt))} was graded high risk, so the whereabouts were probably not known`,
        href: `/episodes/${away.id}`,
      }),
    );
    expect(built.rows.Missing.some((r) => r[0] === childIdentifier({ id: planted, laChildId: null }))).toBe(
      false,
    );
  });

  it('shows the check page with download links, and serves the CSV to the page and the API', async () => {
    const { Browser } = await import('../../../test/support/app');
    const browser = new Browser(t.app);
    await browser.signIn('missing.lead@lantern.invalid');
    const page = await browser.get(`/reports/ssda903?year=${YEAR}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Check before export');
    expect(page.body).toContain(`/reports/ssda903/Missing.csv?year=${YEAR}`);
    const csv = await browser.get(`/reports/ssda903/Header.csv?year=${YEAR}`);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.split('\r\n')[0]).toBe('CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB');
    const bad = await browser.get('/reports/ssda903?year=20x6');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('There is a problem');

    const token = (await t.services.apiTokens.create(lead, 'returns')).token;
    const api = await t.app.inject({
      method: 'GET',
      url: `/api/v1/reports/ssda903/Episodes?year=${YEAR}`,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(api.statusCode).toBe(200);
    expect(api.headers['content-type']).toContain('text/csv');
    expect(api.body.split('\r\n')[0]).toBe(ssda903Headers.Episodes.join(','));
    const spec = t.app.swagger() as { paths: Record<string, Record<string, { summary?: string }>> };
    expect(spec.paths['/api/v1/reports/ssda903/{table}']?.get?.summary).toContain('SSDA903');
    expect(spec.paths['/api/v1/reports/annex-a']?.get?.summary).toContain('Annex A');
    const health = await contextFor(t, 'health@lantern.invalid');
    await expect(t.services.ssda903.build(health, LEEDS, YEAR)).rejects.toThrow('Not found');
    await expect(t.services.ssda903.build(lead, 'E06000065', YEAR)).rejects.toThrow('Not found');
  });
});
