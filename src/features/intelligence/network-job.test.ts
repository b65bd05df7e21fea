import { desc, eq } from 'drizzle-orm';
import Graph from 'graphology';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import type { Context } from '../../platform/context';
import {
  type AreaNetworkResult,
  analyseAreaGraph,
  EXACT_BETWEENNESS_UP_TO,
  runAreaNetwork,
} from './network-job';
import { intelNetworkRun } from './tables';

const LEEDS = 'E08000035';

let t: TestApp;
let police: Context;
let social: Context;
let york: Context;
const ids: Record<string, string> = {};
const at = new Date('2026-05-31T09:00:00Z');
const grading = { sourceGrade: '2', informationGrade: 'B', handlingCode: 'P' } as const;

async function missingChild(givenName: string) {
  const childId = await t.services.children.create(social, { givenName, familyName: 'Example' });
  const episodeId = await t.services.episodes.report(social, childId, {
    kind: 'missing',
    startedAt: new Date('2026-05-30T20:00:00Z'),
    policeForceCode: 'E23000010',
  });
  return { childId, episodeId };
}

beforeAll(async () => {
  t = await buildTestApp();
  t.clock.set('2026-06-01T12:00:00Z');
  police = await contextFor(t, 'police.mash@lantern.invalid');
  social = await contextFor(t, 'social.mash@lantern.invalid');
  york = await contextFor(t, 'neighbour.police@lantern.invalid');
  const intel = t.services.intelligence;
  // Two groups with nothing in common: two children found at one flat; a child seen with an adult
  // who uses a phone.
  const one = await missingChild('One');
  const two = await missingChild('Two');
  const three = await missingChild('Three');
  ids.one = one.childId;
  ids.three = three.childId;
  ids.flat = (
    await intel.createEntity(police, {
      kind: 'location',
      name: 'Flat 1, Example Street',
      placeType: 'address',
    })
  ).id;
  ids.adult = (
    await intel.createEntity(police, { kind: 'person', givenName: 'Example', familyName: 'Person' })
  ).id;
  ids.phone = (await intel.createEntity(police, { kind: 'phone', number: '07700 900701' })).id;
  ids.car = (await intel.createEntity(police, { kind: 'vehicle', registration: 'CD34 EFG' })).id;
  const linkChild = (
    ch: { childId: string; episodeId: string },
    entityId: string,
    extra: Record<string, string> = {},
  ) =>
    intel.link(police, {
      childId: ch.childId,
      entityId,
      type: 'found_at',
      occurredAt: at,
      sourceType: 'episode',
      sourceId: ch.episodeId,
      ...grading,
      ...extra,
    });
  await linkChild(one, ids.flat);
  await linkChild(two, ids.flat);
  await linkChild(three, ids.adult, { type: 'seen_with' });
  await intel.link(police, {
    fromEntityId: ids.adult,
    entityId: ids.phone,
    type: 'uses',
    occurredAt: at,
    sourceType: 'episode',
    sourceId: three.episodeId,
    ...grading,
  });
  // Left out: intelligence shared only with conditions, and a link entered in error.
  await linkChild(one, ids.car, {
    type: 'travelled_in',
    handlingCode: 'C',
    handlingConditions: 'Not to be shared outside the force',
  });
  const wrong = await linkChild(two, ids.adult, { type: 'seen_with' });
  await intel.enterLinkInError(police, wrong, 'Wrong child');
});
afterAll(async () => {
  await t.close();
});

describe('the area network job', () => {
  it('stores two components and their communities for two groups with nothing in common', async () => {
    const { runId } = await runAreaNetwork(t.services.withTransaction, t.clock, LEEDS);
    const [run] = await t.services.withTransaction((tx) =>
      tx.select().from(intelNetworkRun).where(eq(intelNetworkRun.id, runId)),
    );
    expect(run?.areaAuthorityCode).toBe(LEEDS);
    expect(run?.nodes).toBe(6);
    expect(run?.edges).toBe(4);
    const result = run?.result as AreaNetworkResult;
    expect(result.componentCount).toBe(2);
    expect(result.components.map((c) => [c.nodes, c.children, c.entities]).sort()).toEqual([
      [3, 1, 2],
      [3, 2, 1],
    ]);
    expect(result.componentSizes).toEqual([{ nodes: 3, count: 2 }]);
    // Communities never span two components.
    expect(result.communityCount).toBeGreaterThanOrEqual(2);
    for (const c of result.communities) {
      const component = result.components[(c.component ?? 0) - 1];
      expect(c.nodes).toBeLessThanOrEqual(component?.nodes ?? 0);
    }
    // The flat and the adult are each in the middle of their group: most connected.
    expect(
      result.top
        .slice(0, 2)
        .map((n) => n.node)
        .sort(),
    ).toEqual([`e:${ids.adult}`, `e:${ids.flat}`].sort());
    expect(result.top[0]?.degree).toBe(2);
    expect(result.top[0]?.betweenness).toBeGreaterThan(0);
    // Ids and scores only: no names.
    expect(JSON.stringify(result)).not.toContain('Example');
    expect(JSON.stringify(result)).not.toContain(ids.car);
  });

  it('estimates betweenness past the exact limit, ranking the centre of a star first', () => {
    const graph = new Graph({ type: 'undirected' });
    const size = EXACT_BETWEENNESS_UP_TO + 50;
    graph.addNode('e:centre');
    for (let i = 0; i < size; i += 1) {
      graph.addNode(`c:${i}`);
      graph.addEdge('e:centre', `c:${i}`, { links: 1 });
    }
    const result = analyseAreaGraph(graph);
    expect(result.betweenness.estimatedComponents).toBe(1);
    expect(result.components[0]?.betweenness).toBe('estimated');
    expect(result.top[0]?.node).toBe('e:centre');
    // Exactly: every pair of leaves passes through the centre, so its normalised figure is about 1.
    expect(result.top[0]?.betweenness).toBeGreaterThan(0.9);
  });
});

describe('the area networks page', () => {
  it('shows the latest run of the user’s area, naming entities and the children the user may see', async () => {
    const latest = await t.services.networks.latestRun(social);
    expect(latest.area?.code).toBe(LEEDS);
    const [stored] = await t.services.withTransaction((tx) =>
      tx.select().from(intelNetworkRun).orderBy(desc(intelNetworkRun.builtAt)).limit(1),
    );
    expect(latest.run?.id).toBe(stored?.id);
    expect(latest.run?.top.map((m) => m.label)).toContain('Flat 1, Example Street');
    expect(latest.run?.top.map((m) => m.label)).toContain('One Example');

    const browser = new Browser(t.app);
    await browser.signIn('social.mash@lantern.invalid');
    const page = await browser.get('/intelligence/networks');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('in 2 separate groups');
    expect(page.body).toContain(`href="/intelligence/entities/${ids.flat}"`);
  });

  it('leaves a child out of the lists when the user may not see the child, and another force’s area is not theirs', async () => {
    // West Yorkshire's force sees Leeds among its authorities; North Yorkshire's does not.
    const forLeedsForce = await t.services.networks.latestRun(police, LEEDS);
    expect(forLeedsForce.run?.top.map((m) => m.label)).toContain('Three Example');
    await expect(t.services.networks.latestRun(york, LEEDS)).rejects.toThrow();
    expect(t.services.networks.areasOf(york).map((a) => a.code)).not.toContain(LEEDS);
    // A user of the same area who may see no child: the analyst has no child:view.
    const analyst = await contextFor(t, 'analyst@lantern.invalid');
    expect(analyst.permissions.has('child:view')).toBe(false);
    const forAnalyst = await t.services.networks.latestRun(analyst, LEEDS);
    expect(forAnalyst.run?.top.map((m) => m.label)).toContain('Flat 1, Example Street');
    expect(forAnalyst.run?.top.some((m) => m.node.startsWith('c:'))).toBe(false);
    expect(forAnalyst.run?.components[0]?.top.some((m) => m.node.startsWith('c:'))).toBe(false);
  });

  it('queues an analysis when asked, as a job for the area', async () => {
    const browser = new Browser(t.app);
    await browser.signIn('social.mash@lantern.invalid');
    await browser.get('/intelligence/networks');
    const res = await browser.post('/intelligence/networks', { area: LEEDS });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/intelligence/networks?area=${LEEDS}&requested=1`);
    const { rows } = await t.database.raw.query<{ data: { area: string } }>(
      `select data from pgboss.job where name = 'intelligence.network'`,
    );
    expect(rows.map((r) => r.data.area)).toContain(LEEDS);
    const york = new Browser(t.app);
    await york.signIn('neighbour.social@lantern.invalid');
    await york.get('/intelligence/networks');
    expect((await york.post('/intelligence/networks', { area: LEEDS })).statusCode).toBe(404);
  });
});
