import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { cellToBoundary } from 'h3-js';
import { hasPermission } from '../../platform/access/guard';
import { calendarDate, type Form, formErrors } from '../../platform/http/forms';
import { formatDateTime } from '../../platform/views/filters';
import { escapeHtml } from '../../platform/views/html';
import type { Services } from '../../services';
import {
  DAY_HOURS,
  type Hexagon,
  type HotspotFilter,
  type HotspotKind,
  hotspotKindNames,
  hotspotKinds,
  hoursBetween,
  NIGHT_HOURS,
  requireHotspotAccess,
  SUPPRESS_BELOW,
} from './hotspots.service';

const weekdayNames = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const sizeNames: Record<string, string> = {
  '7': 'Large (about 5 square kilometres)',
  '8': 'Medium (about 0.7 square kilometres)',
  '9': 'Small (about 0.1 square kilometres, a few streets)',
};
const timeNames: Record<string, string> = {
  any: 'Any time',
  night: 'Night (10pm to 6am)',
  day: 'Day (6am to 10pm)',
  between: 'Between the hours below',
};

/** The filters as the form gives them, read from the query string. */
interface FilterForm {
  values: Form;
  filter: HotspotFilter;
  errors: { field: string; message: string }[];
  /** The query string that repeats these filters, for links. */
  query: string;
}

const many = (form: Form, key: string): string[] => {
  const v = form[key];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
};

export function readFilters(query: Form): FilterForm {
  const errors: { field: string; message: string }[] = [];
  const filter: HotspotFilter = {};
  const size = typeof query.size === 'string' ? query.size : '8';
  filter.resolution = size === '7' ? 7 : size === '9' ? 9 : 8;
  const kinds = many(query, 'what').filter((k): k is HotspotKind =>
    (hotspotKinds as readonly string[]).includes(k),
  );
  if (kinds.length) filter.kinds = kinds;
  const from = calendarDate(query, 'from', 'the first date');
  const to = calendarDate(query, 'to', 'the last date');
  if (from.error) errors.push({ field: 'from-day', message: from.error });
  if (to.error) errors.push({ field: 'to-day', message: to.error });
  if (from.date) filter.from = from.date;
  if (to.date) filter.to = to.date;
  if (from.date && to.date && from.date > to.date) {
    errors.push({ field: 'to-day', message: 'The last date must be the same as or after the first date' });
  }
  const time = typeof query.time === 'string' && query.time in timeNames ? query.time : 'any';
  if (time === 'night') filter.hours = NIGHT_HOURS;
  if (time === 'day') filter.hours = DAY_HOURS;
  if (time === 'between') {
    const hour = (key: string) => {
      const v = typeof query[key] === 'string' ? (query[key] as string).trim() : '';
      return /^\d{1,2}$/.test(v) && Number(v) <= 23 ? Number(v) : null;
    };
    const a = hour('fromHour');
    const b = hour('toHour');
    if (a === null)
      errors.push({ field: 'fromHour', message: 'Enter the first hour as a number from 0 to 23' });
    if (b === null) errors.push({ field: 'toHour', message: 'Enter the last hour as a number from 0 to 23' });
    if (a !== null && b !== null) filter.hours = hoursBetween(a, b);
  }
  const days = many(query, 'day')
    .map(Number)
    .filter((d) => Number.isInteger(d) && d >= 1 && d <= 7);
  if (days.length) filter.weekdays = days;

  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    for (const one of ([] as string[]).concat(v ?? [])) if (one !== '') params.append(k, one);
  }
  return {
    values: { ...query, time, size: String(filter.resolution) },
    filter,
    errors,
    query: params.toString(),
  };
}

// ---- The map: hexagon boundaries projected onto an SVG, no tiles needed -------------------------

/** Shades from light to dark (ColorBrewer YlOrRd), one per band. */
const shades = ['#ffffb2', '#fed976', '#feb24c', '#fd8d3c', '#fc4e2a', '#e31a1c', '#b10026'];
/** Each band's lowest count; the first band is the suppressed one. */
const bandFloors = [1, SUPPRESS_BELOW, 5, 10, 25, 50, 100];

export interface MapPolygon {
  cell: string;
  rank: number;
  points: string;
  fill: string;
  label: string;
  /** The count shown in the table, for the page's script and tests: empty when suppressed. */
  count: string;
}

export interface HotspotMap {
  width: number;
  height: number;
  polygons: MapPolygon[];
  legend: { fill: string; label: string }[];
}

export function countLabel(n: number | null): string {
  return n === null ? `Fewer than ${SUPPRESS_BELOW}` : n.toLocaleString('en-GB');
}

/**
 * Draws hexagons from their boundaries (`cellToBoundary`) onto an equirectangular projection scaled
 * to the cells' bounding box: near enough at the size of a force area, and needs nothing online.
 */
export function hotspotMap(hexagons: readonly Hexagon[], exact: boolean): HotspotMap | null {
  if (hexagons.length === 0) return null;
  const boundaries = hexagons.map((h) => cellToBoundary(h.cell));
  let [minLat, maxLat, minLon, maxLon] = [90, -90, 180, -180];
  for (const ring of boundaries) {
    for (const [lat, lon] of ring) {
      minLat = Math.min(minLat, lat);
      maxLat = Math.max(maxLat, lat);
      minLon = Math.min(minLon, lon);
      maxLon = Math.max(maxLon, lon);
    }
  }
  const squash = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
  const spanX = (maxLon - minLon) * squash;
  const spanY = maxLat - minLat;
  const margin = 10;
  const inner = 640;
  const scale = inner / Math.max(spanX, spanY);
  const width = Math.round(spanX * scale) + 2 * margin;
  const height = Math.round(spanY * scale) + 2 * margin;
  const top = hexagons.reduce((m, h) => Math.max(m, h.weight), 0);
  const floors = bandFloors.filter((f, i) => i === 0 || f <= top);
  const bandOf = (n: number) => floors.reduce((b, f, i) => (n >= f ? i : b), 0);
  const polygons = hexagons.map((h, i) => ({
    cell: h.cell,
    rank: i + 1,
    points: (boundaries[i] ?? [])
      .map(([lat, lon]) => {
        const x = margin + (lon - minLon) * squash * scale;
        const y = margin + (maxLat - lat) * scale;
        return `${x.toFixed(1)},${y.toFixed(1)}`;
      })
      .join(' '),
    fill: shades[bandOf(h.weight)] ?? shades[0] ?? '#ffffb2',
    label: `Hexagon ${i + 1}${h.areaName ? ` (${h.areaName})` : ''}: ${countLabel(h.total)}`,
    count: h.total === null ? '' : String(h.total),
  }));
  const legend = floors.map((f, i) => {
    const next = floors[i + 1];
    const label =
      i === 0 && !exact
        ? `Fewer than ${SUPPRESS_BELOW}`
        : next === undefined
          ? `${f} or more`
          : next - 1 === f
            ? String(f)
            : `${f} to ${next - 1}`;
    return { fill: shades[i] ?? '#ffffb2', label };
  });
  return { width, height, polygons, legend };
}

// ---- Routes ------------------------------------------------------------------------------------

export function registerHotspotRoutes(web: FastifyInstance, services: Services): void {
  const { hotspots } = services;

  const filterItems = (values: Form) => ({
    sizeItems: Object.entries(sizeNames).map(([value, text]) => ({
      value,
      text,
      checked: values.size === value,
    })),
    whatItems: hotspotKinds.map((k) => ({
      value: k,
      text: hotspotKindNames[k],
      checked: many(values, 'what').includes(k),
    })),
    dayItems: weekdayNames.map((name, i) => ({
      value: String(i + 1),
      text: name,
      checked: many(values, 'day').includes(String(i + 1)),
    })),
  });

  // Anyone who works with children, or analyses intelligence: the service checks which.
  web.get('/intelligence/hotspots', { config: { access: 'signed-in' } }, async (request, reply) => {
    const query = (request.query ?? {}) as Form;
    const { values, filter, errors, query: keep } = readFilters(query);
    const common = {
      pageTitle: 'Hotspots',
      values,
      ...filterItems(values),
      canOpenCells: hasPermission(request.ctx, 'intelligence:view'),
    };
    if (errors.length) {
      // The permission is still checked first, so a user who may not see hotspots learns nothing.
      requireHotspotAccess(request.ctx);
      return reply
        .code(400)
        .render('intelligence/views/hotspots-map.njk', { ...common, ...formErrors(errors) });
    }
    const answer = await hotspots.hexagons(request.ctx, filter);
    const map = hotspotMap(answer.hexagons, answer.exact);
    const kinds = answer.kinds;
    const cellLink = (h: Hexagon, rank: number) =>
      answer.exact
        ? `<a class="govuk-link" href="/intelligence/hotspots/cells/${h.cell}${keep ? `?${escapeHtml(keep)}` : ''}">Hexagon ${rank}</a>`
        : `Hexagon ${rank}`;
    const rows = answer.hexagons.map((h, i) => [
      {
        html: `${cellLink(h, i + 1)}<br><span class="govuk-body-s govuk-!-margin-0">${h.cell}</span>`,
        attributes: { 'data-cell': h.cell },
      },
      { text: h.areaName ?? 'Not known' },
      ...(answer.exact && h.byKind
        ? kinds.map((k) => ({ text: (h.byKind?.[k] ?? 0).toLocaleString('en-GB'), format: 'numeric' }))
        : []),
      { text: countLabel(h.total), format: 'numeric', attributes: { 'data-count': h.total ?? '' } },
    ]);
    const head = [
      { text: 'Hexagon' },
      { text: 'Area' },
      ...(answer.exact ? kinds.map((k) => ({ text: hotspotKindNames[k], format: 'numeric' })) : []),
      { text: answer.exact ? 'Total' : 'Count', format: 'numeric' },
    ];
    return reply.render('intelligence/views/hotspots-map.njk', {
      ...common,
      answer,
      map,
      head,
      rows,
      kindList: kinds.map((k) => hotspotKindNames[k].toLowerCase()).join(', '),
      shownCount: answer.hexagons.length,
    });
  });

  web.get(
    '/intelligence/hotspots/cells/:cell',
    { config: { access: 'intelligence:view' } },
    async (request: FastifyRequest<{ Params: { cell: string } }>, reply: FastifyReply) => {
      const query = (request.query ?? {}) as Form;
      const { filter, errors, query: keep } = readFilters(query);
      const cell = await hotspots.cell(request.ctx, request.params.cell, errors.length ? {} : filter);
      const kinds = filter.kinds ?? [...hotspotKinds];
      return reply.render('intelligence/views/hotspots-cell.njk', {
        pageTitle: 'Places in a hotspot',
        backLink: `/intelligence/hotspots${keep ? `?${keep}` : ''}`,
        cell,
        placeHead: [
          { text: 'Place' },
          { text: 'Postcode' },
          ...kinds.map((k) => ({ text: hotspotKindNames[k], format: 'numeric' })),
        ],
        placeRows: cell.places.map((p) => [
          { text: p.name },
          { text: p.postcode ?? 'None recorded' },
          ...kinds.map((k) => ({ text: p.byKind[k].toLocaleString('en-GB'), format: 'numeric' })),
        ]),
        recordRows: cell.records.map((r) => [
          { text: formatDateTime(r.at) },
          { text: hotspotKindNames[r.kind] },
          { text: r.place },
          {
            html: `<a class="govuk-link" href="/children/${r.childId}">${escapeHtml(r.childName)}</a>`,
          },
        ]),
      });
    },
  );
}
