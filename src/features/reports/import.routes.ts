import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ConflictError } from '../../platform/http/errors';
import { type Form, formErrors, text } from '../../platform/http/forms';
import type { Services } from '../../services';
import { type ColumnMapping, importFieldKeys, importFields } from './import';
import type { ImportReport } from './import.service';

/**
 * The import page: upload a file (multipart), choose its column for each field (pre-filled from
 * the headers), check it (the dry run, every bad row in a table), then confirm. The file travels
 * in the later forms as a hidden field, so the import writes exactly what was checked.
 */

/** A 5 MB file, urlencoded, with room to spare. */
const FORM_LIMIT = 16 * 1024 * 1024;

const mappingFrom = (form: Form): ColumnMapping => {
  const mapping: ColumnMapping = {};
  for (const field of importFieldKeys) {
    const column = text(form, `column-${field}`);
    if (column) mapping[field] = column;
  }
  return mapping;
};

/** The mapping form's selects: each of Lantern's fields with the file's headers as options. */
function mappingRows(report: ImportReport, errors: Record<string, { text: string }>) {
  return importFieldKeys.map((field) => ({
    id: `column-${field}`,
    name: `column-${field}`,
    label: { text: `${importFields[field].label}${importFields[field].required ? '' : ' (optional)'}` },
    errorMessage: errors[field],
    items: [
      { value: '', text: 'Not in the file' },
      ...report.headers.map((h) => ({ value: h, text: h, selected: report.mapping[field] === h })),
    ],
  }));
}

function checkPage(reply: FastifyReply, report: ImportReport, csv: string, stage: 'mapping' | 'checked') {
  const mappingErrors = report.mappingProblems.map((p) => ({
    field: p.field === 'mapping' ? 'column-policePersonId' : `column-${p.field}`,
    message: p.message,
  }));
  const fieldErrors = Object.fromEntries(report.mappingProblems.map((p) => [p.field, { text: p.message }]));
  const rowErrors =
    stage === 'checked' && report.problems.length > 0
      ? [
          {
            field: 'problems',
            message: `${report.problems.length} ${report.problems.length === 1 ? 'row has a problem' : 'rows have problems'}: nothing can be imported until the file is corrected`,
          },
        ]
      : [];
  const failed = mappingErrors.length > 0 || rowErrors.length > 0;
  return reply.code(failed ? 400 : 200).render('reports/views/import-check.njk', {
    pageTitle: stage === 'mapping' ? 'Choose the columns' : 'Check the reports',
    backLink: '/reports/imports',
    ...formErrors([...mappingErrors, ...rowErrors]),
    report,
    csv,
    fileName: report.fileName ?? '',
    checked: stage === 'checked' && !failed,
    mappingRows: mappingRows(report, fieldErrors),
    problemRows: report.problems.map((p) => [
      { text: String(p.row), format: 'numeric' },
      { text: p.policeReference },
      { text: p.reason },
    ]),
    mappingHidden: importFieldKeys.map((f) => ({ name: `column-${f}`, value: report.mapping[f] ?? '' })),
  });
}

export function registerImportRoutes(web: FastifyInstance, services: Services): void {
  const { imports } = services;

  const uploadPage = (reply: FastifyReply, extra: object = {}, status = 200) =>
    reply.code(status).render('reports/views/import-upload.njk', {
      pageTitle: 'Import missing-person reports',
      ...extra,
    });

  web.get('/reports/imports', { config: { access: 'episode:import' } }, (_request, reply) =>
    uploadPage(reply),
  );

  // The upload: the file's headers, and a mapping guessed from them.
  web.post(
    '/reports/imports',
    {
      config: {
        access: 'episode:import',
        fileTooLarge: (_request, reply) =>
          uploadPage(
            reply,
            formErrors([{ field: 'reports', message: 'The file must be smaller than 5 MB' }]),
            400,
          ),
      },
    },
    async (request, reply) => {
      const body = (request.body ?? {}) as { reports?: unknown };
      const file = Buffer.isBuffer(body.reports) ? body.reports : null;
      const csv = file?.toString('utf8') ?? '';
      if (csv.trim() === '') {
        return uploadPage(
          reply,
          formErrors([{ field: 'reports', message: 'Select a CSV file of reports' }]),
          400,
        );
      }
      const fileName = (file as (Buffer & { filename?: string }) | null)?.filename ?? null;
      const report = await imports.check(request.ctx, { csv, ...(fileName ? { fileName } : {}) });
      if (report.fileProblem) {
        return uploadPage(reply, formErrors([{ field: 'reports', message: report.fileProblem }]), 400);
      }
      return checkPage(reply, { ...report, mappingProblems: [] }, csv, 'mapping');
    },
  );

  const readForm = (request: FastifyRequest) => {
    const form = (request.body ?? {}) as Form;
    const csv = text(form, 'csv') ?? '';
    const fileName = text(form, 'fileName');
    return { csv, mapping: mappingFrom(form), ...(fileName ? { fileName } : {}) };
  };

  // The dry run with the chosen mapping: every bad row, or what the import will do.
  web.post(
    '/reports/imports/check',
    { bodyLimit: FORM_LIMIT, config: { access: 'episode:import' } },
    async (request, reply) => {
      const input = readForm(request);
      if (input.csv.trim() === '') return reply.redirect('/reports/imports', 303);
      const report = await imports.check(request.ctx, input);
      if (report.fileProblem) {
        return uploadPage(reply, formErrors([{ field: 'reports', message: report.fileProblem }]), 400);
      }
      return checkPage(reply, report, input.csv, 'checked');
    },
  );

  web.post(
    '/reports/imports/confirm',
    { bodyLimit: FORM_LIMIT, config: { access: 'episode:import' } },
    async (request, reply) => {
      const input = readForm(request);
      if (input.csv.trim() === '') return reply.redirect('/reports/imports', 303);
      let report: ImportReport;
      try {
        report = await imports.import(request.ctx, input);
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        return uploadPage(reply, formErrors([{ field: 'reports', message: error.message }]), 409);
      }
      if (report.fileProblem) {
        return uploadPage(reply, formErrors([{ field: 'reports', message: report.fileProblem }]), 400);
      }
      // Something changed since the check (another import, a report closed): show why, as the check would.
      if (!report.committed) return checkPage(reply, report, input.csv, 'checked');
      return reply.render('reports/views/import-done.njk', { pageTitle: 'Reports imported', report });
    },
  );
}
