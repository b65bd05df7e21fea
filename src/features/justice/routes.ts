import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Permission } from '../../platform/access/catalogue';
import type { Context } from '../../platform/context';
import type { FieldError } from '../../platform/http/errors';
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
import { londonDateTimeFields } from '../../platform/http/london-time';
import { pageLinks } from '../../platform/http/pagination';
import { recordId } from '../../platform/http/params';
import { recordRoute } from '../../platform/http/record-routes';
import { formatDate } from '../../platform/views/filters';
import type { Services } from '../../services';
import { type CaseSummary, noContactFlags } from './justice.service';
import {
  caseListRows,
  caseSummaryRows,
  contactRows,
  historyItems,
  itemsOf,
  justiceCardRows,
  measureRows,
  openCaseRows,
  reviewRows,
  reviewSummaryRows,
  statementRows,
} from './presenters';
import {
  contactInput,
  contactWithNames,
  inErrorInput,
  measureDecisionInput,
  measureNames,
  measureRequestInput,
  methodNames,
  newCaseInput,
  personInput,
  reviewInput,
  reviewOutcomeNames,
  stageNames,
  statementInput,
  statementKindNames,
  statementStateNames,
  statusInput,
  statusNames,
  supporterInput,
} from './schemas';

type WithId = FastifyRequest<{ Params: { id: string } }>;

/** A field of a justice form, as views/form.njk draws it. */
type Field =
  | { type: 'text' | 'textarea'; name: string; label: string; hint?: string; classes?: string }
  | { type: 'radios'; name: string; label: string; hint?: string; items: unknown[] }
  | { type: 'date' | 'datetime'; name: string; label: string; hint?: string };

interface Heading {
  caption: string;
  backLink: string;
  summaryRows?: unknown[];
  intro?: string;
  /** Extra answers for the fields (radio choices that depend on the record). */
  choices?: unknown;
}

interface FormSpec<S extends z.ZodType> {
  path: string;
  action: (id: string) => string;
  access: Permission;
  pageTitle: string;
  submitText: string;
  submitClasses?: string;
  /** Checks access and gives what the page shows above the form. */
  load: (ctx: Context, id: string) => Promise<Heading>;
  fields: (values: Form, heading: Heading) => Field[];
  /** Labels of calendar date fields, completing "Enter …". */
  dates?: Record<string, string>;
  dateTimes?: Record<string, string>;
  schema: S;
  submit: (ctx: Context, id: string, data: z.output<S>) => Promise<string>;
}

/** The justice case card of the child's page: null for someone without `justice:view`. */
export async function childJusticeCard(services: Services, ctx: Context, childId: string) {
  if (!ctx.permissions.has('justice:view')) return null;
  const cases: CaseSummary[] = await services.justice.forChild(ctx, childId);
  return { rows: justiceCardRows(cases), href: `/children/${childId}/justice`, flags: noContactFlags(cases) };
}

export function registerJusticeRoutes(web: FastifyInstance, services: Services): void {
  const { justice } = services;

  /** A form page and its handler, the GOV.UK way: error summary, typed values kept. */
  const form = <S extends z.ZodType>(spec: FormSpec<S>) => {
    const render = async (
      request: FastifyRequest,
      reply: FastifyReply,
      id: string,
      values: Form,
      errors: Partial<FormErrors> = {},
      code = 200,
    ) => {
      const heading = await spec.load(request.ctx, id);
      return reply.code(code).render('justice/views/form.njk', {
        pageTitle: spec.pageTitle,
        heading: spec.pageTitle,
        ...heading,
        action: spec.action(id),
        fields: spec.fields(values, heading),
        submitText: spec.submitText,
        submitClasses: spec.submitClasses,
        values,
        ...errors,
      });
    };
    const dateFields = new Set([...Object.keys(spec.dates ?? {}), ...Object.keys(spec.dateTimes ?? {})]);
    const fieldId = (field: string) => (dateFields.has(field) ? `${field}-day` : field);

    web.get(spec.path, { config: { access: spec.access } }, async (request: WithId, reply) => {
      const id = recordId(request);
      return id ? render(request, reply, id, {}) : reply.callNotFound();
    });

    web.post(spec.path, { config: { access: spec.access } }, async (request: WithId, reply) => {
      const id = recordId(request);
      if (!id) return reply.callNotFound();
      const body = (request.body ?? {}) as Form;
      const heading = await spec.load(request.ctx, id);
      const order = spec.fields(body, heading).map((f) => fieldId(f.name));
      const errors: FieldError[] = [];
      const values: Record<string, unknown> = {};
      for (const f of spec.fields(body, heading)) {
        if (f.type === 'date' || f.type === 'datetime') continue;
        values[f.name] = text(body, f.name);
      }
      for (const [name, label] of Object.entries(spec.dates ?? {})) {
        const d = calendarDate(body, name, label);
        if (d.error) errors.push({ field: `${name}-day`, message: d.error });
        values[name] = d.date;
      }
      for (const [name, label] of Object.entries(spec.dateTimes ?? {})) {
        const parsed = londonDateTimeFields(label).safeParse({
          day: text(body, `${name}-day`),
          month: text(body, `${name}-month`),
          year: text(body, `${name}-year`),
          hour: text(body, `${name}-hour`),
          minute: text(body, `${name}-minute`),
        });
        if (parsed.success) values[name] = parsed.data;
        else
          errors.push({ field: `${name}-day`, message: parsed.error.issues[0]?.message ?? `Enter ${label}` });
      }
      const parsed = spec.schema.safeParse(values);
      if (!parsed.success) {
        for (const e of fieldErrorsOf(parsed.error)) {
          const field = fieldId(e.field);
          if (!errors.some((x) => x.field === field)) errors.push({ field, message: e.message });
        }
      }
      const sorted = (list: FieldError[]) =>
        [...list].sort((a, b) => order.indexOf(a.field) - order.indexOf(b.field));
      if (errors.length > 0 || !parsed.success) {
        return render(request, reply, id, body, formErrors(sorted(errors)), 400);
      }
      let to: string;
      try {
        to = await spec.submit(request.ctx, id, parsed.data);
      } catch (error) {
        return render(request, reply, id, body, formErrors(sorted(serviceFieldErrors(error, fieldId))), 400);
      }
      return reply.redirect(to, 303);
    });
  };

  // ---- Pages to read -----------------------------------------------------------------------------

  recordRoute(web, 'GET', '/children/:id/justice', 'justice:view', async (request, reply, id) => {
    const cases = await justice.forChild(request.ctx, id);
    const child = await services.children.get(request.ctx, id);
    return reply.render('justice/views/list.njk', {
      pageTitle: 'Justice cases',
      backLink: `/children/${id}`,
      child,
      rows: caseListRows(cases),
      newHref: request.ctx.permissions.has('justice:record') ? `/children/${id}/justice/new` : null,
    });
  });

  web.get('/justice-cases', { config: { access: 'justice:view' } }, async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const withoutContactOnly = query.show === 'without-contact';
    const after = typeof query.after === 'string' ? query.after : undefined;
    const { cases, total, rule } = await justice.openCases(request.ctx, { withoutContactOnly, after });
    return reply.render('justice/views/open-cases.njk', {
      pageTitle: withoutContactOnly ? 'Justice cases without contact' : 'Open justice cases',
      withoutContactOnly,
      rule,
      total,
      rows: openCaseRows(cases.rows),
      ...pageLinks('/justice-cases', cases, after, withoutContactOnly ? { show: 'without-contact' } : {}),
    });
  });

  recordRoute(web, 'GET', '/justice-cases/:id', 'justice:view', async (request, reply, id) => {
    const c = await justice.get(request.ctx, id);
    const now = request.ctx.clock.now();
    return reply.render('justice/views/case.njk', {
      pageTitle: 'Justice case',
      backLink: `/children/${c.child.id}/justice`,
      case: c,
      summaryRows: caseSummaryRows(c),
      history: historyItems(c),
      statementRows: statementRows(c),
      measureRows: measureRows(c),
      contactRows: contactRows(c),
      reviewRows: reviewRows(c, now),
      hasPending: c.measures.some((m) => m.decision === 'pending'),
      mayLinkPersons: c.mayRecord && request.ctx.permissions.has('intelligence:view'),
    });
  });

  recordRoute(web, 'GET', '/support-reviews/:id', 'justice:view', async (request, reply, id) => {
    const r = await justice.review(request.ctx, id);
    const now = request.ctx.clock.now();
    if (r.mayComplete) return reviewForm(request, reply, id, {});
    return reply.render('justice/views/review.njk', {
      pageTitle: 'Support review',
      backLink: `/justice-cases/${r.case.id}`,
      review: r,
      summaryRows: reviewSummaryRows(r, now),
    });
  });

  // ---- Forms -----------------------------------------------------------------------------------

  const caseHeading = async (ctx: Context, id: string): Promise<Heading> => {
    const c = await justice.get(ctx, id);
    if (!c.mayRecord) {
      // A case entered in error takes nothing more; the page says so instead of a form.
      return {
        caption: c.child.name,
        backLink: `/justice-cases/${id}`,
        choices: c,
        intro: 'The case was entered in error: nothing more can be recorded on it.',
      };
    }
    return {
      caption: `${c.child.name}, crime reference ${c.crimeReference}`,
      backLink: `/justice-cases/${id}`,
      choices: c,
    };
  };
  const caseOf = (h: Heading) => h.choices as Awaited<ReturnType<Services['justice']['get']>>;

  form({
    path: '/children/:id/justice/new',
    action: (id) => `/children/${id}/justice/new`,
    access: 'justice:record',
    pageTitle: 'Add a justice case',
    submitText: 'Add the case',
    load: async (ctx, id) => {
      const c = await justice.formContext(ctx, id);
      return { caption: `${c.givenName} ${c.familyName}`, backLink: `/children/${id}/justice` };
    },
    fields: (v) => [
      {
        type: 'text',
        name: 'crimeReference',
        label: 'Crime reference',
        hint: 'The police crime reference number',
        classes: 'govuk-input--width-20',
      },
      {
        type: 'radios',
        name: 'status',
        label: 'Where does the case stand?',
        items: itemsOf(statusNames, v.status),
      },
      { type: 'date', name: 'statusOn', label: 'Since when?' },
      {
        type: 'text',
        name: 'outcome',
        label: 'Outcome of the trial (if there has been one)',
        hint: 'For example, convicted of two offences',
      },
      { type: 'textarea', name: 'note', label: 'Note (optional)' },
      {
        type: 'text',
        name: 'supporterName',
        label: 'Supporter’s name (optional)',
        hint: 'The named person who supports the child through the case',
      },
      {
        type: 'text',
        name: 'supporterRole',
        label: 'Supporter’s role (optional)',
        hint: 'For example, independent sexual violence adviser',
      },
      { type: 'text', name: 'supporterAgency', label: 'Supporter’s organisation (optional)' },
    ],
    dates: { statusOn: 'the date the case reached this stage' },
    schema: newCaseInput,
    submit: async (ctx, id, data) => `/justice-cases/${await justice.create(ctx, id, data)}`,
  });

  form({
    path: '/justice-cases/:id/status',
    action: (id) => `/justice-cases/${id}/status`,
    access: 'justice:record',
    pageTitle: 'Change the case’s status',
    submitText: 'Save the status',
    load: caseHeading,
    fields: (v, h) => [
      {
        type: 'radios',
        name: 'status',
        label: 'Where does the case stand now?',
        hint: `Now: ${statusNames[caseOf(h).status]}. No further action, discontinued and an outcome end the case, and the child’s support is then reviewed.`,
        items: itemsOf(statusNames, v.status),
      },
      { type: 'date', name: 'statusOn', label: 'Since when?' },
      {
        type: 'text',
        name: 'outcome',
        label: 'Outcome of the trial (for an outcome only)',
        hint: 'For example, convicted of two offences',
      },
      {
        type: 'textarea',
        name: 'note',
        label: 'Note (optional)',
        hint: 'For example, why no further action was taken',
      },
    ],
    dates: { statusOn: 'the date the case reached this stage' },
    schema: statusInput,
    submit: async (ctx, id, data) => {
      await justice.changeStatus(ctx, id, data);
      return `/justice-cases/${id}`;
    },
  });

  form({
    path: '/justice-cases/:id/statements',
    action: (id) => `/justice-cases/${id}/statements`,
    access: 'justice:record',
    pageTitle: 'Record a statement or interview',
    submitText: 'Record it',
    load: caseHeading,
    fields: (v) => [
      { type: 'radios', name: 'kind', label: 'What was it?', items: itemsOf(statementKindNames, v.kind) },
      {
        type: 'radios',
        name: 'state',
        label: 'Was it offered, refused or held?',
        items: itemsOf(statementStateNames, v.state),
      },
      { type: 'date', name: 'occurredOn', label: 'When?' },
      { type: 'textarea', name: 'note', label: 'Note (optional)' },
    ],
    dates: { occurredOn: 'the date it was offered, refused or held' },
    schema: statementInput,
    submit: async (ctx, id, data) => {
      await justice.recordStatement(ctx, id, data);
      return `/justice-cases/${id}#statements`;
    },
  });

  form({
    path: '/justice-cases/:id/special-measures',
    action: (id) => `/justice-cases/${id}/special-measures`,
    access: 'justice:record',
    pageTitle: 'Ask for a special measure',
    submitText: 'Record the request',
    load: caseHeading,
    fields: (v) => [
      {
        type: 'radios',
        name: 'measure',
        label: 'Which special measure was asked for?',
        items: itemsOf(measureNames, v.measure),
      },
      { type: 'date', name: 'requestedOn', label: 'When was it asked for?' },
    ],
    dates: { requestedOn: 'the date it was asked for' },
    schema: measureRequestInput,
    submit: async (ctx, id, data) => {
      await justice.requestMeasure(ctx, id, data);
      return `/justice-cases/${id}#special-measures`;
    },
  });

  form({
    path: '/justice-cases/:id/special-measures/decision',
    action: (id) => `/justice-cases/${id}/special-measures/decision`,
    access: 'justice:record',
    pageTitle: 'Record the court’s decision on a special measure',
    submitText: 'Record the decision',
    load: caseHeading,
    fields: (v, h) => [
      {
        type: 'radios',
        name: 'measureId',
        label: 'Which special measure did the court decide?',
        items: (caseOf(h).measures ?? [])
          .filter((m) => m.decision === 'pending')
          .map((m) => ({
            value: m.id,
            text: measureNames[m.measure],
            hint: { text: `Asked for on ${formatDate(m.requestedOn)}` },
            checked: m.id === v.measureId,
          })),
      },
      {
        type: 'radios',
        name: 'decision',
        label: 'What did the court decide?',
        items: itemsOf({ granted: 'Granted', refused: 'Refused' }, v.decision),
      },
      { type: 'date', name: 'decidedOn', label: 'When did the court decide?' },
    ],
    dates: { decidedOn: 'the date the court decided' },
    schema: measureDecisionInput,
    submit: async (ctx, id, data) => {
      await justice.decideMeasure(ctx, id, data);
      return `/justice-cases/${id}#special-measures`;
    },
  });

  form({
    path: '/justice-cases/:id/contacts',
    action: (id) => `/justice-cases/${id}/contacts`,
    access: 'justice:record',
    pageTitle: 'Record a contact',
    submitText: 'Record the contact',
    load: caseHeading,
    fields: (v) => [
      { type: 'datetime', name: 'contactAt', label: 'When was the contact?' },
      {
        type: 'radios',
        name: 'contactWith',
        label: 'Who was it with?',
        items: itemsOf(contactWithNames, v.contactWith),
      },
      {
        type: 'radios',
        name: 'stage',
        label: 'At what stage of the case?',
        items: itemsOf(stageNames, v.stage),
      },
      { type: 'radios', name: 'method', label: 'How?', items: itemsOf(methodNames, v.method) },
      {
        type: 'textarea',
        name: 'note',
        label: 'Note (optional)',
        hint: 'What was talked about, and anything agreed',
      },
    ],
    dateTimes: { contactAt: 'when the contact was' },
    schema: contactInput,
    submit: async (ctx, id, data) => {
      await justice.recordContact(ctx, id, data);
      return `/justice-cases/${id}#contacts`;
    },
  });

  form({
    path: '/justice-cases/:id/supporter',
    action: (id) => `/justice-cases/${id}/supporter`,
    access: 'justice:record',
    pageTitle: 'Name the child’s supporter',
    submitText: 'Save the supporter',
    load: caseHeading,
    fields: () => [
      { type: 'text', name: 'supporterName', label: 'Supporter’s name' },
      {
        type: 'text',
        name: 'supporterRole',
        label: 'Role (optional)',
        hint: 'For example, independent sexual violence adviser',
      },
      { type: 'text', name: 'supporterAgency', label: 'Organisation (optional)' },
    ],
    schema: supporterInput,
    submit: async (ctx, id, data) => {
      await justice.setSupporter(ctx, id, data);
      return `/justice-cases/${id}`;
    },
  });

  form({
    path: '/justice-cases/:id/persons',
    action: (id) => `/justice-cases/${id}/persons`,
    access: 'justice:record',
    pageTitle: 'Name a person of concern in the case',
    submitText: 'Name the person',
    load: async (ctx, id) => {
      const heading = await caseHeading(ctx, id);
      const persons = await justice.personChoices(ctx, id);
      return {
        ...heading,
        intro: persons.length
          ? heading.intro
          : 'No person of concern is linked to the child yet. Record them as intelligence about the child first, then come back to this page.',
        choices: { case: caseOf(heading), persons },
      };
    },
    fields: (v, h) => [
      {
        type: 'radios',
        name: 'entityId',
        label: 'Which person of concern, of those linked to the child?',
        items: (h.choices as { persons: { id: string; label: string }[] }).persons.map((p) => ({
          value: p.id,
          text: p.label,
          checked: p.id === v.entityId,
        })),
      },
    ],
    schema: personInput,
    submit: async (ctx, id, data) => {
      await justice.linkPerson(ctx, id, data.entityId);
      return `/justice-cases/${id}`;
    },
  });

  form({
    path: '/justice-cases/:id/entered-in-error',
    action: (id) => `/justice-cases/${id}/entered-in-error`,
    access: 'justice:record',
    pageTitle: 'Mark the case as entered in error',
    submitText: 'Mark as entered in error',
    submitClasses: 'govuk-button--warning',
    load: async (ctx, id) => ({
      ...(await caseHeading(ctx, id)),
      intro:
        'The case stays on the record, marked as entered in error, and nothing more can be recorded on it.',
    }),
    fields: () => [{ type: 'textarea', name: 'reason', label: 'Why was the case entered in error?' }],
    schema: inErrorInput,
    submit: async (ctx, id, data) => {
      await justice.markEnteredInError(ctx, id, data.reason);
      return `/justice-cases/${id}`;
    },
  });

  // The review page is its own form while the review is open.
  const reviewSpec: FormSpec<typeof reviewInput> = {
    path: '/support-reviews/:id',
    action: (id) => `/support-reviews/${id}`,
    access: 'justice:record',
    pageTitle: 'Support review',
    submitText: 'Complete the review',
    load: async (ctx, id) => {
      const r = await justice.review(ctx, id);
      return {
        caption: r.child.name,
        backLink: `/justice-cases/${r.case.id}`,
        summaryRows: reviewSummaryRows(r, ctx.clock.now()),
        intro: 'The case has ended. Review the support the child has, so they are not dropped.',
      };
    },
    fields: (v) => [
      {
        type: 'radios',
        name: 'outcome',
        label: 'What is the outcome of the review?',
        items: itemsOf(reviewOutcomeNames, v.outcome),
      },
      {
        type: 'textarea',
        name: 'note',
        label: 'Note',
        hint: 'If support has ended, say why and who the child can go to now',
      },
    ],
    schema: reviewInput,
    submit: async (ctx, id, data) => {
      await justice.completeReview(ctx, id, data);
      return `/support-reviews/${id}`;
    },
  };
  const reviewForm = async (request: FastifyRequest, reply: FastifyReply, id: string, values: Form) => {
    const heading = await reviewSpec.load(request.ctx, id);
    return reply.render('justice/views/form.njk', {
      pageTitle: reviewSpec.pageTitle,
      heading: reviewSpec.pageTitle,
      ...heading,
      action: reviewSpec.action(id),
      fields: reviewSpec.fields(values, heading),
      submitText: reviewSpec.submitText,
      values,
    });
  };
  web.post(reviewSpec.path, { config: { access: reviewSpec.access } }, async (request: WithId, reply) => {
    const id = recordId(request);
    if (!id) return reply.callNotFound();
    const body = (request.body ?? {}) as Form;
    const parsed = reviewInput.safeParse({ outcome: text(body, 'outcome'), note: text(body, 'note') });
    const fail = async (errors: FormErrors) => {
      const heading = await reviewSpec.load(request.ctx, id);
      return reply.code(400).render('justice/views/form.njk', {
        pageTitle: reviewSpec.pageTitle,
        heading: reviewSpec.pageTitle,
        ...heading,
        action: reviewSpec.action(id),
        fields: reviewSpec.fields(body, heading),
        submitText: reviewSpec.submitText,
        values: body,
        ...errors,
      });
    };
    if (!parsed.success) return fail(formErrors(fieldErrorsOf(parsed.error)));
    try {
      await justice.completeReview(request.ctx, id, parsed.data);
    } catch (error) {
      return fail(asFormErrors(error));
    }
    return reply.redirect(`/support-reviews/${id}`, 303);
  });
}
