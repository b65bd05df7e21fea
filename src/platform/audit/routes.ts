import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { fieldErrorsOf, formErrors } from '../http/forms';
import type { PlatformServices as Services } from '../services';
import { formatDateTime } from '../views/filters';

/** dd/mm/yyyy (as typed or picked) to the start of that day in London, as a UTC instant. */
export function londonDayStart(text: string): Date | null {
  const m = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s*$/.exec(text);
  if (!m) return null;
  const [day, month, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const utcMidnight = Date.UTC(year, month - 1, day);
  const check = new Date(utcMidnight);
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) return null;
  // London is UTC or UTC+1: find the offset that makes local midnight.
  const offsetHours = Number(
    new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: 'numeric', hourCycle: 'h23' }).format(
      check,
    ),
  );
  return new Date(utcMidnight - offsetHours * 3_600_000);
}

const dateField = (label: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (!v) return undefined;
      const d = londonDayStart(v);
      if (!d) {
        ctx.addIssue({ code: 'custom', message: `${label} must be a real date, like 27/3/2026` });
        return z.NEVER;
      }
      return d;
    });

const filterSchema = z
  .object({
    actor: z.string().trim().max(254).optional(),
    subject: z.string().trim().max(100).optional(),
    from: dateField('Date from'),
    to: dateField('Date to'),
    before: z.coerce.number().int().positive().optional(),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, {
    path: ['to'],
    message: 'Date to must be the same as or after date from',
  });

export function registerAuditRoutes(web: FastifyInstance, services: Services): void {
  web.get('/audit', { config: { access: 'audit:view' } }, async (request, reply) => {
    const query = (request.query ?? {}) as Record<string, string>;
    const parsed = filterSchema.safeParse(query);
    const values = {
      actor: query.actor ?? '',
      subject: query.subject ?? '',
      from: query.from ?? '',
      to: query.to ?? '',
    };
    if (!parsed.success) {
      return reply.code(400).render('audit/list.njk', {
        pageTitle: 'Audit log',
        values,
        rows: [],
        ...formErrors(fieldErrorsOf(parsed.error)),
      });
    }
    const f = parsed.data;
    const { events, more } = await services.audit.list(request.ctx, {
      actorEmail: f.actor || undefined,
      subjectId: f.subject || undefined,
      from: f.from,
      to: f.to ? new Date(f.to.getTime() + 24 * 3_600_000) : undefined,
      before: f.before,
    });
    const rows = events.map((e) => [
      { text: formatDateTime(e.occurredAt) },
      { text: e.actorName ? `${e.actorName} (${e.agencyName ?? ''})` : 'System' },
      { text: e.action },
      { text: e.subjectType ? `${e.subjectType} ${e.subjectId ?? ''}`.trim() : '' },
      { text: e.reason ?? '' },
      { text: e.sealed ? 'Sealed' : 'Not yet sealed' },
    ]);
    const last = events.at(-1);
    const next =
      more && last
        ? `/audit?${new URLSearchParams({ ...values, before: String(last.seq) }).toString()}`
        : null;
    return reply.render('audit/list.njk', { pageTitle: 'Audit log', values, rows, next });
  });
}
