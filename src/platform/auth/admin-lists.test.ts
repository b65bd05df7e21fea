import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { agency } from '../agencies/tables';
import { appUser } from './tables';

let t: TestApp;
let extraAgency: string;
beforeAll(async () => {
  t = await buildTestApp();
  const hub = await contextFor(t, 'hub.admin@lantern.invalid');
  // More agencies and users than a page holds: 60 voluntary agencies, 70 users in one of them.
  extraAgency = await t.services.withTransaction(async (tx) => {
    const made = await tx
      .insert(agency)
      .values(
        Array.from({ length: 60 }, (_, i) => ({
          name: `Test Advocacy Service ${String(i).padStart(2, '0')}`,
          type: 'voluntary' as const,
        })),
      )
      .returning({ id: agency.id });
    const first = made[0]?.id ?? '';
    await tx.insert(appUser).values(
      Array.from({ length: 70 }, (_, i) => ({
        agencyId: first,
        email: `advocate${i}@example.invalid`,
        name: `Advocate ${String(i).padStart(2, '0')}`,
      })),
    );
    return first;
  });
  expect(hub.actor).toBeTruthy();
}, 60_000);
afterAll(async () => {
  await t.close();
});

/** Follows "Next page" links from `start`, returning what `pick` finds on each page. */
async function walk(b: Browser, start: string, pick: (html: string) => string[]) {
  const seen: string[][] = [];
  let url: string | undefined = start;
  while (url) {
    const page = await b.get(url);
    expect(page.statusCode).toBe(200);
    seen.push(pick(page.body));
    url = /<a[^>]+href="([^"]+)"[^>]*rel="next"/.exec(page.body)?.[1]?.replaceAll('&amp;', '&');
  }
  return seen;
}

describe('the administrators’ lists', () => {
  it('page the users, each once, by agency then name; an agency’s page links to the rest of its users', async () => {
    const b = new Browser(t.app);
    await b.signIn('hub.admin@lantern.invalid');
    const pages = await walk(b, '/admin/users', (html) =>
      [...html.matchAll(/href="\/admin\/users\/([0-9a-f-]{36})"/g)].map((m) => m[1] ?? ''),
    );
    expect(pages.length).toBeGreaterThan(1);
    expect(pages.every((p) => p.length <= 50)).toBe(true);
    const all = pages.flat();
    expect(new Set(all).size).toBe(all.length);
    const total = await t.services.withTransaction(async (tx) => (await tx.select().from(appUser)).length);
    expect(all).toHaveLength(total);

    const agencyPage = await b.get(`/admin/agencies/${extraAgency}`);
    expect(agencyPage.body).toContain('The first 50 of 70');
    const more = /href="(\/admin\/users\?agency=[^"]+)"/.exec(agencyPage.body)?.[1]?.replaceAll('&amp;', '&');
    const rest = await b.get(more ?? '');
    expect([...rest.body.matchAll(/Advocate \d\d/g)]).toHaveLength(20);
  });

  it('page the agencies by name', async () => {
    const b = new Browser(t.app);
    await b.signIn('hub.admin@lantern.invalid');
    const pages = await walk(b, '/admin/agencies', (html) =>
      [...html.matchAll(/href="\/admin\/agencies\/([0-9a-f-]{36})">([^<]+)</g)].map((m) => m[2] ?? ''),
    );
    expect(pages.length).toBeGreaterThan(1);
    const names = pages.flat();
    expect(names.filter((n) => n.startsWith('Test Advocacy Service'))).toHaveLength(60);
    expect(new Set(names).size).toBe(names.length);
  });
});
