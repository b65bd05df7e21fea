import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { hasPermission, requirePermission } from '../../platform/access/guard';
import {
  findLocalAuthority,
  findPoliceForce,
  localAuthorities,
  policeForces,
} from '../../platform/agencies/reference-data';
import { problemResponses } from '../../platform/auth/api.routes';
import { ValidationError } from '../../platform/http/errors';
import { calendarDate, type Form, formErrors } from '../../platform/http/forms';
import { formatDate } from '../../platform/views/filters';
import type { Services } from '../../services';
import {
  type AnnualReport,
  AnnualReportService,
  areaName,
  defaultPeriod,
  ownAreas,
  type ReportArea,
  type ReportPeriod,
} from './annual.service';
import { barChart, cellText } from './charts';
import { reportCsv, reportXlsx } from './xlsx';

/** An area from its ONS code: a local authority, or a police force. */
export function areaOf(code: string): ReportArea | null {
  const c = code.trim().toUpperCase();
  if (findLocalAuthority(c)) return { type: 'authority', code: c };
  if (findPoliceForce(c)) return { type: 'force', code: c };
  return null;
}

interface ReadFilters {
  area: ReportArea | null;
  period: ReportPeriod;
  errors: { field: string; message: string }[];
  values: Form;
  query: string;
}

/** The filter form from the query string: the user's own area and the last 12 months by default. */
export function readFilters(query: Form, fallbackArea: ReportArea | null, now: Date): ReadFilters {
  const errors: { field: string; message: string }[] = [];
  const areaCode = typeof query.area === 'string' ? query.area : '';
  let area = fallbackArea;
  if (areaCode) {
    area = areaOf(areaCode);
    if (!area) errors.push({ field: 'area', message: 'Choose a local authority or police force' });
  } else if (!area) {
    errors.push({ field: 'area', message: 'Choose a local authority or police force' });
  }
  const period = defaultPeriod(now);
  const from = calendarDate(query, 'from', 'the first date');
  const to = calendarDate(query, 'to', 'the last date');
  if (from.error) errors.push({ field: 'from-day', message: from.error });
  if (to.error) errors.push({ field: 'to-day', message: to.error });
  if (from.date) period.from = from.date;
  if (to.date) period.to = to.date;
  if (!from.error && !to.error && period.from > period.to) {
    errors.push({ field: 'to-day', message: 'The last date must be the same as or after the first date' });
  }
  const [fy, fm, fd] = period.from.split('-');
  const [ty, tm, td] = period.to.split('-');
  const values: Form = {
    'from-day': String(Number(fd)),
    'from-month': String(Number(fm)),
    'from-year': fy,
    'to-day': String(Number(td)),
    'to-month': String(Number(tm)),
    'to-year': ty,
    ...query,
    area: area?.code ?? areaCode,
  };
  const params = new URLSearchParams({ area: area?.code ?? '', from: period.from, to: period.to });
  return { area, period, errors, values, query: params.toString() };
}

/** The areas offered in the filter: the user's own, or every one for a hub administrator. */
function areaItems(ctx: Parameters<typeof ownAreas>[0], selected: string) {
  const all = hasPermission(ctx, 'agency:manage-all');
  const areas: ReportArea[] = all
    ? [
        ...localAuthorities.map((a) => ({ type: 'authority' as const, code: a.code })),
        ...policeForces.map((f) => ({ type: 'force' as const, code: f.code })),
      ]
    : ownAreas(ctx);
  return areas.map((a) => ({
    value: a.code,
    text: `${areaName(a) ?? a.code}${a.type === 'force' ? ' (police force area)' : ''}`,
    selected: a.code === selected,
  }));
}

/** The page's sections, each with its chart and its table rows. */
function presentSections(report: AnnualReport) {
  return report.sections.map((s) => ({
    id: s.id,
    title: s.title,
    description: s.description,
    chart: barChart(s),
    head: s.columns.map((c) => ({ text: c.label, format: c.kind === 'label' ? undefined : 'numeric' })),
    rows: s.rows.map((row) =>
      row.map((v, i) => {
        const kind = s.columns[i]?.kind ?? 'count';
        return kind === 'label'
          ? { text: cellText(v, kind) }
          : {
              text: cellText(v, kind),
              format: 'numeric',
              attributes: { 'data-value': v === null ? '' : String(v) },
            };
      }),
    ),
  }));
}

const isoDate = z.iso.date();

export function registerAnnualReportRoutes(web: FastifyInstance, services: Services): void {
  const annual = new AnnualReportService(services.withTransaction);

  web.get('/reports/annual', { config: { access: 'report:view' } }, async (request, reply) => {
    requirePermission(request.ctx, 'report:view');
    const query = (request.query ?? {}) as Form;
    const fallback = ownAreas(request.ctx)[0] ?? null;
    const filters = readFilters(query, fallback, services.clock.now());
    const common = {
      pageTitle: 'Annual missing report',
      values: filters.values,
      areaItems: areaItems(request.ctx, String(filters.values.area ?? '')),
      canDownload: hasPermission(request.ctx, 'report:download'),
    };
    if (filters.errors.length || !filters.area) {
      return reply
        .code(400)
        .render('reports/views/annual-report.njk', { ...common, ...formErrors(filters.errors) });
    }
    const report = await annual.report(request.ctx, filters.area, filters.period);
    return reply.render('reports/views/annual-report.njk', {
      ...common,
      report,
      fromText: formatDate(filters.period.from),
      toText: formatDate(filters.period.to),
      sections: presentSections(report),
      downloadQuery: filters.query,
    });
  });

  web.get(
    '/reports/annual/download.:format',
    { config: { access: 'report:download' } },
    async (request, reply) => {
      const { format } = request.params as { format: string };
      if (format !== 'csv' && format !== 'xlsx') return reply.callNotFound();
      const query = (request.query ?? {}) as Form;
      const filters = readFilters(
        {
          area: query.area,
          ...dateBoxes('from', query.from),
          ...dateBoxes('to', query.to),
        },
        ownAreas(request.ctx)[0] ?? null,
        services.clock.now(),
      );
      if (filters.errors.length || !filters.area) throw new ValidationError(filters.errors);
      const report = await annual.download(request.ctx, filters.area, filters.period, format);
      const name = `missing-report-${report.area.code}-${report.period.from}-to-${report.period.to}`;
      reply.header('cache-control', 'no-store');
      reply.header('content-disposition', `attachment; filename="${name}.${format}"`);
      if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(reportCsv(report));
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .send(await reportXlsx(report));
    },
  );
}

/** An ISO date from a link's query as the three date boxes the form reads. */
function dateBoxes(prefix: string, iso: unknown): Form {
  if (typeof iso !== 'string' || !isoDate.safeParse(iso).success) return {};
  const [y, m, d] = iso.split('-');
  return { [`${prefix}-day`]: d, [`${prefix}-month`]: m, [`${prefix}-year`]: y };
}

const cell = z.union([z.string(), z.number(), z.null()]);
const reportResponse = z.object({
  area: z.object({ type: z.enum(['authority', 'force']), code: z.string(), name: z.string() }),
  period: z.object({ from: z.string(), to: z.string() }),
  exact: z.boolean().describe('False when counts under 3 are suppressed (null) for this reader'),
  generatedAt: z.string(),
  sections: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      description: z.string(),
      columns: z.array(z.object({ label: z.string(), kind: z.enum(['label', 'count', 'rate']) })),
      rows: z.array(z.array(cell)),
      chartColumns: z.array(z.number()),
    }),
  ),
});

export function registerAnnualReportApi(api: FastifyInstance, services: Services): void {
  const annual = new AnnualReportService(services.withTransaction);
  api.withTypeProvider<ZodTypeProvider>().get(
    '/reports/annual',
    {
      config: { access: 'report:download' },
      schema: {
        summary:
          'Every figure of the annual missing report for an area (an authority or a police force) and period; counts under 3 are null outside the owning agency',
        tags: ['Reports'],
        querystring: z.object({
          area: z
            .string()
            .optional()
            .describe('ONS code of a local authority or police force; yours by default'),
          from: isoDate.optional().describe('First date, included; a year before `to` by default'),
          to: isoDate.optional().describe('Last date, included; today by default'),
        }),
        response: { 200: reportResponse, ...problemResponses },
      },
    },
    async (request) => {
      const { area: code, from, to } = request.query;
      const period = defaultPeriod(services.clock.now());
      if (to) period.to = to;
      if (from) period.from = from;
      else if (to) period.from = defaultPeriod(new Date(`${to}T12:00:00Z`)).from;
      const area = code ? areaOf(code) : (ownAreas(request.ctx)[0] ?? null);
      const errors: { field: string; message: string }[] = [];
      if (!area)
        errors.push({ field: 'area', message: 'Give the ONS code of a local authority or police force' });
      if (period.from > period.to)
        errors.push({ field: 'to', message: 'The last date must be on or after the first' });
      if (!area || errors.length) throw new ValidationError(errors);
      return annual.download(request.ctx, area, period, 'json');
    },
  );
}
