import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { normalised } from '../../../test/support/html';
import { child, childAccess } from '../../platform/access/tables';
import { auditEvent } from '../../platform/audit/tables';
import { episode } from '../episodes/tables';
import { placement } from '../placements/tables';
import { parseRegister } from './register-import';
import { childrensHome } from './tables';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

const header = 'urn,name,provider,address,postcode,local_authority,registered_places,status';
const good = [
  header,
  'SC100001,Maple House,Brightwater Children’s Homes Ltd,1 Example Road,LS1 4DY,Leeds,4,active',
  'SC100002,Harbour View,Another Provider Ltd,2 Sample Street,YO1 7HH,E06000065,3,Active',
].join('\n');

describe('the homes register', () => {
  it('lists every bad row with its problems and imports nothing', async () => {
    const hub = await contextFor(t, 'hub.admin@lantern.invalid');
    const bad = [
      header,
      'SC100003,Good Home,Provider,3 Road,LS2 7EY,Leeds,2,active',
      'X1,Bad Urn,Provider,4 Road,NOT A POSTCODE,Atlantis,-1,open',
      'SC100003,Duplicate,Provider,5 Road,LS2 7EY,Leeds,2,active',
    ].join('\n');
    const result = await t.services.homes.importRegister(hub, bad, true);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.rowProblems.map((p) => p.line)).toEqual([3, 4]);
    expect(result.rowProblems[0]?.problems).toEqual(
      expect.arrayContaining([
        'URN must be the Ofsted number, like SC123456',
        'Postcode is not a valid UK postcode',
        'Local authority is not an English or Welsh upper-tier authority (name or ONS code)',
        'Registered places cannot be negative',
        'Status must be active, suspended or closed',
      ]),
    );
    expect(result.rowProblems[1]?.problems).toContain('URN SC100003 is also on line 2');
    const [rows] = await t.services.withTransaction((tx) => tx.select({ n: count() }).from(childrensHome));
    expect(Number(rows?.n)).toBe(0);
  });

  it('checks the header row exactly', () => {
    expect(parseRegister('urn,name\nSC1,x')).toMatchObject({
      ok: false,
      fileProblem: expect.stringContaining('first row must be exactly'),
    });
  });

  it('dry-runs, then commits all rows; the police see the homes their force covers', async () => {
    const hub = await contextFor(t, 'hub.admin@lantern.invalid');
    expect(await t.services.homes.importRegister(hub, good, false)).toEqual({
      ok: true,
      committed: false,
      total: 2,
      added: 2,
      updated: 0,
    });
    expect((await t.services.homes.list(hub)).rows).toHaveLength(0);
    expect(await t.services.homes.importRegister(hub, good, true)).toMatchObject({
      ok: true,
      committed: true,
      added: 2,
    });
    expect(await t.services.homes.importRegister(hub, good, true)).toMatchObject({ added: 0, updated: 2 });

    const westYorkshire = await contextFor(t, 'police.mash@lantern.invalid');
    const northYorkshire = await contextFor(t, 'neighbour.police@lantern.invalid');
    expect((await t.services.homes.list(westYorkshire)).rows.map((h) => h.urn)).toEqual(['SC100001']);
    expect((await t.services.homes.list(northYorkshire)).rows.map((h) => h.urn)).toEqual(['SC100002']);
    const provider = await contextFor(t, 'home.staff@lantern.invalid');
    expect((await t.services.homes.list(provider)).rows.map((h) => h.name)).toEqual(['Maple House']);
  });

  it('uploads the register through the page: check first, then import', async () => {
    const browser = new Browser(t.app);
    await browser.signIn('hub.admin@lantern.invalid');
    await browser.get('/homes/import');
    const none = await browser.post('/homes/import', {});
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('Select the register file (CSV)');
    const checked = await browser.post('/homes/import', { csv: good });
    expect(checked.body).toContain('Checked: nothing is saved yet');
    const done = await browser.post('/homes/import', { csv: good, commit: 'yes' });
    expect(done.body).toContain('Register imported');
    const list = await browser.get('/homes');
    expect(list.body).toContain('Maple House');

    // Listed by authority and by police force; a made-up code is refused with an error summary.
    const byForce = normalised((await browser.get('/homes?force=E23000009')).body);
    expect(byForce).toContain('Harbour View');
    expect(byForce).not.toContain('Maple House');
    const byAuthority = normalised((await browser.get('/homes?authority=E08000035')).body);
    expect(byAuthority).toContain('Maple House');
    expect(byAuthority).not.toContain('Harbour View');
    const bad = await browser.get('/homes?force=E23999999');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('govuk-error-summary');
    expect(bad.body).toContain('Select a police force from the list');
  });
});

describe('a home’s page', () => {
  /** An episode that has ended an hour after it began, unless it is open. */
  const episodeOf = (
    childId: string,
    agencyId: string,
    kind: 'missing' | 'absent',
    started: string,
    open = false,
  ) => {
    const startedAt = new Date(started);
    return {
      childId,
      kind,
      startedAt,
      reportedAt: startedAt,
      reportedByAgencyId: agencyId,
      endedAt: open ? null : new Date(startedAt.getTime() + 3_600_000),
      createdAt: startedAt,
    };
  };

  it('names the children placed there whom the user may see, and counts the episodes of every child placed there', async () => {
    t.clock.set('2026-06-15T12:00:00Z');
    const now = t.clock.now();
    const social = await contextFor(t, 'social.mash@lantern.invalid');
    const york = await contextFor(t, 'neighbour.social@lantern.invalid');
    const provider = await contextFor(t, 'home.staff@lantern.invalid');
    const [home] = await t.services.withTransaction((tx) =>
      tx
        .insert(childrensHome)
        .values({
          urn: 'SC300001',
          name: 'Rowan Lodge',
          providerName: 'Brightwater Children’s Homes Ltd',
          providerAgencyId: provider.actor?.agencyId,
          address: '3 Example Lane',
          postcode: 'LS6 1AA',
          localAuthorityCode: 'E08000035',
          registeredPlaces: 4,
          status: 'active',
          importedAt: now,
        })
        .returning(),
    );
    if (!home) throw new Error('home fixture');

    // Seen: Leeds's own child, placed through the service (which grants the home's agencies access).
    const seen = await t.services.children.create(social, {
      givenName: 'Seen',
      familyName: 'Resident',
      dateOfBirth: '2011-08-20',
      lookedAfter: true,
      responsibleAuthorityCode: 'E08000035',
    });
    await t.services.placements.place(social, seen, {
      homeId: home.id,
      placementType: 'K2',
      provider: 'PR4',
      placingAuthorityCode: 'E08000035',
      startDate: '2025-01-10',
    });
    // Unseen: placed here, but neither Leeds nor West Yorkshire Police holds access to the record.
    // Left: seen by Leeds, but left the home in February.
    const { unseen, left } = await t.services.withTransaction(async (tx) => {
      const [u, l] = await tx
        .insert(child)
        .values([
          { givenName: 'Hidden', familyName: 'Resident', createdAt: now },
          { givenName: 'Former', familyName: 'Resident', createdAt: now },
        ])
        .returning({ id: child.id });
      if (!u || !l) throw new Error('child fixtures');
      const validFrom = new Date('2024-01-01T00:00:00Z');
      await tx.insert(childAccess).values([
        { childId: u.id, agencyId: york.actor?.agencyId ?? '', basis: 'placing_authority', validFrom },
        { childId: l.id, agencyId: social.actor?.agencyId ?? '', basis: 'placing_authority', validFrom },
      ]);
      const placed = {
        homeId: home.id,
        postcode: 'LS6 1AA',
        placementType: 'K2',
        provider: 'PR4',
        createdAt: now,
      };
      await tx.insert(placement).values([
        {
          ...placed,
          childId: u.id,
          placingAuthorityCode: 'E06000065',
          hostAuthorityCode: 'E08000035',
          startDate: '2026-03-01',
        },
        {
          ...placed,
          childId: l.id,
          placingAuthorityCode: 'E08000035',
          hostAuthorityCode: 'E08000035',
          startDate: '2025-11-01',
          endDate: '2026-02-01',
        },
      ]);
      return { unseen: u.id, left: l.id };
    });
    const reporter = social.actor?.agencyId ?? '';
    await t.services.withTransaction((tx) =>
      tx.insert(episode).values([
        episodeOf(seen, reporter, 'missing', '2026-06-01T20:00:00Z'), // 90 days
        episodeOf(seen, reporter, 'absent', '2026-04-01T20:00:00Z'), // 90 days
        episodeOf(seen, reporter, 'missing', '2025-10-01T20:00:00Z'), // 12 months
        episodeOf(seen, reporter, 'missing', '2025-03-01T20:00:00Z'), // placed here, over 12 months ago
        episodeOf(seen, reporter, 'missing', '2024-12-01T20:00:00Z'), // before the placement
        episodeOf(unseen, reporter, 'absent', '2026-05-01T20:00:00Z'), // 90 days
        episodeOf(unseen, reporter, 'missing', '2026-06-15T08:00:00Z', true), // open
        episodeOf(left, reporter, 'missing', '2026-01-15T20:00:00Z'), // 12 months, while placed here
        episodeOf(left, reporter, 'missing', '2026-03-01T20:00:00Z'), // after leaving
      ]),
    );

    const overview = await t.services.homes.overview(social, home.id);
    expect(overview.children.map((c) => c.childId)).toEqual([seen]);
    expect(overview.episodeCounts).toEqual({
      missing: { last90Days: 2, last12Months: 4, open: 1 },
      absent: { last90Days: 2, last12Months: 2, open: 0 },
    });
    const audited = await t.services.withTransaction((tx) =>
      tx
        .select({ action: auditEvent.action, childId: auditEvent.childId })
        .from(auditEvent)
        .where(and(eq(auditEvent.subjectId, home.id), eq(auditEvent.requestId, social.requestId))),
    );
    expect(audited).toEqual(
      expect.arrayContaining([
        { action: 'childrens-home.view', childId: null },
        { action: 'childrens-home.child-listed', childId: seen },
      ]),
    );
    expect(audited.map((a) => a.childId)).not.toContain(unseen);

    // The police of the covering force see the same counts; the hidden child is no more theirs.
    const police = new Browser(t.app);
    await police.signIn('police.mash@lantern.invalid');
    const page = await police.get(`/homes/${home.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`<a class="govuk-link" href="/children/${seen}">Seen Resident</a>`);
    expect(page.body).toContain('20 August 2011 (age 14)');
    expect(page.body).toContain('10 January 2025');
    expect(page.body).not.toContain('Hidden Resident');
    expect(page.body).not.toContain(unseen);
    expect(page.body).not.toContain('Former Resident');
    expect(page.body).toContain('Missing and absent episodes');
    const cells = [...page.body.matchAll(/govuk-table__cell--numeric">(\d+)</g)].map((m) => Number(m[1]));
    expect(cells).toEqual([2, 2, 4, 2, 1, 0]);
    expect(/<title>([^<]*)<\/title>/.exec(page.body)?.[1]).not.toContain('Resident');

    // North Yorkshire cannot see a Leeds home at all: the same 404 as a missing one.
    const neighbour = new Browser(t.app);
    await neighbour.signIn('neighbour.social@lantern.invalid');
    expect((await neighbour.get(`/homes/${home.id}`)).statusCode).toBe(404);
  });
});

describe('a home with more children than a page', () => {
  it('lists them a page at a time in name order, each once', async () => {
    const social = await contextFor(t, 'social.mash@lantern.invalid');
    const now = t.clock.now();
    const home = await t.services.withTransaction(async (tx) => {
      const [h] = await tx
        .insert(childrensHome)
        .values({
          urn: 'SC300099',
          name: 'Large Test House',
          providerName: 'Example Care Ltd',
          address: '9 Example Lane',
          postcode: 'LS6 1AB',
          localAuthorityCode: 'E08000035',
          registeredPlaces: 80,
          status: 'active',
          importedAt: now,
        })
        .returning();
      if (!h) throw new Error('home fixture');
      const kids = await tx
        .insert(child)
        .values(
          Array.from({ length: 60 }, (_, i) => ({
            givenName: `Resident${String(i).padStart(2, '0')}`,
            familyName: i % 2 ? 'Ashdown' : 'Birch',
            createdAt: now,
          })),
        )
        .returning({ id: child.id });
      const validFrom = new Date('2024-01-01T00:00:00Z');
      await tx.insert(childAccess).values(
        kids.map((k) => ({
          childId: k.id,
          agencyId: social.actor?.agencyId ?? '',
          basis: 'placing_authority' as const,
          validFrom,
        })),
      );
      await tx.insert(placement).values(
        kids.map((k) => ({
          childId: k.id,
          homeId: h.id,
          postcode: 'LS6 1AB',
          placementType: 'K2',
          provider: 'PR4',
          placingAuthorityCode: 'E08000035',
          hostAuthorityCode: 'E08000035',
          startDate: '2024-02-01',
          createdAt: now,
        })),
      );
      return h;
    });
    const first = await t.services.homes.overview(social, home.id);
    expect(first.children).toHaveLength(50);
    expect(first.next).not.toBeNull();
    const second = await t.services.homes.overview(social, home.id, { after: first.next ?? '' });
    expect(second.children).toHaveLength(10);
    expect(second.next).toBeNull();
    const names = [...first.children, ...second.children].map((c) => `${c.familyName} ${c.givenName}`);
    expect(new Set(names).size).toBe(60);
    expect(names).toEqual([...names].sort());

    const b = new Browser(t.app);
    await b.signIn('social.mash@lantern.invalid');
    const page = await b.get(`/homes/${home.id}`);
    const next = /href="(\/homes\/[^"?]+\?after=[^"]+)"/.exec(page.body)?.[1]?.replaceAll('&amp;', '&');
    const following = await b.get(next ?? '');
    expect(following.statusCode).toBe(200);
    expect(following.body).toContain(second.children[0]?.givenName ?? 'none');
  });
});
