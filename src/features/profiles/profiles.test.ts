import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { normalised } from '../../../test/support/html';
import { jpegWithMetadata, SECRET } from '../../../test/support/images';
import { startPostcodePeer } from '../../../test/support/postcode-peer';
import { childAccess } from '../../platform/access/tables';
import { agency } from '../../platform/agencies/tables';
import { auditEvent } from '../../platform/audit/tables';
import { location } from '../locations/tables';
import { childPhoto, childProfileEntry } from './tables';

let t: TestApp;
let peer: Awaited<ReturnType<typeof startPostcodePeer>>;
let childId: string;
const practitioner = 'social.mash@lantern.invalid';

beforeAll(async () => {
  peer = await startPostcodePeer({
    'LS2 7HY': { latitude: 53.7986, longitude: -1.5406, admin_district: 'E08000035' },
  });
  t = await buildTestApp({ postcodeLookupUrl: peer.url });
  t.clock.set('2026-06-01T09:00:00Z');
  childId = await t.services.children.create(await contextFor(t, practitioner), {
    givenName: 'Profile',
    familyName: 'Testchild',
    dateOfBirth: '2011-04-03',
    lookedAfter: false,
  });
});
afterAll(async () => {
  await t.close();
  await peer.close();
});

async function signedIn(email = practitioner) {
  const b = new Browser(t.app);
  await b.signIn(email);
  return b;
}

const audits = (action: string) =>
  t.services.withTransaction((tx) =>
    tx
      .select({ id: auditEvent.id })
      .from(auditEvent)
      .where(and(eq(auditEvent.action, action), eq(auditEvent.childId, childId))),
  );

describe('the Philomena profile', () => {
  it('keeps the description and needs, and shows them on the profile', async () => {
    const b = await signedIn();
    await b.get(`/children/${childId}/profile/details`);
    const saved = await b.post(`/children/${childId}/profile/details`, {
      height: '160 cm',
      hair: 'Dark brown, shoulder length',
      healthNeeds: 'Asthma',
      medication: 'Salbutamol inhaler, carries it',
      transport: 'Bus pass',
    });
    expect(saved.statusCode).toBe(303);
    const page = await b.get(`/children/${childId}/profile`);
    expect(page.statusCode).toBe(200);
    const text = normalised(page.body);
    expect(text).toContain('Dark brown, shoulder length');
    expect(text).toContain('Salbutamol inhaler, carries it');
    expect((await audits('profile.update')).length).toBe(1);
    expect((await audits('profile.view')).length).toBeGreaterThan(0);
  });

  it('refuses a field that is too long with an error summary, keeping what was typed', async () => {
    const b = await signedIn();
    await b.get(`/children/${childId}/profile/details`);
    const refused = await b.post(`/children/${childId}/profile/details`, {
      height: 'x'.repeat(101),
      build: 'Slim',
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('govuk-error-summary');
    expect(refused.body).toContain('Height must be 100 characters or fewer');
    expect(refused.body).toContain('value="Slim"');
    const after = await t.services.profiles.get(await contextFor(t, practitioner), childId);
    expect(after.details?.build).toBeNull();
  });

  it('keeps phones in international form and shows them as people dial them', async () => {
    const b = await signedIn();
    await b.get(`/children/${childId}/profile/phones/new`);
    const bad = await b.post(`/children/${childId}/profile/phones/new`, { value: '12', detail: '' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Enter a real phone number');
    const good = await b.post(`/children/${childId}/profile/phones/new`, {
      value: '07700 900123',
      detail: 'Own phone',
    });
    expect(good.statusCode).toBe(303);
    const rows = await t.services.withTransaction((tx) =>
      tx.select().from(childProfileEntry).where(eq(childProfileEntry.childId, childId)),
    );
    expect(rows.map((r) => r.value)).toEqual(['+447700900123']);
    expect(normalised((await b.get(`/children/${childId}/profile`)).body)).toContain('07700 900123');
  });

  it('finds a place’s position from its postcode through the lookup service', async () => {
    const b = await signedIn();
    await b.get(`/children/${childId}/profile/places/new`);
    const added = await b.post(`/children/${childId}/profile/places/new`, {
      value: 'Arcade on Briggate',
      detail: 'After school',
      postcode: 'ls27hy',
      latitude: '',
      longitude: '',
    });
    expect(added.statusCode).toBe(303);
    const [place] = await t.services.withTransaction((tx) =>
      tx.select().from(location).where(eq(location.name, 'Arcade on Briggate')),
    );
    expect(place).toMatchObject({
      postcode: 'LS2 7HY',
      latitude: 53.7986,
      longitude: -1.5406,
      coordinatesSource: 'lookup',
      localAuthorityCode: 'E08000035',
    });
  });

  it('takes coordinates from the user, and refuses half a pair', async () => {
    const b = await signedIn();
    await b.get(`/children/${childId}/profile/places/new`);
    const half = await b.post(`/children/${childId}/profile/places/new`, {
      value: 'Park shelter',
      latitude: '53.81',
      longitude: '',
    });
    expect(half.statusCode).toBe(400);
    expect(half.body).toContain('Enter both the latitude and the longitude, or neither');
    const badPostcode = await b.post(`/children/${childId}/profile/places/new`, {
      value: 'Park shelter',
      postcode: 'LS99 ZZZZ',
    });
    expect(badPostcode.body).toContain('Enter a real postcode');
    const ok = await b.post(`/children/${childId}/profile/places/new`, {
      value: 'Park shelter',
      latitude: '53.81',
      longitude: '-1.52',
    });
    expect(ok.statusCode).toBe(303);
    const [place] = await t.services.withTransaction((tx) =>
      tx.select().from(location).where(eq(location.name, 'Park shelter')),
    );
    expect(place).toMatchObject({ latitude: 53.81, longitude: -1.52, coordinatesSource: 'user' });
  });

  it('removes an entry from the profile but keeps the row', async () => {
    const ctx = await contextFor(t, practitioner);
    const id = await t.services.profiles.addEntry(ctx, childId, {
      kind: 'associate',
      value: 'Older friend called Dee',
    });
    const b = await signedIn();
    expect(normalised((await b.get(`/children/${childId}/profile`)).body)).toContain(
      'Older friend called Dee',
    );
    const removed = await b.post(`/children/${childId}/profile/entries/${id}/remove`, {});
    expect(removed.statusCode).toBe(303);
    expect(normalised((await b.get(`/children/${childId}/profile`)).body)).not.toContain(
      'Older friend called Dee',
    );
    const [row] = await t.services.withTransaction((tx) =>
      tx.select().from(childProfileEntry).where(eq(childProfileEntry.id, id)),
    );
    expect(row?.removedAt).not.toBeNull();
  });
});

describe('the photo', () => {
  it('stores a photo without its metadata and serves it privately, audited', async () => {
    const b = await signedIn();
    await b.get(`/children/${childId}/profile/photo`);
    const uploaded = await b.upload(`/children/${childId}/profile/photo`, {
      field: 'photo',
      filename: 'phone.jpg',
      contentType: 'image/jpeg',
      bytes: jpegWithMetadata(),
    });
    expect(uploaded.statusCode).toBe(303);
    const [stored] = await t.services.withTransaction((tx) =>
      tx.select().from(childPhoto).where(eq(childPhoto.childId, childId)),
    );
    expect(stored?.bytes.includes(SECRET)).toBe(false);
    const page = await b.get(`/children/${childId}/profile`);
    expect(page.body).toContain(`/children/${childId}/photos/${stored?.id}`);
    const image = await b.get(`/children/${childId}/photos/${stored?.id}`);
    expect(image.statusCode).toBe(200);
    expect(image.headers['content-type']).toBe('image/jpeg');
    expect(image.headers['cache-control']).toBe('private, no-store');
    expect(image.rawPayload.equals(stored?.bytes ?? Buffer.alloc(0))).toBe(true);
    expect((await audits('profile.photo.view')).length).toBe(1);
  });

  it('refuses a file that is not an image, and one over 5 MB, saving nothing', async () => {
    const b = await signedIn();
    const count = async () =>
      (
        await t.services.withTransaction((tx) =>
          tx.select().from(childPhoto).where(eq(childPhoto.childId, childId)),
        )
      ).length;
    const before = await count();
    await b.get(`/children/${childId}/profile/photo`);
    const notImage = await b.upload(`/children/${childId}/profile/photo`, {
      field: 'photo',
      filename: 'photo.jpg',
      contentType: 'image/jpeg',
      bytes: Buffer.from('this is a text file with a .jpg name'),
    });
    expect(notImage.statusCode).toBe(400);
    expect(notImage.body).toContain('govuk-error-summary');
    expect(notImage.body).toContain('The photo must be a JPEG or PNG image');
    await b.get(`/children/${childId}/profile/photo`);
    const tooBig = await b.upload(`/children/${childId}/profile/photo`, {
      field: 'photo',
      filename: 'big.jpg',
      contentType: 'image/jpeg',
      bytes: Buffer.concat([jpegWithMetadata(), Buffer.alloc(5 * 1024 * 1024 + 10)]),
    });
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.body).toContain('govuk-error-summary');
    expect(tooBig.body).toContain('The photo must be 5 MB or smaller');
    expect(await count()).toBe(before);
  });
});

describe('the printable sheet', () => {
  it('puts the description, contacts and missing history on one page, audited as a print', async () => {
    const ctx = await contextFor(t, practitioner);
    t.clock.set('2026-06-02T09:00:00Z');
    const episodeId = await t.services.episodes.report(ctx, childId, {
      kind: 'missing',
      startedAt: new Date('2026-06-01T20:00:00Z'),
      lastSeenLocation: 'Leeds bus station',
      policeForceCode: 'E23000010',
      policeReference: 'WYP-260601-0042',
    });
    t.clock.set('2026-06-03T09:00:00Z');
    await t.services.episodes.close(ctx, episodeId, {
      endedAt: new Date('2026-06-02T22:00:00Z'),
      foundLocation: 'Arcade on Briggate',
      foundWith: 'two older males',
    });
    const b = await signedIn();
    const sheet = await b.get(`/children/${childId}/profile/print`);
    expect(sheet.statusCode).toBe(200);
    const text = normalised(sheet.body);
    expect(text).toContain('Profile Testchild, 15');
    expect(text).toContain('Salbutamol inhaler, carries it');
    expect(text).toContain('07700 900123');
    expect(text).toContain('Arcade on Briggate');
    expect(text).toContain('1 episodes recorded in all; in the last 12 months 1 missing and 0 absent');
    expect(text).toContain('Leeds bus station');
    expect(text).toContain('Arcade on Briggate, with two older males');
    expect(sheet.body).toContain('lantern-print-sheet');
    expect((await audits('profile.print')).length).toBe(1);
  });
});

describe('access', () => {
  it('answers 404 to a user whose agency has no access to the child, for every profile page', async () => {
    const [photo] = await t.services.withTransaction((tx) =>
      tx.select({ id: childPhoto.id }).from(childPhoto).where(eq(childPhoto.childId, childId)),
    );
    const b = await signedIn('neighbour.social@lantern.invalid');
    for (const url of [
      `/children/${childId}/profile`,
      `/children/${childId}/profile/print`,
      `/children/${childId}/profile/details`,
      `/children/${childId}/profile/places/new`,
      `/children/${childId}/photos/${photo?.id}`,
    ]) {
      expect((await b.get(url)).statusCode, url).toBe(404);
    }
    await b.get('/');
    const post = await b.post(`/children/${childId}/profile/details`, { height: 'x' });
    expect(post.statusCode).toBe(404);
  });
});

describe('health details', () => {
  it('are left out of the profile, the sheet and the history for a role without health:view', async () => {
    const [voluntary] = await t.services.withTransaction((tx) =>
      tx.select({ id: agency.id }).from(agency).where(eq(agency.name, 'Safe Return Project')),
    );
    await t.services.withTransaction((tx) =>
      tx.insert(childAccess).values({
        childId,
        agencyId: voluntary?.id ?? '',
        basis: 'share',
        validFrom: t.clock.now(),
      }),
    );
    const worker = await signedIn('return.worker@lantern.invalid');
    for (const url of [`/children/${childId}/profile`, `/children/${childId}/profile/print`]) {
      const page = await worker.get(url);
      expect(page.statusCode, url).toBe(200);
      expect(normalised(page.body), url).toContain('Dark brown, shoulder length');
      expect(page.body, url).not.toContain('Salbutamol');
      expect(page.body, url).not.toContain('Asthma');
    }
    // Those whose role includes health see them.
    const practitionerPage = await (await signedIn()).get(`/children/${childId}/profile/print`);
    expect(practitionerPage.body).toContain('Salbutamol inhaler, carries it');
  });

  it('cannot be changed or cleared by a role without health:view', async () => {
    const full = await contextFor(t, practitioner);
    const without = {
      ...full,
      permissions: new Set([...full.permissions].filter((p) => p !== 'health:view')),
    };
    const before = await t.services.profiles.get(without, childId);
    expect(before.healthShown).toBe(false);
    expect(before.details?.medication).toBeNull();
    expect((await t.services.profiles.changes(without, childId)).map((c) => c.change.field)).not.toContain(
      'medication',
    );
    // Saving the form they see (without the health fields) leaves the health fields as they were.
    await t.services.profiles.update(without, childId, {
      height: '161 cm',
      hair: 'Dark brown, shoulder length',
    });
    const after = await t.services.profiles.get(full, childId);
    expect(after.details?.height).toBe('161 cm');
    expect(after.details?.medication).toBe('Salbutamol inhaler, carries it');
    expect(after.details?.healthNeeds).toBe('Asthma');
  });
});
