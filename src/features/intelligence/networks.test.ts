import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import type { Context } from '../../platform/context';
import { NETWORK_MAX_NODES } from './networks.service';
import { intelEntity, intelLink } from './tables';

let t: TestApp;
let police: Context;
let york: Context;
let health: Context;
let yorkSocial: Context;
let social: Context;

const grading = { sourceGrade: '2', informationGrade: 'B', handlingCode: 'P' } as const;
const at = new Date('2026-05-31T09:00:00Z');

interface Child {
  childId: string;
  episodeId: string;
}
let a: Child;
let b: Child;
let c: Child;
let hidden: Child;
const ids: Record<string, string> = {};

async function missingChild(ctx: Context, givenName: string, force: string): Promise<Child> {
  const childId = await t.services.children.create(ctx, { givenName, familyName: 'Example' });
  const episodeId = await t.services.episodes.report(ctx, childId, {
    kind: 'missing',
    startedAt: new Date('2026-05-30T20:00:00Z'),
    policeForceCode: force,
  });
  return { childId, episodeId };
}

const linkChild = (
  ctx: Context,
  ch: Child,
  entityId: string,
  type: 'found_at' | 'seen_with' | 'contacted_by',
) =>
  t.services.intelligence.link(ctx, {
    childId: ch.childId,
    entityId,
    type,
    occurredAt: at,
    sourceType: 'episode',
    sourceId: ch.episodeId,
    ...grading,
  });

beforeAll(async () => {
  t = await buildTestApp();
  t.clock.set('2026-06-01T12:00:00Z');
  police = await contextFor(t, 'police.mash@lantern.invalid');
  york = await contextFor(t, 'neighbour.police@lantern.invalid');
  health = await contextFor(t, 'health@lantern.invalid');
  social = await contextFor(t, 'social.mash@lantern.invalid');
  yorkSocial = await contextFor(t, 'neighbour.social@lantern.invalid');
  const intel = t.services.intelligence;

  // Leeds children, missing in West Yorkshire; one North Yorkshire child West Yorkshire may not see.
  a = await missingChild(social, 'Alpha', 'E23000010');
  b = await missingChild(social, 'Bravo', 'E23000010');
  c = await missingChild(social, 'Charlie', 'E23000010');
  hidden = await missingChild(yorkSocial, 'Hidden', 'E23000009');

  ids.hotel = (
    await intel.createEntity(police, { kind: 'location', name: 'Example Road Hotel', placeType: 'hotel' })
  ).id;
  ids.phone = (await intel.createEntity(police, { kind: 'phone', number: '07700 900601' })).id;
  ids.adult = (
    await intel.createEntity(police, { kind: 'person', givenName: 'Example', familyName: 'Adult' })
  ).id;
  ids.car = (await intel.createEntity(police, { kind: 'vehicle', registration: 'AB12 CDE' })).id;
  ids.far = (
    await intel.createEntity(york, { kind: 'location', name: '1 Example Lane', placeType: 'address' })
  ).id;
  ids.wrong = (
    await intel.createEntity(police, { kind: 'location', name: '2 Example Street', placeType: 'address' })
  ).id;

  // Alpha → hotel → Bravo; Alpha → phone ← adult → car; adult ← Charlie (three steps from Alpha).
  await linkChild(police, a, ids.hotel, 'found_at');
  await linkChild(police, b, ids.hotel, 'found_at');
  await linkChild(police, a, ids.phone, 'contacted_by');
  await intel.link(police, {
    fromEntityId: ids.adult,
    entityId: ids.phone,
    type: 'uses',
    occurredAt: at,
    sourceType: 'episode',
    sourceId: a.episodeId,
    ...grading,
  });
  await intel.link(police, {
    fromEntityId: ids.adult,
    entityId: ids.car,
    type: 'uses',
    occurredAt: at,
    sourceType: 'episode',
    sourceId: a.episodeId,
    ...grading,
  });
  await linkChild(police, c, ids.adult, 'seen_with');
  // A link entered in error drops out of the network.
  const wrong = await linkChild(police, a, ids.wrong, 'found_at');
  await intel.enterLinkInError(police, wrong, 'Wrong child');
  // North Yorkshire's child at the same hotel, and at a place linked to nothing else.
  await linkChild(york, hidden, ids.hotel, 'found_at');
  await linkChild(york, hidden, ids.far, 'found_at');
});
afterAll(async () => {
  await t.close();
});

const labels = (nodes: { label: string }[]) => nodes.map((n) => n.label).sort();

describe('the network around a child', () => {
  it('holds the child, what is linked to it and what is linked to those, and nothing further', async () => {
    const network = await t.services.networks.aroundChild(police, a.childId);
    expect(labels(network.nodes)).toEqual(
      ['Alpha Example', 'Example Road Hotel', '+447700900601', 'Bravo Example', 'Example Adult'].sort(),
    );
    const step = Object.fromEntries(network.nodes.map((n) => [n.label, n.step]));
    expect(step).toMatchObject({
      'Alpha Example': 0,
      'Example Road Hotel': 1,
      '+447700900601': 1,
      'Bravo Example': 2,
      'Example Adult': 2,
    });
    expect(network.cut).toBe(false);
    // Each link shown has a source, a grading and the agency that recorded it.
    expect(network.links).toHaveLength(4);
    expect(network.links.every((l) => l.link.sourceType === 'episode' && l.authorAgency)).toBe(true);
  });

  it('ranks the places and things between others as most connected, as a hint', async () => {
    const network = await t.services.networks.aroundChild(police, a.childId);
    const most = network.nodes.filter((n) => n.mostConnected).map((n) => n.label);
    expect(most.sort()).toEqual(['+447700900601', 'Example Road Hotel']);
    const hotel = network.nodes.find((n) => n.label === 'Example Road Hotel');
    expect(hotel?.degree).toBe(2);
    expect(hotel?.betweenness).toBeGreaterThan(0);
    expect(network.nodes.find((n) => n.label === 'Bravo Example')?.betweenness).toBe(0);
  });

  it('leaves out a child the user may not see, and what is reached only through that child', async () => {
    const seenByLeeds = await t.services.networks.aroundEntity(police, ids.hotel ?? '');
    expect(labels(seenByLeeds.nodes)).not.toContain('Hidden Example');
    expect(labels(seenByLeeds.nodes)).not.toContain('1 Example Lane');
    expect(labels(seenByLeeds.nodes)).toContain('Bravo Example');
    // North Yorkshire sees its own child and that child's place, and none of the Leeds children.
    const seenByYork = await t.services.networks.aroundEntity(york, ids.hotel ?? '');
    expect(labels(seenByYork.nodes)).toEqual(['1 Example Lane', 'Example Road Hotel', 'Hidden Example']);
  });

  it('is not there for a child the user may not see, nor for anyone without intelligence:view', async () => {
    await expect(t.services.networks.aroundChild(york, a.childId)).rejects.toThrow();
    await expect(t.services.networks.aroundChild(health, a.childId)).rejects.toThrow();
    await expect(t.services.networks.aroundEntity(health, ids.hotel ?? '')).rejects.toThrow();
  });

  it('is cut to a bounded size, and says so', async () => {
    const { id: hub } = await t.services.intelligence.createEntity(police, {
      kind: 'person',
      givenName: 'Busy',
      familyName: 'Example',
    });
    const agencyId = police.actor?.agencyId ?? '';
    await t.services.withTransaction(async (tx) => {
      const phones = await tx
        .insert(intelEntity)
        .values(
          Array.from({ length: NETWORK_MAX_NODES + 10 }, (_, i) => ({
            kind: 'phone' as const,
            label: `+4477009009${String(i).padStart(2, '0')}`,
            phoneE164: `+44113496${String(i).padStart(4, '0')}`,
            createdByAgencyId: agencyId,
            createdAt: at,
          })),
        )
        .returning({ id: intelEntity.id });
      await tx.insert(intelLink).values(
        phones.map((p) => ({
          fromEntityId: hub,
          entityId: p.id,
          type: 'uses' as const,
          occurredAt: at,
          sourceType: 'episode' as const,
          sourceId: a.episodeId,
          ...grading,
          authorAgencyId: agencyId,
          createdAt: at,
        })),
      );
    });
    const network = await t.services.networks.aroundEntity(police, hub);
    expect(network.nodes).toHaveLength(NETWORK_MAX_NODES);
    expect(network.cut).toBe(true);
  });
});

describe('the network pages', () => {
  let leeds: Browser;
  let outsider: Browser;
  beforeAll(async () => {
    leeds = new Browser(t.app);
    await leeds.signIn('police.mash@lantern.invalid');
    outsider = new Browser(t.app);
    await outsider.signIn('health@lantern.invalid');
  });

  it('draw the network around a child, with a table of its nodes and links that says the same', async () => {
    const res = await leeds.get(`/intelligence/network/child/${a.childId}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Network around Alpha Example');
    expect(res.body).toContain('<svg');
    expect(res.body).toContain('/assets/js/network-graph.mjs');
    // Each node is a link in the drawing and in the table, to the entity's or the child's page.
    expect(res.body).toContain(`href="/intelligence/entities/${ids.hotel}"`);
    expect(res.body).toContain(`href="/children/${b.childId}"`);
    expect(res.body).toContain('Most connected');
    expect(res.body).not.toContain('Hidden Example');
    expect(res.body).not.toContain('Charlie Example');
    expect(res.body).not.toContain('<title>Network around Alpha');
  });

  it('answer 404 to anyone without intelligence:view, and for a child the user may not see', async () => {
    expect((await outsider.get(`/intelligence/network/child/${a.childId}`)).statusCode).toBe(404);
    expect((await outsider.get(`/intelligence/network/entity/${ids.hotel}`)).statusCode).toBe(404);
    expect((await outsider.get('/intelligence/networks')).statusCode).toBe(404);
    expect((await leeds.get(`/intelligence/network/child/${hidden.childId}`)).statusCode).toBe(404);
    expect((await leeds.get('/intelligence/network/child/not-an-id')).statusCode).toBe(404);
  });

  it('draw the network around an entity', async () => {
    const res = await leeds.get(`/intelligence/network/entity/${ids.adult}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Network around Example Adult');
    expect(res.body).toContain('Charlie Example');
    expect(res.body).toContain('AB12CDE');
  });
});
