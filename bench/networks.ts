// Networks: building an area's network, its components and communities, and the two-step network
// around one child, on a force or national dataset in PostgreSQL. A dataset loaded before the
// synthetic intelligence existed gets its links here, once (later runs find them and reuse them).
// `npm run bench` calls benchNetworks for each dataset; on its own:
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/networks.ts [force|national]
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import louvain from 'graphology-communities-louvain';
import { connectedComponents } from 'graphology-components';
import { testConfig } from '../src/config';
import { analyseAreaGraph, loadAreaGraph, runAreaNetwork } from '../src/features/intelligence/network-job';
import { agency } from '../src/platform/agencies/tables';
import { contextForUser } from '../src/platform/auth/actor';
import { appUser } from '../src/platform/auth/tables';
import { systemClock } from '../src/platform/context';
import { openDatabase } from '../src/platform/db/client';
import { createServices } from '../src/services';
import { seedScaleIntelligence } from '../src/synth/intelligence';

interface Figure {
  name: string;
  value: number;
  unit: string;
}

/** Leeds is in both datasets: its network is the one timed. */
const AREA = 'E08000035';
const RUNS = 5;

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
const ms = (t0: number) => Math.round((performance.now() - t0) * 10) / 10;

export async function benchNetworks(databaseUrl: string): Promise<Figure[]> {
  const database = await openDatabase({ databaseUrl, poolSize: 4 });
  const config = testConfig({ databaseUrl, logLevel: 'silent' });
  const services = createServices(database, config, systemClock);
  const figures: Figure[] = [];
  const count = async (text: string) =>
    Number((await database.raw.query<{ n: number }>(text)).rows[0]?.n ?? 0);
  try {
    const children = await count('select count(*)::int as n from child');
    const scale = children > 100_000 ? 'national' : 'force';
    if ((await count('select count(*)::int as n from intel_link')) === 0) {
      console.log(`Loading the synthetic intelligence into the ${scale} dataset (once; later runs reuse it)`);
      const t0 = performance.now();
      const links = await seedScaleIntelligence(database, services.withTransaction, scale);
      await database.raw.exec('ANALYZE location, intel_entity, intel_link');
      figures.push(
        { name: 'load the intelligence links (once)', value: Math.round(ms(t0) / 100) / 10, unit: 's' },
        { name: 'intelligence links loaded', value: links, unit: 'count' },
      );
    }
    figures.push({
      name: 'intelligence links',
      value: await count('select count(*)::int as n from intel_link'),
      unit: 'count',
    });

    // The area network: read and built, then components, communities and rankings, each timed.
    const build: number[] = [];
    const components: number[] = [];
    const communities: number[] = [];
    const whole: number[] = [];
    let nodes = 0;
    let edges = 0;
    let componentCount = 0;
    let communityCount = 0;
    for (let i = 0; i < RUNS; i += 1) {
      let t0 = performance.now();
      const graph = await services.withTransaction((tx) => loadAreaGraph(tx, AREA));
      build.push(ms(t0));
      t0 = performance.now();
      componentCount = connectedComponents(graph).length;
      components.push(ms(t0));
      t0 = performance.now();
      communityCount =
        graph.size > 0 ? louvain.detailed(graph, { getEdgeWeight: 'links' }).count : graph.order;
      communities.push(ms(t0));
      t0 = performance.now();
      analyseAreaGraph(graph);
      whole.push(ms(t0));
      nodes = graph.order;
      edges = graph.size;
    }
    const t0 = performance.now();
    const run = await runAreaNetwork(services.withTransaction, systemClock, AREA, 'bench');
    const job = ms(t0);
    figures.push(
      { name: 'area network (Leeds): nodes', value: nodes, unit: 'count' },
      { name: 'area network (Leeds): connections', value: edges, unit: 'count' },
      { name: 'area network: read and build the graph (median)', value: median(build), unit: 'ms' },
      { name: 'area network: connected components (median)', value: median(components), unit: 'ms' },
      { name: 'area network: components found', value: componentCount, unit: 'count' },
      { name: 'area network: Louvain communities (median)', value: median(communities), unit: 'ms' },
      { name: 'area network: communities found', value: communityCount, unit: 'count' },
      {
        name: 'area network: components, communities, degree and betweenness (median)',
        value: median(whole),
        unit: 'ms',
      },
      { name: 'area network: the whole job, stored (one run)', value: job, unit: 'ms' },
      {
        name: 'area network: groups with estimated betweenness',
        value: run.result.betweenness.estimatedComponents,
        unit: 'count',
      },
    );

    // Around one child: the child with most links, and a typical one, that the force's MASH may see.
    const [user] = await services.withTransaction((tx) =>
      tx
        .select({ u: appUser, a: agency })
        .from(appUser)
        .innerJoin(agency, eq(agency.id, appUser.agencyId))
        .where(eq(appUser.email, 'police.mash@lantern.invalid')),
    );
    if (!user) throw new Error('the demo users must be in the dataset');
    const ctx = contextForUser(user.u, user.a, 'bench-networks', systemClock);
    const ranked = (
      await database.raw.query<{ id: string; n: number }>(
        `select l.child_id as id, count(*)::int as n from intel_link l
          where l.child_id is not null
            and exists (select 1 from child_access ca where ca.child_id = l.child_id and ca.agency_id = $1
                          and (ca.valid_to is null or ca.valid_to > now()))
          group by l.child_id order by count(*) desc, l.child_id`,
        [user.a.id],
      )
    ).rows;
    const busiest = ranked[0];
    const typical = ranked[Math.floor(ranked.length / 2)];
    for (const [label, child] of [
      ['the child with most links', busiest],
      ['a typical linked child', typical],
    ] as const) {
      if (!child) continue;
      await services.networks.aroundChild(ctx, child.id);
      const times: number[] = [];
      let shown = 0;
      for (let i = 0; i < RUNS * 2; i += 1) {
        const t1 = performance.now();
        const network = await services.networks.aroundChild(ctx, child.id);
        times.push(ms(t1));
        shown = network.nodes.length;
      }
      figures.push(
        { name: `two-step network around ${label}: links of the child`, value: child.n, unit: 'count' },
        { name: `two-step network around ${label}: nodes shown`, value: shown, unit: 'count' },
        { name: `two-step network around ${label} (median)`, value: median(times), unit: 'ms' },
      );
    }
  } finally {
    services.mailer.close();
    await database.close();
  }
  return figures;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const admin = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  const scales = process.argv.slice(2).length ? process.argv.slice(2) : ['force', 'national'];
  for (const scale of scales) {
    admin.pathname = `/lantern_bench_${scale}`;
    const figures = await benchNetworks(admin.toString());
    console.log(`\nNetworks, ${scale} scale`);
    for (const f of figures) console.log(`  ${f.name.padEnd(72)} ${String(f.value).padStart(10)} ${f.unit}`);
  }
}
