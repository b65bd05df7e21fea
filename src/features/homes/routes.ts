import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authoritySelectItems } from '../../platform/agencies/presenters';
import { findLocalAuthority, findPoliceForce, policeForces } from '../../platform/agencies/reference-data';
import { formErrors } from '../../platform/http/forms';
import { pageLinks } from '../../platform/http/pagination';
import { recordId } from '../../platform/http/params';
import { escapeHtml } from '../../platform/views/html';
import type { Services } from '../../services';
import { shareText } from '../training/presenters';
import { episodeCountRows, placedChildRows } from './presenters';

export function registerHomeRoutes(web: FastifyInstance, services: Services): void {
  const { homes } = services;

  web.get('/homes', { config: { access: 'childrens-home:view' } }, async (request, reply) => {
    const query = (request.query ?? {}) as Record<string, unknown>;
    const pick = (k: string) => (typeof query[k] === 'string' ? (query[k] as string) : '');
    const authority = pick('authority');
    const force = pick('force');
    const problems = [
      ...(authority && !findLocalAuthority(authority)
        ? [{ field: 'authority', message: 'Select a local authority from the list' }]
        : []),
      ...(force && !findPoliceForce(force)
        ? [{ field: 'force', message: 'Select a police force from the list' }]
        : []),
    ];
    const filters = {
      authorityItems: authoritySelectItems(authority, 'All authorities'),
      forceItems: [
        { value: '', text: 'All forces' },
        ...[...policeForces]
          .sort((a, b) => a.name.localeCompare(b.name))
          .map((f) => ({ value: f.code, text: f.name, selected: f.code === force })),
      ],
      filtered: Boolean(authority || force),
    };
    if (problems.length > 0) {
      return reply.code(400).render('homes/views/list.njk', {
        pageTitle: 'Children’s homes',
        rows: [],
        ...filters,
        ...formErrors(problems),
      });
    }
    const after = pick('after');
    const list = await homes.list(request.ctx, {
      localAuthorityCode: authority || undefined,
      policeForceCode: force || undefined,
      ...(after ? { after } : {}),
    });
    const keep = { ...(authority ? { authority } : {}), ...(force ? { force } : {}) };
    const rows = list.rows.map((h) => [
      { html: `<a class="govuk-link" href="/homes/${h.id}">${escapeHtml(h.name)}</a>` },
      { text: h.urn },
      { text: findLocalAuthority(h.localAuthorityCode)?.name ?? h.localAuthorityCode },
      { text: findPoliceForce(findLocalAuthority(h.localAuthorityCode)?.policeForceCode ?? '')?.name ?? '' },
      { text: String(h.registeredPlaces), format: 'numeric' },
      { text: h.status.charAt(0).toUpperCase() + h.status.slice(1) },
    ]);
    return reply.render('homes/views/list.njk', {
      pageTitle: 'Children’s homes',
      rows,
      ...pageLinks('/homes', list, after, keep),
      ...filters,
      mayImport: request.ctx.permissions.has('childrens-home:import'),
    });
  });

  const importPage = (reply: FastifyReply, extra: Record<string, unknown> = {}, status = 200) =>
    reply.code(status).render('homes/views/import.njk', {
      pageTitle: 'Import the homes register',
      backLink: '/homes',
      ...extra,
    });

  web.get('/homes/import', { config: { access: 'childrens-home:import' } }, (_request, reply) =>
    importPage(reply),
  );

  web.post('/homes/import', { config: { access: 'childrens-home:import' } }, async (request, reply) => {
    const body = (request.body ?? {}) as { register?: unknown; commit?: string; csv?: string };
    const file = Buffer.isBuffer(body.register) ? body.register.toString('utf8') : body.csv;
    if (!file || file.trim() === '') {
      return importPage(
        reply,
        { ...formErrors([{ field: 'register', message: 'Select the register file (CSV)' }]) },
        400,
      );
    }
    const commit = body.commit === 'yes';
    const result = await homes.importRegister(request.ctx, file, commit);
    if (!result.ok) {
      const summary = result.fileProblem
        ? [{ field: 'register', message: result.fileProblem }]
        : [
            {
              field: 'register',
              message: `${result.rowProblems.length} rows have problems; nothing was imported`,
            },
          ];
      const problemRows = result.rowProblems.map((p) => [
        { text: String(p.line) },
        { text: p.urn },
        { text: p.problems.join('; ') },
      ]);
      return importPage(reply, { ...formErrors(summary), result, problemRows }, 400);
    }
    // A dry run carries the file forward, so the commit sends exactly what was checked.
    return importPage(reply, { result, csv: commit ? null : file });
  });

  web.get(
    '/homes/:id',
    { config: { access: 'childrens-home:view' } },
    async (request: FastifyRequest<{ Params: { id: string }; Querystring: { after?: string } }>, reply) => {
      const id = recordId(request);
      if (!id) return reply.callNotFound();
      const after = request.query.after;
      const {
        home: h,
        children,
        next,
        episodeCounts,
        today,
      } = await homes.overview(request.ctx, id, after ? { after } : {});
      const authority = findLocalAuthority(h.localAuthorityCode);
      const trainingShare = await services.training.homeShare(request.ctx, id);
      return reply.render('homes/views/home.njk', {
        trainingShareText: trainingShare ? shareText(trainingShare) : null,
        pageTitle: h.name,
        backLink: '/homes',
        home: h,
        mayViewChildren: request.ctx.permissions.has('child:view'),
        childRows: placedChildRows(children, today),
        ...pageLinks(`/homes/${id}`, { next }, after),
        countRows: episodeCountRows(episodeCounts),
        rows: [
          { key: { text: 'Ofsted URN' }, value: { text: h.urn } },
          { key: { text: 'Provider' }, value: { text: h.providerName } },
          { key: { text: 'Address' }, value: { text: `${h.address}, ${h.postcode}` } },
          { key: { text: 'Local authority' }, value: { text: authority?.name ?? h.localAuthorityCode } },
          {
            key: { text: 'Police force' },
            value: { text: findPoliceForce(authority?.policeForceCode ?? '')?.name ?? '' },
          },
          { key: { text: 'Registered places' }, value: { text: String(h.registeredPlaces) } },
          { key: { text: 'Status' }, value: { text: h.status } },
        ],
      });
    },
  );
}
