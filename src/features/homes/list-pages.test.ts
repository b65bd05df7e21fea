import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { PAGE_SIZE } from '../../platform/http/pagination';
import { childrensHome } from './tables';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('the list of homes', () => {
  it('is by authority and name, one page at a time, keeping the filter', async () => {
    const homes = Array.from({ length: 60 }, (_, i) => ({
      urn: `SC9${String(i).padStart(5, '0')}`,
      name: `Paging House ${String(i).padStart(2, '0')}`,
      providerName: 'Synthetic Care Ltd',
      address: `${i + 1} Synthetic Street`,
      postcode: 'LS1 4AP',
      localAuthorityCode: i % 2 ? 'E08000035' : 'E08000032',
      registeredPlaces: 4,
      status: 'active' as const,
      importedAt: new Date('2026-03-01T09:00:00Z'),
    }));
    await t.services.withTransaction((tx) => tx.insert(childrensHome).values(homes));
    const police = await contextFor(t, 'police.mash@lantern.invalid');
    const first = await t.services.homes.list(police);
    expect(first.rows).toHaveLength(PAGE_SIZE);
    const second = await t.services.homes.list(police, { after: first.next ?? '' });
    const seen = [...first.rows, ...second.rows].map((h) => `${h.localAuthorityCode} ${h.name}`);
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(60);

    const b = new Browser(t.app);
    await b.signIn('police.mash@lantern.invalid');
    const page = await b.get('/homes?authority=E08000035');
    expect(page.body.match(/Paging House/g)).toHaveLength(30);
    expect(page.body).not.toContain('Next page');
    const all = await b.get('/homes');
    expect(/href="\/homes\?after=[^"]+"/.test(all.body)).toBe(true);
  });
});
