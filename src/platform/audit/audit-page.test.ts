import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';
import { londonDayStart } from './routes';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('the auditor’s page', () => {
  it('reads a day as London midnight, across the clock change', () => {
    expect(londonDayStart('1/3/2026')?.toISOString()).toBe('2026-03-01T00:00:00.000Z');
    expect(londonDayStart('1/4/2026')?.toISOString()).toBe('2026-03-31T23:00:00.000Z');
    expect(londonDayStart('31/2/2026')).toBeNull();
    expect(londonDayStart('tomorrow')).toBeNull();
  });

  it('lists events filtered by who did them', async () => {
    const admin = new Browser(t.app);
    await admin.signIn('hub.admin@lantern.invalid');
    await admin.get('/admin/users');
    const auditor = new Browser(t.app);
    await auditor.signIn('auditor@lantern.invalid');
    const all = await auditor.get('/audit');
    expect(all.statusCode).toBe(200);
    expect(all.body).toContain('auth.sign-in');
    const byAdmin = await auditor.get('/audit?actor=hub.admin%40lantern.invalid');
    expect(byAdmin.body).toContain('user.list');
    expect(byAdmin.body).toContain('Alex Penrose');
    expect(byAdmin.body).not.toContain('Celia Wren (');
  });

  it('filters by date, and shows an error summary for a date that is not real', async () => {
    const auditor = new Browser(t.app);
    await auditor.signIn('auditor@lantern.invalid');
    const future = await auditor.get('/audit?from=1/1/2030');
    expect(future.body).toContain('No events match');
    const bad = await auditor.get('/audit?from=32/1/2026');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('There is a problem');
    expect(bad.body).toContain('Date from must be a real date');
    const backwards = await auditor.get('/audit?from=2/3/2026&to=1/3/2026');
    expect(backwards.body).toContain('Date to must be the same as or after date from');
  });
});
