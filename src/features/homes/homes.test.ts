import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
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
    expect(await t.services.homes.list(hub)).toHaveLength(0);
    expect(await t.services.homes.importRegister(hub, good, true)).toMatchObject({
      ok: true,
      committed: true,
      added: 2,
    });
    expect(await t.services.homes.importRegister(hub, good, true)).toMatchObject({ added: 0, updated: 2 });

    const westYorkshire = await contextFor(t, 'police.mash@lantern.invalid');
    const northYorkshire = await contextFor(t, 'neighbour.police@lantern.invalid');
    expect((await t.services.homes.list(westYorkshire)).map((h) => h.urn)).toEqual(['SC100001']);
    expect((await t.services.homes.list(northYorkshire)).map((h) => h.urn)).toEqual(['SC100002']);
    const provider = await contextFor(t, 'home.staff@lantern.invalid');
    expect((await t.services.homes.list(provider)).map((h) => h.name)).toEqual(['Maple House']);
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
  });
});
