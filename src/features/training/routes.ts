import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authoritySelectItems } from '../../platform/agencies/presenters';
import { findLocalAuthority } from '../../platform/agencies/reference-data';
import { type FieldError, NotFoundError } from '../../platform/http/errors';
import {
  asFormErrors,
  calendarDate,
  type Form,
  type FormErrors,
  fieldErrorsOf,
  formErrors,
  serviceFieldErrors,
  text,
} from '../../platform/http/forms';
import { recordRoute } from '../../platform/http/record-routes';
import { formatDate } from '../../platform/views/filters';
import { escapeHtml } from '../../platform/views/html';
import type { Services } from '../../services';
import { attendanceColumns, sectorNames } from './csv-import';
import {
  homeRows,
  organisationRows,
  recordRows,
  renewalRows,
  sectorItems,
  sectorRows,
  shareCells,
  shareHead,
  shareText,
  staffRows,
} from './presenters';
import { courseInput, inErrorInput, leaveInput, recordInput, staffInput } from './schemas';

/** Date fields are named by their day box, so the error summary links to it. */
const dayBox = (field: string) =>
  ['startedOn', 'completedOn', 'leftOn'].includes(field) ? `${field}-day` : field;

function dateErrors(form: Form, prefix: string, label: string, errors: FieldError[]) {
  const d = calendarDate(form, prefix, label);
  if (d.error) errors.push({ field: `${prefix}-day`, message: d.error });
  return d.date;
}

const mapped = (error: unknown): FormErrors => formErrors(serviceFieldErrors(error, dayBox));

export function registerTrainingRoutes(web: FastifyInstance, services: Services): void {
  const { training } = services;

  const organisationPage = async (request: FastifyRequest, reply: FastifyReply, agencyId?: string) => {
    const ctx = request.ctx;
    const o = await training.organisation(ctx, agencyId);
    const area = agencyId ? null : await training.area(ctx);
    const mayRecord = o.own && ctx.permissions.has('training:record');
    return reply.render('training/views/organisation.njk', {
      pageTitle: 'Training on the warning signs',
      backLink: agencyId ? '/training' : undefined,
      organisation: o.organisation,
      shareText: shareText(o.share),
      shareHead,
      homeRows: homeRows(o.homes),
      staffRows: staffRows(o.staff.filter((s) => s.current)),
      formerRows: staffRows(o.staff.filter((s) => !s.current)),
      renewalRows: renewalRows(o.renewals, o.today),
      renewalDays: o.renewalDays,
      mayRecord,
      area: area
        ? {
            name: area.areaName,
            code: area.areaCode,
            organisationRows: organisationRows(area.organisations),
            homeRows: homeRows(area.homes),
            totalText: shareText(area.total),
          }
        : null,
      mayReport: Boolean(area),
    });
  };

  web.get('/training', { config: { access: 'training:view' } }, (request, reply) =>
    organisationPage(request, reply),
  );

  recordRoute(web, 'GET', '/training/organisations/:id', 'training:view', (request, reply, id) =>
    organisationPage(request, reply, id),
  );

  // ---- A new staff member ------------------------------------------------------------------------

  const newStaffPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    values: Form = {},
    errors: Partial<FormErrors> = {},
    code = 200,
  ) => {
    const homes = await training.ownHomes(request.ctx);
    return reply.code(code).render('training/views/staff-new.njk', {
      pageTitle: 'Add a staff member',
      backLink: '/training',
      values,
      sectorItems: sectorItems(text(values, 'sector')),
      homeItems: homes.length
        ? [
            { value: '', text: 'Not at one home' },
            ...homes.map((h) => ({
              value: h.id,
              text: `${h.name} (${h.urn})`,
              selected: h.id === text(values, 'homeId'),
            })),
          ]
        : null,
      ...errors,
    });
  };

  web.get('/training/staff/new', { config: { access: 'training:record' } }, (request, reply) =>
    newStaffPage(request, reply),
  );

  web.post('/training/staff/new', { config: { access: 'training:record' } }, async (request, reply) => {
    const form = (request.body ?? {}) as Form;
    const errors: FieldError[] = [];
    const startedOn = dateErrors(form, 'startedOn', 'the date they started', errors);
    const parsed = staffInput.safeParse({
      givenName: text(form, 'givenName'),
      familyName: text(form, 'familyName'),
      email: text(form, 'email'),
      homeId: text(form, 'homeId'),
      sector: text(form, 'sector'),
      startedOn,
    });
    if (!parsed.success) {
      for (const e of fieldErrorsOf(parsed.error)) {
        const field = dayBox(e.field);
        if (!errors.some((x) => x.field === field)) errors.push({ field, message: e.message });
      }
    }
    const order = ['givenName', 'familyName', 'email', 'sector', 'homeId', 'startedOn-day'];
    errors.sort((a, b) => order.indexOf(a.field) - order.indexOf(b.field));
    if (errors.length > 0 || !parsed.success)
      return newStaffPage(request, reply, form, formErrors(errors), 400);
    let id: string;
    try {
      id = await training.addStaff(request.ctx, parsed.data);
    } catch (error) {
      return newStaffPage(request, reply, form, mapped(error), 400);
    }
    return reply.redirect(`/training/staff/${id}`, 303);
  });

  // ---- A staff member ------------------------------------------------------------------------------

  const staffPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    values: Form = {},
    errors: Partial<FormErrors> = {},
    code = 200,
  ) => {
    const s = await training.staffMember(request.ctx, id);
    // A form answered with errors is a write: only the organisation's own staff may be written to.
    if (code !== 200 && !s.mayRecord) throw new NotFoundError();
    const courses = s.mayRecord ? await training.courses(request.ctx) : [];
    const p = s.staff;
    return reply.code(code).render('training/views/staff.njk', {
      pageTitle: 'Staff member’s training',
      backLink:
        s.staff.agencyId === request.ctx.actor?.agencyId
          ? '/training'
          : `/training/organisations/${p.agencyId}`,
      name: `${p.givenName} ${p.familyName}`,
      staffId: id,
      current: s.current,
      leftOn: p.leftOn,
      mayRecord: s.mayRecord,
      summaryRows: [
        { key: { text: 'Organisation' }, value: { text: s.agencyName } },
        ...(s.homeName ? [{ key: { text: 'Home' }, value: { text: s.homeName } }] : []),
        { key: { text: 'Sector' }, value: { text: sectorNames[p.sector] } },
        ...(p.email ? [{ key: { text: 'Email' }, value: { text: p.email } }] : []),
        { key: { text: 'Started' }, value: { text: p.startedOn ? formatDate(p.startedOn) : 'Not known' } },
        ...(p.leftOn ? [{ key: { text: 'Left' }, value: { text: formatDate(p.leftOn) } }] : []),
      ],
      recordRows: recordRows(s.records, s.mayRecord),
      courseItems: [
        { value: '', text: 'Select a course' },
        ...courses.map((c) => ({
          value: c.id,
          text: `${c.title} (valid for ${c.validityMonths} months)`,
          selected: c.id === text(values, 'courseId'),
        })),
      ],
      values,
      ...errors,
    });
  };

  recordRoute(web, 'GET', '/training/staff/:id', 'training:view', (request, reply, id) =>
    staffPage(request, reply, id),
  );

  recordRoute(
    web,
    'POST',
    '/training/staff/:id/records',
    'training:record',
    async (request, reply, id, form) => {
      const errors: FieldError[] = [];
      const completedOn = dateErrors(form, 'completedOn', 'the date the course was completed', errors);
      const parsed = recordInput.safeParse({
        courseId: text(form, 'courseId'),
        completedOn,
        provider: text(form, 'provider'),
      });
      if (!parsed.success) {
        for (const e of fieldErrorsOf(parsed.error)) {
          const field = dayBox(e.field);
          if (!errors.some((x) => x.field === field)) errors.push({ field, message: e.message });
        }
      }
      const order = ['courseId', 'completedOn-day', 'provider'];
      errors.sort((a, b) => order.indexOf(a.field) - order.indexOf(b.field));
      if (errors.length > 0 || !parsed.success)
        return staffPage(request, reply, id, form, formErrors(errors), 400);
      try {
        await training.recordTraining(request.ctx, id, parsed.data);
      } catch (error) {
        return staffPage(request, reply, id, form, mapped(error), 400);
      }
      return reply.redirect(`/training/staff/${id}`, 303);
    },
  );

  recordRoute(
    web,
    'POST',
    '/training/staff/:id/leave',
    'training:record',
    async (request, reply, id, form) => {
      const errors: FieldError[] = [];
      const leftOn = dateErrors(form, 'leftOn', 'the date they left', errors);
      const parsed = leaveInput.safeParse({ leftOn });
      if (!parsed.success && errors.length === 0)
        errors.push({ field: 'leftOn-day', message: 'Enter the date they left' });
      if (errors.length > 0 || !parsed.success)
        return staffPage(request, reply, id, form, formErrors(errors), 400);
      try {
        await training.staffLeaves(request.ctx, id, parsed.data);
      } catch (error) {
        return staffPage(request, reply, id, form, mapped(error), 400);
      }
      return reply.redirect(`/training/staff/${id}`, 303);
    },
  );

  // ---- Entered in error ------------------------------------------------------------------------------

  const errorPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    values: Form = {},
    errors: Partial<FormErrors> = {},
    code = 200,
  ) => {
    const r = await training.record(request.ctx, id);
    return reply.code(code).render('training/views/record-error.njk', {
      pageTitle: 'Mark a training record as entered in error',
      backLink: `/training/staff/${r.staff.id}`,
      recordId: id,
      already: r.record.enteredInErrorAt !== null,
      summaryRows: [
        { key: { text: 'Staff member' }, value: { text: `${r.staff.givenName} ${r.staff.familyName}` } },
        { key: { text: 'Course' }, value: { text: r.course } },
        { key: { text: 'Completed on' }, value: { text: formatDate(r.record.completedOn) } },
        { key: { text: 'Valid until' }, value: { text: formatDate(r.record.validUntil) } },
      ],
      values,
      ...errors,
    });
  };

  recordRoute(web, 'GET', '/training/records/:id/error', 'training:record', (request, reply, id) =>
    errorPage(request, reply, id),
  );

  recordRoute(
    web,
    'POST',
    '/training/records/:id/error',
    'training:record',
    async (request, reply, id, form) => {
      const parsed = inErrorInput.safeParse({ reason: text(form, 'reason') });
      if (!parsed.success)
        return errorPage(request, reply, id, form, formErrors(fieldErrorsOf(parsed.error)), 400);
      let staffId: string;
      try {
        staffId = await training.recordInError(request.ctx, id, parsed.data);
      } catch (error) {
        return errorPage(request, reply, id, form, asFormErrors(error), 400);
      }
      return reply.redirect(`/training/staff/${staffId}`, 303);
    },
  );

  // ---- Attendance files -----------------------------------------------------------------------------

  const importPage = (reply: FastifyReply, extra: Record<string, unknown> = {}, status = 200) =>
    reply.code(status).render('training/views/import.njk', {
      pageTitle: 'Import training attendance',
      backLink: '/training',
      columns: attendanceColumns.join(','),
      ...extra,
    });

  const tooLarge = (_request: FastifyRequest, reply: FastifyReply) =>
    importPage(
      reply,
      { ...formErrors([{ field: 'attendance', message: 'The file must be smaller than 5 MB' }]) },
      413,
    );

  web.get('/training/import', { config: { access: 'training:record' } }, (_request, reply) =>
    importPage(reply),
  );

  web.post(
    '/training/import',
    { config: { access: 'training:record', fileTooLarge: tooLarge } },
    async (request, reply) => {
      const body = (request.body ?? {}) as { attendance?: unknown; commit?: unknown; csv?: unknown };
      const file = Buffer.isBuffer(body.attendance)
        ? body.attendance.toString('utf8')
        : typeof body.csv === 'string'
          ? body.csv
          : '';
      if (file.trim() === '') {
        return importPage(
          reply,
          { ...formErrors([{ field: 'attendance', message: 'Select the attendance file (CSV)' }]) },
          400,
        );
      }
      const commit = body.commit === 'yes';
      const result = await training.importAttendance(request.ctx, file, commit);
      if (!result.ok) {
        const message = result.fileProblem
          ? result.fileProblem
          : `${result.rowProblems.length} ${result.rowProblems.length === 1 ? 'row has' : 'rows have'} problems; nothing was imported`;
        const problemRows = result.rowProblems.map((p) => [
          { text: String(p.line) },
          { text: p.who },
          { text: p.problems.join('; ') },
        ]);
        return importPage(
          reply,
          { ...formErrors([{ field: 'attendance', message }]), result, problemRows },
          400,
        );
      }
      // A check carries the file forward, so the import sends exactly what was checked.
      return importPage(reply, { result, csv: commit ? null : file });
    },
  );

  // ---- The report of an area ----------------------------------------------------------------------------

  web.get(
    '/training/report',
    { config: { access: 'training:view' } },
    async (request: FastifyRequest<{ Querystring: { area?: unknown } }>, reply) => {
      const asked = typeof request.query.area === 'string' ? request.query.area : '';
      const mayChoose = request.ctx.permissions.has('agency:manage-all');
      if (asked && !findLocalAuthority(asked) && mayChoose) {
        return reply.code(400).render('training/views/report.njk', {
          pageTitle: 'Training report',
          mayChoose,
          areaItems: authoritySelectItems(asked),
          ...formErrors([{ field: 'area', message: 'Select a local authority from the list' }]),
        });
      }
      const report = await training.areaReport(request.ctx, asked || undefined);
      return reply.render('training/views/report.njk', {
        pageTitle: 'Training report',
        backLink: '/training',
        mayChoose,
        areaItems: authoritySelectItems(report.areaCode),
        report,
        totalText: shareText(report.total),
        shareHead,
        organisationRows: organisationRows(report.organisations),
        homeRows: homeRows(report.homes),
        sectorRows: sectorRows(report.sectors),
        totalCells: shareCells(report.total),
      });
    },
  );

  // ---- Courses ---------------------------------------------------------------------------------------------

  const coursesPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    values: Form = {},
    errors: Partial<FormErrors> = {},
    code = 200,
  ) => {
    const courses = await training.courses(request.ctx, { includeInactive: true });
    return reply.code(code).render('training/views/courses.njk', {
      pageTitle: 'Training courses',
      courseRows: courses.map((c) => [
        { html: `<a class="govuk-link" href="/admin/training/courses/${c.id}">${escapeHtml(c.title)}</a>` },
        { text: c.covers },
        { text: `${c.validityMonths} months` },
        {
          html: c.active
            ? '<strong class="govuk-tag govuk-tag--green">On offer</strong>'
            : '<strong class="govuk-tag govuk-tag--grey">Withdrawn</strong>',
        },
      ]),
      values,
      ...errors,
    });
  };

  web.get('/admin/training/courses', { config: { access: 'training:manage-courses' } }, (request, reply) =>
    coursesPage(request, reply),
  );

  web.post(
    '/admin/training/courses',
    { config: { access: 'training:manage-courses' } },
    async (request, reply) => {
      const form = (request.body ?? {}) as Form;
      const parsed = courseInput.safeParse({
        title: text(form, 'title'),
        covers: text(form, 'covers'),
        validityMonths: text(form, 'validityMonths'),
      });
      if (!parsed.success)
        return coursesPage(request, reply, form, formErrors(fieldErrorsOf(parsed.error)), 400);
      try {
        await training.addCourse(request.ctx, parsed.data);
      } catch (error) {
        return coursesPage(request, reply, form, asFormErrors(error), 400);
      }
      return reply.redirect('/admin/training/courses', 303);
    },
  );

  const coursePage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    values?: Form,
    errors: Partial<FormErrors> = {},
    code = 200,
  ) => {
    const c = await training.course(request.ctx, id);
    const v = values ?? {
      title: c.title,
      covers: c.covers,
      validityMonths: String(c.validityMonths),
      active: c.active ? 'yes' : 'no',
    };
    return reply.code(code).render('training/views/course.njk', {
      pageTitle: 'Change a training course',
      backLink: '/admin/training/courses',
      courseId: id,
      values: v,
      ...errors,
    });
  };

  recordRoute(web, 'GET', '/admin/training/courses/:id', 'training:manage-courses', (request, reply, id) =>
    coursePage(request, reply, id),
  );

  recordRoute(
    web,
    'POST',
    '/admin/training/courses/:id',
    'training:manage-courses',
    async (request, reply, id, form) => {
      const parsed = courseInput.safeParse({
        title: text(form, 'title'),
        covers: text(form, 'covers'),
        validityMonths: text(form, 'validityMonths'),
        active: text(form, 'active'),
      });
      if (!parsed.success)
        return coursePage(request, reply, id, form, formErrors(fieldErrorsOf(parsed.error)), 400);
      try {
        await training.changeCourse(request.ctx, id, parsed.data);
      } catch (error) {
        return coursePage(request, reply, id, form, asFormErrors(error), 400);
      }
      return reply.redirect('/admin/training/courses', 303);
    },
  );
}
