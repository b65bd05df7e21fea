import type { FastifyInstance } from 'fastify';
import { type Form, text } from '../../platform/http/forms';
import { recordRoute } from '../../platform/http/record-routes';
import { formatDateTime } from '../../platform/views/filters';
import { escapeHtml } from '../../platform/views/html';
import type { Services } from '../../services';
import type { AreaMember, Network, NetworkNode, NodeKind } from './networks.service';
import { linkTypeNames } from './schemas';
import type { LinkSource } from './tables';

/** At most this many links are listed under the graph, newest first. */
const LINKS_LISTED = 500;

const sourceNames: Record<LinkSource, string> = {
  episode: 'Episode',
  return_interview: 'Return interview',
  sighting: 'Sighting',
  notice: 'Concern notice',
  log: 'Intelligence log',
};

const sourceHref = (type: LinkSource, id: string): string | null =>
  type === 'episode'
    ? `/episodes/${id}`
    : type === 'return_interview'
      ? `/return-interviews/${id}`
      : type === 'sighting'
        ? `/sightings/${id}`
        : type === 'notice'
          ? `/notices/${id}`
          : null;

/**
 * How each kind is drawn: a shape as well as a colour, so that nothing depends on colour alone.
 * Colours from the GOV.UK palette.
 */
const looks: Record<NodeKind, { colour: string; sides: number; rotate: number; shapeName: string }> = {
  child: { colour: '#1d70b8', sides: 0, rotate: 0, shapeName: 'circle' },
  person: { colour: '#d4351c', sides: 4, rotate: 45, shapeName: 'square' },
  location: { colour: '#00703c', sides: 3, rotate: -90, shapeName: 'triangle' },
  vehicle: { colour: '#b58840', sides: 4, rotate: 0, shapeName: 'diamond' },
  phone: { colour: '#4c2c92', sides: 5, rotate: -90, shapeName: 'pentagon' },
  account: { colour: '#912b88', sides: 6, rotate: 0, shapeName: 'hexagon' },
};

const kindOrder: NodeKind[] = ['child', 'person', 'location', 'vehicle', 'phone', 'account'];
const kindNames: Record<NodeKind, string> = {
  child: 'Child',
  person: 'Person of concern',
  location: 'Place',
  vehicle: 'Vehicle',
  phone: 'Phone',
  account: 'Online account',
};

/** An SVG path for a node: a circle, or a regular polygon of the kind's number of sides. */
export function shapePath(kind: NodeKind, x: number, y: number, r: number): string {
  const look = looks[kind];
  const f = (v: number) => Math.round(v * 10) / 10;
  if (look.sides === 0) {
    return `M${f(x - r)} ${f(y)}a${r} ${r} 0 1 0 ${2 * r} 0a${r} ${r} 0 1 0 ${-2 * r} 0z`;
  }
  const points = Array.from({ length: look.sides }, (_, i) => {
    const a = ((look.rotate + (360 * i) / look.sides) * Math.PI) / 180;
    return `${f(x + r * Math.cos(a))} ${f(y + r * Math.sin(a))}`;
  });
  return `M${points.join('L')}z`;
}

const withArticle = (noun: string) => `${/^[aeiou]/.test(noun) ? 'an' : 'a'} ${noun}`;

const stepNames = ['The start', 'Linked to the start', 'Two steps away'] as const;

const nodeLink = (n: Pick<NetworkNode, 'href' | 'label'>) =>
  `<a class="govuk-link" href="${escapeHtml(n.href)}">${escapeHtml(n.label)}</a>`;

/** The view of a network: the drawing's shapes and lines, and the two tables that say the same. */
export function networkView(network: Network) {
  const byKey = new Map(network.nodes.map((n) => [n.key, n]));
  // Names on the drawing for the start and, when there are not too many, what is linked to it.
  const firstRing = network.nodes.filter((n) => n.step === 1).length;
  const labelled = (n: NetworkNode) => n.step === 0 || (n.step === 1 && firstRing <= 24);
  const radius = (n: NetworkNode) => (n.step === 0 ? 16 : n.mostConnected ? 12 : 9);
  const kindsPresent = kindOrder.filter((k) => network.nodes.some((n) => n.kind === k));
  const limit = Math.max(...network.nodes.map((n) => Math.hypot(n.x, n.y))) + 70;
  const truncate = (s: string) => (s.length > 28 ? `${s.slice(0, 27)}…` : s);
  return {
    start: network.start,
    cut: network.cut,
    maxNodes: network.maxNodes,
    counts: {
      nodes: network.nodes.length,
      links: network.links.length,
      children: network.nodes.filter((n) => n.kind === 'child').length,
    },
    svg: {
      viewBox: `${-limit} ${-limit} ${2 * limit} ${2 * limit}`,
      edges: network.edges.flatMap((e) => {
        const a = byKey.get(e.from);
        const b = byKey.get(e.to);
        if (!a || !b) return [];
        return [
          {
            from: e.from,
            to: e.to,
            x1: a.x,
            y1: a.y,
            x2: b.x,
            y2: b.y,
            width: Math.min(5, 1 + Math.log2(e.links)),
          },
        ];
      }),
      nodes: [...network.nodes].reverse().map((n) => ({
        key: n.key,
        href: n.href,
        path: shapePath(n.kind, n.x, n.y, radius(n)),
        colour: looks[n.kind].colour,
        ring: n.mostConnected,
        ringPath: n.mostConnected ? shapePath('child', n.x, n.y, radius(n) + 5) : null,
        start: n.step === 0,
        name: `${n.label}, ${n.kindName.toLowerCase()}, ${n.degree === 1 ? '1 connection' : `${n.degree} connections`}${n.mostConnected ? ', among the most connected' : ''}`,
        label: labelled(n) ? truncate(n.label) : null,
        labelX: n.x,
        labelY: n.y + radius(n) + 14,
      })),
    },
    legend: kindsPresent.map((k) => ({
      name: kindNames[k],
      shapeName: looks[k].shapeName,
      path: shapePath(k, 10, 10, 8),
      colour: looks[k].colour,
    })),
    nodeRows: network.nodes.map((n) => [
      { html: nodeLink(n) },
      { text: n.kindName },
      { text: stepNames[n.step] },
      {
        html: `${n.degree}${n.mostConnected ? ' <strong class="govuk-tag govuk-tag--yellow">Most connected</strong>' : ''}`,
        format: 'numeric',
      },
    ]),
    linkRows: network.links.slice(0, LINKS_LISTED).map((l) => {
      const from = byKey.get(l.from);
      const to = byKey.get(l.to);
      const href = sourceHref(l.link.sourceType, l.link.sourceId);
      const conditions = l.link.handlingConditions
        ? `<br><span class="govuk-hint govuk-!-font-size-16">Conditions: ${escapeHtml(l.link.handlingConditions)}</span>`
        : '';
      return [
        { html: from ? nodeLink(from) : '' },
        { text: linkTypeNames[l.link.type] },
        { html: to ? nodeLink(to) : '' },
        { text: formatDateTime(l.link.occurredAt) },
        { html: `${l.link.sourceGrade}${l.link.informationGrade}${l.link.handlingCode}${conditions}` },
        {
          html: href
            ? `<a class="govuk-link" href="${href}">${sourceNames[l.link.sourceType]}</a>`
            : escapeHtml(sourceNames[l.link.sourceType]),
        },
        { text: l.authorAgency },
      ];
    }),
    linksCut: network.links.length > LINKS_LISTED,
    linksListed: LINKS_LISTED,
  };
}

const memberRows = (members: AreaMember[]) =>
  members.map((m) => [
    { html: `<a class="govuk-link" href="${escapeHtml(m.href)}">${escapeHtml(m.label)}</a>` },
    { text: m.kindName },
    { text: String(m.degree), format: 'numeric' },
    { text: m.betweenness.toFixed(4), format: 'numeric' },
  ]);

const memberList = (members: AreaMember[]) =>
  members.length
    ? members
        .slice(0, 5)
        .map((m) => `<a class="govuk-link" href="${escapeHtml(m.href)}">${escapeHtml(m.label)}</a>`)
        .join(', ')
    : 'None you may see';

export function registerNetworkRoutes(web: FastifyInstance, services: Services): void {
  const { networks } = services;

  recordRoute(
    web,
    'GET',
    '/intelligence/network/child/:id',
    'intelligence:view',
    async (request, reply, id) => {
      const network = await networks.aroundChild(request.ctx, id);
      return reply.render('intelligence/views/network-graph.njk', {
        pageTitle: 'Network around a child',
        backLink: `/children/${id}`,
        ...networkView(network),
      });
    },
  );

  recordRoute(
    web,
    'GET',
    '/intelligence/network/entity/:id',
    'intelligence:view',
    async (request, reply, id) => {
      const network = await networks.aroundEntity(request.ctx, id);
      // A merged entity's network is its survivor's.
      if (network.start.id !== id)
        return reply.redirect(`/intelligence/network/entity/${network.start.id}`, 303);
      return reply.render('intelligence/views/network-graph.njk', {
        pageTitle: `Network around ${withArticle(network.start.kindName.toLowerCase())}`,
        backLink: `/intelligence/entities/${id}`,
        ...networkView(network),
      });
    },
  );

  web.get('/intelligence/networks', { config: { access: 'intelligence:view' } }, async (request, reply) => {
    const query = (request.query ?? {}) as Record<string, string | undefined>;
    const chosen = query.area && /^[EWSN]\d{8}$/.test(query.area) ? query.area : undefined;
    if (query.area && !chosen) return reply.callNotFound();
    const { areas, area, run } = await networks.latestRun(request.ctx, chosen);
    return reply.render('intelligence/views/network-area.njk', {
      pageTitle: 'Networks in your area',
      requested: query.requested === '1',
      areas: areas.map((a) => ({ value: a.code, text: a.name, selected: a.code === area?.code })),
      area,
      run: run
        ? {
            ...run,
            builtAt: formatDateTime(run.builtAt),
            seconds: (run.millis / 1000).toFixed(1),
            topRows: memberRows(run.top.slice(0, 20)),
            componentRows: run.components.map((c) => [
              { text: String(c.index), format: 'numeric' },
              { text: String(c.nodes), format: 'numeric' },
              { text: String(c.children), format: 'numeric' },
              { text: String(c.entities), format: 'numeric' },
              { html: memberList(c.top) },
            ]),
            communityRows: run.communities.map((c) => [
              { text: String(c.index), format: 'numeric' },
              { text: String(c.component ?? ''), format: 'numeric' },
              { text: String(c.nodes), format: 'numeric' },
              { html: memberList(c.top) },
            ]),
            sizeRows: run.componentSizes.map((s) => [
              { text: String(s.nodes), format: 'numeric' },
              { text: String(s.count), format: 'numeric' },
            ]),
            estimated: run.betweenness.estimatedComponents > 0,
          }
        : null,
    });
  });

  web.post('/intelligence/networks', { config: { access: 'intelligence:view' } }, async (request, reply) => {
    const area = text((request.body ?? {}) as Form, 'area') ?? '';
    if (!/^[EWSN]\d{8}$/.test(area)) return reply.callNotFound();
    await networks.requestRun(request.ctx, area);
    return reply.redirect(`/intelligence/networks?area=${area}&requested=1`, 303);
  });
}
