import { parse } from 'csv-parse/sync';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { auditEvent } from '../../platform/audit/tables';
import type { Context } from '../../platform/context';
import { rowColumns } from './rows.service';

let t: TestApp;
let analyst: Context;
const childIds: string[] = [];

beforeAll(async () => {
  t = await buildTestApp();
  t.clock.set('2026-03-02T09:00:00Z');
  const police = await contextFor(t, 'police.mash@lantern.invalid');
  for (const [i, familyName] of ['Alpha', 'Bravo'].entries()) {
    childIds.push(
      await t.services.children.create(police, {
        givenName: 'Example',
        familyName,
        dateOfBirth: '2011-06-01',
        policePersonId: `WY-ROW-${i}`,
        lookedAfter: true,
        responsibleAuthorityCode: 'E08000035',
      }),
    );
  }
  // A child of another authority: not in Leeds's rows.
  await t.services.children.create(police, {
    givenName: 'Example',
    familyName: 'Elsewhere',
    policePersonId: 'WY-ROW-X',
    lookedAfter: true,
    responsibleAuthorityCode: 'E06000065',
  });
  const coordinator = await contextFor(t, 'coordinator@lantern.invalid');
  const csv = [
    'Ref,Person ID,Type,Last seen,Reported,Found,Postcode,Risk',
    'ROW-1,WY-ROW-0,Missing,05/01/2026 18:00,05/01/2026 18:30,06/01/2026 08:00,LS1 4DY,Medium',
    'ROW-2,WY-ROW-0,Absent,10/01/2026 18:00,10/01/2026 18:30,10/01/2026 22:00,,',
    'ROW-3,WY-ROW-1,Missing,12/01/2026 18:00,12/01/2026 18:30,13/01/2026 07:00,LS6 2AB,Low',
    'ROW-4,WY-ROW-X,Missing,12/01/2026 18:00,12/01/2026 18:30,13/01/2026 07:00,,',
    'ROW-5,WY-ROW-1,Missing,12/12/2025 18:00,12/12/2025 18:30,13/12/2025 07:00,,',
  ].join('\n');
  const imported = await t.services.imports.import(coordinator, { csv });
  if (!imported.committed) throw new Error(JSON.stringify(imported.problems));
  analyst = await contextFor(t, 'analyst@lantern.invalid');
});
afterAll(async () => {
  await t.close();
});

const january = { from: '2026-01-01', to: '2026-01-31' };
const read = (csv: string) => parse(csv, { columns: true }) as Record<string, string>[];

describe('row-level downloads', () => {
  it('gives each child one pseudonym throughout a file, and no names, ids, dates of birth or full postcodes', async () => {
    const file = await t.services.rows.download(analyst, january);
    const rows = read(file.csv);
    expect(Object.keys(rows[0] ?? {})).toEqual([...rowColumns]);
    // Leeds's two children in January: three episodes; the other authority's child and December are left out.
    expect(
      rows.map((r) => [r.kind, r.started_at, r.last_seen_district, r.risk_grade, r.age_band_at_start]),
    ).toEqual([
      ['missing', '2026-01-05 18:00', 'LS1', 'medium', '14 to 15'],
      ['absent', '2026-01-10 18:00', '', '', '14 to 15'],
      ['missing', '2026-01-12 18:00', 'LS6', 'low', '14 to 15'],
    ]);
    expect(rows[0]?.child).toBe(rows[1]?.child);
    expect(rows[2]?.child).not.toBe(rows[0]?.child);
    expect(rows[0]?.child).toMatch(/^[0-9a-f]{20}$/);
    for (const secret of [
      'Example',
      'Alpha',
      'Bravo',
      '2011',
      'WY-ROW',
      'ROW-1',
      'LS1 4DY',
      'LS6 2AB',
      ...childIds,
    ]) {
      expect(file.csv).not.toContain(secret);
    }
  });

  it('gives the same child a different pseudonym in the next file', async () => {
    const first = read((await t.services.rows.download(analyst, january)).csv);
    const second = read((await t.services.rows.download(analyst, january)).csv);
    expect(first.map((r) => r.started_at)).toEqual(second.map((r) => r.started_at));
    expect(first[0]?.child).not.toBe(second[0]?.child);
    expect(first[2]?.child).not.toBe(second[2]?.child);
  });

  it('audits every download with its own action', async () => {
    const audited = async () => {
      const [row] = await t.services.withTransaction((tx) =>
        tx.select({ n: count() }).from(auditEvent).where(eq(auditEvent.action, 'data.row-level-download')),
      );
      return Number(row?.n);
    };
    const before = await audited();
    await t.services.rows.download(analyst, january);
    const browser = new Browser(t.app);
    await browser.signIn('analyst@lantern.invalid');
    const page = await browser.get('/reports/rows');
    expect(page.statusCode).toBe(200);
    const download = await browser.get(
      '/reports/rows/download?from-day=1&from-month=1&from-year=2026&to-day=31&to-month=1&to-year=2026',
    );
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toContain('text/csv');
    expect(download.headers['content-disposition']).toContain('attachment');
    expect(read(download.body)).toHaveLength(3);
    expect(await audited()).toBe(before + 2);
  });

  it('shows the period form again with errors for dates that are not real', async () => {
    const browser = new Browser(t.app);
    await browser.signIn('analyst@lantern.invalid');
    const bad = await browser.get(
      '/reports/rows/download?from-day=31&from-month=2&from-year=2026&to-day=1&to-month=1&to-year=2026',
    );
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Enter the first date as a real date');
  });

  it('is not found without data:row-level', async () => {
    for (const email of [
      'coordinator@lantern.invalid',
      'missing.lead@lantern.invalid',
      'health@lantern.invalid',
    ]) {
      const ctx = await contextFor(t, email);
      await expect(t.services.rows.download(ctx, january)).rejects.toThrow('Not found');
      const browser = new Browser(t.app);
      await browser.signIn(email);
      expect((await browser.get('/reports/rows')).statusCode).toBe(404);
      expect(
        (
          await browser.get(
            '/reports/rows/download?from-day=1&from-month=1&from-year=2026&to-day=31&to-month=1&to-year=2026',
          )
        ).statusCode,
      ).toBe(404);
    }
  });
});
