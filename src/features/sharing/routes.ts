import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  asFormErrors,
  calendarDate,
  type Form,
  type FormErrors,
  fieldErrorsOf,
  formErrors,
  text,
} from '../../platform/http/forms';
import { pageLinks } from '../../platform/http/pagination';
import { recordId } from '../../platform/http/params';
import { recordRoute } from '../../platform/http/record-routes';
import { formatDate, formatDateTime } from '../../platform/views/filters';
import type { Services } from '../../services';
import { breakGlassRequest, newShare } from './sharing.service';
import { lawfulBases } from './tables';

type WithId = FastifyRequest<{ Params: { id: string } }>;
const uuid = z.uuid();

export function registerSharingRoutes(web: FastifyInstance, services: Services): void {
  const { sharing } = services;

  const sharePage = async (
    request: WithId,
    reply: FastifyReply,
    values: Form,
    errors: Partial<FormErrors> = {},
    status = 200,
  ) => {
    const id = recordId(request) ?? '';
    const c = await services.children.get(request.ctx, id);
    const agencies = await sharing.agencyChoices(request.ctx);
    return reply.code(status).render('sharing/views/share.njk', {
      pageTitle: 'Share this child’s record',
      backLink: `/children/${id}`,
      child: c,
      values,
      agencyItems: [
        { value: '', text: 'Select the agency' },
        ...agencies.map((a) => ({ value: a.id, text: a.name, selected: values.agencyId === a.id })),
      ],
      basisItems: Object.entries(lawfulBases).map(([value, label]) => ({
        value,
        text: label,
        checked: values.lawfulBasis === value,
      })),
      ...errors,
    });
  };

  web.get('/children/:id/shares/new', { config: { access: 'child:share' } }, (request: WithId, reply) =>
    recordId(request) ? sharePage(request, reply, {}) : reply.callNotFound(),
  );

  recordRoute(web, 'POST', '/children/:id/shares/new', 'child:share', async (request, reply, id, form) => {
    const until = calendarDate(form, 'until', 'the date the share ends');
    const parsed = newShare.safeParse({
      agencyId: text(form, 'agencyId') || undefined,
      lawfulBasis: text(form, 'lawfulBasis') || undefined,
      reason: text(form, 'reason'),
      approvedBy: text(form, 'approvedBy'),
      until: until.date,
    });
    if (!parsed.success || until.error) {
      const errors = (parsed.success ? [] : fieldErrorsOf(parsed.error)).map((e) =>
        e.field === 'until'
          ? { field: 'until-day', message: until.error ?? 'Enter the date the share ends' }
          : e,
      );
      if (parsed.success && until.error) errors.push({ field: 'until-day', message: until.error });
      return sharePage(request, reply, form, formErrors(errors), 400);
    }
    try {
      await sharing.share(request.ctx, id, parsed.data);
    } catch (error) {
      const e = asFormErrors(error);
      const fixed = {
        errorSummary: e.errorSummary.map((x) => (x.href === '#until' ? { ...x, href: '#until-day' } : x)),
        errors: { ...e.errors, ...(e.errors.until ? { 'until-day': e.errors.until } : {}) },
      };
      return sharePage(request, reply, form, fixed, 400);
    }
    return reply.redirect(`/children/${id}#who-can-see`, 303);
  });

  web.post(
    '/children/:id/shares/:shareId/end',
    { config: { access: 'child:share' } },
    async (request: FastifyRequest<{ Params: { id: string; shareId: string } }>, reply) => {
      const id = recordId(request);
      const shareId = uuid.safeParse(request.params.shareId);
      if (!id || !shareId.success) return reply.callNotFound();
      await sharing.endShare(request.ctx, id, shareId.data);
      return reply.redirect(`/children/${id}#who-can-see`, 303);
    },
  );

  // ---- Break-glass ------------------------------------------------------------------------------

  const breakGlassPage = (
    reply: FastifyReply,
    values: Form,
    errors: Partial<FormErrors> = {},
    status = 200,
  ) =>
    reply.code(status).render('sharing/views/break-glass.njk', {
      pageTitle: 'Break-glass access to a child',
      values,
      ...errors,
    });

  web.get('/break-glass', { config: { access: 'child:break-glass' } }, (_request, reply) =>
    breakGlassPage(reply, {}),
  );

  web.post('/break-glass', { config: { access: 'child:break-glass' } }, async (request, reply) => {
    const form = (request.body ?? {}) as Form;
    const dob = calendarDate(form, 'dob', 'the date of birth');
    const parsed = breakGlassRequest.safeParse({
      identifier: text(form, 'identifier') || undefined,
      givenName: text(form, 'givenName') || undefined,
      familyName: text(form, 'familyName') || undefined,
      dateOfBirth: dob.date,
      reason: text(form, 'reason'),
    });
    if (!parsed.success || dob.error) {
      const errors = [
        ...(parsed.success ? [] : fieldErrorsOf(parsed.error)),
        ...(dob.error ? [{ field: 'dob-day', message: dob.error }] : []),
      ];
      return breakGlassPage(reply, form, formErrors(errors), 400);
    }
    try {
      const childId = await sharing.breakGlass(request.ctx, parsed.data);
      return reply.redirect(`/children/${childId}`, 303);
    } catch (error) {
      return breakGlassPage(reply, form, asFormErrors(error), 400);
    }
  });

  const reviewPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    errors: Partial<FormErrors> = {},
    status = 200,
  ) => {
    const after = ((request.query ?? {}) as Record<string, string>).after;
    const page = await sharing.reviewList(request.ctx, after ? { after } : {});
    return reply.code(status).render('sharing/views/review.njk', {
      pageTitle: 'Break-glass uses to review',
      ...pageLinks('/break-glass/review', page, after),
      uses: page.rows.map(({ use, person }) => ({
        id: use.id,
        person,
        when: formatDateTime(use.createdAt),
        until: formatDateTime(use.validTo),
        reason: use.reason,
        reviewed: use.reviewedAt ? `${formatDate(use.reviewedAt)}: ${use.reviewOutcome ?? ''}` : null,
      })),
      ...errors,
    });
  };

  web.get('/break-glass/review', { config: { access: 'break-glass:review' } }, (request, reply) =>
    reviewPage(request, reply),
  );

  recordRoute(web, 'POST', '/break-glass/:id/review', 'break-glass:review', async (request, reply, id) => {
    try {
      await sharing.review(request.ctx, id, text((request.body ?? {}) as Form, 'outcome') ?? '');
    } catch (error) {
      return reviewPage(request, reply, asFormErrors(error), 400);
    }
    return reply.redirect('/break-glass/review', 303);
  });
}
