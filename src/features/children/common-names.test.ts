import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { child, childAccess } from '../../platform/access/tables';
import { phoneticCodes } from './names';
import { childSearchName } from './tables';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('a name search for a common name', () => {
  it('finds the child spelt exactly as searched among more sound-alike names than it reads', async () => {
    const social = await contextFor(t, 'social.mash@lantern.invalid');
    const agencyId = social.actor?.agencyId ?? '';
    // 700 children whose family names sound like Smith, then the one we look for.
    const names = [
      ...Array.from({ length: 700 }, (_, i) => ({
        given: `Given${String.fromCharCode(97 + (i % 26))}${i}`,
        family: ['Smyth', 'Smithe', 'Smythe', 'Schmidt'][i % 4] ?? 'Smyth',
      })),
      { given: 'Zebedee', family: 'Smith' },
    ];
    await t.services.withTransaction(async (tx) => {
      const rows = await tx
        .insert(child)
        .values(names.map((n) => ({ givenName: n.given, familyName: n.family, createdByAgencyId: agencyId })))
        .returning({ id: child.id, givenName: child.givenName, familyName: child.familyName });
      await tx.insert(childSearchName).values(
        rows.map((r) => ({
          childId: r.id,
          givenName: r.givenName,
          familyName: r.familyName,
          givenCodes: phoneticCodes(r.givenName),
          familyCodes: phoneticCodes(r.familyName),
          source: 'name' as const,
        })),
      );
      await tx
        .insert(childAccess)
        .values(
          rows.map((r) => ({ childId: r.id, agencyId, basis: 'creator' as const, validFrom: new Date(0) })),
        );
    });
    const hits = await t.services.children.search(social, { name: 'Smith' });
    expect(hits[0]?.child.givenName).toBe('Zebedee');
    const full = await t.services.children.search(social, { name: 'Zebedee Smith' });
    expect(full[0]?.child.familyName).toBe('Smith');
  });
});
