import { and, desc, eq, inArray, or, type SQL } from 'drizzle-orm';
import Graph from 'graphology';
import betweennessCentrality from 'graphology-metrics/centrality/betweenness';
import { childVisibleTo } from '../../platform/access/child-access';
import { requirePermission } from '../../platform/access/guard';
import { child } from '../../platform/access/tables';
import { findLocalAuthority, localAuthorities } from '../../platform/agencies/reference-data';
import { agency } from '../../platform/agencies/tables';
import { recordAudit } from '../../platform/audit/audit';
import type { Context } from '../../platform/context';
import type { Tx } from '../../platform/db/client';
import type { WithTransaction } from '../../platform/db/transaction';
import { NotFoundError } from '../../platform/http/errors';
import type { JobQueue } from '../../platform/jobs/jobs';
import { type Acting, currentEntity, type LinkRow, linkVisibleTo } from './intelligence.service';
import { type AreaNetworkResult, NETWORK_QUEUE, type RankedNode } from './network-job';
import { entityKindNames } from './schemas';
import { type EntityKind, intelEntity, intelLink, intelNetworkRun } from './tables';

/** At most this many nodes are drawn around a child or an entity; the page says when it cut. */
export const NETWORK_MAX_NODES = 300;
/** Links read for each step, most recent first: a busy hotel may have thousands. */
const LINKS_READ_PER_STEP = 3_000;
/** The nodes marked "most connected": a hint where to look, never a verdict. */
const MOST_CONNECTED = 5;

export type NodeKind = 'child' | EntityKind;

export interface NetworkNode {
  /** `c:` and a child's id, or `e:` and an entity's id. */
  key: string;
  id: string;
  kind: NodeKind;
  kindName: string;
  label: string;
  href: string;
  /** 0 the start, 1 linked to it, 2 linked to those. */
  step: 0 | 1 | 2;
  degree: number;
  /** Normalised betweenness within this network. */
  betweenness: number;
  mostConnected: boolean;
  x: number;
  y: number;
}

export interface NetworkLink {
  link: LinkRow;
  from: string;
  to: string;
  authorAgency: string;
}

export interface Network {
  start: NetworkNode;
  nodes: NetworkNode[];
  /** Every link between the nodes shown, newest first. */
  links: NetworkLink[];
  /** One per pair of nodes, with how many links join them: what the graph draws. */
  edges: { from: string; to: string; links: number }[];
  /** Whether some of the network was left out to keep it to `NETWORK_MAX_NODES`. */
  cut: boolean;
  maxNodes: number;
}

const childKey = (id: string) => `c:${id}`;
const entityKey = (id: string) => `e:${id}`;

/** The two ends of a link, as node keys. */
function endsOf(link: LinkRow): [string, string] {
  const from = link.childId ? childKey(link.childId) : entityKey(link.fromEntityId ?? '');
  return [from, entityKey(link.entityId)];
}

/**
 * Places nodes on rings by step: the start in the middle, what is linked to it around it, and each
 * node two steps away beside the nodes it is linked to (the mean of their angles), spread evenly
 * in that order on an outer ring, or two when there are many. Deterministic: the same network is
 * drawn the same way.
 */
export function radialLayout(
  nodes: { key: string; step: 0 | 1 | 2 }[],
  neighbours: (key: string) => string[],
): Map<string, { x: number; y: number }> {
  const at = new Map<string, { x: number; y: number }>();
  const angle = new Map<string, number>();
  const place = (key: string, radius: number, a: number) => {
    angle.set(key, a);
    at.set(key, {
      x: Math.round(radius * Math.cos(a) * 10) / 10,
      y: Math.round(radius * Math.sin(a) * 10) / 10,
    });
  };
  const first = nodes.filter((n) => n.step === 1);
  const second = nodes.filter((n) => n.step === 2);
  for (const n of nodes.filter((n) => n.step === 0)) place(n.key, 0, 0);
  const ring1 = first.length > 24 ? 170 : 130;
  first.forEach((n, i) => {
    place(n.key, ring1, -Math.PI / 2 + (2 * Math.PI * i) / Math.max(1, first.length));
  });
  const wanted = second.map((n) => {
    let sx = 0;
    let sy = 0;
    for (const m of neighbours(n.key)) {
      const a = angle.get(m);
      if (a === undefined) continue;
      sx += Math.cos(a);
      sy += Math.sin(a);
    }
    return { key: n.key, a: sx === 0 && sy === 0 ? 0 : Math.atan2(sy, sx) };
  });
  // Sorted from the top, clockwise, as the first ring is laid out.
  const fromTop = (a: number) => (a + Math.PI / 2 + 4 * Math.PI) % (2 * Math.PI);
  wanted.sort((p, q) => fromTop(p.a) - fromTop(q.a) || (p.key < q.key ? -1 : 1));
  const twoRings = wanted.length > 60;
  wanted.forEach((w, i) => {
    const radius = twoRings ? (i % 2 === 0 ? 300 : 360) : 320;
    place(w.key, radius, -Math.PI / 2 + (2 * Math.PI * i) / Math.max(1, wanted.length));
  });
  return at;
}

/** An area the user may analyse: their authority, or each authority their force covers. */
export interface Area {
  code: string;
  name: string;
}

/** A member of a stored area network, as the page may show it. */
export interface AreaMember extends RankedNode {
  label: string;
  kindName: string;
  href: string;
}

/**
 * Networks: the two-step network around a child or an entity, and the stored analyses of an area's
 * network. Everything needs `intelligence:view`; a child appears only to those who may see the
 * child, and only links the user may see are followed.
 */
export class NetworksService {
  constructor(
    private readonly withTransaction: WithTransaction,
    private readonly jobs: JobQueue,
  ) {}

  // ---- Around a child or an entity -------------------------------------------------------------

  /** The network two steps around a child the user may see. */
  async aroundChild(ctx: Context, childId: string): Promise<Network> {
    requirePermission(ctx, 'intelligence:view');
    return this.withTransaction(async (tx) => {
      const [visible] = await tx
        .select({ id: child.id })
        .from(child)
        .where(and(eq(child.id, childId), childVisibleTo(ctx, child.id)));
      if (!visible) throw new NotFoundError();
      const network = await this.around(tx, ctx, childKey(childId));
      await recordAudit(tx, ctx, {
        action: 'intelligence.network-view',
        subjectType: 'child',
        subjectId: childId,
        childId,
      });
      await this.auditChildrenShown(tx, ctx, network.nodes, childId);
      return network;
    });
  }

  /** The network two steps around an entity; around the one it was merged into, if it was. */
  async aroundEntity(ctx: Context, entityId: string): Promise<Network> {
    requirePermission(ctx, 'intelligence:view');
    return this.withTransaction(async (tx) => {
      const entity = await currentEntity(tx, entityId);
      if (!entity) throw new NotFoundError();
      const network = await this.around(tx, ctx, entityKey(entity.id));
      await recordAudit(tx, ctx, {
        action: 'intelligence.network-view',
        subjectType: 'intel_entity',
        subjectId: entity.id,
      });
      await this.auditChildrenShown(tx, ctx, network.nodes, null);
      return network;
    });
  }

  /** Each child shown besides the start is a read of that child's intelligence. */
  private async auditChildrenShown(tx: Tx, ctx: Acting, nodes: NetworkNode[], startChild: string | null) {
    for (const n of nodes) {
      if (n.kind !== 'child' || n.id === startChild) continue;
      await recordAudit(tx, ctx, {
        action: 'intelligence.network-child-shown',
        subjectType: 'child',
        subjectId: n.id,
        childId: n.id,
      });
    }
  }

  /** Links the user may see touching any of these children or entities, newest first. */
  private async linksTouching(tx: Tx, ctx: Acting, children: string[], entities: string[]) {
    const touching: SQL[] = [];
    if (children.length) touching.push(inArray(intelLink.childId, children));
    if (entities.length) {
      touching.push(inArray(intelLink.entityId, entities), inArray(intelLink.fromEntityId, entities));
    }
    if (touching.length === 0) return { rows: [], full: false };
    const rows = await tx
      .select({ link: intelLink, authorAgency: agency.name })
      .from(intelLink)
      .innerJoin(agency, eq(agency.id, intelLink.authorAgencyId))
      .where(and(or(...touching), linkVisibleTo(ctx)))
      .orderBy(desc(intelLink.occurredAt), desc(intelLink.id))
      .limit(LINKS_READ_PER_STEP);
    return { rows, full: rows.length === LINKS_READ_PER_STEP };
  }

  private async around(tx: Tx, ctx: Acting, start: string): Promise<Network> {
    const idOf = (key: string) => key.slice(2);
    const split = (keys: Iterable<string>) => {
      const children: string[] = [];
      const entities: string[] = [];
      for (const k of keys) (k.startsWith('c:') ? children : entities).push(idOf(k));
      return { children, entities };
    };
    const step = new Map<string, 0 | 1 | 2>([[start, 0]]);
    const links = new Map<string, NetworkLink>();
    let cut = false;

    // Step one: what is linked to the start, most recently linked first.
    const first = split([start]);
    const one = await this.linksTouching(tx, ctx, first.children, first.entities);
    cut ||= one.full;
    for (const r of one.rows) {
      const [a, b] = endsOf(r.link);
      const other = a === start ? b : a;
      if (!step.has(other)) {
        if (step.size >= NETWORK_MAX_NODES) {
          cut = true;
          continue;
        }
        step.set(other, 1);
      }
      links.set(r.link.id, { link: r.link, from: a, to: b, authorAgency: r.authorAgency });
    }

    // Step two: what is linked to those, the best connected to them first.
    const firstRing = [...step].filter(([, s]) => s === 1).map(([k]) => k);
    const ring = split(firstRing);
    const two = await this.linksTouching(tx, ctx, ring.children, ring.entities);
    cut ||= two.full;
    const candidates = new Map<string, number>();
    for (const r of two.rows) {
      for (const end of endsOf(r.link)) {
        if (!step.has(end)) candidates.set(end, (candidates.get(end) ?? 0) + 1);
      }
    }
    const ranked = [...candidates].sort((p, q) => q[1] - p[1]);
    for (const [key] of ranked) {
      if (step.size >= NETWORK_MAX_NODES) {
        cut = true;
        break;
      }
      step.set(key, 2);
    }
    for (const r of two.rows) {
      const [a, b] = endsOf(r.link);
      if (step.has(a) && step.has(b)) {
        links.set(r.link.id, { link: r.link, from: a, to: b, authorAgency: r.authorAgency });
      }
    }

    // Names: entities as recorded, children only those the user may see (the links followed are
    // already only those, so this is a second lock on the same door).
    const keys = split(step.keys());
    const entityRows = keys.entities.length
      ? await tx
          .select({ id: intelEntity.id, kind: intelEntity.kind, label: intelEntity.label })
          .from(intelEntity)
          .where(inArray(intelEntity.id, keys.entities))
      : [];
    const childRows = keys.children.length
      ? await tx
          .select({ id: child.id, givenName: child.givenName, familyName: child.familyName })
          .from(child)
          .where(and(inArray(child.id, keys.children), childVisibleTo(ctx, child.id)))
      : [];
    const described = new Map<string, { kind: NodeKind; label: string; href: string }>();
    for (const e of entityRows) {
      described.set(entityKey(e.id), {
        kind: e.kind,
        label: e.label,
        href: `/intelligence/entities/${e.id}`,
      });
    }
    for (const c of childRows) {
      described.set(childKey(c.id), {
        kind: 'child',
        label: `${c.givenName} ${c.familyName}`,
        href: `/children/${c.id}`,
      });
    }

    // Keep only what can be reached from the start within two steps over what is shown: nothing
    // reached only through a child the user may not see.
    const adjacency = new Map<string, Set<string>>();
    for (const l of links.values()) {
      if (!described.has(l.from) || !described.has(l.to)) continue;
      for (const [p, q] of [
        [l.from, l.to],
        [l.to, l.from],
      ] as const) {
        const set = adjacency.get(p) ?? new Set<string>();
        set.add(q);
        adjacency.set(p, set);
      }
    }
    const reached = new Map<string, 0 | 1 | 2>([[start, 0]]);
    let frontier = [start];
    for (const depth of [1, 2] as const) {
      const next: string[] = [];
      for (const k of frontier) {
        for (const m of adjacency.get(k) ?? []) {
          if (!reached.has(m)) {
            reached.set(m, depth);
            next.push(m);
          }
        }
      }
      frontier = next;
    }

    const graph = new Graph({ type: 'undirected', multi: false, allowSelfLoops: false });
    for (const k of reached.keys()) graph.addNode(k);
    const shownLinks = [...links.values()].filter((l) => reached.has(l.from) && reached.has(l.to));
    for (const l of shownLinks) {
      graph.updateEdge(l.from, l.to, (attributes) => ({
        links: ((attributes.links as number | undefined) ?? 0) + 1,
      }));
    }
    const betweenness = graph.size > 0 ? betweennessCentrality(graph, { getEdgeWeight: null }) : {};
    const layout = radialLayout(
      [...reached].map(([key, s]) => ({ key, step: s })),
      (key) => graph.neighbors(key),
    );
    const nodes: NetworkNode[] = [...reached].map(([key, s]) => {
      const d = described.get(key);
      const kind = d?.kind ?? 'child';
      const position = layout.get(key) ?? { x: 0, y: 0 };
      return {
        key,
        id: idOf(key),
        kind,
        kindName: kind === 'child' ? 'Child' : entityKindNames[kind],
        label: d?.label ?? '',
        href: d?.href ?? '',
        step: s,
        degree: graph.degree(key),
        betweenness: Math.round((betweenness[key] ?? 0) * 1e4) / 1e4,
        mostConnected: false,
        ...position,
      };
    });
    const byConnection = nodes
      .filter((n) => n.step !== 0 && n.degree >= 2)
      .sort((p, q) => q.degree - p.degree || q.betweenness - p.betweenness || p.label.localeCompare(q.label));
    for (const n of byConnection.slice(0, MOST_CONNECTED)) n.mostConnected = true;
    nodes.sort((p, q) => p.step - q.step || q.degree - p.degree || p.label.localeCompare(q.label));
    const startNode = nodes.find((n) => n.key === start);
    if (!startNode) throw new NotFoundError();
    return {
      start: startNode,
      nodes,
      links: shownLinks,
      edges: graph.mapEdges((_e, attributes, source, target) => ({
        from: source,
        to: target,
        links: attributes.links as number,
      })),
      cut,
      maxNodes: NETWORK_MAX_NODES,
    };
  }

  // ---- Area networks ---------------------------------------------------------------------------

  /** The areas whose networks the user may see: their authority's, or those of every authority their force covers. */
  areasOf(ctx: Context): Area[] {
    requirePermission(ctx, 'intelligence:view');
    const { localAuthorityCode, policeForceCode } = ctx.actor;
    const codes = localAuthorityCode
      ? [localAuthorityCode]
      : policeForceCode
        ? localAuthorities.filter((a) => a.policeForceCode === policeForceCode).map((a) => a.code)
        : [];
    return codes
      .map((code) => ({ code, name: findLocalAuthority(code)?.name ?? code }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  private area(ctx: Context, code: string | undefined): Area | null {
    const areas = this.areasOf(ctx);
    if (code === undefined) return areas[0] ?? null;
    const area = areas.find((a) => a.code === code);
    if (!area) throw new NotFoundError();
    return area;
  }

  /**
   * The latest stored analysis of an area's network, with names for what it lists: every entity,
   * and a child only when the user may see the child (others are left out of the lists).
   * Without a chosen area, the user's own, or the one of their force's analysed most recently.
   */
  async latestRun(ctx: Context, areaCode?: string) {
    requirePermission(ctx, 'intelligence:view');
    const areas = this.areasOf(ctx);
    return this.withTransaction(async (tx) => {
      let area = this.area(ctx, areaCode);
      if (areaCode === undefined && areas.length > 1) {
        const [latest] = await tx
          .select({ code: intelNetworkRun.areaAuthorityCode })
          .from(intelNetworkRun)
          .where(
            inArray(
              intelNetworkRun.areaAuthorityCode,
              areas.map((a) => a.code),
            ),
          )
          .orderBy(desc(intelNetworkRun.builtAt))
          .limit(1);
        area = areas.find((a) => a.code === latest?.code) ?? area;
      }
      if (!area) return { areas, area: null, run: null };
      const [run] = await tx
        .select()
        .from(intelNetworkRun)
        .where(eq(intelNetworkRun.areaAuthorityCode, area.code))
        .orderBy(desc(intelNetworkRun.builtAt))
        .limit(1);
      if (!run) return { areas, area, run: null };
      const result = run.result as AreaNetworkResult;
      const listed = [
        ...result.top,
        ...result.components.flatMap((c) => c.top),
        ...result.communities.flatMap((c) => c.top),
      ];
      const entityIds = [
        ...new Set(listed.filter((m) => m.node.startsWith('e:')).map((m) => m.node.slice(2))),
      ];
      const childIds = [
        ...new Set(listed.filter((m) => m.node.startsWith('c:')).map((m) => m.node.slice(2))),
      ];
      const entities = entityIds.length
        ? await tx
            .select({ id: intelEntity.id, kind: intelEntity.kind, label: intelEntity.label })
            .from(intelEntity)
            .where(inArray(intelEntity.id, entityIds))
        : [];
      const children = childIds.length
        ? await tx
            .select({ id: child.id, givenName: child.givenName, familyName: child.familyName })
            .from(child)
            .where(and(inArray(child.id, childIds), childVisibleTo(ctx, child.id)))
        : [];
      const names = new Map<string, { label: string; kindName: string; href: string }>();
      for (const e of entities) {
        names.set(entityKey(e.id), {
          label: e.label,
          kindName: entityKindNames[e.kind],
          href: `/intelligence/entities/${e.id}`,
        });
      }
      for (const c of children) {
        names.set(childKey(c.id), {
          label: `${c.givenName} ${c.familyName}`,
          kindName: 'Child',
          href: `/children/${c.id}`,
        });
      }
      const named = (members: RankedNode[]): AreaMember[] =>
        members.flatMap((m) => {
          const n = names.get(m.node);
          return n ? [{ ...m, ...n }] : [];
        });
      await recordAudit(tx, ctx, {
        action: 'intelligence.network-run-view',
        subjectType: 'intel_network_run',
        subjectId: run.id,
      });
      for (const c of children) {
        await recordAudit(tx, ctx, {
          action: 'intelligence.network-child-shown',
          subjectType: 'child',
          subjectId: c.id,
          childId: c.id,
        });
      }
      return {
        areas,
        area,
        run: {
          id: run.id,
          builtAt: run.builtAt,
          nodes: run.nodes,
          edges: run.edges,
          millis: run.millis,
          componentCount: result.componentCount,
          componentSizes: result.componentSizes,
          communityCount: result.communityCount,
          modularity: result.modularity,
          betweenness: result.betweenness,
          top: named(result.top),
          components: result.components.map((c) => ({ ...c, top: named(c.top) })),
          communities: result.communities.map((c) => ({ ...c, top: named(c.top) })),
        },
      };
    });
  }

  /** Queues an analysis of an area's network now, rather than waiting for the night's. */
  async requestRun(ctx: Context, areaCode: string): Promise<void> {
    requirePermission(ctx, 'intelligence:view');
    const area = this.area(ctx, areaCode);
    if (!area) throw new NotFoundError();
    await this.withTransaction(async (tx) => {
      await this.jobs.enqueue(
        tx,
        NETWORK_QUEUE,
        { area: area.code },
        { singletonKey: `network-${area.code}` },
      );
      await recordAudit(tx, ctx, {
        action: 'intelligence.network-run-request',
        subjectType: 'local_authority',
        subjectId: area.code,
      });
    });
  }
}
