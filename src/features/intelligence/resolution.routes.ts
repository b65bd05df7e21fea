import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ConflictError, ValidationError } from '../../platform/http/errors';
import { asFormErrors, type Form, type FormErrors, text } from '../../platform/http/forms';
import { pageLinks } from '../../platform/http/pagination';
import { recordId } from '../../platform/http/params';
import { recordRoute } from '../../platform/http/record-routes';
import { formatDate, formatDateTime } from '../../platform/views/filters';
import { escapeHtml } from '../../platform/views/html';
import type { Services } from '../../services';
import type { CandidateList, ResolutionService } from './resolution.service';
import { candidateLists } from './resolution.service';
import { entityKindNames, linkTypeNames, placeTypeNames } from './schemas';

type WithId = FastifyRequest<{ Params: { id: string } }>;
type Pair = Awaited<ReturnType<ResolutionService['candidate']>>;
type Side = Pair['a'];

const listNames: Record<CandidateList, string> = {
  open: 'To review',
  unsure: 'Not sure',
  merged: 'Merged',
};

const decisionNames = {
  match: 'The same: merged',
  not_match: 'Not the same',
  unsure: 'Not sure',
  open: 'Not yet decided',
} as const;

/** A weight as people read it: "+0.30" or "−0.40". */
export const formatWeight = (w: number) => `${w < 0 ? '−' : '+'}${Math.abs(w).toFixed(2)}`;

const orNone = (v: string | null | undefined) => (v?.trim() ? v : 'Not recorded');
const listOf = (values: Iterable<string>) => {
  const all = [...values];
  return all.length ? all.join(', ') : 'None linked';
};

/** The rows of the side-by-side comparison: what resolution compared, for this kind of entity. */
function comparisonRows(a: Side, b: Side) {
  const row = (key: string, value: (s: Side) => string) => ({ key, a: value(a), b: value(b) });
  const kind = a.entity.kind;
  const rows = [];
  switch (kind) {
    case 'person':
      rows.push(
        row('Name', (s) => s.entity.label),
        row('Other names', (s) => (s.entity.aliases?.length ? s.entity.aliases.join(', ') : 'None recorded')),
        row('Date of birth', (s) => (s.entity.dateOfBirth ? formatDate(s.entity.dateOfBirth) : 'Not known')),
        row('Age when recorded', (s) =>
          s.entity.approximateAge !== null ? `About ${s.entity.approximateAge}` : 'Not recorded',
        ),
        row('Description', (s) => orNone(s.entity.description)),
        row('Phones', (s) => listOf(s.person?.phones ?? [])),
        row('Vehicle registrations', (s) => listOf(s.person?.registrations ?? [])),
        row('Home postcodes', (s) => listOf(s.person?.homePostcodes ?? [])),
      );
      break;
    case 'vehicle':
      rows.push(
        row('Registration', (s) =>
          s.entity.registrationPartial
            ? `${s.entity.registration ?? ''} (partly read)`
            : (s.entity.registration ?? ''),
        ),
        row('Make', (s) => orNone(s.entity.make)),
        row('Model', (s) => orNone(s.entity.model)),
        row('Colour', (s) => orNone(s.entity.colour)),
      );
      break;
    case 'phone':
      rows.push(row('Number', (s) => s.entity.phoneE164 ?? ''));
      break;
    case 'account':
      rows.push(
        row('Platform', (s) => s.entity.platform ?? ''),
        row('Handle', (s) => s.entity.handle ?? ''),
      );
      break;
    case 'location':
      rows.push(
        row('Place', (s) => s.place?.name ?? s.entity.label),
        row('Postcode', (s) => orNone(s.place?.postcode)),
        row('Kind of place', (s) =>
          s.entity.placeType ? placeTypeNames[s.entity.placeType] : 'Not recorded',
        ),
      );
      break;
  }
  rows.push(
    row('Recorded', (s) => formatDateTime(s.entity.createdAt)),
    row('Links you can see', (s) => String(s.links.length === 20 ? '20 or more' : s.links.length)),
  );
  return rows;
}

const linkLines = (s: Side) =>
  s.links.map((l) => ({
    text: `${linkTypeNames[l.type]}: ${l.childName ?? l.otherLabel ?? 'a record you cannot see'}, ${formatDate(l.occurredAt)}`,
  }));

export function registerResolutionRoutes(web: FastifyInstance, services: Services): void {
  const { resolution } = services;

  web.get(
    '/intelligence/resolution',
    { config: { access: 'intelligence:resolve' } },
    async (request, reply) => {
      const query = (request.query ?? {}) as Record<string, string | undefined>;
      const list = candidateLists.find((l) => l === query.list) ?? 'open';
      const after = query.after;
      const page = await resolution.queue(request.ctx, list, after ? { after } : {});
      const keep: Record<string, string> = list === 'open' ? {} : { list };
      return reply.render('intelligence/views/resolution-queue.njk', {
        pageTitle: 'Possible duplicates in the intelligence',
        list,
        listName: listNames[list],
        lists: candidateLists.map((l) => ({
          name: listNames[l],
          href: l === 'open' ? '/intelligence/resolution' : `/intelligence/resolution?list=${l}`,
          current: l === list,
        })),
        ...pageLinks('/intelligence/resolution', page, after, keep),
        rows: page.rows.map((r) => {
          const reasons = (r.candidate.reasons ?? []) as { reason: string; weight: number }[];
          const main = [...reasons].sort((x, y) => y.weight - x.weight).slice(0, 3);
          return [
            { text: r.candidate.score.toFixed(2), format: 'numeric' },
            { text: entityKindNames[r.a.kind] },
            { text: r.a.label },
            { text: r.b.label },
            { text: main.map((m) => m.reason).join('; ') },
            {
              text:
                list === 'merged'
                  ? formatDateTime(r.candidate.decidedAt)
                  : formatDateTime(r.candidate.foundAt),
            },
            {
              html: `<a class="govuk-link" href="/intelligence/resolution/${r.candidate.id}">Review<span class="govuk-visually-hidden"> ${escapeHtml(r.a.label)} and ${escapeHtml(r.b.label)}</span></a>`,
            },
          ];
        }),
      });
    },
  );

  const pairPage = async (
    request: WithId,
    reply: FastifyReply,
    extra: { values?: Form } & Partial<FormErrors> = {},
    status = 200,
  ) => {
    const id = recordId(request) ?? '';
    const p = await resolution.candidate(request.ctx, id);
    const c = p.candidate;
    const kindName = entityKindNames[p.a.entity.kind];
    const bothLive = !p.a.entity.mergedIntoId && !p.b.entity.mergedIntoId;
    const older = p.a.entity.createdAt <= p.b.entity.createdAt ? p.a.entity.id : p.b.entity.id;
    const values = extra.values ?? {};
    const mergedLabel = p.merge
      ? p.merge.merge.survivorId === p.a.entity.id
        ? { survivor: p.a.entity.label, merged: p.b.entity.label }
        : { survivor: p.b.entity.label, merged: p.a.entity.label }
      : null;
    return reply.code(status).render('intelligence/views/resolution-pair.njk', {
      pageTitle: 'Possible duplicate',
      backLink: '/intelligence/resolution',
      kindName,
      candidate: c,
      score: c.score.toFixed(2),
      status: decisionNames[c.status],
      decidedBy: p.decidedBy,
      decidedAt: c.decidedAt ? formatDateTime(c.decidedAt) : null,
      reasons: p.reasons.map((r) => [
        { text: r.reason },
        { text: formatWeight(r.weight), format: 'numeric' },
      ]),
      labelA: p.a.entity.label,
      labelB: p.b.entity.label,
      comparison: comparisonRows(p.a, p.b),
      linksA: linkLines(p.a),
      linksB: linkLines(p.b),
      mayDecide: (c.status === 'open' || c.status === 'unsure') && bothLive,
      mergedElsewhere: (c.status === 'open' || c.status === 'unsure') && !bothLive,
      merge: p.merge
        ? {
            id: p.merge.merge.id,
            by: p.merge.mergedBy,
            at: formatDateTime(p.merge.merge.mergedAt),
            ...mergedLabel,
          }
        : null,
      decision: text(values, 'decision') ?? '',
      survivorItems: [p.a.entity, p.b.entity].map((e) => ({
        value: e.id,
        text: e.label,
        hint: { text: e.id === older ? 'Recorded first' : 'Recorded later' },
        checked: (text(values, 'survivorId') || older) === e.id,
      })),
      ...extra,
    });
  };

  web.get(
    '/intelligence/resolution/:id',
    { config: { access: 'intelligence:resolve' } },
    (request: WithId, reply) => (recordId(request) ? pairPage(request, reply) : reply.callNotFound()),
  );

  recordRoute(
    web,
    'POST',
    '/intelligence/resolution/:id/decision',
    'intelligence:resolve',
    async (request, reply, id, form) => {
      try {
        await resolution.decide(request.ctx, id, {
          decision: text(form, 'decision'),
          survivorId: text(form, 'survivorId'),
        });
      } catch (error) {
        if (error instanceof ValidationError || error instanceof ConflictError) {
          return pairPage(request, reply, { values: form, ...asFormErrors(error) }, 400);
        }
        throw error;
      }
      return reply.redirect(`/intelligence/resolution/${id}`, 303);
    },
  );

  recordRoute(
    web,
    'POST',
    '/intelligence/merges/:id/undo',
    'intelligence:resolve',
    async (request, reply, id) => {
      try {
        const { candidateId } = await resolution.undoMerge(request.ctx, id);
        return reply.redirect(
          candidateId ? `/intelligence/resolution/${candidateId}` : '/intelligence/resolution?list=merged',
          303,
        );
      } catch (error) {
        if (error instanceof ConflictError) {
          return reply.code(409).render('intelligence/views/resolution-undo-refused.njk', {
            pageTitle: 'The merge could not be undone',
            backLink: '/intelligence/resolution?list=merged',
            message: error.message,
          });
        }
        throw error;
      }
    },
  );
}
