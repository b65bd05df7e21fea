import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { PAGE_SIZE } from '../../platform/http/pagination';
import { breakGlass } from './tables';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('the break-glass review list', () => {
  it('puts uses not yet reviewed first, newest first, one page at a time', async () => {
    const social = await contextFor(t, 'social.mash@lantern.invalid');
    const childId = await t.services.children.create(social, {
      givenName: 'Glass',
      familyName: 'Pages',
      dateOfBirth: '2012-03-04',
      lookedAfter: false,
    });
    const police = await contextFor(t, 'police.mash@lantern.invalid');
    const uses = Array.from({ length: 60 }, (_, i) => ({
      childId,
      userId: police.actor?.userId ?? '',
      agencyId: police.actor?.agencyId ?? '',
      reason: `Synthetic emergency ${i}`,
      createdAt: new Date(Date.UTC(2026, 1, 1, 10, i)),
      validTo: new Date(Date.UTC(2026, 1, 1, 14, i)),
      // Every third one has been reviewed already.
      reviewedAt: i % 3 === 0 ? new Date(Date.UTC(2026, 1, 2, 10, i)) : null,
      reviewOutcome: i % 3 === 0 ? 'Proportionate' : null,
    }));
    await t.services.withTransaction((tx) => tx.insert(breakGlass).values(uses));
    const admin = await contextFor(t, 'agency.admin@lantern.invalid');
    const first = await t.services.sharing.reviewList(admin);
    const second = await t.services.sharing.reviewList(admin, { after: first.next ?? '' });
    expect(first.rows).toHaveLength(PAGE_SIZE);
    expect(second.next).toBeNull();
    const order = [...first.rows, ...second.rows].map((r) => r.use.reason);
    const expected = [
      ...uses.filter((u) => !u.reviewedAt).reverse(),
      ...uses.filter((u) => u.reviewedAt).reverse(),
    ].map((u) => u.reason);
    expect(order).toEqual(expected);
  });
});
