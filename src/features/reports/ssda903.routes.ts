import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemResponses } from '../../platform/auth/api.routes';
import type { Context } from '../../platform/context';
import { NotFoundError } from '../../platform/http/errors';
import { londonDate } from '../../platform/http/london-time';
import { PAGE_SIZE } from '../../platform/http/pagination';
import type { Services } from '../../services';
import { annexACsv } from './annex-a';
import { type Ssda903Problem, type Ssda903Table, ssda903Tables } from './ssda903';
import { parseCollectionYear, ssda903Csv } from './ssda903.service';

/** The collection year a date falls in, named by the year it ends (April starts the next). */
export function currentCollectionYear(now: Date): number {
  const [y, m] = londonDate(now).split('-').map(Number);
  return (m ?? 1) >= 4 ? (y ?? 0) + 1 : (y ?? 0);
}

const ownAuthority = (ctx: Context): string => {
  const code = ctx.actor?.localAuthorityCode;
  if (!code) throw new NotFoundError();
  return code;
};

const offsetOf = (raw: unknown) => {
  const n = Number(raw);
  return Number.isInteger(n) && n > 0 ? n : 0;
};

/** Problems grouped by child, in the order found, one page of children at a time. */
function groupProblems(problems: Ssda903Problem[]) {
  const byChild = new Map<
    string,
    { childId: string; child: string; name: string; problems: Ssda903Problem[] }
  >();
  for (const p of problems) {
    const entry = byChild.get(p.childId) ?? {
      childId: p.childId,
      child: p.child,
      name: p.name,
      problems: [],
    };
    entry.problems.push(p);
    byChild.set(p.childId, entry);
  }
  return [...byChild.values()];
}

const csvReply = (reply: FastifyReply, name: string, body: string) =>
  reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}"`)
    .header('cache-control', 'no-store')
    .send(body);

/** The SSDA903 check and downloads, and Annex A List 8, for the user's own authority. */
export function registerReportExportRoutes(web: FastifyInstance, services: Services): void {
  type YearRequest = FastifyRequest<{ Querystring: { year?: string; from?: string } }>;

  web.get(
    '/reports/ssda903',
    { config: { access: 'ssda903:export' } },
    async (request: YearRequest, reply) => {
      const code = ownAuthority(request.ctx);
      const now = request.ctx.clock.now();
      const raw = request.query.year;
      let year = currentCollectionYear(now);
      let yearError: string | undefined;
      if (raw !== undefined && raw !== '') {
        try {
          year = parseCollectionYear(raw, now);
        } catch {
          yearError = `Enter the year the collection ends, from 2000 to ${now.getUTCFullYear() + 1}, like 2026`;
        }
      }
      if (yearError) {
        return reply.code(400).render('reports/views/ssda903-check.njk', {
          pageTitle: 'SSDA903 return',
          year: raw,
          errorSummary: [{ text: yearError, href: '#year' }],
          errors: { year: { text: yearError } },
        });
      }
      const built = await services.ssda903.build(request.ctx, code, year);
      const groups = groupProblems(built.problems);
      const from = offsetOf(request.query.from);
      const shown = groups.slice(from, from + PAGE_SIZE);
      return reply.render('reports/views/ssda903-check.njk', {
        pageTitle: 'SSDA903 return',
        year,
        from: built.from,
        to: built.to,
        counts: {
          Header: built.rows.Header.length,
          Episodes: built.rows.Episodes.length,
          Missing: built.rows.Missing.length,
        },
        tables: ssda903Tables,
        problemCount: built.problems.length,
        childCount: groups.length,
        groups: shown,
        nextHref:
          from + PAGE_SIZE < groups.length ? `/reports/ssda903?year=${year}&from=${from + PAGE_SIZE}` : null,
        firstHref: from > 0 ? `/reports/ssda903?year=${year}` : null,
      });
    },
  );

  type TableRequest = FastifyRequest<{ Params: { table: string }; Querystring: { year?: string } }>;
  web.get(
    '/reports/ssda903/:table',
    { config: { access: 'ssda903:export' } },
    async (request: TableRequest, reply) => {
      const table = request.params.table.replace(/\.csv$/, '') as Ssda903Table;
      if (!ssda903Tables.includes(table)) return reply.callNotFound();
      const code = ownAuthority(request.ctx);
      let year: number;
      try {
        year = parseCollectionYear(request.query.year, request.ctx.clock.now());
      } catch {
        return reply.callNotFound();
      }
      const body = await services.ssda903.csv(request.ctx, code, year, table);
      return csvReply(reply, `${table}.csv`, body);
    },
  );

  web.get('/reports/annex-a', { config: { access: 'report:view' } }, async (request: YearRequest, reply) => {
    const code = ownAuthority(request.ctx);
    const rows = await services.annexA.list8(request.ctx, code);
    const from = offsetOf(request.query.from);
    return reply.render('reports/views/annex-a.njk', {
      pageTitle: 'Annex A, List 8: missing',
      rows: rows.slice(from, from + PAGE_SIZE),
      total: rows.length,
      canDownload: request.ctx.permissions.has('report:download'),
      nextHref: from + PAGE_SIZE < rows.length ? `/reports/annex-a?from=${from + PAGE_SIZE}` : null,
      firstHref: from > 0 ? '/reports/annex-a' : null,
    });
  });

  web.get('/reports/annex-a.csv', { config: { access: 'report:download' } }, async (request, reply) => {
    const code = ownAuthority(request.ctx);
    const rows = await services.annexA.list8(request.ctx, code, 'download');
    return csvReply(reply, 'annex-a-list-8-missing.csv', annexACsv(rows));
  });
}

/** The same in the API: CSV for the SSDA903 tables, JSON for Annex A. */
export function registerReportExportApi(api: FastifyInstance, services: Services): void {
  const typed = api.withTypeProvider<ZodTypeProvider>();
  typed.get(
    '/reports/ssda903/:table',
    {
      config: { access: 'ssda903:export' },
      schema: {
        summary: 'One table of the SSDA903 return of your authority for a collection year, as CSV',
        description:
          'The Header, Episodes or Missing table, with its exact header row, dd/mm/yyyy dates and blank cells for empty. The year is the one the collection ends (1 April to 31 March).',
        tags: ['Reports'],
        params: z.object({ table: z.enum(['Header', 'Episodes', 'Missing']) }),
        querystring: z.object({ year: z.coerce.number().int().min(2000).max(2100) }),
        produces: ['text/csv'],
        response: { 200: z.string().describe('The CSV file'), ...problemResponses },
      },
    },
    async (request, reply) => {
      const code = ownAuthority(request.ctx);
      const year = parseCollectionYear(request.query.year, request.ctx.clock.now());
      const built = await services.ssda903.build(request.ctx, code, year, 'export', request.params.table);
      return reply.type('text/csv; charset=utf-8').send(ssda903Csv(built, request.params.table));
    },
  );

  typed.get(
    '/reports/annex-a',
    {
      config: { access: 'report:download' },
      schema: {
        summary: 'Annex A List 8, the missing columns, for the looked-after children of your authority',
        tags: ['Reports'],
        response: {
          200: z.object({
            children: z.array(
              z.object({
                child: z.string(),
                missingEpisodes: z.number().int(),
                absentEpisodes: z.number().int(),
                returnInterviewOffered: z.enum(['Y', 'N', '']),
                returnInterviewAccepted: z.enum(['Y', 'N', '']),
              }),
            ),
          }),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const rows = await services.annexA.list8(request.ctx, ownAuthority(request.ctx), 'download');
      return {
        children: rows.map((r) => ({
          child: r.child,
          missingEpisodes: r.missing,
          absentEpisodes: r.absent,
          returnInterviewOffered: r.offered,
          returnInterviewAccepted: r.accepted,
        })),
      };
    },
  );
}
