import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import type { Context } from '../../platform/context';
import { AnnualReportService } from '../reports/annual.service';
import { justiceSection } from './annual-figures';

let t: TestApp;
let police: Context;
let social: Context;
const period = { from: '2026-04-01', to: '2026-06-30' };
const leeds = { type: 'authority' as const, code: 'E08000035' };

beforeAll(async () => {
  t = await buildTestApp();
  police = await contextFor(t, 'police.mash@lantern.invalid');
  social = await contextFor(t, 'social.mash@lantern.invalid');
});
afterAll(async () => {
  await t.close();
});

async function leedsChild(familyName: string) {
  const id = await t.services.children.create(social, {
    givenName: 'Annual',
    familyName,
    lookedAfter: true,
    responsibleAuthorityCode: 'E08000035',
  });
  // The force sees the child too: an episode in West Yorkshire.
  await t.services.episodes.report(social, id, {
    kind: 'missing',
    startedAt: new Date(t.clock.now().getTime() - 3_600_000),
    policeForceCode: 'E23000010',
  });
  return id;
}

const at = (iso: string) => t.clock.set(iso);
const open = async (name: string, statusOn: string) =>
  t.services.justice.create(police, await leedsChild(name), {
    crimeReference: `13/${name}/26`,
    status: 'investigating',
    statusOn,
  });

describe('the annual report’s justice section', () => {
  it('counts cases opened, where they stood at the period’s end, and how many dropped cases had their support reviewed', async () => {
    // Before the period: opened, then charged within it.
    at('2026-03-10T10:00:00Z');
    const before = await open('Before', '2026-03-10');
    // In the period: one no further action and reviewed, one discontinued and not reviewed, one still investigating.
    at('2026-04-10T10:00:00Z');
    const reviewed = await open('Reviewed', '2026-04-10');
    const unreviewed = await open('Unreviewed', '2026-04-10');
    await open('Open', '2026-04-10');
    const wrong = await open('Wrong', '2026-04-10');
    await t.services.justice.markEnteredInError(police, wrong, 'Recorded against the wrong child');
    at('2026-05-01T10:00:00Z');
    await t.services.justice.changeStatus(police, before, { status: 'charged', statusOn: '2026-05-01' });
    const { supportReviewId } = await t.services.justice.changeStatus(police, reviewed, {
      status: 'no_further_action',
      statusOn: '2026-05-01',
    });
    await t.services.justice.changeStatus(police, unreviewed, {
      status: 'discontinued',
      statusOn: '2026-05-01',
    });
    at('2026-05-10T10:00:00Z');
    await t.services.justice.completeReview(social, supportReviewId ?? '', { outcome: 'continue_support' });
    // After the period: a trial, which must not change the status at the period's end.
    at('2026-07-05T10:00:00Z');
    await t.services.justice.changeStatus(police, before, { status: 'trial', statusOn: '2026-07-05' });

    const report = await new AnnualReportService(t.services.withTransaction).report(social, leeds, period);
    const section = report.sections.find((s) => s.id === 'justice');
    expect(report.exact).toBe(true);
    expect(section?.rows).toEqual([
      ['Opened in the period', 3, null],
      ['At the period’s end: Investigating', 1, null],
      ['At the period’s end: No further action', 1, null],
      ['At the period’s end: Charged', 1, null],
      ['At the period’s end: Discontinued by the prosecutor', 1, null],
      ['At the period’s end: Trial', 0, null],
      ['At the period’s end: Outcome', 0, null],
      ['Ended with no further action or discontinued in the period', 2, 50],
      ['Of those, support review completed', 1, null],
    ]);

    // Outside the owning agency counts under 3 are suppressed.
    const [suppressed] = await t.services.withTransaction((tx) => justiceSection(tx, leeds, period, false));
    expect(suppressed?.rows[0]).toEqual(['Opened in the period', 3, null]);
    expect(suppressed?.rows[1]).toEqual(['At the period’s end: Investigating', null, null]);
    expect(suppressed?.rows[7]).toEqual([
      'Ended with no further action or discontinued in the period',
      null,
      null,
    ]);

    // The force's report counts the cases the force recorded.
    const force = await new AnnualReportService(t.services.withTransaction).report(
      police,
      { type: 'force', code: 'E23000010' },
      period,
    );
    expect(force.sections.find((s) => s.id === 'justice')?.rows[0]).toEqual([
      'Opened in the period',
      3,
      null,
    ]);
  });
});
