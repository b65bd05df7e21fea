import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { seedDemoRecords } from '../../synth/demo-records';
import { justiceCase, justiceSupportReview } from './tables';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
  await seedDemoRecords(t.services.withTransaction, t.clock, { children: 40, episodes: 60, homes: 3 });
});
afterAll(async () => {
  await t.close();
});

describe('the demo’s justice cases', () => {
  it('give Leeds children cases at each stage, one flagged for no contact and a support review waiting', async () => {
    const cases = await t.services.withTransaction((tx) => tx.select().from(justiceCase));
    expect(cases.length).toBeGreaterThanOrEqual(3);
    const social = await contextFor(t, 'social.mash@lantern.invalid');
    const summaries = [];
    for (const id of new Set(cases.map((c) => c.childId)))
      summaries.push(...(await t.services.justice.forChild(social, id)));
    expect(summaries.some((s) => s.noContact.flagged)).toBe(true);
    const open = await t.services.withTransaction((tx) =>
      tx.select().from(justiceSupportReview).where(eq(justiceSupportReview.outcome, 'continue_support')),
    );
    expect(open.length).toBeGreaterThan(0);
    expect(summaries.some((s) => s.openReviews > 0)).toBe(true);
  });
});
