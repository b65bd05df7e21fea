import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Context } from '../../platform/context';
import { ValidationError } from '../../platform/http/errors';
import {
  asFormErrors,
  type Form,
  type FormErrors,
  fieldErrorsOf,
  formErrors,
  parseForm,
  text,
} from '../../platform/http/forms';
import { recordId } from '../../platform/http/params';
import { recordRoute } from '../../platform/http/record-routes';
import { formatDateTime } from '../../platform/views/filters';
import { escapeHtml } from '../../platform/views/html';
import type { Services } from '../../services';
import type { LinkRow } from './intelligence.service';
import { entityInput, entityKindNames, grading, linkTypeNames, placeTypeNames } from './schemas';
import { type EntityKind, entityKinds, type LinkSource, linkSources, linkTypes, placeTypes } from './tables';

type WithId = FastifyRequest<{ Params: { id: string } }>;
const uuid = z.uuid();

const sourceNames: Record<LinkSource, string> = {
  episode: 'Episode',
  return_interview: 'Return interview',
  sighting: 'Sighting',
  notice: 'Concern notice',
  log: 'Intelligence log',
};

/** Where a link's source record is shown. */
function sourceHref(type: LinkSource, id: string): string | null {
  switch (type) {
    case 'episode':
      return `/episodes/${id}`;
    case 'return_interview':
      return `/return-interviews/${id}`;
    case 'sighting':
      return `/sightings/${id}`;
    case 'notice':
      return `/notices/${id}`;
    default:
      return null;
  }
}

/** A safe place to go back to: a path on this site only. */
const safePath = (to: string | undefined, fallback: string) =>
  to && /^\/[A-Za-z0-9/_-]*$/.test(to) && !to.startsWith('//') ? to : fallback;

/** Links as table rows: when, how, to what (or from whom), the source, the grading and who. */
export function linkRows(
  links: {
    link: LinkRow;
    entityLabel: string;
    entityKind: EntityKind;
    childName: string | null;
    fromLabel: string | null;
    authorName: string | null;
    authorAgency: string;
  }[],
  side: 'entity' | 'child',
) {
  return links.map((l) => {
    const href = sourceHref(l.link.sourceType, l.link.sourceId);
    const other =
      side === 'child'
        ? `<a class="govuk-link" href="/intelligence/entities/${l.link.entityId}">${escapeHtml(l.entityLabel)}</a>`
        : l.link.childId
          ? `<a class="govuk-link" href="/children/${l.link.childId}">${escapeHtml(l.childName ?? '')}</a>`
          : `<a class="govuk-link" href="/intelligence/entities/${l.link.fromEntityId}">${escapeHtml(l.fromLabel ?? '')}</a>`;
    return [
      { text: formatDateTime(l.link.occurredAt) },
      { text: linkTypeNames[l.link.type] },
      { html: other },
      {
        html: href
          ? `<a class="govuk-link" href="${href}">${sourceNames[l.link.sourceType]}</a>`
          : escapeHtml(sourceNames[l.link.sourceType]),
      },
      {
        html: `${l.link.sourceGrade}${l.link.informationGrade}${l.link.handlingCode}${
          l.link.handlingConditions
            ? `<br><span class="govuk-hint govuk-!-font-size-16">Conditions: ${escapeHtml(l.link.handlingConditions)}</span>`
            : ''
        }`,
      },
      { text: [l.authorName, l.authorAgency].filter(Boolean).join(', ') },
    ];
  });
}

/**
 * Where to record intelligence from a record: the capture page with its source filled in, or null
 * when the user may not record intelligence.
 */
export function addIntelligenceHref(
  ctx: Context,
  childId: string,
  source: { type: LinkSource; id: string } | null,
  returnTo: string,
  type?: (typeof linkTypes)[number],
): string | null {
  if (!ctx.permissions.has('intelligence:record')) return null;
  const q = new URLSearchParams({
    ...(source ? { source: source.type, sourceId: source.id } : {}),
    ...(type ? { type } : {}),
    returnTo,
  });
  return `/children/${childId}/intelligence/add?${q}`;
}

const kindItems = (selected: string | undefined) =>
  entityKinds.map((k) => ({ value: k, text: entityKindNames[k], checked: k === selected }));

/** The capture form's query: where it came from, what the user is looking for. */
const captureQuery = z.object({
  source: z.enum(linkSources).optional(),
  sourceId: z.uuid().optional(),
  type: z.enum(linkTypes).optional(),
  kind: z.enum(entityKinds).optional(),
  q: z.string().max(200).optional(),
  returnTo: z.string().max(300).optional(),
});

export function registerIntelligenceRoutes(web: FastifyInstance, services: Services): void {
  const { intelligence, patterns } = services;

  // ---- Search -----------------------------------------------------------------------------------

  web.get('/intelligence', { config: { access: 'intelligence:view' } }, async (request, reply) => {
    const query = (request.query ?? {}) as Record<string, string>;
    const kind = (entityKinds as readonly string[]).includes(query.kind ?? '')
      ? (query.kind as EntityKind)
      : undefined;
    const q = (query.q ?? '').trim();
    const results = kind && q ? await intelligence.findSimilar(request.ctx, kind, q) : null;
    return reply.render('intelligence/views/index.njk', {
      pageTitle: 'Intelligence',
      kindItems: kindItems(kind),
      q,
      searched: results !== null,
      results: (results ?? []).map((r) => ({ ...r, href: `/intelligence/entities/${r.id}` })),
    });
  });

  // ---- An entity --------------------------------------------------------------------------------

  recordRoute(web, 'GET', '/intelligence/entities/:id', 'intelligence:view', async (request, reply, id) => {
    const e = await intelligence.entity(request.ctx, id);
    const row = e.entity;
    const facts: { key: { text: string }; value: { text: string } }[] = [
      { key: { text: 'Kind' }, value: { text: entityKindNames[row.kind] } },
    ];
    const add = (label: string, value: string | number | null | undefined) => {
      if (value !== null && value !== undefined && value !== '')
        facts.push({ key: { text: label }, value: { text: String(value) } });
    };
    add('Given name', row.givenName);
    add('Family name', row.familyName);
    add('Other names', (row.aliases ?? []).join(', '));
    add('Date of birth', row.dateOfBirth);
    add('Approximate age when recorded', row.approximateAge);
    add('Description', row.description);
    add('Kind of place', row.placeType ? placeTypeNames[row.placeType] : null);
    add('Postcode', e.place?.postcode);
    add('Registration', row.registrationPartial ? `${row.registration} (partly read)` : row.registration);
    add('Make, model and colour', [row.make, row.model, row.colour].filter(Boolean).join(', '));
    add('Number', row.phoneE164);
    add('Platform', row.platform);
    add('Handle', row.handle);
    add('Recorded', formatDateTime(row.createdAt));
    return reply.render('intelligence/views/entity.njk', {
      pageTitle: entityKindNames[row.kind],
      backLink: '/intelligence',
      entity: row,
      mergedInto: row.mergedIntoId,
      facts,
      rows: linkRows(e.links, 'entity'),
    });
  });

  // ---- A child's intelligence --------------------------------------------------------------------

  recordRoute(web, 'GET', '/children/:id/intelligence', 'intelligence:view', async (request, reply, id) => {
    const c = await services.children.get(request.ctx, id);
    const links = await intelligence.linksOfChild(request.ctx, id);
    return reply.render('intelligence/views/child.njk', {
      pageTitle: 'Intelligence about a child',
      backLink: `/children/${id}`,
      child: c,
      rows: linkRows(links, 'child'),
      mayRecord: request.ctx.permissions.has('intelligence:record'),
    });
  });

  // ---- Recording a link, search before create ------------------------------------------------

  const capturePage = async (
    request: WithId,
    reply: FastifyReply,
    values: Form,
    errors: Partial<FormErrors> = {},
    status = 200,
  ) => {
    const childId = recordId(request) ?? '';
    const c = await services.children.get(request.ctx, childId);
    const q = captureQuery.safeParse({ ...(request.query as object), ...values });
    const v = q.success ? q.data : {};
    const kind = v.kind;
    const search = (v.q ?? '').trim();
    const similar = kind && search ? await intelligence.findSimilar(request.ctx, kind, search) : [];
    const chosen = text(values, 'entityId') ?? (similar.length === 0 && kind && search ? 'new' : '');
    const returnTo = safePath(v.returnTo, `/children/${childId}`);
    const source = v.source && v.sourceId ? { type: v.source, id: v.sourceId } : null;
    return reply.code(status).render('intelligence/views/add.njk', {
      pageTitle: 'Add intelligence',
      backLink: returnTo,
      child: c,
      kind,
      kindName: kind ? entityKindNames[kind] : null,
      kindItems: kindItems(kind),
      q: search,
      searched: Boolean(kind && search),
      source,
      sourceName: source ? sourceNames[source.type] : null,
      returnTo,
      action: `/children/${childId}/intelligence/add`,
      entityItems: similar.map((s) => ({
        value: s.id,
        text: s.label,
        hint: { text: s.why ?? '' },
        checked: chosen === s.id,
      })),
      newChecked: chosen === 'new',
      typeItems: [
        { value: '', text: 'Select how they are linked' },
        ...linkTypes.map((t) => ({
          value: t,
          text: linkTypeNames[t],
          selected: (text(values, 'type') ?? v.type) === t,
        })),
      ],
      placeTypeItems: [
        { value: '', text: 'Select the kind of place' },
        ...placeTypes.map((t) => ({
          value: t,
          text: placeTypeNames[t],
          selected: text(values, 'placeType') === t,
        })),
      ],
      sourceGradeItems: [
        ['1', '1: reliable'],
        ['2', '2: untested'],
        ['3', '3: not reliable'],
      ].map(([value, label]) => ({ value, text: label, checked: text(values, 'sourceGrade') === value })),
      informationGradeItems: [
        ['A', 'A: known directly to the source'],
        ['B', 'B: known indirectly, corroborated'],
        ['C', 'C: known indirectly'],
        ['D', 'D: not known'],
        ['E', 'E: suspected to be false'],
      ].map(([value, label]) => ({
        value,
        text: label,
        checked: text(values, 'informationGrade') === value,
      })),
      handlingCode: text(values, 'handlingCode'),
      values,
      ...errors,
    });
  };

  web.get(
    '/children/:id/intelligence/add',
    { config: { access: 'intelligence:record' } },
    async (request: WithId, reply) =>
      recordId(request) ? capturePage(request, reply, {}) : reply.callNotFound(),
  );

  web.post(
    '/children/:id/intelligence/add',
    { config: { access: 'intelligence:record' } },
    async (request: WithId, reply) => {
      const childId = recordId(request);
      if (!childId) return reply.callNotFound();
      const form = (request.body ?? {}) as Form;
      const q = captureQuery.safeParse(form);
      if (!q.success || !q.data.kind)
        return capturePage(
          request,
          reply,
          form,
          formErrors([{ field: 'kind', message: 'Select what the intelligence is about' }]),
          400,
        );
      const kind = q.data.kind;
      const entityChoice = text(form, 'entityId') ?? '';
      // Everything is checked before anything is written: a bad field loses nothing.
      const problems = [];
      const graded = grading.safeParse({
        sourceGrade: text(form, 'sourceGrade'),
        informationGrade: text(form, 'informationGrade'),
        handlingCode: text(form, 'handlingCode'),
        handlingConditions: text(form, 'handlingConditions'),
      });
      if (!graded.success) problems.push(...fieldErrorsOf(graded.error));
      const type = z.enum(linkTypes).safeParse(text(form, 'type'));
      if (!type.success) problems.push({ field: 'type', message: 'Select how they are linked' });
      const when = parseForm(z.object({ occurredAt: z.date() }), form, {
        occurredAt: { label: 'when it happened' },
      });
      problems.push(...when.errors);
      let newEntity: z.output<typeof entityInput> | null = null;
      if (entityChoice === 'new') {
        const parsed = entityInput.safeParse({ ...form, kind });
        if (parsed.success) newEntity = parsed.data;
        else problems.push(...fieldErrorsOf(parsed.error).filter((e) => e.field !== 'kind'));
      } else if (!uuid.safeParse(entityChoice).success) {
        problems.push({ field: 'entityId', message: 'Select one of those found, or record a new one' });
      }
      const source = q.data.source && q.data.sourceId ? { type: q.data.source, id: q.data.sourceId } : null;
      const summary = (text(form, 'summary') ?? '').trim();
      if (!source && !summary)
        problems.push({ field: 'summary', message: 'Enter what was reported, and by whom' });
      if (problems.length > 0 || !graded.success || !type.success || !when.data) {
        return capturePage(request, reply, form, formErrors(problems), 400);
      }
      try {
        const entityId = newEntity
          ? (await intelligence.createEntity(request.ctx, newEntity)).id
          : entityChoice;
        const from = source ?? {
          type: 'log' as const,
          id: await intelligence.addLogEntry(request.ctx, {
            childId,
            summary,
            occurredAt: when.data.occurredAt,
          }),
        };
        await intelligence.link(request.ctx, {
          childId,
          entityId,
          type: type.data,
          occurredAt: when.data.occurredAt,
          sourceType: from.type,
          sourceId: from.id,
          ...graded.data,
        });
      } catch (error) {
        if (error instanceof ValidationError)
          return capturePage(request, reply, form, asFormErrors(error), 400);
        throw error;
      }
      const back = safePath(q.data.returnTo, `/children/${childId}`);
      return reply.redirect(`${back}${back.includes('?') ? '&' : '?'}linked=yes`, 303);
    },
  );

  // ---- Patterns ---------------------------------------------------------------------------------

  recordRoute(web, 'GET', '/intelligence/patterns/:id', 'signed-in', async (request, reply, id) => {
    const p = await patterns.get(request.ctx, id);
    return reply.render('intelligence/views/pattern.njk', {
      pageTitle: 'Pattern',
      backLink: request.ctx.permissions.has('notice:triage') ? '/mash' : '/',
      pattern: p.pattern,
      reason: p.reason,
      entity: p.entity,
      entityHref: request.ctx.permissions.has('intelligence:view')
        ? `/intelligence/entities/${p.entity.id}`
        : null,
      areaName: p.areaName,
      raised: formatDateTime(p.pattern.raisedAt),
      mayClose:
        !p.pattern.closedAt &&
        (request.ctx.permissions.has('notice:triage') || request.ctx.permissions.has('intelligence:view')),
      rows: p.evidence.map((e) => [
        { text: formatDateTime(e.at) },
        {
          html: e.child
            ? `<a class="govuk-link" href="/children/${e.child.id}">${escapeHtml(e.child.name)}</a>`
            : 'A child your agency cannot see',
        },
        { text: e.type },
        {
          html: e.episode
            ? `<a class="govuk-link" href="/episodes/${e.sourceId}">Episode from ${escapeHtml(formatDateTime(e.episode.startedAt))}</a>`
            : escapeHtml(sourceNames[e.source]),
        },
        { text: e.grading },
      ]),
    });
  });

  recordRoute(web, 'POST', '/intelligence/patterns/:id/close', 'signed-in', async (request, reply, id) => {
    await patterns.close(request.ctx, id);
    return reply.redirect(`/intelligence/patterns/${id}`, 303);
  });
}
