import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('agencies', () => {
  it('adds an agency only with the type’s area: a police force needs its force', async () => {
    const admin = new Browser(t.app);
    await admin.signIn('hub.admin@lantern.invalid');
    await admin.get('/admin/agencies/new');
    const bad = await admin.post('/admin/agencies/new', {
      name: 'Force without a force',
      type: 'police_force',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Select the police force');
    expect(bad.body).toContain('value="Force without a force"');
    const good = await admin.post('/admin/agencies/new', {
      name: 'Cleveland Police',
      type: 'police_force',
      policeForceCode: 'E23000013',
    });
    expect(good.statusCode).toBe(303);
    const page = await admin.get(good.headers.location as string);
    expect(page.body).toContain('Cleveland');
  });

  it('lets only a hub administrator add agencies', async () => {
    const agencyAdmin = new Browser(t.app);
    await agencyAdmin.signIn('agency.admin@lantern.invalid');
    expect((await agencyAdmin.get('/admin/agencies/new')).statusCode).toBe(404);
    const list = await agencyAdmin.get('/admin/agencies');
    expect(list.body).toContain('West Yorkshire Police');
    expect(list.body).not.toContain('Leeds City Council');
  });

  it('disables an agency that leaves: its users’ sessions end and they cannot sign in', async () => {
    const officer = new Browser(t.app);
    await officer.signIn('neighbour.police@lantern.invalid');
    expect((await officer.get('/')).statusCode).toBe(200);
    const hub = await contextFor(t, 'hub.admin@lantern.invalid');
    const neighbour = await contextFor(t, 'neighbour.police@lantern.invalid');
    await t.services.agencies.setDisabled(hub, neighbour.actor?.agencyId ?? '', true);
    expect((await officer.get('/')).headers.location).toBe('/sign-in');
    const again = new Browser(t.app);
    expect((await again.signIn('neighbour.police@lantern.invalid')).statusCode).toBe(401);
    await t.services.agencies.setDisabled(hub, neighbour.actor?.agencyId ?? '', false);
    expect((await again.signIn('neighbour.police@lantern.invalid')).statusCode).toBe(303);
  });
});
