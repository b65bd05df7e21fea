import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { findLocalAuthority } from '../../platform/agencies/reference-data';
import { ValidationError } from '../../platform/http/errors';
import { asFormErrors, type FormErrors, fieldErrorsOf, formErrors } from '../../platform/http/forms';
import { recordId } from '../../platform/http/params';
import { formatDate, formatDateTime } from '../../platform/views/filters';
import type { Services } from '../../services';
import { ageOn, childSummaryRows } from '../children/presenters';
import {
  descriptionRows,
  type EntrySlug,
  entryCells,
  entryKinds,
  healthRows,
  isEntrySlug,
  missingHistory,
  moneyRows,
  profileChangeRows,
} from './presenters';
import {
  type ProfileDetails,
  profileChangeReason,
  profileDetails,
  profileEntry,
  profileFields,
} from './schemas';

type Form = Record<string, string | undefined>;
type WithId = FastifyRequest<{ Params: { id: string } }>;

const uuid = z.uuid();

export function registerProfileRoutes(web: FastifyInstance, services: Services): void {
  const { profiles } = services;
  const mayEdit = (request: FastifyRequest) => request.ctx.permissions.has('profile:edit');

  web.get('/children/:id/profile', { config: { access: 'child:view' } }, async (request: WithId, reply) => {
    const id = recordId(request);
    if (!id) return reply.callNotFound();
    const p = await profiles.get(request.ctx, id);
    const changes = await profiles.changes(request.ctx, id);
    return reply.render('profiles/views/profile.njk', {
      pageTitle: 'Philomena profile',
      backLink: `/children/${id}`,
      child: p.child,
      photo: p.photo,
      descriptionRows: descriptionRows(p),
      healthRows: healthRows(p),
      healthShown: p.healthShown,
      moneyRows: moneyRows(p),
      lists: Object.entries(entryKinds).map(([slug, k]) => ({
        slug,
        ...k,
        entries: p.entries[k.kind].map((e) => ({ id: e.id, ...entryCells(e) })),
      })),
      changeRows: profileChangeRows(changes),
      mayEdit: mayEdit(request),
    });
  });

  web.get(
    '/children/:id/profile/print',
    { config: { access: 'child:view' } },
    async (request: WithId, reply) => {
      const id = recordId(request);
      if (!id) return reply.callNotFound();
      const p = await profiles.get(request.ctx, id, 'print');
      const episodes = await services.episodes.historyForChild(request.ctx, id);
      const placed = await services.placements.currentFor(request.ctx, id);
      const now = services.clock.now();
      const open = episodes.open;
      return reply.render('profiles/views/print.njk', {
        pageTitle: 'Philomena profile sheet',
        backLink: `/children/${id}/profile`,
        child: p.child,
        age: ageOn(p.child.dateOfBirth, now),
        dateOfBirth: formatDate(p.child.dateOfBirth),
        aliases: p.aliases.map((a) => `${a.givenName} ${a.familyName}`).join(', '),
        photo: p.photo,
        summaryRows: childSummaryRows({ ...p.child, aliases: p.aliases }, now).slice(1),
        descriptionRows: descriptionRows(p),
        healthRows: healthRows(p),
        healthShown: p.healthShown,
        moneyRows: moneyRows(p),
        lists: Object.values(entryKinds).map((k) => ({
          heading: k.heading,
          entries: p.entries[k.kind].map(entryCells),
        })),
        history: missingHistory(episodes),
        openEpisode: open
          ? {
              kind: open.kind,
              since: formatDateTime(open.startedAt),
              policeReference: open.policeReference,
              clothing: open.clothing,
            }
          : null,
        placement: placed
          ? {
              postcode: placed.postcode,
              placing: findLocalAuthority(placed.placingAuthorityCode)?.name ?? placed.placingAuthorityCode,
              host: findLocalAuthority(placed.hostAuthorityCode)?.name ?? placed.hostAuthorityCode,
              since: formatDate(placed.startDate),
              outOfArea: placed.outOfArea,
            }
          : null,
        printedAt: formatDateTime(now),
        printedBy: request.ctx.actor?.name,
      });
    },
  );

  const detailsPage = async (
    request: WithId,
    reply: FastifyReply,
    values: Form | null,
    errors: Partial<FormErrors> = {},
    status = 200,
  ) => {
    const id = recordId(request) ?? '';
    const p = await profiles.get(request.ctx, id);
    const current = Object.fromEntries(profileFields.map((f) => [f, p.details?.[f] ?? '']));
    return reply.code(status).render('profiles/views/details.njk', {
      pageTitle: 'Description and needs',
      backLink: `/children/${id}/profile`,
      child: p.child,
      values: values ?? current,
      healthShown: p.healthShown,
      ...errors,
    });
  };

  web.get(
    '/children/:id/profile/details',
    { config: { access: 'profile:edit' } },
    (request: WithId, reply) =>
      recordId(request) ? detailsPage(request, reply, null) : reply.callNotFound(),
  );

  web.post(
    '/children/:id/profile/details',
    { config: { access: 'profile:edit' } },
    async (request: WithId, reply) => {
      const id = recordId(request);
      if (!id) return reply.callNotFound();
      const form = (request.body ?? {}) as Form;
      const input = Object.fromEntries(profileFields.map((f) => [f, form[f] ?? ''])) as ProfileDetails;
      const parsed = profileDetails.safeParse(input);
      const reason = profileChangeReason.safeParse(form.reason ?? '');
      const errors = [
        ...(parsed.success ? [] : fieldErrorsOf(parsed.error)),
        ...(reason.success ? [] : fieldErrorsOf(reason.error).map((e) => ({ ...e, field: 'reason' }))),
      ];
      if (errors.length > 0) return detailsPage(request, reply, form, formErrors(errors), 400);
      await profiles.update(request.ctx, id, input, form.reason);
      return reply.redirect(`/children/${id}/profile`, 303);
    },
  );

  type EntryRequest = FastifyRequest<{ Params: { id: string; kind: string } }>;
  const entryPage = async (
    request: EntryRequest,
    reply: FastifyReply,
    slug: EntrySlug,
    values: Form,
    errors: Partial<FormErrors> = {},
    status = 200,
  ) => {
    const id = recordId(request) ?? '';
    const p = await profiles.get(request.ctx, id);
    return reply.code(status).render('profiles/views/entry.njk', {
      pageTitle: entryKinds[slug].add,
      backLink: `/children/${id}/profile`,
      child: p.child,
      slug,
      k: entryKinds[slug],
      lookupConfigured: services.locations.lookupConfigured,
      values,
      ...errors,
    });
  };

  web.get(
    '/children/:id/profile/:kind/new',
    { config: { access: 'profile:edit' } },
    (request: EntryRequest, reply) => {
      const slug = request.params.kind;
      if (!recordId(request) || !isEntrySlug(slug)) return reply.callNotFound();
      return entryPage(request, reply, slug, {});
    },
  );

  web.post(
    '/children/:id/profile/:kind/new',
    { config: { access: 'profile:edit' } },
    async (request: EntryRequest, reply) => {
      const id = recordId(request);
      const slug = request.params.kind;
      if (!id || !isEntrySlug(slug)) return reply.callNotFound();
      const form = (request.body ?? {}) as Form;
      const input = { ...form, kind: entryKinds[slug].kind };
      const parsed = profileEntry.safeParse(input);
      if (!parsed.success) {
        return entryPage(request, reply, slug, form, formErrors(fieldErrorsOf(parsed.error)), 400);
      }
      await profiles.addEntry(request.ctx, id, parsed.data);
      return reply.redirect(`/children/${id}/profile#${slug}`, 303);
    },
  );

  web.post(
    '/children/:id/profile/entries/:entryId/remove',
    { config: { access: 'profile:edit' } },
    async (request: FastifyRequest<{ Params: { id: string; entryId: string } }>, reply) => {
      const id = recordId(request);
      const entryId = uuid.safeParse(request.params.entryId);
      if (!id || !entryId.success) return reply.callNotFound();
      await profiles.removeEntry(request.ctx, id, entryId.data);
      return reply.redirect(`/children/${id}/profile`, 303);
    },
  );

  const photoPage = async (
    request: WithId,
    reply: FastifyReply,
    errors: Partial<FormErrors> = {},
    status = 200,
  ) => {
    const p = await profiles.get(request.ctx, recordId(request) ?? '');
    return reply.code(status).render('profiles/views/photo.njk', {
      pageTitle: 'Add a photo',
      backLink: `/children/${p.child.id}/profile`,
      child: p.child,
      photo: p.photo,
      ...errors,
    });
  };
  const tooLarge = formErrors([{ field: 'photo', message: 'The photo must be 5 MB or smaller' }]);

  web.get('/children/:id/profile/photo', { config: { access: 'profile:edit' } }, (request: WithId, reply) =>
    recordId(request) ? photoPage(request, reply) : reply.callNotFound(),
  );

  web.post(
    '/children/:id/profile/photo',
    {
      config: {
        access: 'profile:edit',
        fileTooLarge: (request, reply) => photoPage(request as WithId, reply, tooLarge, 413),
      },
    },
    async (request: WithId, reply) => {
      const id = recordId(request);
      if (!id) return reply.callNotFound();
      const body = (request.body ?? {}) as { photo?: unknown };
      if (!Buffer.isBuffer(body.photo) || body.photo.length === 0) {
        return photoPage(
          request,
          reply,
          formErrors([{ field: 'photo', message: 'Select a photo (JPEG or PNG)' }]),
          400,
        );
      }
      try {
        await profiles.uploadPhoto(request.ctx, id, body.photo);
      } catch (error) {
        if (error instanceof ValidationError) return photoPage(request, reply, asFormErrors(error), 400);
        throw error;
      }
      return reply.redirect(`/children/${id}/profile`, 303);
    },
  );

  web.get(
    '/children/:id/photos/:photoId',
    { config: { access: 'child:view' } },
    async (request: FastifyRequest<{ Params: { id: string; photoId: string } }>, reply) => {
      const id = recordId(request);
      const photoId = uuid.safeParse(request.params.photoId);
      if (!id || !photoId.success) return reply.callNotFound();
      const photo = await profiles.photo(request.ctx, id, photoId.data);
      return reply
        .header('content-type', photo.contentType)
        .header('cache-control', 'private, no-store')
        .header('content-disposition', 'inline')
        .send(photo.bytes);
    },
  );
}
