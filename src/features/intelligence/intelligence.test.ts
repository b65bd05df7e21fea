import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import type { Context } from '../../platform/context';

let t: TestApp;
let police: Context;
let social: Context;
let health: Context;
beforeAll(async () => {
  t = await buildTestApp();
  t.clock.set('2026-06-01T12:00:00Z');
  police = await contextFor(t, 'police.mash@lantern.invalid');
  social = await contextFor(t, 'social.mash@lantern.invalid');
  health = await contextFor(t, 'health@lantern.invalid');
});
afterAll(async () => {
  await t.close();
});

const grading = { sourceGrade: '2', informationGrade: 'B', handlingCode: 'P' } as const;

async function missingAndFound(givenName: string) {
  const childId = await t.services.children.create(social, { givenName, familyName: 'Intel' });
  const episodeId = await t.services.episodes.report(social, childId, {
    kind: 'missing',
    startedAt: new Date('2026-05-30T20:00:00Z'),
    policeForceCode: 'E23000010',
  });
  return { childId, episodeId };
}

describe('entities', () => {
  it('are one vehicle however the registration is written, and a partial plate is offered as a candidate', async () => {
    const first = await t.services.intelligence.createEntity(police, {
      kind: 'vehicle',
      registration: 'AB12 CDE',
    });
    const again = await t.services.intelligence.createEntity(police, {
      kind: 'vehicle',
      registration: 'ab12cde ',
    });
    expect(again).toEqual({ id: first.id, existing: true });
    const similar = await t.services.intelligence.findSimilar(police, 'vehicle', 'AB12 CD?');
    expect(similar.map((s) => s.id)).toContain(first.id);
    expect(similar.find((s) => s.id === first.id)?.why).toContain('partly read');
  });

  it('keeps one phone per number after normalising it', async () => {
    const a = await t.services.intelligence.createEntity(police, { kind: 'phone', number: '07700 900456' });
    const b = await t.services.intelligence.createEntity(police, {
      kind: 'phone',
      number: '+44 7700 900456',
    });
    expect(b.id).toBe(a.id);
    await expect(
      t.services.intelligence.createEntity(police, { kind: 'phone', number: 'call me' }),
    ).rejects.toThrow();
  });

  it('finds people whose names sound alike before a new one is made', async () => {
    const { id } = await t.services.intelligence.createEntity(police, {
      kind: 'person',
      givenName: 'Mohammed',
      familyName: 'Ali',
    });
    const similar = await t.services.intelligence.findSimilar(police, 'person', 'Muhammad Aly');
    expect(similar.map((s) => s.id)).toContain(id);
  });

  it('need the intelligence permission to record and to see', async () => {
    await expect(
      t.services.intelligence.createEntity(health, { kind: 'phone', number: '07700 900457' }),
    ).rejects.toThrow();
    const { id } = await t.services.intelligence.createEntity(police, {
      kind: 'phone',
      number: '07700 900458',
    });
    await expect(t.services.intelligence.entity(health, id)).rejects.toThrow();
  });
});

describe('links', () => {
  it('tie a child to an entity from a source record, graded, and show only to those who may see the child', async () => {
    const { childId, episodeId } = await missingAndFound('Linked');
    const place = await t.services.intelligence.createEntity(police, {
      kind: 'location',
      name: '14 Example Street',
      placeType: 'address',
    });
    const linkId = await t.services.intelligence.link(police, {
      childId,
      entityId: place.id,
      type: 'found_at',
      occurredAt: new Date('2026-05-31T09:00:00Z'),
      sourceType: 'episode',
      sourceId: episodeId,
      ...grading,
    });
    const page = await t.services.intelligence.entity(police, place.id);
    expect(page.links.map((l) => l.link.id)).toEqual([linkId]);
    expect(page.links[0]?.childName).toBe('Linked Intel');
    // A force with no access to the child sees the place, not the link.
    const york = await contextFor(t, 'neighbour.police@lantern.invalid');
    expect((await t.services.intelligence.entity(york, place.id)).links).toHaveLength(0);
  });

  it('refuse a source that is not the child’s, and C-coded intelligence needs its conditions', async () => {
    const one = await missingAndFound('One');
    const two = await missingAndFound('Two');
    const phone = await t.services.intelligence.createEntity(police, {
      kind: 'phone',
      number: '07700 900459',
    });
    await expect(
      t.services.intelligence.link(police, {
        childId: one.childId,
        entityId: phone.id,
        type: 'contacted_by',
        occurredAt: new Date('2026-05-31T09:00:00Z'),
        sourceType: 'episode',
        sourceId: two.episodeId,
        ...grading,
      }),
    ).rejects.toMatchObject({
      fieldErrors: [{ field: 'sourceId', message: 'The record this comes from was not found' }],
    });
    await expect(
      t.services.intelligence.link(police, {
        childId: one.childId,
        entityId: phone.id,
        type: 'contacted_by',
        occurredAt: new Date('2026-05-31T09:00:00Z'),
        sourceType: 'episode',
        sourceId: one.episodeId,
        sourceGrade: '1',
        informationGrade: 'A',
        handlingCode: 'C',
      }),
    ).rejects.toThrow();
  });

  it('with handling code C are seen only in the agency that recorded them; a link entered in error drops out', async () => {
    const { childId, episodeId } = await missingAndFound('Conditional');
    const account = await t.services.intelligence.createEntity(police, {
      kind: 'account',
      platform: 'Snapchat',
      handle: '@example_handle_1',
    });
    const linkId = await t.services.intelligence.link(police, {
      childId,
      entityId: account.id,
      type: 'contacted_by',
      occurredAt: new Date('2026-05-31T09:00:00Z'),
      sourceType: 'episode',
      sourceId: episodeId,
      sourceGrade: '1',
      informationGrade: 'B',
      handlingCode: 'C',
      handlingConditions: 'Not to be shared outside the force without the SIO’s agreement',
    });
    expect((await t.services.intelligence.linksOfChild(police, childId)).map((l) => l.link.id)).toEqual([
      linkId,
    ]);
    expect(await t.services.intelligence.linksOfChild(social, childId)).toHaveLength(0);
    await t.services.intelligence.enterLinkInError(police, linkId, 'Wrong child');
    expect(await t.services.intelligence.linksOfChild(police, childId)).toHaveLength(0);
  });
});
