import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, DEMO_PASSWORD, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { loadConfig } from '../../config';
import { auditEvent } from '../../platform/audit/tables';
import type { Context } from '../../platform/context';
import { NotFoundError } from '../../platform/http/errors';
import { COURSE_GROOMING, COURSE_MISSING, providerWithHome } from './training.fixtures';
import { addMonths, TrainingService } from './training.service';

let t: TestApp;
let provider: { agencyId: string; homeId: string; adminEmail: string };
let admin: Context;
beforeAll(async () => {
  t = await buildTestApp();
  provider = await providerWithHome(t.services.withTransaction, t.clock.now(), DEMO_PASSWORD);
  admin = await contextFor(t, provider.adminEmail);
});
afterAll(async () => {
  await t.close();
});

/** Ten staff at the home: six trained (one of them until 10 March 2026), four not. */
async function tenStaffSixTrained(): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < 10; i += 1) {
    const id = await t.services.training.addStaff(admin, {
      givenName: `Carer${i}`,
      familyName: 'Example',
      sector: 'home_staff',
      homeId: provider.homeId,
      startedOn: '2023-01-09',
    });
    ids.push(id);
  }
  for (const [i, id] of ids.slice(0, 6).entries()) {
    await t.services.training.recordTraining(admin, id, {
      courseId: COURSE_GROOMING,
      completedOn: i === 0 ? '2024-03-10' : '2026-01-15',
    });
  }
  return ids;
}

describe('the share of current staff trained', () => {
  it('shows 6 of 10 staff as 60% for a home, and 50% once a record expires', async () => {
    t.clock.set('2026-03-02T09:00:00Z');
    await tenStaffSixTrained();
    expect(await t.services.training.homeShare(admin, provider.homeId)).toEqual({
      staff: 10,
      trained: 6,
      percent: 60,
    });
    const before = new Browser(t.app);
    await before.signIn(provider.adminEmail);
    const page = await before.get('/training');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('6 of 10 staff, 60%');

    // The first record is valid until 10 March 2026, and counts on that day.
    t.clock.set('2026-03-10T20:00:00Z');
    expect((await t.services.training.homeShare(admin, provider.homeId))?.percent).toBe(60);
    t.clock.set('2026-03-11T09:00:00Z');
    expect(await t.services.training.homeShare(admin, provider.homeId)).toEqual({
      staff: 10,
      trained: 5,
      percent: 50,
    });
    // Sessions do not outlive the days the clock moved: sign in again.
    const after = new Browser(t.app);
    await after.signIn(provider.adminEmail);
    expect((await after.get('/training')).body).toContain('5 of 10 staff, 50%');

    // Leeds sees the share on the home's page too.
    const leeds = new Browser(t.app);
    await leeds.signIn('social.mash@lantern.invalid');
    expect((await leeds.get(`/homes/${provider.homeId}`)).body).toContain('5 of 10 staff, 50%');
    t.clock.set('2026-03-02T09:00:00Z');
  });

  it('counts only current staff: a leaver and someone not yet started are left out', async () => {
    const { homeId } = await providerWithHome(t.services.withTransaction, t.clock.now(), DEMO_PASSWORD, {
      urn: 'SC700002',
      name: 'Hazel Court',
    });
    const stays = await t.services.training.addStaff(admin, {
      givenName: 'Stays',
      familyName: 'Example',
      sector: 'home_staff',
      homeId,
    });
    const leaves = await t.services.training.addStaff(admin, {
      givenName: 'Leaves',
      familyName: 'Example',
      sector: 'home_staff',
      homeId,
    });
    await t.services.training.recordTraining(admin, leaves, {
      courseId: COURSE_MISSING,
      completedOn: '2026-02-01',
    });
    expect(await t.services.training.homeShare(admin, homeId)).toEqual({ staff: 2, trained: 1, percent: 50 });
    await t.services.training.staffLeaves(admin, leaves, { leftOn: '2026-03-02' });
    expect(await t.services.training.homeShare(admin, homeId)).toEqual({ staff: 1, trained: 0, percent: 0 });
    await t.services.training.recordTraining(admin, stays, {
      courseId: COURSE_MISSING,
      completedOn: '2026-03-01',
    });
    expect(await t.services.training.homeShare(admin, homeId)).toEqual({
      staff: 1,
      trained: 1,
      percent: 100,
    });
  });

  it('stops counting a record entered in error, and keeps it with its reason', async () => {
    const { homeId } = await providerWithHome(t.services.withTransaction, t.clock.now(), DEMO_PASSWORD, {
      urn: 'SC700003',
      name: 'Rowan Mews',
    });
    const id = await t.services.training.addStaff(admin, {
      givenName: 'Mistaken',
      familyName: 'Example',
      sector: 'home_staff',
      homeId,
    });
    const recordId = await t.services.training.recordTraining(admin, id, {
      courseId: COURSE_GROOMING,
      completedOn: '2026-02-20',
    });
    expect((await t.services.training.homeShare(admin, homeId))?.trained).toBe(1);
    await t.services.training.recordInError(admin, recordId, { reason: 'Recorded against the wrong person' });
    expect((await t.services.training.homeShare(admin, homeId))?.trained).toBe(0);
    const s = await t.services.training.staffMember(admin, id);
    expect(s.records).toEqual([
      expect.objectContaining({
        id: recordId,
        enteredInErrorReason: 'Recorded against the wrong person',
        current: false,
      }),
    ]);
    await expect(t.services.training.recordInError(admin, recordId, { reason: 'Again' })).rejects.toThrow(
      'already marked',
    );
  });

  it('makes a record valid for the course’s months from the day it was completed', () => {
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2024-03-10', 24)).toBe('2026-03-10');
    expect(addMonths('2026-11-15', 12)).toBe('2027-11-15');
  });
});

describe('renewals due', () => {
  it('lists records expiring in the next 60 days and expired ones, unless renewed since', async () => {
    const hotel = await contextFor(t, 'hotel.admin@lantern.invalid');
    const add = (givenName: string) =>
      t.services.training.addStaff(hotel, { givenName, familyName: 'Renewal', sector: 'hotel_or_venue' });
    const soon = await add('Soon');
    const expired = await add('Expired');
    const renewed = await add('Renewed');
    const later = await add('Later');
    const course = { courseId: COURSE_GROOMING };
    await t.services.training.recordTraining(hotel, soon, { ...course, completedOn: '2024-04-20' }); // until 20 Apr 2026
    await t.services.training.recordTraining(hotel, expired, { ...course, completedOn: '2024-01-05' }); // expired
    await t.services.training.recordTraining(hotel, renewed, { ...course, completedOn: '2024-04-01' });
    await t.services.training.recordTraining(hotel, renewed, { ...course, completedOn: '2026-02-01' });
    await t.services.training.recordTraining(hotel, later, { ...course, completedOn: '2024-06-01' }); // until 1 Jun 2026
    const o = await t.services.training.organisation(hotel);
    expect(o.renewals.map((r) => [r.givenName, r.validUntil])).toEqual([
      ['Expired', '2026-01-05'],
      ['Soon', '2026-04-20'],
    ]);
    expect(o.share).toEqual({ staff: 4, trained: 3, percent: 75 });

    // TRAINING_RENEWAL_DAYS widens the window: at 120 days, 'Later' (until 1 June) is due too.
    const config = loadConfig({ NODE_ENV: 'test', TRAINING_RENEWAL_DAYS: '120' });
    expect(config.trainingRenewalDays).toBe(120);
    const wider = await new TrainingService(
      t.services.withTransaction,
      config.trainingRenewalDays,
    ).organisation(hotel);
    expect(wider.renewals.map((r) => r.givenName)).toEqual(['Expired', 'Soon', 'Later']);
    expect(wider.renewalDays).toBe(120);
  });
});

describe('who sees training', () => {
  it('shows a home’s staff to the provider and the home’s authority; others get not found and no counts', async () => {
    const { homeId } = await providerWithHome(t.services.withTransaction, t.clock.now(), DEMO_PASSWORD, {
      urn: 'SC700004',
      name: 'Alder Lodge',
    });
    const staffId = await t.services.training.addStaff(admin, {
      givenName: 'Visible',
      familyName: 'Carer',
      sector: 'home_staff',
      homeId,
    });
    await t.services.training.recordTraining(admin, staffId, {
      courseId: COURSE_GROOMING,
      completedOn: '2026-02-01',
    });

    const leeds = await contextFor(t, 'social.mash@lantern.invalid');
    const hub = await contextFor(t, 'hub.admin@lantern.invalid');
    for (const ctx of [admin, leeds, hub]) {
      expect((await t.services.training.staffMember(ctx, staffId)).staff.id).toBe(staffId);
      expect(await t.services.training.homeShare(ctx, homeId)).toMatchObject({ staff: 1, trained: 1 });
    }
    expect((await t.services.training.area(leeds))?.homes.map((h) => h.id)).toContain(homeId);
    const orgs = (await t.services.training.organisation(leeds, provider.agencyId)).staff.map((s) => s.id);
    expect(orgs).toContain(staffId);

    const northYorkshire = await contextFor(t, 'neighbour.social@lantern.invalid');
    const policeAdmin = await contextFor(t, 'agency.admin@lantern.invalid');
    const hotel = await contextFor(t, 'hotel.admin@lantern.invalid');
    for (const ctx of [northYorkshire, policeAdmin, hotel]) {
      await expect(t.services.training.staffMember(ctx, staffId)).rejects.toBeInstanceOf(NotFoundError);
      await expect(t.services.training.organisation(ctx, provider.agencyId)).rejects.toBeInstanceOf(
        NotFoundError,
      );
      expect(await t.services.training.homeShare(ctx, homeId)).toBeNull();
    }
    expect((await t.services.training.area(northYorkshire))?.homes.map((h) => h.id)).not.toContain(homeId);
    expect((await t.services.training.area(northYorkshire))?.total.staff).toBe(0);
    await expect(t.services.training.areaReport(northYorkshire, 'E08000035')).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(t.services.training.areaReport(policeAdmin, 'E08000035')).rejects.toBeInstanceOf(
      NotFoundError,
    );

    // Pages answer the same: the page for a forbidden record is the page for a missing one.
    const neighbour = new Browser(t.app);
    await neighbour.signIn('neighbour.social@lantern.invalid');
    const forbidden = await neighbour.get(`/training/staff/${staffId}`);
    const missing = await neighbour.get('/training/staff/00000000-0000-4000-8000-000000000000');
    expect(forbidden.statusCode).toBe(404);
    expect(missing.statusCode).toBe(404);
    expect((await neighbour.get(`/homes/${homeId}`)).statusCode).toBe(404);
    const police = new Browser(t.app);
    await police.signIn('police.mash@lantern.invalid');
    const homePage = await police.get(`/homes/${homeId}`);
    expect(homePage.statusCode).toBe(200);
    expect(homePage.body).not.toContain('Training on the warning signs');
    expect((await police.get(`/training/staff/${staffId}`)).statusCode).toBe(404);
  });

  it('lets only the organisation itself record: its authority may look but not write', async () => {
    const staffId = await t.services.training.addStaff(admin, {
      givenName: 'Own',
      familyName: 'Only',
      sector: 'home_staff',
    });
    // A council user given the recording permission still records only for the council.
    const leeds = await contextFor(t, 'social.mash@lantern.invalid');
    const leedsAdmin = { ...leeds, permissions: new Set([...leeds.permissions, 'training:record' as const]) };
    await expect(
      t.services.training.recordTraining(leedsAdmin, staffId, {
        courseId: COURSE_GROOMING,
        completedOn: '2026-02-01',
      }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      t.services.training.staffLeaves(leedsAdmin, staffId, { leftOn: '2026-03-01' }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it('audits every view and change', async () => {
    const staffId = await t.services.training.addStaff(admin, {
      givenName: 'Audited',
      familyName: 'Example',
      sector: 'home_staff',
    });
    await t.services.training.staffMember(admin, staffId);
    const actions = await t.services.withTransaction((tx) =>
      tx
        .select({ action: auditEvent.action })
        .from(auditEvent)
        .where(and(eq(auditEvent.subjectId, staffId), eq(auditEvent.actorUserId, admin.actor?.userId ?? ''))),
    );
    expect(actions.map((a) => a.action).sort()).toEqual(['training.staff.add', 'training.staff.view']);
  });
});

describe('the staff pages', () => {
  it('adds a staff member with the form, keeping typed values on errors', async () => {
    const b = new Browser(t.app);
    await b.signIn(provider.adminEmail);
    await b.get('/training/staff/new');
    const empty = await b.post('/training/staff/new', {
      givenName: 'Kept',
      'startedOn-day': '31',
      'startedOn-month': '2',
      'startedOn-year': '2025',
    });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('<title>Error: Add a staff member');
    expect(empty.body).toContain('Enter the family name');
    expect(empty.body).toContain('Select the sector they work in');
    expect(empty.body).toContain('Enter the date they started as a real date');
    expect(empty.body).toContain('value="Kept"');
    const ok = await b.post('/training/staff/new', {
      givenName: 'Formed',
      familyName: 'Example',
      sector: 'home_staff',
      homeId: provider.homeId,
      'startedOn-day': '1',
      'startedOn-month': '9',
      'startedOn-year': '2024',
    });
    expect(ok.statusCode).toBe(303);
    const page = await b.get(String(ok.headers.location));
    expect(page.body).toContain('Formed Example');
    expect(page.body).toContain('Willow House');
    const bad = await b.post(`${ok.headers.location}/records`, { courseId: '', 'completedOn-day': '1' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Select the course');
    const recorded = await b.post(`${ok.headers.location}/records`, {
      courseId: COURSE_GROOMING,
      'completedOn-day': '20',
      'completedOn-month': '2',
      'completedOn-year': '2026',
      provider: 'Example Safeguarding Partnership',
    });
    expect(recorded.statusCode).toBe(303);
    const after = await b.get(String(ok.headers.location));
    expect(after.body).toContain('20 February 2028');
    expect(after.body).toContain('Current');
  });
});
