import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { authoritySelectItems } from '../../platform/agencies/presenters';
import { findLocalAuthority } from '../../platform/agencies/reference-data';
import { ValidationError } from '../../platform/http/errors';
import {
  asFormErrors,
  calendarDate,
  type Form,
  type FormErrors,
  fieldErrorsOf,
  formErrors,
  text,
} from '../../platform/http/forms';
import { recordId } from '../../platform/http/params';
import { recordRoute } from '../../platform/http/record-routes';
import type { Services } from '../../services';
import { dateOfBirthParts } from '../children/schemas';
import { newPlacement } from './schemas';
import { placementProviders, placementTypes } from './tables';

const providerNames: Record<(typeof placementProviders)[number], string> = {
  PR0: 'Parent',
  PR1: 'Own authority',
  PR2: 'Other authority',
  PR3: 'Other public provider',
  PR4: 'Private provider',
  PR5: 'Voluntary provider',
};

export function registerPlacementRoutes(web: FastifyInstance, services: Services): void {
  type IdRequest = FastifyRequest<{ Params: { id: string } }>;

  const page = async (
    request: IdRequest,
    reply: FastifyReply,
    childId: string,
    values: Form,
    errors: Partial<FormErrors> & { found?: string } = {},
    status = 200,
  ) => {
    const child = await services.children.get(request.ctx, childId);
    const selected = (k: string) => text(values, k);
    return reply.code(status).render('placements/views/new.njk', {
      pageTitle: 'Record a placement',
      backLink: `/children/${childId}`,
      child,
      values,
      typeItems: [
        { value: '', text: 'Select type' },
        ...placementTypes.map((t) => ({
          value: t,
          text: t === 'K2' ? 'K2: children’s home' : t,
          selected: selected('placementType') === t,
        })),
      ],
      providerItems: [
        { value: '', text: 'Select provider' },
        ...placementProviders.map((p) => ({
          value: p,
          text: `${p}: ${providerNames[p]}`,
          selected: selected('provider') === p,
        })),
      ],
      authorityItems: authoritySelectItems(selected('hostAuthorityCode')),
      lookupConfigured: services.locations.lookupConfigured,
      placingItems: authoritySelectItems(selected('placingAuthorityCode') ?? child.responsibleAuthorityCode),
      ...errors,
    });
  };

  /**
   * "Find the authority": looks the postcode up and shows the form again with the host authority
   * and the position filled in, for the user to check before saving.
   */
  const lookUpPostcode = async (request: IdRequest, reply: FastifyReply, id: string, form: Form) => {
    const postcode = newPlacement.shape.postcode.safeParse(text(form, 'postcode') || undefined);
    if (!postcode.success || !postcode.data) {
      const message = postcode.success
        ? 'Enter the postcode of the placement'
        : 'Enter a real postcode, like LS1 4DY';
      return page(request, reply, id, form, formErrors([{ field: 'postcode', message }]), 400);
    }
    const facts = await services.locations.lookup(postcode.data);
    const authority = facts?.localAuthorityCode ? findLocalAuthority(facts.localAuthorityCode) : undefined;
    if (!facts || !authority) {
      return page(
        request,
        reply,
        id,
        form,
        formErrors([
          {
            field: 'postcode',
            message:
              'Lantern could not find that postcode: choose the authority, and enter the position if you know it',
          },
        ]),
        400,
      );
    }
    return page(
      request,
      reply,
      id,
      {
        ...form,
        postcode: facts.postcode,
        hostAuthorityCode: authority.code,
        latitude: String(facts.latitude),
        longitude: String(facts.longitude),
      },
      { found: `${facts.postcode} is in ${authority.name}` },
    );
  };

  recordRoute(web, 'GET', '/children/:id/placements/new', 'placement:record', (request, reply, id) =>
    page(request, reply, id, {}),
  );

  recordRoute(
    web,
    'POST',
    '/children/:id/placements/new',
    'placement:record',
    async (request, reply, id, form) => {
      if (text(form, 'action') === 'lookup') return lookUpPostcode(request, reply, id, form);
      const start = dateOfBirthParts.safeParse({
        day: text(form, 'start-day'),
        month: text(form, 'start-month'),
        year: text(form, 'start-year'),
      });
      const errors =
        start.success && start.data
          ? []
          : [{ field: 'start-day', message: 'Enter the start date as a real date' }];
      const input = {
        homeUrn: text(form, 'homeUrn') || undefined,
        postcode: text(form, 'postcode') || undefined,
        placementType: text(form, 'placementType') || undefined,
        provider: text(form, 'provider') || undefined,
        placingAuthorityCode: text(form, 'placingAuthorityCode') || undefined,
        hostAuthorityCode: text(form, 'hostAuthorityCode') || undefined,
        latitude: text(form, 'latitude'),
        longitude: text(form, 'longitude'),
        startDate: start.success ? start.data : undefined,
      };
      const parsed = newPlacement.safeParse(input);
      const all = [
        ...errors,
        ...(parsed.success ? [] : fieldErrorsOf(parsed.error).filter((e) => e.field !== 'startDate')),
      ];
      if (all.length > 0 || !parsed.success) return page(request, reply, id, form, formErrors(all), 400);
      try {
        await services.placements.place(request.ctx, id, parsed.data);
      } catch (error) {
        return page(request, reply, id, form, asFormErrors(error), 400);
      }
      return reply.redirect(`/children/${id}`, 303);
    },
  );

  type EndRequest = FastifyRequest<{ Params: { id: string; placementId: string } }>;
  const endPage = async (
    request: EndRequest,
    reply: FastifyReply,
    values: Form,
    errors: Partial<FormErrors> = {},
    status = 200,
  ) => {
    const child = await services.children.get(request.ctx, recordId(request) ?? '');
    return reply.code(status).render('placements/views/end.njk', {
      pageTitle: 'Record the end of the placement',
      backLink: `/children/${child.id}`,
      child,
      placementId: request.params.placementId,
      values,
      ...errors,
    });
  };

  web.get(
    '/children/:id/placements/:placementId/end',
    { config: { access: 'placement:record' } },
    (request: EndRequest, reply) =>
      recordId(request) && z.uuid().safeParse(request.params.placementId).success
        ? endPage(request, reply, {})
        : reply.callNotFound(),
  );

  web.post(
    '/children/:id/placements/:placementId/end',
    { config: { access: 'placement:record' } },
    async (request: EndRequest, reply) => {
      const id = recordId(request);
      const placementId = z.uuid().safeParse(request.params.placementId);
      if (!id || !placementId.success) return reply.callNotFound();
      const form = (request.body ?? {}) as Form;
      const end = calendarDate(form, 'end', 'the date the placement ended');
      if (!end.date) {
        const message = end.error ?? 'Enter the date the placement ended';
        return endPage(request, reply, form, formErrors([{ field: 'end-day', message }]), 400);
      }
      try {
        await services.placements.end(request.ctx, id, placementId.data, end.date);
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        return endPage(request, reply, form, asFormErrors(error), 400);
      }
      return reply.redirect(`/children/${id}`, 303);
    },
  );
}
