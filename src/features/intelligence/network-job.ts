import { and, asc, eq, inArray, isNotNull, isNull, or, sql } from 'drizzle-orm';
import Graph from 'graphology';
import louvain from 'graphology-communities-louvain';
import { connectedComponents } from 'graphology-components';
import betweennessCentrality from 'graphology-metrics/centrality/betweenness';
import { localAuthorities } from '../../platform/agencies/reference-data';
import { recordAudit } from '../../platform/audit/audit';
import { type Clock, systemContext } from '../../platform/context';
import type { Tx } from '../../platform/db/client';
import type { WithTransaction } from '../../platform/db/transaction';
import type { JobQueue } from '../../platform/jobs/jobs';
import { intelLink, intelNetworkRun } from './tables';

/** The queue of area network analyses: `{ area }` analyses one authority; `{}` queues every one. */
export const NETWORK_QUEUE = 'intelligence.network';

/**
 * Betweenness costs a breadth-first search from every node. Components up to this many nodes get
 * the exact figure; larger ones an estimate from `BETWEENNESS_SAMPLES` sources drawn at random
 * (Brandes' algorithm on a sample, scaled up), which ranks the busiest nodes much as the exact
 * figure would at a fraction of the cost.
 */
export const EXACT_BETWEENNESS_UP_TO = 3_000;
export const BETWEENNESS_SAMPLES = 100;

const LISTED_COMPONENTS = 20;
const LISTED_COMMUNITIES = 20;
const LISTED_TOP = 40;
const MEMBERS_LISTED = 10;
/** Ids per statement when reading an area's links. */
const CHUNK = 2_000;

/** A node of an area network: `c:` and a child's id, or `e:` and an entity's id. */
export type NodeKey = `c:${string}` | `e:${string}`;

export interface RankedNode {
  node: NodeKey;
  degree: number;
  /** Normalised over the whole area network; an estimate in components past the exact limit. */
  betweenness: number;
  component: number;
  community: number;
}

export interface GroupSummary {
  /** 1 for the largest. */
  index: number;
  nodes: number;
  children: number;
  entities: number;
  /** The component a community lies in (a community never spans two). */
  component?: number;
  betweenness?: 'exact' | 'estimated' | 'none';
  top: RankedNode[];
}

/** What an area run stores: ids and scores only, never names. */
export interface AreaNetworkResult {
  components: GroupSummary[];
  componentCount: number;
  /** How many components there are of each size, smallest first. */
  componentSizes: { nodes: number; count: number }[];
  communities: GroupSummary[];
  communityCount: number;
  modularity: number | null;
  top: RankedNode[];
  betweenness: { exactUpTo: number; samples: number; estimatedComponents: number };
  timings: { loadMs: number; componentsMs: number; communitiesMs: number; rankingMs: number };
}

/**
 * The children of an area: those whose responsible authority it is; those with none (not looked
 * after) whom the area's children's services recorded; and those placed in the area now (a
 * placement it hosts with no end), since exploitation often happens where a child is placed.
 */
const areaChildren = (areaCode: string) => sql`
  select c.id from child c where c.responsible_authority_code = ${areaCode}
  union
  select c.id from child c join agency a on a.id = c.created_by_agency_id
   where c.responsible_authority_code is null and a.type = 'local_authority' and a.local_authority_code = ${areaCode}
  union
  select p.child_id from placement p where p.host_authority_code = ${areaCode} and p.end_date is null`;

/**
 * The network of an area, as a graph: its children's links, and the links between the entities
 * they reach and other entities (a person's phone or car). Only links with handling code P go in:
 * the result is shown across agencies, and C-coded intelligence stays with the agency that holds
 * it. Links entered in error are left out. Edges carry how many links join the two ends.
 */
export async function loadAreaGraph(tx: Tx, areaCode: string): Promise<Graph> {
  // The children first, then their links by id: the planner then reads the links through their
  // index rather than scanning every link in the country.
  const children = (
    (await tx.execute(sql`select id from (${areaChildren(areaCode)}) ac order by id`)) as unknown as {
      rows: { id: string }[];
    }
  ).rows.map((r) => r.id);
  const graph = new Graph({ type: 'undirected', multi: false, allowSelfLoops: false });
  const seen = new Set<string>();
  const add = (id: string, a: string, b: string) => {
    if (a === b || seen.has(id)) return;
    seen.add(id);
    graph.mergeNode(a);
    graph.mergeNode(b);
    graph.updateEdge(a, b, (attributes) => ({ links: ((attributes.links as number | undefined) ?? 0) + 1 }));
  };
  const shareable = and(isNull(intelLink.enteredInErrorAt), eq(intelLink.handlingCode, 'P'));
  const reached = new Set<string>();
  for (let i = 0; i < children.length; i += CHUNK) {
    const rows = await tx
      .select({ id: intelLink.id, childId: intelLink.childId, entityId: intelLink.entityId })
      .from(intelLink)
      .where(and(inArray(intelLink.childId, children.slice(i, i + CHUNK)), shareable))
      .orderBy(asc(intelLink.childId), asc(intelLink.entityId), asc(intelLink.id));
    for (const r of rows) {
      add(r.id, `c:${r.childId}`, `e:${r.entityId}`);
      reached.add(r.entityId);
    }
  }
  const entities = [...reached].sort();
  for (let i = 0; i < entities.length; i += CHUNK) {
    const chunk = entities.slice(i, i + CHUNK);
    const rows = await tx
      .select({ id: intelLink.id, from: intelLink.fromEntityId, entityId: intelLink.entityId })
      .from(intelLink)
      .where(
        and(
          isNotNull(intelLink.fromEntityId),
          or(inArray(intelLink.fromEntityId, chunk), inArray(intelLink.entityId, chunk)),
          shareable,
        ),
      )
      .orderBy(asc(intelLink.fromEntityId), asc(intelLink.entityId), asc(intelLink.id));
    for (const r of rows) add(r.id, `e:${r.from}`, `e:${r.entityId}`);
  }
  return graph;
}

/** Mulberry32: the analysis is the same for the same network. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function subgraph(graph: Graph, nodes: string[]): Graph {
  const sub = new Graph({ type: 'undirected', multi: false, allowSelfLoops: false });
  for (const n of nodes) sub.addNode(n);
  for (const n of nodes) {
    graph.forEachNeighbor(n, (m) => {
      if (n < m) sub.addEdge(n, m);
    });
  }
  return sub;
}

/**
 * Brandes' betweenness from `samples` sources drawn at random, scaled by n / samples: the sum of
 * pair dependencies as the exact algorithm counts it (each pair twice), estimated.
 */
function sampledBetweenness(graph: Graph, nodes: string[], samples: number, random: () => number) {
  const n = nodes.length;
  const index = new Map(nodes.map((k, i) => [k, i]));
  const adjacency = nodes.map((k) => graph.neighbors(k).map((m) => index.get(m) ?? -1));
  const total = new Float64Array(n);
  const sigma = new Float64Array(n);
  const delta = new Float64Array(n);
  const distance = new Int32Array(n);
  const order = new Int32Array(n);
  const predecessors: number[][] = Array.from({ length: n }, () => []);
  const pool = Array.from({ length: n }, (_, i) => i);
  const k = Math.min(samples, n);
  for (let s = 0; s < k; s += 1) {
    // A partial Fisher–Yates shuffle draws the sources without repeats.
    const j = s + Math.floor(random() * (n - s));
    const source = pool[j] as number;
    pool[j] = pool[s] as number;
    pool[s] = source;
    sigma.fill(0);
    delta.fill(0);
    distance.fill(-1);
    for (const p of predecessors) p.length = 0;
    sigma[source] = 1;
    distance[source] = 0;
    let head = 0;
    let tail = 0;
    order[tail++] = source;
    while (head < tail) {
      const v = order[head++] as number;
      for (const w of adjacency[v] as number[]) {
        if (w < 0) continue;
        if (distance[w] === -1) {
          distance[w] = (distance[v] as number) + 1;
          order[tail++] = w;
        }
        if (distance[w] === (distance[v] as number) + 1) {
          sigma[w] = (sigma[w] as number) + (sigma[v] as number);
          (predecessors[w] as number[]).push(v);
        }
      }
    }
    for (let i = tail - 1; i >= 0; i -= 1) {
      const w = order[i] as number;
      for (const v of predecessors[w] as number[]) {
        delta[v] =
          (delta[v] as number) + ((sigma[v] as number) / (sigma[w] as number)) * (1 + (delta[w] as number));
      }
      if (w !== source) total[w] = (total[w] as number) + (delta[w] as number);
    }
  }
  const scale = n / k;
  return new Map(nodes.map((key, i) => [key, (total[i] as number) * scale]));
}

const isChild = (key: string) => key.startsWith('c:');
const byRank = (a: RankedNode, b: RankedNode) =>
  b.degree - a.degree || b.betweenness - a.betweenness || (a.node < b.node ? -1 : 1);

/**
 * Components (graphology-components), communities (Louvain, seeded so a network gives the same
 * communities each time), and each node's degree and betweenness: a hint of who or what is most
 * connected, never a verdict.
 */
export function analyseAreaGraph(graph: Graph, loadMs = 0): AreaNetworkResult {
  const order = graph.order;
  let started = performance.now();
  const components = connectedComponents(graph).sort((a, b) => b.length - a.length);
  const componentOf = new Map<string, number>();
  components.forEach((nodes, i) => {
    for (const n of nodes) componentOf.set(n, i + 1);
  });
  const componentsMs = performance.now() - started;

  started = performance.now();
  let communityOf: Record<string, number> = {};
  let modularity: number | null = null;
  let communityCount = order;
  if (graph.size > 0) {
    const detailed = louvain.detailed(graph, { getEdgeWeight: 'links', rng: prng(20_260_601) });
    communityOf = detailed.communities;
    modularity = detailed.modularity;
    communityCount = detailed.count;
  } else {
    graph.forEachNode((n, _attributes) => {
      communityOf[n] = Object.keys(communityOf).length;
    });
  }
  const communitiesMs = performance.now() - started;

  started = performance.now();
  // Raw betweenness counts each pair twice; normalised over the whole network, as if computed on
  // it, so figures from different components compare.
  const normalise = order > 2 ? 1 / ((order - 1) * (order - 2)) : 0;
  const betweenness = new Map<string, number>();
  let estimatedComponents = 0;
  const random = prng(20_260_602);
  const componentMethod = new Map<number, 'exact' | 'estimated' | 'none'>();
  components.forEach((nodes, i) => {
    if (nodes.length < 3) {
      componentMethod.set(i + 1, 'none');
      return;
    }
    if (nodes.length <= EXACT_BETWEENNESS_UP_TO) {
      const exact = betweennessCentrality(subgraph(graph, nodes), { getEdgeWeight: null, normalized: false });
      // Unnormalised undirected figures are halved; double them back to the pair count.
      for (const [n, v] of Object.entries(exact)) betweenness.set(n, v * 2 * normalise);
      componentMethod.set(i + 1, 'exact');
    } else {
      for (const [n, v] of sampledBetweenness(graph, nodes, BETWEENNESS_SAMPLES, random))
        betweenness.set(n, v * normalise);
      componentMethod.set(i + 1, 'estimated');
      estimatedComponents += 1;
    }
  });
  const ranked: RankedNode[] = [];
  graph.forEachNode((n) => {
    ranked.push({
      node: n as NodeKey,
      degree: graph.degree(n),
      betweenness: Math.round((betweenness.get(n) ?? 0) * 1e6) / 1e6,
      component: componentOf.get(n) ?? 0,
      community: communityOf[n] ?? 0,
    });
  });
  ranked.sort(byRank);
  const rankingMs = performance.now() - started;

  const summarise = (members: RankedNode[], index: number): GroupSummary => {
    const children = members.filter((m) => isChild(m.node)).length;
    return {
      index,
      nodes: members.length,
      children,
      entities: members.length - children,
      top: members.slice(0, MEMBERS_LISTED),
    };
  };
  // `ranked` is in rank order, so each group's members come out in rank order too.
  const byComponent = new Map<number, RankedNode[]>();
  const byCommunity = new Map<number, RankedNode[]>();
  for (const r of ranked) {
    if (r.component <= LISTED_COMPONENTS)
      byComponent.set(r.component, [...(byComponent.get(r.component) ?? []), r]);
    const list = byCommunity.get(r.community);
    if (list) list.push(r);
    else byCommunity.set(r.community, [r]);
  }
  const listedComponents = components.slice(0, LISTED_COMPONENTS).map((_, i) => ({
    ...summarise(byComponent.get(i + 1) ?? [], i + 1),
    betweenness: componentMethod.get(i + 1) ?? 'none',
  }));
  const communities = [...byCommunity.values()]
    .sort((a, b) => b.length - a.length || byRank(a[0] as RankedNode, b[0] as RankedNode))
    .slice(0, LISTED_COMMUNITIES)
    .map((members, i) => ({ ...summarise(members, i + 1), component: members[0]?.component ?? 0 }));
  const sizes = new Map<number, number>();
  for (const c of components) sizes.set(c.length, (sizes.get(c.length) ?? 0) + 1);

  return {
    components: listedComponents,
    componentCount: components.length,
    componentSizes: [...sizes].sort((a, b) => a[0] - b[0]).map(([nodes, count]) => ({ nodes, count })),
    communities,
    communityCount,
    modularity: modularity === null ? null : Math.round(modularity * 1e4) / 1e4,
    top: ranked.slice(0, LISTED_TOP),
    betweenness: { exactUpTo: EXACT_BETWEENNESS_UP_TO, samples: BETWEENNESS_SAMPLES, estimatedComponents },
    timings: {
      loadMs: Math.round(loadMs),
      componentsMs: Math.round(componentsMs),
      communitiesMs: Math.round(communitiesMs),
      rankingMs: Math.round(rankingMs),
    },
  };
}

/**
 * Builds, analyses and stores the network of one area. The graph is read in one transaction,
 * analysed outside any, and the result stored in another: one area at a time, so no process ever
 * holds the national graph.
 */
export async function runAreaNetwork(
  withTransaction: WithTransaction,
  clock: Clock,
  areaCode: string,
  requestId = 'network-job',
): Promise<{ runId: string; result: AreaNetworkResult; nodes: number; edges: number }> {
  const started = performance.now();
  const graph = await withTransaction((tx) => loadAreaGraph(tx, areaCode));
  const result = analyseAreaGraph(graph, performance.now() - started);
  const millis = Math.round(performance.now() - started);
  const runId = await withTransaction(async (tx) => {
    const [row] = await tx
      .insert(intelNetworkRun)
      .values({
        areaAuthorityCode: areaCode,
        builtAt: clock.now(),
        nodes: graph.order,
        edges: graph.size,
        result,
        millis,
      })
      .returning({ id: intelNetworkRun.id });
    if (!row) throw new Error('network run insert returned nothing');
    await recordAudit(tx, systemContext(clock, requestId), {
      action: 'intelligence.network-run',
      subjectType: 'intel_network_run',
      subjectId: row.id,
    });
    return row.id;
  });
  return { runId, result, nodes: graph.order, edges: graph.size };
}

/** The areas the nightly run covers: every authority with a children's services agency in the hub, or policed by a force in it. */
async function areasServed(tx: Tx): Promise<string[]> {
  const result = await tx.execute(sql`
    select distinct local_authority_code as code from agency
     where type = 'local_authority' and local_authority_code is not null
    union
    select distinct la.code from agency a join local_authority la on la.police_force_code = a.police_force_code
     where a.type = 'police_force'
    order by 1`);
  const known = new Set(localAuthorities.map((a) => a.code));
  return (result as unknown as { rows: { code: string }[] }).rows
    .map((r) => r.code)
    .filter((c) => known.has(c));
}

interface NetworkWorkerServices {
  jobs: JobQueue;
  withTransaction: WithTransaction;
  clock: Clock;
}

/**
 * The worker: a job with an area analyses it; the nightly job (no area) queues one job per area,
 * so the areas are shared out between processes and each is analysed on its own.
 */
export async function startNetworkWorker(services: NetworkWorkerServices, pollingIntervalSeconds = 2) {
  await services.jobs.work(
    NETWORK_QUEUE,
    async (data, job) => {
      const area = typeof data.area === 'string' ? data.area : null;
      if (area) {
        await runAreaNetwork(services.withTransaction, services.clock, area, `job-${job.id}`);
        return;
      }
      await services.withTransaction(async (tx) => {
        const areas = await areasServed(tx);
        await services.jobs.enqueueMany(
          tx,
          NETWORK_QUEUE,
          areas.map((code) => ({ data: { area: code }, singletonKey: `network-${code}` })),
        );
      });
    },
    pollingIntervalSeconds,
  );
  // Nightly, when the hub is quiet.
  await services.jobs.schedule(NETWORK_QUEUE, '30 2 * * *');
}
