import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, DEMO_PASSWORD, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import type { Context } from '../../platform/context';
import { attendanceColumns, fileDate, parseAttendance } from './csv-import';
import { trainingRecord, trainingStaff } from './tables';
import { providerWithHome } from './training.fixtures';

let t: TestApp;
let admin: Context;
let agencyId: string;
beforeAll(async () => {
  t = await buildTestApp();
  const p = await providerWithHome(t.services.withTransaction, t.clock.now(), DEMO_PASSWORD);
  agencyId = p.agencyId;
  admin = await contextFor(t, p.adminEmail);
});
afterAll(async () => {
  await t.close();
});

const header = attendanceColumns.join(',');
const good = [
  header,
  'Ada,Example,ada.example@lantern.invalid,SC700001,home staff,Recognising grooming and exploitation,15/01/2026,01/09/2024',
  'Ada,Example,ada.example@lantern.invalid,SC700001,home staff,Children who go missing: what to do,2026-02-10,',
  'Ben,Sample,,SC700001,Home_staff,recognising grooming and exploitation,20/02/2025,',
  'Cal,Specimen,,,other,Recognising grooming and exploitation,01/03/2026,',
].join('\n');

async function counts() {
  return t.services.withTransaction(async (tx) => {
    const [s] = await tx
      .select({ n: count() })
      .from(trainingStaff)
      .where(eq(trainingStaff.agencyId, agencyId));
    const [r] = await tx
      .select({ n: count() })
      .from(trainingRecord)
      .innerJoin(trainingStaff, eq(trainingStaff.id, trainingRecord.staffId))
      .where(eq(trainingStaff.agencyId, agencyId));
    return { staff: Number(s?.n), records: Number(r?.n) };
  });
}

describe('importing attendance from a file', () => {
  it('reports every bad row with its line and reason, and commits nothing', async () => {
    const bad = [
      header,
      'Good,Row,,SC700001,home staff,Recognising grooming and exploitation,15/01/2026,',
      ',Nameless,not-an-email,SC700001,pilot,Recognising grooming and exploitation,31/02/2026,',
      'Elsewhere,Home,,SC999999,home staff,Basket weaving,15/01/2026,',
      'Future,Date,,,other,Recognising grooming and exploitation,01/01/2027,someday',
      'Good,Row,,SC700001,home staff,Recognising grooming and exploitation,2026-01-15,',
    ].join('\n');
    const result = await t.services.training.importAttendance(admin, bad, true);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.rowProblems.map((p) => p.line)).toEqual([3, 4, 5, 6]);
    expect(result.rowProblems[0]?.problems).toEqual([
      'Given name is missing',
      'Email is not a valid email address',
      'Sector must be one of: home staff, police, health, education, hotel or venue staff, social care, voluntary, other',
      'Completed on must be a real date, like 27/03/2026 or 2026-03-27',
    ]);
    expect(result.rowProblems[1]?.problems).toEqual([
      'Course “Basket weaving” is not one of the courses on offer',
      'Home URN SC999999 is not one of your organisation’s homes',
    ]);
    expect(result.rowProblems[2]?.problems).toEqual([
      'Completed on is in the future',
      'Started on must be a real date, like 01/09/2024 or 2024-09-01',
    ]);
    expect(result.rowProblems[3]?.problems).toEqual(['The same training is also on line 2']);
    expect(await counts()).toEqual({ staff: 0, records: 0 });
  });

  it('checks the header row exactly and refuses an empty file', () => {
    expect(parseAttendance('name,course\nA,B', '2026-03-02')).toMatchObject({
      ok: false,
      fileProblem: expect.stringContaining('first row must be exactly'),
    });
    expect(parseAttendance(header, '2026-03-02')).toMatchObject({
      ok: false,
      fileProblem: 'The file has no training in it',
    });
    expect(fileDate('29/02/2024')).toBe('2024-02-29');
    expect(fileDate('29/02/2025')).toBeUndefined();
  });

  it('checks without saving, commits a good file, and adds nothing when the same file comes again', async () => {
    expect(await t.services.training.importAttendance(admin, good, false)).toEqual({
      ok: true,
      committed: false,
      rows: 4,
      staffAdded: 3,
      recordsAdded: 4,
      alreadyRecorded: 0,
    });
    expect(await counts()).toEqual({ staff: 0, records: 0 });
    expect(await t.services.training.importAttendance(admin, good, true)).toMatchObject({
      ok: true,
      committed: true,
      staffAdded: 3,
      recordsAdded: 4,
    });
    expect(await counts()).toEqual({ staff: 3, records: 4 });
    expect(await t.services.training.importAttendance(admin, good, true)).toMatchObject({
      ok: true,
      staffAdded: 0,
      recordsAdded: 0,
      alreadyRecorded: 4,
    });
    expect(await counts()).toEqual({ staff: 3, records: 4 });
    const o = await t.services.training.organisation(admin);
    // Ada and Cal hold current training; Ben's course of February 2025 runs to February 2027.
    expect(o.share).toEqual({ staff: 3, trained: 3, percent: 100 });
    expect(o.homes).toEqual([
      expect.objectContaining({ urn: 'SC700001', staff: 2, trained: 2, percent: 100 }),
    ]);
    const ada = o.staff.find((s) => s.givenName === 'Ada');
    expect(ada).toMatchObject({ startedOn: '2024-09-01', homeName: 'Willow House' });
  });

  it('uploads through the page: problems listed, then checked and imported', async () => {
    const b = new Browser(t.app);
    await b.signIn('hotel.admin@lantern.invalid');
    const form = await b.get('/training/import');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain(header);
    const bad = await b.post('/training/import', {
      csv: `${header}\nDee,Example,,,hotel staff,No such course,01/02/2026,\n`,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('<title>Error: Import training attendance');
    expect(bad.body).toContain('1 row has problems; nothing was imported');
    expect(bad.body).toContain('Course “No such course” is not one of the courses on offer');
    const file = `${header}\nDee,Example,,,hotel staff,Hotel and venue staff: what to look for,01/02/2026,\n`;
    const checked = await b.post('/training/import', { csv: file });
    expect(checked.statusCode).toBe(200);
    expect(checked.body).toContain('Checked: nothing is saved yet');
    const done = await b.post('/training/import', { csv: file, commit: 'yes' });
    expect(done.body).toContain('Attendance imported');
    expect((await b.get('/training')).body).toContain('1 of 1 staff, 100%');
    const hotel = await contextFor(t, 'hotel.admin@lantern.invalid');
    expect((await t.services.training.organisation(hotel)).staff.map((s) => s.sector)).toEqual([
      'hotel_or_venue',
    ]);
  });
});
