import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { recordId } from '../../platform/http/params';
import { formatDate, formatDateTime } from '../../platform/views/filters';
import { escapeHtml } from '../../platform/views/html';
import type { Services } from '../../services';
import type { EvidenceEntry, EvidencePack } from './evidence.service';
import { noticeRows } from './warning-notices.routes';

type Evidence = FastifyRequest<{ Params: { id: string }; Querystring: { format?: string } }>;

const handlingNames = { P: 'P: lawful sharing permitted', C: 'C: lawful sharing permitted with conditions' };

/** One summary list per link: what, when, from where, how graded, by whom, and its audit row. */
function entryRows(e: EvidenceEntry) {
  const audit = e.audit.length
    ? e.audit
        .map(
          (a) =>
            `Audit row ${a.seq} (${escapeHtml(a.id)}), ${escapeHtml(formatDateTime(a.at))}, request ${escapeHtml(a.requestId ?? 'none')}${a.sealed ? ', sealed' : ', not yet sealed'}`,
        )
        .join('<br>')
    : 'No audit row found';
  return [
    {
      key: { text: 'Link' },
      value: {
        text: `${e.from.label || e.from.id} — ${e.typeName.toLowerCase()} — ${e.to.label} (${e.to.kindName.toLowerCase()})`,
      },
    },
    { key: { text: 'When it happened' }, value: { text: formatDateTime(e.occurredAt) } },
    {
      key: { text: 'Source' },
      value: {
        html: `<strong>${escapeHtml(e.source.typeName)}</strong> ${escapeHtml(e.source.id)}<br>${escapeHtml(e.source.description)}`,
      },
    },
    {
      key: { text: 'Grading (3x5x2)' },
      value: {
        text: `${e.grading.code}: source ${e.grading.source}, information ${e.grading.information}, handling ${handlingNames[e.grading.handlingCode]}`,
      },
    },
    {
      key: { text: 'Recorded by' },
      value: { text: e.author.name ? `${e.author.name}, ${e.author.agency}` : e.author.agency },
    },
    { key: { text: 'Recorded' }, value: { text: formatDateTime(e.recordedAt) } },
    { key: { text: 'Audit reference' }, value: { html: audit } },
    { key: { text: 'Link id' }, value: { text: e.linkId } },
  ];
}

/** The pack as the printable page shows it. */
export function evidencePage(pack: EvidencePack) {
  const s = pack.subject;
  const subjectRows =
    s.type === 'child'
      ? [
          { key: { text: 'Child' }, value: { text: s.name } },
          {
            key: { text: 'Date of birth' },
            value: { text: s.dateOfBirth ? formatDate(s.dateOfBirth) : 'Not known' },
          },
          { key: { text: 'Police person id' }, value: { text: s.policePersonId ?? 'None recorded' } },
          { key: { text: 'Lantern id' }, value: { text: s.id } },
        ]
      : [
          { key: { text: s.kindName }, value: { text: s.label } },
          ...(s.aliases.length
            ? [{ key: { text: 'Also known as' }, value: { text: s.aliases.join(', ') } }]
            : []),
          ...(s.kind === 'person'
            ? [
                {
                  key: { text: 'Date of birth or age' },
                  value: {
                    text: s.dateOfBirth
                      ? formatDate(s.dateOfBirth)
                      : s.approximateAge
                        ? `About ${s.approximateAge} when recorded`
                        : 'Not known',
                  },
                },
              ]
            : []),
          { key: { text: 'Lantern id' }, value: { text: s.id } },
        ];
  return {
    title: s.type === 'child' ? s.name : s.label,
    subjectRows,
    produced: formatDateTime(pack.producedAt),
    entries: pack.entries.map((e, i) => ({
      number: i + 1,
      heading: `${formatDateTime(e.occurredAt)}: ${e.typeName}`,
      conditions: e.grading.handlingCode === 'C' ? e.grading.handlingConditions : null,
      rows: entryRows(e),
    })),
    notices: pack.warningNotices.map((n) => ({ notice: n, ...noticeRows(n) })),
  };
}

/**
 * `/intelligence/evidence/child/:id` and `/intelligence/evidence/entity/:id`: the evidence pack as a
 * printable page, or as JSON with `?format=json`.
 */
export function registerEvidenceRoutes(web: FastifyInstance, services: Services): void {
  const send = (request: Evidence, reply: FastifyReply, kind: 'child' | 'entity', pack: EvidencePack) => {
    if (request.query?.format === 'json') {
      return reply
        .header('content-type', 'application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="evidence-${kind}-${pack.subject.id}.json"`)
        .header('cache-control', 'no-store')
        .send(JSON.stringify(pack, null, 2));
    }
    const page = evidencePage(pack);
    return reply.header('cache-control', 'no-store').render('intelligence/views/evidence-pack.njk', {
      pageTitle: 'Evidence pack',
      backLink:
        kind === 'child' ? `/children/${pack.subject.id}` : `/intelligence/entities/${pack.subject.id}`,
      pack,
      jsonHref: `/intelligence/evidence/${kind}/${pack.subject.id}?format=json`,
      ...page,
    });
  };

  web.get(
    '/intelligence/evidence/child/:id',
    { config: { access: 'intelligence:view' } },
    async (request: Evidence, reply) => {
      const id = recordId(request);
      if (!id) return reply.callNotFound();
      return send(request, reply, 'child', await services.evidence.forChild(request.ctx, id));
    },
  );

  web.get(
    '/intelligence/evidence/entity/:id',
    { config: { access: 'intelligence:view' } },
    async (request: Evidence, reply) => {
      const id = recordId(request);
      if (!id) return reply.callNotFound();
      return send(request, reply, 'entity', await services.evidence.forEntity(request.ctx, id));
    },
  );
}
