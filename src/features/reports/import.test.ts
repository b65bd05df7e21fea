import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { childAccess } from '../../platform/access/tables';
import { auditEvent } from '../../platform/audit/tables';
import type { Context } from '../../platform/context';
import { alert } from '../alerts/tables';
import { episode, riskGrading } from '../episodes/tables';
import { checkMapping, parseInstant, suggestMapping } from './import';

let t: TestApp;
let coordinator: Context;
let known: string;

beforeAll(async () => {
  t = await buildTestApp();
  t.clock.set('2026-03-02T09:00:00Z');
  coordinator = await contextFor(t, 'coordinator@lantern.invalid');
  const police = await contextFor(t, 'police.mash@lantern.invalid');
  known = await t.services.children.create(police, {
    givenName: 'Example',
    familyName: 'Known',
    dateOfBirth: '2011-06-01',
    policePersonId: 'WY-P-1',
    lookedAfter: true,
    responsibleAuthorityCode: 'E08000035',
  });
  await t.services.children.create(police, {
    givenName: 'Example',
    familyName: 'Named',
    dateOfBirth: '2012-02-02',
  });
  await t.services.children.create(police, {
    givenName: 'Example',
    familyName: 'Twin',
    dateOfBirth: '2013-03-03',
  });
  await t.services.children.create(police, {
    givenName: 'Example',
    familyName: 'Twin',
    dateOfBirth: '2013-03-03',
  });
  // A child West Yorkshire Police may not see: to an import it is unknown.
  const social = await contextFor(t, 'social.mash@lantern.invalid');
  await t.services.children.create(social, {
    givenName: 'Example',
    familyName: 'Hidden',
    policePersonId: 'WY-P-HIDDEN',
  });
});
afterAll(async () => {
  await t.close();
});

const header =
  'Ref,Person ID,Forename,Surname,DOB,Type,Last seen,Reported,Found,Where last seen,Postcode,Risk';

describe('reading a file of reports', () => {
  it('guesses the mapping from common headers', () => {
    expect(suggestMapping(header.split(','))).toEqual({
      policeReference: 'Ref',
      policePersonId: 'Person ID',
      givenName: 'Forename',
      familyName: 'Surname',
      dateOfBirth: 'DOB',
      kind: 'Type',
      startedAt: 'Last seen',
      reportedAt: 'Reported',
      endedAt: 'Found',
      lastSeenLocation: 'Where last seen',
      lastSeenPostcode: 'Postcode',
      riskGrade: 'Risk',
    });
  });

  it('reads times as UK time, in summer and winter, unless they carry an offset', () => {
    expect(parseInstant('05/01/2026 14:30')?.toISOString()).toBe('2026-01-05T14:30:00.000Z');
    expect(parseInstant('2025-07-05 14:30')?.toISOString()).toBe('2025-07-05T13:30:00.000Z');
    expect(parseInstant('2025-07-05T14:30:00Z')?.toISOString()).toBe('2025-07-05T14:30:00.000Z');
    expect(parseInstant('31/02/2026 10:00')).toBeNull();
    expect(parseInstant('05/01/2026')).toBeNull();
  });

  it('needs the required columns and a way to find the child', () => {
    const problems = checkMapping({ policeReference: 'Ref', kind: 'Nope' }, ['Ref', 'Type']);
    expect(problems.map((p) => p.message)).toEqual([
      'The file has no column called “Nope”',
      'Select the column that holds the last seen (started at)',
      'Select a column that identifies the child: police person id, UPN or local authority child id, or both names and the date of birth',
    ]);
  });
});

describe('importing reports', () => {
  it('lists every bad row with its reason, duplicate references and ambiguous names included', async () => {
    const csv = [
      header,
      'R-1,WY-P-1,,,,Missing,01/02/2026 10:00,01/02/2026 11:00,,Example Street,LS1 4DY,High',
      'R-1,WY-P-1,,,,Missing,02/02/2026 10:00,02/02/2026 11:00,03/02/2026 10:00,,,',
      'R-2,,Example,Twin,03/03/2013,Absent,02/02/2026 10:00,02/02/2026 11:00,03/02/2026 10:00,,,',
      'R-3,WY-P-HIDDEN,,,,Missing,02/02/2026 10:00,02/02/2026 11:00,03/02/2026 10:00,,,',
      'R-4,,Example,Named,02/02/2012,Gone,02/02/2026 10:00,01/02/2026 11:00,03/02/2026 10:00,,NOT A POSTCODE,',
      'R-5,WY-P-1,,,,Absent,01/02/2026 12:00,01/02/2026 12:30,01/02/2026 13:00,,,',
    ].join('\n');
    const report = await t.services.imports.check(coordinator, { csv });
    expect(report.problems.map((p) => [p.row, p.reason])).toEqual([
      [3, 'The police reference R-1 is also on row 2'],
      [4, 'More than one child has these names and date of birth: give an identifier'],
      [5, 'No child you may see matches the identifiers given (unknown child)'],
      [
        6,
        '“Gone” is not missing or absent; The child was reported before they were last seen; “NOT A POSTCODE” is not a real postcode',
      ],
      [7, 'Overlaps the child’s episode on row 2'],
    ]);
    expect(report.created).toBe(1);
  });

  it('writes an open report with its grading, access for the force and the placing authority, alerts and audit', async () => {
    const csv = [
      header,
      'R-10,WY-P-1,,,,Missing,01/02/2026 10:00,01/02/2026 11:00,,Example Street,ls14dy,High',
      'R-11,,Example,Named,02/02/2012,Absent,02/01/2026 10:00,02/01/2026 11:00,03/01/2026 10:00,,,',
    ].join('\n');
    const report = await t.services.imports.import(coordinator, { csv, fileName: 'week.csv' });
    expect(report).toMatchObject({ committed: true, created: 2, unchanged: 0, problems: [] });
    const rows = await t.services.withTransaction(async (tx) => {
      const [open] = await tx.select().from(episode).where(eq(episode.policeReference, 'R-10'));
      const gradings = open
        ? await tx.select().from(riskGrading).where(eq(riskGrading.episodeId, open.id))
        : [];
      const access = open ? await tx.select().from(childAccess).where(eq(childAccess.sourceId, open.id)) : [];
      const alerts = open ? await tx.select().from(alert).where(eq(alert.subjectId, open.id)) : [];
      const [audited] = await tx
        .select({ n: count() })
        .from(auditEvent)
        .where(and(eq(auditEvent.action, 'episode.import'), eq(auditEvent.childId, known)));
      return { open, gradings, access, alerts, audited: Number(audited?.n) };
    });
    expect(rows.open).toMatchObject({
      childId: known,
      kind: 'missing',
      endedAt: null,
      policeForceCode: 'E23000010',
      lastSeenPostcode: 'LS1 4DY',
      startedAt: new Date('2026-02-01T10:00:00Z'),
    });
    expect(rows.gradings.map((g) => g.grade)).toEqual(['high']);
    expect(rows.access.map((a) => a.basis).sort()).toEqual(['episode_force', 'placing_authority']);
    expect(new Set(rows.alerts.map((a) => a.kind))).toEqual(
      new Set(['episode-reported', 'episode-graded-high']),
    );
    expect(rows.audited).toBe(1);
  });

  it('counts the same report again as unchanged, and refuses one whose details changed', async () => {
    const same = [
      header,
      'R-10,WY-P-1,,,,Missing,01/02/2026 10:00,01/02/2026 11:00,,Example Street,LS1 4DY,High',
    ];
    expect(await t.services.imports.import(coordinator, { csv: same.join('\n') })).toMatchObject({
      committed: true,
      created: 0,
      unchanged: 1,
    });
    const changed = [
      header,
      'R-10,WY-P-1,,,,Missing,01/02/2026 10:00,01/02/2026 11:00,01/02/2026 20:00,Example Street,LS1 4DY,Medium',
    ];
    const report = await t.services.imports.import(coordinator, { csv: changed.join('\n') });
    expect(report.committed).toBe(false);
    expect(report.problems[0]?.reason).toBe(
      'Already imported with different details (found or returned, risk grade): correct the episode in Lantern instead',
    );
    // A second open report for a child who is missing now.
    const second = [header, 'R-12,WY-P-1,,,,Absent,02/02/2026 10:00,02/02/2026 11:00,,,,'];
    const refused = await t.services.imports.check(coordinator, { csv: second.join('\n') });
    expect(refused.problems[0]?.reason).toBe(
      'The child already has an open episode in Lantern (police reference R-10): a second open episode',
    );
  });

  it('is for police users with the permission only', async () => {
    const csv = `${header}\nR-20,WY-P-1,,,,Missing,01/01/2026 10:00,,02/01/2026 10:00,,,`;
    for (const email of [
      'analyst@lantern.invalid',
      'health@lantern.invalid',
      'police.mash@lantern.invalid',
    ]) {
      const ctx = await contextFor(t, email);
      await expect(t.services.imports.check(ctx, { csv })).rejects.toThrow('Not found');
    }
  });
});

describe('the import pages', () => {
  it('uploads, maps, shows every bad row with an error summary, then imports after confirmation', async () => {
    const browser = new Browser(t.app);
    await browser.signIn('coordinator@lantern.invalid');
    expect((await browser.get('/reports/imports')).statusCode).toBe(200);
    const bad = [
      header,
      'P-1,WY-P-UNKNOWN,,,,Missing,01/01/2026 10:00,01/01/2026 10:30,02/01/2026 10:00,,,',
    ].join('\n');
    const mapped = await browser.upload('/reports/imports', {
      field: 'reports',
      filename: 'reports.csv',
      contentType: 'text/csv',
      bytes: Buffer.from(bad),
    });
    expect(mapped.statusCode).toBe(200);
    expect(mapped.body).toContain('Choose the columns');
    expect(mapped.body).toMatch(/<option value="Person ID" selected>Person ID<\/option>/);

    const form = (csv: string) => ({
      csv,
      fileName: 'reports.csv',
      'column-policeReference': 'Ref',
      'column-policePersonId': 'Person ID',
      'column-kind': 'Type',
      'column-startedAt': 'Last seen',
      'column-reportedAt': 'Reported',
      'column-endedAt': 'Found',
    });
    const checked = await browser.post('/reports/imports/check', form(bad));
    expect(checked.statusCode).toBe(400);
    expect(checked.body).toContain('<title>Error: Check the reports');
    expect(checked.body).toContain(
      '1 row has a problem: nothing can be imported until the file is corrected',
    );
    expect(checked.body).toContain('No child you may see matches the identifiers given (unknown child)');
    const confirmedBad = await browser.post('/reports/imports/confirm', form(bad));
    expect(confirmedBad.statusCode).toBe(400);

    const good = [header, 'P-2,WY-P-1,,,,Absent,01/01/2026 10:00,01/01/2026 10:30,02/01/2026 10:00,,,'].join(
      '\n',
    );
    const ok = await browser.post('/reports/imports/check', form(good));
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toMatch(/Import 1 new report\s*</);
    const done = await browser.post('/reports/imports/confirm', form(good));
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('Reports imported');
    const [row] = await t.services.withTransaction((tx) =>
      tx.select().from(episode).where(eq(episode.policeReference, 'P-2')),
    );
    expect(row?.childId).toBe(known);
  });

  it('checks a file larger than the 1 MB limit of other forms', async () => {
    const browser = new Browser(t.app);
    await browser.signIn('coordinator@lantern.invalid');
    await browser.get('/reports/imports');
    // One-hour episodes two hours apart, from 2022: none overlaps another.
    const at = (i: number, hours: number) =>
      new Date(Date.UTC(2022, 0, 1) + (i * 2 + hours) * 3_600_000).toISOString().replace('.000Z', 'Z');
    const lines = Array.from(
      { length: 15_000 },
      (_, i) => `BIG-${i},WY-P-1,,,,Absent,${at(i, 0)},${at(i, 0)},${at(i, 1)},Example Street ${i},,Low`,
    );
    const csv = [header, ...lines].join('\n');
    expect(csv.length).toBeGreaterThan(1024 * 1024);
    const checked = await browser.post('/reports/imports/check', {
      csv,
      'column-policeReference': 'Ref',
      'column-policePersonId': 'Person ID',
      'column-kind': 'Type',
      'column-startedAt': 'Last seen',
      'column-endedAt': 'Found',
      'column-lastSeenLocation': 'Where last seen',
      'column-riskGrade': 'Risk',
    });
    expect(checked.statusCode).toBe(200);
    expect(checked.body).toContain('Import 15000 new reports');
  });

  it('is not found without the permission', async () => {
    const browser = new Browser(t.app);
    await browser.signIn('analyst@lantern.invalid');
    expect((await browser.get('/reports/imports')).statusCode).toBe(404);
  });
});
