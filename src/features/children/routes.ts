import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemResponses } from '../../platform/auth/api.routes';
import { ValidationError } from '../../platform/http/errors';
import { type FormErrors, fieldErrorsOf, formErrors } from '../../platform/http/forms';
import { PAGE_SIZE, pageLinks } from '../../platform/http/pagination';

/** Events on the child's page; the chronology page has the rest. */
const RECENT_EVENTS = 15;

import { recordId } from '../../platform/http/params';
import { formatDate, formatDateTime } from '../../platform/views/filters';
import { escapeHtml } from '../../platform/views/html';
import type { Services } from '../../services';
import { childAdvocacyCard } from '../advocacy/routes';
import { allocationPanel } from '../allocation/routes';
import { episodeListRows } from '../episodes/presenters';
import { addIntelligenceHref } from '../intelligence/routes';
import { childJusticeCard } from '../justice/routes';
import {
  atEighteenRows,
  authorityItems,
  childCorrectionRows,
  childRows,
  childSummaryRows,
  ethnicityItems,
  identifierRows,
  legalStatusItems,
  placementRows,
  riskRows,
  searchRows,
  sexItems,
  timelineItems,
} from './presenters';
import { childDetails, childResponse, childSearch, dateOfBirthParts, type NewChild } from './schemas';

type Form = Record<string, string | undefined>;

/** The new-child form's fields, as the schema takes them. Date parts and aliases are parsed here. */
function fromForm(form: Form): { input: NewChild; errors: { field: string; message: string }[] } {
  const errors: { field: string; message: string }[] = [];
  const dob = dateOfBirthParts.safeParse({
    day: form['dob-day'],
    month: form['dob-month'],
    year: form['dob-year'],
  });
  if (!dob.success)
    errors.push({ field: 'dob-day', message: dob.error.issues[0]?.message ?? 'Enter a real date' });
  // A field sent more than once arrives as a list: its lines are read together.
  const aliases = ([] as string[])
    .concat(form.aliases ?? [])
    .join('\n')
    .split(/\r?\n/)
    .map((line) => line.trim().split(/\s+/).filter(Boolean))
    .filter((parts) => parts.length > 0)
    .map((parts) => ({
      givenName: parts.slice(0, -1).join(' ') || (parts[0] ?? ''),
      familyName: parts.length > 1 ? (parts.at(-1) ?? '') : '',
    }));
  if (aliases.some((a) => !a.familyName)) {
    errors.push({
      field: 'aliases',
      message: 'Give each other name as a first name and a last name, one per line',
    });
  }
  const input = {
    givenName: form.givenName ?? '',
    familyName: form.familyName ?? '',
    dateOfBirth: dob.success ? dob.data : undefined,
    sex: form.sex || undefined,
    ethnicity: form.ethnicity || undefined,
    lookedAfter: form.lookedAfter === 'yes',
    legalStatus: form.lookedAfter === 'yes' ? form.legalStatus || undefined : undefined,
    responsibleAuthorityCode:
      form.lookedAfter === 'yes' ? form.responsibleAuthorityCode || undefined : undefined,
    upn: form.upn,
    localAuthorityChildId: form.localAuthorityChildId,
    policePersonId: form.policePersonId,
    homePostcode: form.homePostcode,
    homeAddress: form.homeAddress,
    homeLatitude: form.homeLatitude,
    homeLongitude: form.homeLongitude,
    aliases: aliases.filter((a) => a.familyName),
  } as NewChild;
  return { input, errors };
}

export function registerChildRoutes(web: FastifyInstance, services: Services): void {
  const { children } = services;

  web.get('/children/repeat-missing', { config: { access: 'child:view' } }, async (request, reply) => {
    const after = ((request.query ?? {}) as Record<string, string>).after;
    const page = await services.flags.repeatMissing(request.ctx, after ? { after } : {});
    const rule = services.config.flags.repeatMissing;
    return reply.render('children/views/repeat-missing.njk', {
      pageTitle: 'Children repeatedly missing',
      rule,
      ...pageLinks('/children/repeat-missing', page, after),
      rows: page.rows.map((r) => [
        {
          html: `<a class="govuk-link" href="/children/${r.id}">${escapeHtml(`${r.givenName} ${r.familyName}`)}</a>`,
        },
        { text: String(r.episodes), format: 'numeric' },
      ]),
    });
  });

  web.get('/children', { config: { access: 'child:view' } }, async (request, reply) => {
    const query = (request.query ?? {}) as Record<string, string>;
    const searching = Boolean(query.name || query.identifier || query['dob-year']);
    const today = services.clock.now();
    if (!searching) {
      const list = await children.list(request.ctx, query.after ? { after: query.after } : {});
      return reply.render('children/views/list.njk', {
        pageTitle: 'Children',
        values: {},
        rows: childRows(list.rows, today),
        ...pageLinks('/children', list, query.after),
        mayCreate: request.ctx.permissions.has('child:create'),
        mayBreakGlass: request.ctx.permissions.has('child:break-glass'),
      });
    }
    const dob = dateOfBirthParts.safeParse({
      day: query['dob-day'],
      month: query['dob-month'],
      year: query['dob-year'],
    });
    const parsed = childSearch.safeParse({
      name: query.name || undefined,
      identifier: query.identifier || undefined,
      dateOfBirth: dob.success ? dob.data : undefined,
    });
    if (!dob.success || !parsed.success) {
      const errors = dob.success
        ? []
        : [{ field: 'dob-day', message: dob.error.issues[0]?.message ?? 'Enter a real date' }];
      return reply.code(400).render('children/views/list.njk', {
        pageTitle: 'Find a child',
        values: query,
        rows: [],
        searched: true,
        ...formErrors(parsed.success ? errors : [...errors, ...fieldErrorsOf(parsed.error)]),
      });
    }
    const hits = await children.search(request.ctx, parsed.data);
    return reply.render('children/views/list.njk', {
      pageTitle: 'Find a child',
      values: query,
      // The best matches only: a search is narrowed, not paged through.
      rows: searchRows(hits.slice(0, PAGE_SIZE), today),
      more: hits.length > PAGE_SIZE,
      searched: true,
      mayCreate: request.ctx.permissions.has('child:create'),
      mayBreakGlass: request.ctx.permissions.has('child:break-glass'),
    });
  });

  const newPage = (reply: FastifyReply, values: Form, errors: Partial<FormErrors> = {}, status = 200) =>
    reply.code(status).render('children/views/new.njk', {
      pageTitle: 'Record a child',
      backLink: '/children',
      values,
      sexItems: sexItems(values.sex),
      ethnicityItems: ethnicityItems(values.ethnicity),
      legalStatusItems: legalStatusItems(values.legalStatus),
      authorityItems: authorityItems(values.responsibleAuthorityCode),
      lookupConfigured: services.locations.lookupConfigured,
      ...errors,
    });

  web.get('/children/new', { config: { access: 'child:create' } }, (_request, reply) => newPage(reply, {}));

  web.post('/children/new', { config: { access: 'child:create' } }, async (request, reply) => {
    const form = (request.body ?? {}) as Form;
    const { input, errors } = fromForm(form);
    const parsed = childDetails.safeParse(input);
    const all = [...errors, ...(parsed.success ? [] : fieldErrorsOf(parsed.error))];
    if (all.length > 0) return newPage(reply, form, formErrors(all), 400);
    const id = await children.create(request.ctx, input);
    return reply.redirect(`/children/${id}`, 303);
  });

  web.get(
    '/children/:id',
    { config: { access: 'child:view' } },
    async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
      const id = recordId(request);
      if (!id) return reply.callNotFound();
      // One transaction for everything the page shows: one snapshot, one round of BEGIN and COMMIT.
      const page = await services.withTransaction(async () => {
        const c = await children.get(request.ctx, id);
        const {
          episodes,
          more: moreEpisodes,
          currentRisk: risk,
        } = await services.episodes.overviewForChild(request.ctx, id);
        // Justice cases, and their flags, come only to those who may see justice details.
        const justiceCard = await childJusticeCard(services, request.ctx, id);
        const flags = [...(await services.flags.forChild(request.ctx, id)), ...(justiceCard?.flags ?? [])];
        const placed = await services.placements.currentFor(request.ctx, id);
        const recent = await services.chronology.latest(request.ctx, id, RECENT_EVENTS);
        const screening = await services.screening.summary(request.ctx, id);
        const openNotices = await services.notices.openForChild(request.ctx, id);
        const whoCanSee = await services.sharing.whoCanSee(request.ctx, id);
        const shares = await services.sharing.openShares(request.ctx, id);
        const at18 = await services.atEighteen.status(request.ctx, id);
        const corrections = await children.corrections(request.ctx, id);
        const advocacy = await childAdvocacyCard(services, request.ctx, id);
        // On the page, who raised a concern or saw the child goes in the title.
        const events = recent.rows.map((e) => ({
          ...e,
          title:
            e.type === 'concern'
              ? `Concern raised by ${e.agency}`
              : e.type === 'sighting'
                ? `Seen by staff of ${e.agency}`
                : e.title,
        }));
        return {
          // The latest events only; the chronology page has them all.
          timeline: timelineItems(events),
          olderEvents: recent.next !== null,
          flags,
          riskRows: riskRows({
            childId: id,
            risk,
            screening,
            notices: openNotices,
            flags,
            now: services.clock.now(),
            mayScreen: request.ctx.permissions.has('screening:record'),
          }),
          placementRows: placed ? placementRows(placed) : null,
          justiceCard,
          advocacyCard: advocacy,
          placementId: placed?.id ?? null,
          mayPlace: request.ctx.permissions.has('placement:record'),
          mayRaiseConcern: request.ctx.permissions.has('concern:raise'),
          mayRaiseNotice: request.ctx.permissions.has('notice:raise'),
          allocationPanel: await allocationPanel(services, request.ctx, 'child', id),
          mayShare: request.ctx.permissions.has('child:share'),
          maySubjectAccess: request.ctx.permissions.has('child:subject-access'),
          accessRows: whoCanSee.map((w) => [
            { text: w.person ? `${w.person}, ${w.agency}` : w.agency },
            { text: w.why },
            { text: formatDate(w.validFrom) },
            { text: w.validTo ? formatDateTime(w.validTo) : 'No end' },
          ]),
          shares: shares.map((sh) => ({ id: sh.id, agency: sh.agency, until: formatDateTime(sh.validTo) })),
          episodeRows: episodeListRows(episodes),
          moreEpisodes,
          hasOpenEpisode: risk !== null,
          mayReport: request.ctx.permissions.has('episode:report') && at18.status === 'open',
          // Shown once the decision at 18 is due, and for good once it is made.
          at18: at18.due || at18.status !== 'open' ? at18 : null,
          at18Rows: atEighteenRows(at18),
          mayDecideAt18: at18.due && at18.mayDecide,
          // The page title never carries the child's name: titles end up in browser history.
          pageTitle: 'Child record',
          backLink: '/children',
          child: c,
          summaryRows: childSummaryRows(c, services.clock.now()),
          identifierRows: identifierRows(c),
          mayCorrect: request.ctx.permissions.has('child:correct'),
          mayViewIntelligence: request.ctx.permissions.has('intelligence:view'),
          mayRecordCare: request.ctx.permissions.has('care-episode:record'),
          addIntelligenceHref: addIntelligenceHref(request.ctx, id, null, `/children/${id}`),
          correctionRows: childCorrectionRows(corrections),
        };
      });
      return reply.render('children/views/child.njk', page);
    },
  );
}

const toResponse = (c: Awaited<ReturnType<Services['children']['get']>>) => ({
  id: c.id,
  givenName: c.givenName,
  familyName: c.familyName,
  dateOfBirth: c.dateOfBirth,
  sex: c.sex,
  ethnicity: c.ethnicity,
  lookedAfter: c.lookedAfter,
  legalStatus: c.legalStatus,
  responsibleAuthorityCode: c.responsibleAuthorityCode,
  upn: c.upn,
  localAuthorityChildId: c.localAuthorityChildId,
  policePersonId: c.policePersonId,
  aliases: c.aliases,
});

export function registerChildApi(api: FastifyInstance, services: Services): void {
  const typed = api.withTypeProvider<ZodTypeProvider>();
  typed.get(
    '/children/:id',
    {
      config: { access: 'child:view' },
      schema: {
        summary: 'One child known to the hub, if your agency has access to them',
        tags: ['Children'],
        params: z.object({ id: z.uuid() }),
        response: { 200: childResponse, ...problemResponses },
      },
    },
    async (request) => toResponse(await services.children.get(request.ctx, request.params.id)),
  );

  typed.get(
    '/children',
    {
      config: { access: 'child:view' },
      schema: {
        summary:
          'Find children your agency has access to by name (near spellings too), date of birth or identifier',
        tags: ['Children'],
        querystring: childSearch,
        response: {
          200: z.object({
            results: z.array(
              z.object({
                id: z.uuid(),
                givenName: z.string(),
                familyName: z.string(),
                dateOfBirth: z.string().nullable(),
                matchedName: z.string(),
                score: z.number(),
              }),
            ),
          }),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      if (!request.query.name && !request.query.dateOfBirth && !request.query.identifier) {
        throw new ValidationError([
          { field: 'name', message: 'Give a name, date of birth or identifier to search by' },
        ]);
      }
      const hits = await services.children.search(request.ctx, request.query);
      return {
        results: hits.map((h) => ({
          id: h.child.id,
          givenName: h.child.givenName,
          familyName: h.child.familyName,
          dateOfBirth: h.child.dateOfBirth,
          matchedName: h.matchedName,
          score: Math.round(h.score * 1000) / 1000,
        })),
      };
    },
  );

  typed.post(
    '/children',
    {
      config: { access: 'child:create' },
      schema: {
        summary: 'Record a child; your agency gets access to them',
        tags: ['Children'],
        body: childDetails,
        response: { 201: childResponse, ...problemResponses, 409: problemResponses[400] },
      },
    },
    async (request, reply) => {
      const id = await services.children.create(request.ctx, request.body);
      reply.code(201);
      return toResponse(await services.children.get(request.ctx, id));
    },
  );
}
