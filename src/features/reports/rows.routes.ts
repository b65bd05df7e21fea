import type { FastifyInstance, FastifyReply } from 'fastify';
import { findLocalAuthority, findPoliceForce } from '../../platform/agencies/reference-data';
import type { FieldError } from '../../platform/http/errors';
import { calendarDate, type Form, formErrors } from '../../platform/http/forms';
import { londonDate } from '../../platform/http/london-time';
import type { Services } from '../../services';
import { rowColumns } from './rows.service';

/** The analyst's row-level download: a period form, and the pseudonymised CSV it gives. */
export function registerRowsRoutes(web: FastifyInstance, services: Services): void {
  const { rows } = services;

  const page = (
    reply: FastifyReply,
    area: { type: 'authority' | 'force'; code: string },
    values: Form,
    errors: FieldError[] = [],
  ) =>
    reply.code(errors.length ? 400 : 200).render('reports/views/rows-download.njk', {
      pageTitle: 'Download pseudonymised episodes',
      areaName:
        area.type === 'authority'
          ? (findLocalAuthority(area.code)?.name ?? area.code)
          : `${findPoliceForce(area.code)?.name ?? area.code} Police`,
      columns: rowColumns,
      values,
      ...formErrors(errors),
    });

  web.get('/reports/rows', { config: { access: 'data:row-level' } }, async (request, reply) => {
    const area = rows.area(request.ctx);
    const today = londonDate(request.ctx.clock.now());
    const [y, m, d] = today.split('-');
    const values: Form = {
      'from-day': '1',
      'from-month': '1',
      'from-year': String(Number(y) - 1),
      'to-day': String(Number(d)),
      'to-month': String(Number(m)),
      'to-year': y,
    };
    return page(reply, area, values);
  });

  web.get('/reports/rows/download', { config: { access: 'data:row-level' } }, async (request, reply) => {
    const area = rows.area(request.ctx);
    const query = (request.query ?? {}) as Form;
    const from = calendarDate(query, 'from', 'the first date');
    const to = calendarDate(query, 'to', 'the last date');
    const errors: FieldError[] = [];
    if (from.error) errors.push({ field: 'from-day', message: from.error });
    else if (!from.date) errors.push({ field: 'from-day', message: 'Enter the first date' });
    if (to.error) errors.push({ field: 'to-day', message: to.error });
    else if (!to.date) errors.push({ field: 'to-day', message: 'Enter the last date' });
    if (from.date && to.date && from.date > to.date)
      errors.push({ field: 'to-day', message: 'The last date must be the same as or after the first date' });
    if (errors.length > 0 || !from.date || !to.date) return page(reply, area, query, errors);
    const file = await rows.download(request.ctx, { from: from.date, to: to.date });
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${file.fileName}"`)
      .header('cache-control', 'no-store')
      .send(file.csv);
  });
}
