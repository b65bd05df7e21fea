import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { systemContext } from '../../platform/context';
import { ConflictError, ValidationError } from '../../platform/http/errors';
import {
  asFormErrors,
  type Form,
  type FormErrors,
  formErrors,
  parseForm,
  text,
} from '../../platform/http/forms';
import { pageLinks } from '../../platform/http/pagination';
import { recordId } from '../../platform/http/params';
import { recordRoute } from '../../platform/http/record-routes';
import { formatDate, formatDateTime } from '../../platform/views/filters';
import { escapeHtml } from '../../platform/views/html';
import type { Services } from '../../services';
import { addIntelligenceHref } from '../intelligence/routes';
import { newCode, normaliseCode, sightingReport } from './sightings.service';

type WithId = FastifyRequest<{ Params: { id: string } }>;

/** Per address: enough for a busy front desk, too few for a script. */
export const sightingReportsPerAddress = { max: 10, timeWindow: 60_000 };
/** Per access code, across every address: a leaked code cannot flood the MASH. */
const perCode = { max: 30, timeWindow: 3_600_000 };

export function registerSightingRoutes(web: FastifyInstance, services: Services): void {
  const { sightings } = services;

  // ---- The public form, reached with an access code ----------------------------------------------

  const reportPage = (reply: FastifyReply, values: Form, errors: Partial<FormErrors> = {}, status = 200) =>
    reply.code(status).render('sightings/views/report.njk', {
      pageTitle: 'Report something you have seen',
      values,
      ...errors,
    });

  web.get('/report', { config: { access: 'public' } }, (_request, reply) => reportPage(reply, {}));

  // A second count, per code, beside the route's per-address one (the plugin runs one limiter per route).
  const codeLimit = web.createRateLimit({
    ...perCode,
    keyGenerator: (request) => {
      const code = normaliseCode(text((request.body ?? {}) as Form, 'code') ?? '');
      return `sighting-code:${createHash('sha256').update(code).digest('hex')}`;
    },
  });
  const codeLimiter = async (request: FastifyRequest) => {
    const counted = await codeLimit(request);
    if (!counted.isAllowed && counted.isExceeded) {
      throw Object.assign(new Error('Too many reports with this access code'), { statusCode: 429 });
    }
  };

  web.post(
    '/report',
    { config: { access: 'public', rateLimit: sightingReportsPerAddress }, preHandler: codeLimiter },
    async (request, reply) => {
      const form = (request.body ?? {}) as Form;
      const { data, errors } = parseForm(sightingReport, form, { seenAt: { label: 'when you saw it' } });
      if (!data) return reportPage(reply, form, formErrors(errors), 400);
      try {
        const { reference } = await sightings.report(systemContext(services.clock, request.id), data);
        return reply.render('sightings/views/reported.njk', { pageTitle: 'Report sent', reference });
      } catch (error) {
        // The code is never shown back: a reporter retypes it.
        return reportPage(reply, { ...form, code: '' }, asFormErrors(error), 400);
      }
    },
  );

  // ---- Access codes, for the organisation's administrator ----------------------------------------

  const codesPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: Record<string, unknown> = {},
    status = 200,
  ) => {
    const codes = await sightings.codes(request.ctx);
    return reply.code(status).render('sightings/views/codes.njk', {
      pageTitle: 'Access codes for reporting sightings',
      codes: codes.map((c) => ({
        ...c,
        created: formatDate(c.createdAt),
        revoked: c.revokedAt ? formatDate(c.revokedAt) : null,
      })),
      values: {},
      ...extra,
    });
  };

  web.get('/sighting-codes', { config: { access: 'sighting-code:manage' } }, (request, reply) =>
    codesPage(request, reply),
  );

  web.post('/sighting-codes', { config: { access: 'sighting-code:manage' } }, async (request, reply) => {
    const form = (request.body ?? {}) as Form;
    const parsed = newCode.safeParse({ label: text(form, 'label') });
    if (!parsed.success) {
      return codesPage(
        request,
        reply,
        { values: form, ...formErrors([{ field: 'label', message: parsed.error.issues[0]?.message ?? '' }]) },
        400,
      );
    }
    try {
      const issued = await sightings.issueCode(request.ctx, parsed.data);
      return codesPage(request, reply, { issued: { code: issued.code, label: parsed.data.label } });
    } catch (error) {
      return codesPage(request, reply, { values: form, ...asFormErrors(error) }, 400);
    }
  });

  recordRoute(
    web,
    'POST',
    '/sighting-codes/:id/revoke',
    'sighting-code:manage',
    async (request, reply, id) => {
      await sightings.revokeCode(request.ctx, id);
      return reply.redirect('/sighting-codes', 303);
    },
  );

  // ---- The MASH side -----------------------------------------------------------------------------

  web.get('/mash/sightings', { config: { access: 'notice:triage' } }, async (request, reply) => {
    const after = ((request.query ?? {}) as Record<string, string>).after;
    const queue = await sightings.queue(request.ctx, after ? { after } : {});
    return reply.render('sightings/views/queue.njk', {
      pageTitle: 'Sightings to deal with',
      ...pageLinks('/mash/sightings', queue, after),
      rows: queue.rows.map((q) => [
        {
          html: `<a class="govuk-link" href="/sightings/${q.sighting.id}">${escapeHtml(q.sighting.reference)}</a>`,
        },
        { text: formatDateTime(q.sighting.seenAt) },
        { text: q.sighting.place },
        { text: q.organisation },
        { text: formatDateTime(q.sighting.createdAt) },
      ]),
    });
  });

  const sightingPage = async (
    request: WithId,
    reply: FastifyReply,
    errors: Partial<FormErrors> = {},
    status = 200,
  ) => {
    const id = recordId(request) ?? '';
    const s = await sightings.get(request.ctx, id);
    const query = (request.query ?? {}) as Record<string, string>;
    const hits =
      s.sighting.status === 'new' && query.name
        ? await services.children.search(request.ctx, { name: query.name })
        : null;
    const x = s.sighting;
    const row = (key: string, value: string | null) => ({
      key: { text: key },
      value: { text: value || 'Not given' },
    });
    return reply.code(status).render('sightings/views/sighting.njk', {
      pageTitle: `Sighting ${x.reference}`,
      backLink: '/mash/sightings',
      sighting: x,
      rows: [
        row('Reference', x.reference),
        row('Reported by', `${s.organisation}${x.reporterName ? `, ${x.reporterName}` : ''}`),
        row('Contact', x.reporterContact),
        row('Seen', formatDateTime(x.seenAt)),
        row('Where', x.place),
        row('What was seen', x.whatSeen),
        row('Young people', x.youngPeople),
        row('Adults', x.adults),
        row('Vehicles', x.vehicles),
        row('Room numbers', x.roomNumbers),
        row('Received', formatDateTime(x.createdAt)),
      ],
      status:
        x.status === 'linked'
          ? `Linked to ${s.child ? `${s.child.givenName} ${s.child.familyName}` : 'a child'} by ${s.triagedBy ?? ''}`
          : x.status === 'intelligence'
            ? `Kept as intelligence by ${s.triagedBy ?? ''}`
            : null,
      linkedChildId: s.child?.id ?? null,
      addIntelligenceHref: s.child
        ? addIntelligenceHref(
            request.ctx,
            s.child.id,
            { type: 'sighting', id: x.id },
            `/sightings/${x.id}`,
            'seen_with',
          )
        : null,
      searched: query.name ?? '',
      hits: hits?.map((h) => ({
        id: h.child.id,
        name: `${h.child.givenName} ${h.child.familyName}`,
        dob: h.child.dateOfBirth ? formatDate(h.child.dateOfBirth) : 'Not known',
      })),
      ...errors,
    });
  };

  web.get('/sightings/:id', { config: { access: 'notice:triage' } }, (request: WithId, reply) =>
    recordId(request) ? sightingPage(request, reply) : reply.callNotFound(),
  );

  const uuid = z.uuid();
  recordRoute(web, 'POST', '/sightings/:id/link', 'notice:triage', async (request, reply, id) => {
    const childId = uuid.safeParse(text((request.body ?? {}) as Form, 'childId'));
    try {
      if (!childId.success) {
        throw new ValidationError([{ field: 'childId', message: 'Select a child from the search results' }]);
      }
      await sightings.link(request.ctx, id, childId.data);
    } catch (error) {
      if (error instanceof ValidationError || error instanceof ConflictError) {
        return sightingPage(request, reply, asFormErrors(error), 400);
      }
      throw error;
    }
    return reply.redirect(`/sightings/${id}`, 303);
  });

  recordRoute(web, 'POST', '/sightings/:id/keep', 'notice:triage', async (request, reply, id) => {
    try {
      await sightings.keepAsIntelligence(request.ctx, id);
    } catch (error) {
      if (error instanceof ConflictError) return sightingPage(request, reply, asFormErrors(error), 400);
      throw error;
    }
    return reply.redirect(`/sightings/${id}`, 303);
  });
}
