import { and, eq, like } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { child } from '../../platform/access/tables';
import { auditEvent } from '../../platform/audit/tables';
import type { Context } from '../../platform/context';
import { episode, returnInterview } from '../episodes/tables';
import { childrensHome } from '../homes/tables';
import { notice, noticeDecision } from '../notices/tables';
import { placement } from '../placements/tables';
import { cseScreening } from '../screening/tables';
import { type AnnualReport, AnnualReportService, type ReportArea } from './annual.service';

/*
 * The fixture, 1 January to 31 March 2025, Leeds (E08000035), in the West Yorkshire force area.
 * Every episode starts at 10:00 UTC and ends two hours later, so each ends in the period too.
 *
 * Child A (Leeds): born 15 June 2010 (14 throughout), female, WBRI, looked after, placed by Leeds
 *   in Bradford at Example House. Missing 5 times in January, 3 in February, 2 in March; absent
 *   once in February; one more January episode entered in error (counts nowhere).
 * Child B (Leeds): born 10 February 2008 (16 in January, 17 in March), male, BAFR, looked after,
 *   placed by Leeds in Leeds at Example Lodge. Missing twice in January, absent once in March.
 * Child C (Leeds): born 1 May 2016 (8), male, no ethnicity, not looked after, no placement.
 *   Missing once in March; one more episode in December 2024 (outside the period).
 * Child D (Bradford): missing 4 times in February. Child E (Calderdale): missing once in March.
 *
 * Hand-computed answer for Leeds:
 *   Months: January missing 7 episodes of 2 children, absent 0; February missing 3 of 1, absent 1
 *     of 1; March missing 3 of 2 (A, C), absent 1 of 1 (B).
 *   Totals: missing 13 of 3 children; absent 2 of 2; all 15 of 3.
 *   Episodes per child: A 11, B 3, C 1, so 2+ = 2, 3+ = 2, 5+ = 1, 10+ = 1.
 *   Ages: under 11: 1 episode (1 child); 14 to 15: 11 (1); 16 to 17: 3 (1).
 *   Sex: female 11 (1); male 4 (2). Ethnicity: WBRI 11 (1); BAFR 3 (1); not recorded 1 (1).
 *   Looked after 14 (2); not 1 (1). Out of area 11 (1); in area 3 (1); no placement 1 (1).
 *   Homes: Example House 11 (1); Example Lodge 3 (1).
 *   Return interviews, of 15 episodes ended: A's first five January episodes were offered and held,
 *     the first two 24 hours after return and the next three 80 hours after; B's two January ones
 *     offered and declined; C's March one offered and accepted (not yet held); the rest due. The
 *     episode in error had one held too, which must not count. Offered 8 (53.3%), accepted 6
 *     (40%), held 5 (33.3%), held within 72 hours 2 (13.3%).
 *   Notices raised in Leeds: N1 missing + sexual exploitation, final "Strategy discussion";
 *     N2 missing, proposed only; N3 sexual exploitation, final "Strategy discussion"; N4 online
 *     harm, "Early help" superseded by a final "No further action". Categories: missing 2, sexual
 *     exploitation 2, online harm 1. Decisions: Strategy discussion 2, No final decision yet 1,
 *     No further action 1.
 *   Screenings: A mild in January and moderate in March, B moderate: mild 1 (1 child),
 *     moderate 2 (2 children).
 *   Comparison (West Yorkshire): Bradford 4 episodes of 1 child, Calderdale 1 of 1, Kirklees 0,
 *     Leeds 15 of 3, Wakefield 0. Other authorities' 1s are "fewer than 3"; 4 is shown.
 *   Suppressed, for a reader outside Leeds: every 1 and 2 becomes null, and so does the 72-hour
 *     rate (from 2); 3 and over stay.
 * For the West Yorkshire force: every episode above in the period: 15 + 4 + 1 = 20, of 5 children.
 */

let t: TestApp;
let lead: Context; // Leeds missing lead: report:view and report:download
let coordinator: Context; // West Yorkshire Police coordinator
let health: Context; // no report:view
let outsider: Context; // North Yorkshire social care, made able to report on any area
const leeds: ReportArea = { type: 'authority', code: 'E08000035' };
const period = { from: '2025-01-01', to: '2025-03-31' };
const query = 'area=E08000035&from-day=1&from-month=1&from-year=2025&to-day=31&to-month=3&to-year=2025';

const at = (iso: string) => new Date(iso);
const hours = (d: Date, h: number) => new Date(d.getTime() + h * 3_600_000);

beforeAll(async () => {
  t = await buildTestApp();
  t.clock.set('2025-04-10T12:00:00Z');
  lead = await contextFor(t, 'missing.lead@lantern.invalid');
  coordinator = await contextFor(t, 'coordinator@lantern.invalid');
  health = await contextFor(t, 'health@lantern.invalid');
  const neighbour = await contextFor(t, 'neighbour.social@lantern.invalid');
  outsider = { ...neighbour, permissions: new Set([...neighbour.permissions, 'agency:manage-all']) };
  const agencyId = lead.actor?.agencyId ?? '';
  const userId = lead.actor?.userId ?? '';

  await t.services.withTransaction(async (tx) => {
    const newChild = async (
      givenName: string,
      authority: string,
      extra: Partial<typeof child.$inferInsert> = {},
    ): Promise<string> => {
      const [row] = await tx
        .insert(child)
        .values({ givenName, familyName: 'Example', responsibleAuthorityCode: authority, ...extra })
        .returning({ id: child.id });
      return row?.id ?? '';
    };
    const a = await newChild('Annual', 'E08000035', {
      dateOfBirth: '2010-06-15',
      sex: 'F',
      ethnicity: 'WBRI',
      lookedAfter: true,
    });
    const b = await newChild('Bryony', 'E08000035', {
      dateOfBirth: '2008-02-10',
      sex: 'M',
      ethnicity: 'BAFR',
      lookedAfter: true,
    });
    const c = await newChild('Carys', 'E08000035', { dateOfBirth: '2016-05-01', sex: 'M' });
    const d = await newChild('Dara', 'E08000032');
    const e = await newChild('Eden', 'E08000033');

    const home = async (urn: string, name: string) => {
      const [row] = await tx
        .insert(childrensHome)
        .values({
          urn,
          name,
          providerName: 'Example Care Ltd',
          address: '1 Example Street',
          postcode: 'LS1 1AA',
          localAuthorityCode: 'E08000035',
          registeredPlaces: 4,
          status: 'active',
          importedAt: at('2024-01-01T00:00:00Z'),
        } as typeof childrensHome.$inferInsert)
        .returning({ id: childrensHome.id });
      return row?.id ?? '';
    };
    const house = await home('SC900001', 'Example House');
    const lodge = await home('SC900002', 'Example Lodge');
    await tx.insert(placement).values([
      {
        childId: a,
        homeId: house,
        postcode: 'BD1 1AA',
        placementType: 'K2',
        provider: 'PR4',
        placingAuthorityCode: 'E08000035',
        hostAuthorityCode: 'E08000032',
        startDate: '2024-01-01',
        createdAt: at('2024-01-01T00:00:00Z'),
      },
      {
        childId: b,
        homeId: lodge,
        postcode: 'LS1 1AA',
        placementType: 'K2',
        provider: 'PR4',
        placingAuthorityCode: 'E08000035',
        hostAuthorityCode: 'E08000035',
        startDate: '2024-06-01',
        createdAt: at('2024-06-01T00:00:00Z'),
      },
    ]);

    const ep = async (
      childId: string,
      day: string,
      kind: 'missing' | 'absent' = 'missing',
      inError = false,
    ) => {
      const startedAt = at(`${day}T10:00:00Z`);
      const [row] = await tx
        .insert(episode)
        .values({
          childId,
          kind,
          startedAt,
          reportedAt: startedAt,
          reportedByAgencyId: agencyId,
          endedAt: hours(startedAt, 2),
          createdAt: startedAt,
          ...(inError
            ? { enteredInErrorAt: hours(startedAt, 3), enteredInErrorReason: 'Recorded twice' }
            : {}),
        })
        .returning({ id: episode.id, endedAt: episode.endedAt });
      return { id: row?.id ?? '', childId, endedAt: row?.endedAt ?? startedAt };
    };
    const aJanuary = [];
    for (const day of ['2025-01-03', '2025-01-08', '2025-01-13', '2025-01-18', '2025-01-23']) {
      aJanuary.push(await ep(a, day));
    }
    const aLater = [];
    for (const day of ['2025-02-04', '2025-02-11', '2025-02-18', '2025-03-05', '2025-03-12']) {
      aLater.push(await ep(a, day));
    }
    aLater.push(await ep(a, '2025-02-20', 'absent'));
    const aError = await ep(a, '2025-01-28', 'missing', true);
    const bJanuary = [await ep(b, '2025-01-06'), await ep(b, '2025-01-20')];
    await ep(b, '2025-03-20', 'absent');
    const cMarch = await ep(c, '2025-03-25');
    await ep(c, '2024-12-10');
    for (const day of ['2025-02-01', '2025-02-08', '2025-02-15', '2025-02-22']) await ep(d, day);
    await ep(e, '2025-03-01');

    const interview = (
      x: { id: string; childId: string; endedAt: Date },
      status: 'due' | 'declined' | 'accepted' | 'held',
      heldAfterHours?: number,
    ) => ({
      episodeId: x.id,
      childId: x.childId,
      dueAt: hours(x.endedAt, 72),
      status,
      offeredAt: status === 'due' ? null : hours(x.endedAt, 1),
      heldAt: heldAfterHours === undefined ? null : hours(x.endedAt, heldAfterHours),
      createdAt: x.endedAt,
    });
    await tx
      .insert(returnInterview)
      .values([
        ...aJanuary.map((x, i) => interview(x, 'held', i < 2 ? 24 : 80)),
        ...aLater.map((x) => interview(x, 'due')),
        interview(aError, 'held', 10),
        ...bJanuary.map((x) => interview(x, 'declined')),
        interview(cMarch, 'accepted'),
      ] as (typeof returnInterview.$inferInsert)[]);

    const raise = async (categories: string[], day: string) => {
      const raisedAt = at(`${day}T09:00:00Z`);
      const [row] = await tx
        .insert(notice)
        .values({
          childId: a,
          categories,
          whatHappened: 'Seen with an older adult on Example Street',
          source: 'Example source',
          areaAuthorityCode: 'E08000035',
          raisedByAgencyId: agencyId,
          raisedAt,
          decisionDueAt: hours(raisedAt, 24),
        } as typeof notice.$inferInsert)
        .returning({ id: notice.id });
      return row?.id ?? '';
    };
    const decide = (noticeId: string, label: string, final: boolean, superseded = false) => ({
      noticeId,
      outcomeCode: label.toLowerCase().replace(/ /g, '_'),
      outcomeLabel: label,
      strategyDiscussion: label === 'Strategy discussion' ? ('yes' as const) : ('no' as const),
      rationale: 'Example rationale',
      proposedByUserId: userId,
      proposedAt: at('2025-02-01T09:00:00Z'),
      policeConfirmedByUserId: final ? userId : null,
      policeConfirmedAt: final ? at('2025-02-02T09:00:00Z') : null,
      socialCareConfirmedByUserId: final ? userId : null,
      socialCareConfirmedAt: final ? at('2025-02-02T09:00:00Z') : null,
      finalAt: final ? at('2025-02-02T09:00:00Z') : null,
      supersededAt: superseded ? at('2025-02-03T09:00:00Z') : null,
    });
    const n1 = await raise(['missing', 'sexual_exploitation'], '2025-01-10');
    const n2 = await raise(['missing'], '2025-02-10');
    const n3 = await raise(['sexual_exploitation'], '2025-03-10');
    const n4 = await raise(['online_harm'], '2025-03-15');
    await raise(['missing'], '2024-12-15');
    await tx
      .insert(noticeDecision)
      .values([
        decide(n1, 'Strategy discussion', true),
        decide(n2, 'Early help', false),
        decide(n3, 'Strategy discussion', true),
        decide(n4, 'Early help', true, true),
        decide(n4, 'No further action', true),
      ] as (typeof noticeDecision.$inferInsert)[]);

    const screen = (childId: string, level: 'mild' | 'moderate', day: string) => ({
      childId,
      toolVersion: '1',
      answers: {},
      items: [],
      score: level === 'mild' ? 3 : 6,
      level,
      reviewOn: '2025-06-01',
      screenedByAgencyId: agencyId,
      screenedAt: at(`${day}T09:00:00Z`),
    });
    await tx
      .insert(cseScreening)
      .values([
        screen(a, 'mild', '2025-01-15'),
        screen(a, 'moderate', '2025-03-15'),
        screen(b, 'moderate', '2025-02-15'),
      ] as (typeof cseScreening.$inferInsert)[]);
  });
});
afterAll(async () => {
  await t?.close();
});

const service = () => new AnnualReportService(t.services.withTransaction);
const section = (r: AnnualReport, id: string) => {
  const s = r.sections.find((x) => x.id === id);
  if (!s) throw new Error(`no section ${id}`);
  return s.rows;
};

describe('the annual missing report', () => {
  it('counts episodes and distinct children each month, missing and absent apart', async () => {
    const r = await service().report(lead, leeds, period);
    expect(r.exact).toBe(true);
    expect(section(r, 'monthly')).toEqual([
      ['January 2025', 7, 2, 0, 0],
      ['February 2025', 3, 1, 1, 1],
      ['March 2025', 3, 2, 1, 1],
    ]);
    expect(section(r, 'totals')).toEqual([
      ['Missing', 13, 3],
      ['Absent', 2, 2],
      ['All episodes', 15, 3],
    ]);
  });

  it('counts repeat missing, ages, sex, ethnicity, looked-after and placements', async () => {
    const r = await service().report(lead, leeds, period);
    expect(section(r, 'repeat')).toEqual([
      ['2 or more', 2],
      ['3 or more', 2],
      ['5 or more', 1],
      ['10 or more', 1],
    ]);
    expect(section(r, 'ages')).toEqual([
      ['Under 11', 1, 1],
      ['11 to 13', 0, 0],
      ['14 to 15', 11, 1],
      ['16 to 17', 3, 1],
      ['18 or over', 0, 0],
      ['Not known', 0, 0],
    ]);
    expect(section(r, 'sex')).toEqual([
      ['Female', 11, 1],
      ['Male', 4, 2],
    ]);
    expect(section(r, 'ethnicity')).toEqual([
      ['White British (WBRI)', 11, 1],
      ['African (BAFR)', 3, 1],
      ['Not recorded', 1, 1],
    ]);
    expect(section(r, 'looked-after')).toEqual([
      ['Looked after', 14, 2],
      ['Not looked after', 1, 1],
    ]);
    expect(section(r, 'placement').map((row) => row.slice(1))).toEqual([
      [11, 1],
      [3, 1],
      [1, 1],
    ]);
    expect(section(r, 'homes')).toEqual([
      ['Example House', 11, 1],
      ['Example Lodge', 3, 1],
    ]);
  });

  it('counts return interviews offered, accepted and held within 72 hours of episodes ended, with rates', async () => {
    const r = await service().report(lead, leeds, period);
    expect(section(r, 'return-interviews')).toEqual([
      ['Episodes ended', 15, 100],
      ['Offered', 8, 53.3],
      ['Accepted', 6, 40],
      ['Held', 5, 33.3],
      ['Held within 72 hours', 2, 13.3],
    ]);
  });

  it('counts notices by category and final decision, and screenings by level', async () => {
    const r = await service().report(lead, leeds, period);
    const categories = section(r, 'notice-categories').filter((row) => row[1] !== 0);
    expect(categories).toEqual([
      ['Missing', 2],
      ['Sexual exploitation', 2],
      ['Online harm', 1],
    ]);
    expect(section(r, 'notice-decisions')).toEqual([
      ['Strategy discussion', 2],
      ['No final decision yet', 1],
      ['No further action', 1],
    ]);
    expect(section(r, 'screenings')).toEqual([
      ['Not at risk', 0, 0],
      ['Mild', 1, 1],
      ['Moderate', 2, 2],
      ['Significant', 0, 0],
    ]);
  });

  it('compares the authorities of the force area, suppressing other authorities’ counts under 3', async () => {
    const r = await service().report(lead, leeds, period);
    expect(section(r, 'comparison')).toEqual([
      ['Bradford', 4, null],
      ['Calderdale', null, null],
      ['Kirklees', 0, 0],
      ['Leeds (this report)', 15, 3],
      ['Wakefield', 0, 0],
    ]);
  });

  it('suppresses counts under 3, and rates made from them, for a reader outside the owning agency', async () => {
    const r = await service().report(outsider, leeds, period);
    expect(r.exact).toBe(false);
    expect(section(r, 'monthly')).toEqual([
      ['January 2025', 7, null, 0, 0],
      ['February 2025', 3, null, null, null],
      ['March 2025', 3, null, null, null],
    ]);
    expect(section(r, 'repeat')).toEqual([
      ['2 or more', null],
      ['3 or more', null],
      ['5 or more', null],
      ['10 or more', null],
    ]);
    expect(section(r, 'return-interviews')).toEqual([
      ['Episodes ended', 15, 100],
      ['Offered', 8, 53.3],
      ['Accepted', 6, 40],
      ['Held', 5, 33.3],
      ['Held within 72 hours', null, null],
    ]);
    expect(section(r, 'comparison').find((row) => String(row[0]).startsWith('Leeds'))).toEqual([
      'Leeds (this report)',
      15,
      3,
    ]);
  });

  it('reports a police force on the episodes in its area', async () => {
    const r = await service().report(coordinator, { type: 'force', code: 'E23000010' }, period);
    expect(r.exact).toBe(true);
    expect(section(r, 'totals')[2]).toEqual(['All episodes', 20, 5]);
  });

  it('refuses an area that is not the reader’s own, and a reader without report:view', async () => {
    await expect(service().report(coordinator, leeds, period)).rejects.toMatchObject({ statusCode: 404 });
    await expect(service().report(health, leeds, period)).rejects.toMatchObject({ statusCode: 404 });
  });
});

describe('the annual report page and downloads', () => {
  it('shows each section as a chart with its table, and answers a user without report:view with 404', async () => {
    const browser = new Browser(t.app);
    await browser.signIn('missing.lead@lantern.invalid');
    const page = await browser.get(`/reports/annual?${query}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('role="img"');
    expect(page.body.match(/<svg[^>]*class="lantern-chart"/g)?.length).toBeGreaterThanOrEqual(12);
    expect(page.body).toContain('id="chart-monthly-title"');
    const other = new Browser(t.app);
    await other.signIn('health@lantern.invalid');
    expect((await other.get(`/reports/annual?${query}`)).statusCode).toBe(404);
    expect((await other.get(`/reports/annual/download.xlsx?area=E08000035`)).statusCode).toBe(404);
  });

  it('shows an error summary for a date that is not real and a period that ends before it starts', async () => {
    const browser = new Browser(t.app);
    await browser.signIn('missing.lead@lantern.invalid');
    const bad = await browser.get('/reports/annual?area=E08000035&from-day=31&from-month=2&from-year=2025');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('govuk-error-summary');
    expect(bad.body).toContain('Enter the first date as a real date');
    const backwards = await browser.get(
      '/reports/annual?area=E08000035&from-day=1&from-month=3&from-year=2025&to-day=1&to-month=2&to-year=2025',
    );
    expect(backwards.statusCode).toBe(400);
    expect(backwards.body).toContain('The last date must be the same as or after the first date');
  });

  it('downloads an XLSX that opens with exceljs and holds the page’s numbers, and audits it', async () => {
    const browser = new Browser(t.app);
    await browser.signIn('missing.lead@lantern.invalid');
    const page = await browser.get(`/reports/annual?${query}`);
    const pageValues = [...page.body.matchAll(/data-value="([^"]*)"/g)].map((m) => m[1]);
    const download = await browser.request({
      method: 'GET',
      url: '/reports/annual/download.xlsx?area=E08000035&from=2025-01-01&to=2025-03-31',
    });
    expect(download.statusCode).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(download.rawPayload as unknown as ArrayBuffer);
    const sheets = workbook.worksheets.filter((s) => s.name !== 'About');
    // One sheet for each section of the page, however many sections the report has.
    expect(sheets.length).toBe([...page.body.matchAll(/data-section="/g)].length);
    expect(sheets.length).toBeGreaterThanOrEqual(14);
    expect(sheets[0]?.getRow(2).values).toEqual([undefined, 'January 2025', 7, 2, 0, 0]);
    const sheetValues: string[] = [];
    for (const sheet of sheets) {
      sheet.eachRow((row, n) => {
        if (n === 1) return;
        const cells = (row.values as unknown[]).slice(2);
        for (const v of cells) sheetValues.push(typeof v === 'number' ? String(v) : '');
      });
    }
    expect(pageValues.length).toBeGreaterThan(50);
    expect(sheetValues).toEqual(pageValues);
    const csv = await browser.get(
      '/reports/annual/download.csv?area=E08000035&from=2025-01-01&to=2025-03-31',
    );
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toContain('Held within 72 hours,2,13.3');
    expect(csv.body).toContain('Calderdale,fewer than 3,fewer than 3');
    const audited = await t.services.withTransaction((tx) =>
      tx
        .select({ action: auditEvent.action })
        .from(auditEvent)
        .where(
          and(
            like(auditEvent.action, 'report.annual.download.%'),
            eq(auditEvent.subjectId, 'E08000035 2025-01-01 2025-03-31'),
          ),
        ),
    );
    expect(audited.map((a) => a.action).sort()).toEqual([
      'report.annual.download.csv',
      'report.annual.download.xlsx',
    ]);
  });

  it('gives every figure over the API as JSON', async () => {
    const { token } = await t.services.apiTokens.create(lead, 'Report system');
    const res = await t.app.inject({
      url: '/api/v1/reports/annual?area=E08000035&from=2025-01-01&to=2025-03-31',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json() as AnnualReport;
    expect(body.area).toEqual({ type: 'authority', code: 'E08000035', name: 'Leeds' });
    expect(section(body, 'totals')[2]).toEqual(['All episodes', 15, 3]);
    const wrong = await t.app.inject({
      url: '/api/v1/reports/annual?area=NOWHERE',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.headers['content-type']).toMatch(/problem\+json/);
  });
});
