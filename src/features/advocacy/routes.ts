import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemResponses } from '../../platform/auth/api.routes';
import type { Context } from '../../platform/context';
import { type FieldError, ValidationError } from '../../platform/http/errors';
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
import type { Services } from '../../services';
import { defaultPeriod } from '../reports/annual.service';
import type { MeetingView } from './advocacy.service';
import { advocacyCard, changeRows, formValuesOf, meetingSummaryRows, meetingTable } from './presenters';
import {
  type AdvocacyMeetingInput,
  advocacyMeetingInput,
  crossFieldIssues,
  enteredInErrorInput,
  heardNames,
  type JoinedAnswers,
  meetingKindNames,
  responseNames,
} from './schemas';
import { type advocacyMeeting, advocacyResponses, heardAnswers, meetingKinds } from './tables';

/** Date fields are named by their day box, so the error summary links to it. */
const dateField = (field: string) =>
  field === 'meetingOn' || field === 'offeredOn' ? `${field}-day` : field;
const fieldOrder = [
  'kind',
  'meetingOn-day',
  'offered',
  'offeredOn-day',
  'offeredBy',
  'notOfferedReason',
  'response',
  'advocateName',
  'advocateOrganisation',
  'childViews',
  'heard',
  'heardNote',
  'reason',
  'form',
];

/** The form as the service's input, with the date boxes' own errors. */
function readMeetingForm(form: Form): { input: AdvocacyMeetingInput; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const meeting = calendarDate(form, 'meetingOn', 'the date of the meeting');
  const offeredOn = calendarDate(form, 'offeredOn', 'the date advocacy was offered');
  if (meeting.error) errors.push({ field: 'meetingOn-day', message: meeting.error });
  if (offeredOn.error) errors.push({ field: 'offeredOn-day', message: offeredOn.error });
  const offered = text(form, 'offered');
  const input = {
    kind: text(form, 'kind'),
    meetingOn: meeting.date,
    offered: offered === 'yes' ? true : offered === 'no' ? false : undefined,
    offeredOn: offeredOn.date,
    offeredBy: text(form, 'offeredBy'),
    notOfferedReason: text(form, 'notOfferedReason'),
    response: text(form, 'response'),
    advocateName: text(form, 'advocateName'),
    advocateOrganisation: text(form, 'advocateOrganisation'),
    childViews: text(form, 'childViews'),
    heard: text(form, 'heard'),
    heardNote: text(form, 'heardNote'),
  } as AdvocacyMeetingInput;
  // A date box left part-filled has its own message; the schema's would say the same less well.
  if (offeredOn.error) input.offeredOn = undefined;
  const parsed = advocacyMeetingInput.safeParse(input);
  if (!parsed.success) {
    const found = fieldErrorsOf(parsed.error);
    // A wrong answer stops the schema before its joining rules: run them too, so every problem shows.
    crossFieldIssues(input as JoinedAnswers, (field, message) => {
      if (!found.some((e) => e.field === field)) found.push({ field, message });
    });
    for (const e of found) {
      const field = dateField(e.field);
      if (!errors.some((x) => x.field === field)) errors.push({ field, message: e.message });
    }
  }
  return { input, errors };
}

const sorted = (errors: FieldError[]) =>
  [...errors].sort((a, b) => fieldOrder.indexOf(a.field) - fieldOrder.indexOf(b.field));

/** A service's refusal of the input as form errors, with date fields pointing at their day box. */
function serviceErrors(error: unknown): Partial<FormErrors> {
  return formErrors(sorted(serviceFieldErrors(error, dateField)));
}

/** The radio items of the form, with the answer given checked. */
function formItems(values: Form) {
  const checked = (name: string, v: string) => values[name] === v;
  return {
    kindItems: meetingKinds.map((k) => ({
      value: k,
      text: meetingKindNames[k],
      hint:
        k === 'care_review'
          ? {
              text: 'The statutory review of a looked-after child’s care plan, chaired by the independent reviewing officer',
            }
          : undefined,
      checked: checked('kind', k),
    })),
    responseItems: advocacyResponses.map((r) => ({
      value: r,
      text: responseNames[r],
      checked: checked('response', r),
    })),
    heardItems: heardAnswers.map((h) => ({ value: h, text: heardNames[h], checked: checked('heard', h) })),
    offeredYes: checked('offered', 'yes'),
    offeredNo: checked('offered', 'no'),
  };
}

/**
 * A child's advocacy as view data for the child's page: the card's rows and actions. Every viewer
 * of the child sees it; recording needs `advocacy:record`.
 */
export async function childAdvocacyCard(services: Services, ctx: Context, childId: string) {
  return advocacyCard(await services.advocacy.forChild(ctx, childId));
}

export function registerAdvocacyRoutes(web: FastifyInstance, services: Services): void {
  const { advocacy } = services;

  recordRoute(web, 'GET', '/children/:id/advocacy', 'child:view', async (request, reply, id) => {
    const list = await advocacy.forChild(request.ctx, id);
    return reply.render('advocacy/views/list.njk', {
      pageTitle: 'Independent advocacy',
      backLink: `/children/${id}`,
      list,
      table: meetingTable(list),
    });
  });

  const newPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    childId: string,
    values: Form = {},
    errors: Partial<FormErrors> = {},
    code = 200,
  ) => {
    const child = await advocacy.formContext(request.ctx, childId);
    return reply.code(code).render('advocacy/views/meeting-form.njk', {
      pageTitle: 'Record a meeting and its advocacy',
      backLink: `/children/${childId}/advocacy`,
      child,
      action: `/children/${childId}/advocacy/new`,
      editing: false,
      values,
      ...formItems(values),
      ...errors,
    });
  };

  recordRoute(web, 'GET', '/children/:id/advocacy/new', 'advocacy:record', (request, reply, id) =>
    newPage(request, reply, id),
  );

  recordRoute(
    web,
    'POST',
    '/children/:id/advocacy/new',
    'advocacy:record',
    async (request, reply, id, form) => {
      const { input, errors } = readMeetingForm(form);
      if (errors.length) return newPage(request, reply, id, form, formErrors(sorted(errors)), 400);
      let meetingId: string;
      try {
        meetingId = await advocacy.record(request.ctx, id, input);
      } catch (error) {
        return newPage(request, reply, id, form, serviceErrors(error), 400);
      }
      return reply.redirect(`/advocacy/${meetingId}`, 303);
    },
  );

  const meetingPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    values: Form = {},
    errors: Partial<FormErrors> = {},
    code = 200,
  ) => {
    const m = await advocacy.get(request.ctx, id);
    return reply.code(code).render('advocacy/views/meeting.njk', {
      pageTitle: 'Advocacy for a meeting',
      backLink: `/children/${m.childId}/advocacy`,
      meeting: m,
      summaryRows: meetingSummaryRows(m),
      changeRows: changeRows(m.changes),
      values,
      ...errors,
    });
  };

  recordRoute(web, 'GET', '/advocacy/:id', 'child:view', (request, reply, id) =>
    meetingPage(request, reply, id),
  );

  const editPage = async (
    reply: FastifyReply,
    m: MeetingView,
    values: Form,
    errors: Partial<FormErrors> = {},
    code = 200,
  ) =>
    reply.code(code).render('advocacy/views/meeting-form.njk', {
      pageTitle: 'Update the meeting’s advocacy',
      backLink: `/advocacy/${m.id}`,
      child: m.child,
      action: `/advocacy/${m.id}/edit`,
      editing: true,
      values,
      ...formItems(values),
      ...errors,
    });

  recordRoute(web, 'GET', '/advocacy/:id/edit', 'advocacy:record', async (request, reply, id) => {
    const m = await advocacy.get(request.ctx, id);
    if (!m.mayChange) return reply.redirect(`/advocacy/${id}`, 303);
    return editPage(reply, m, formValuesOf(m));
  });

  recordRoute(web, 'POST', '/advocacy/:id/edit', 'advocacy:record', async (request, reply, id, form) => {
    const m = await advocacy.get(request.ctx, id);
    const { input, errors } = readMeetingForm(form);
    if (errors.length) return editPage(reply, m, form, formErrors(sorted(errors)), 400);
    try {
      await advocacy.update(request.ctx, id, { ...input, reason: text(form, 'reason') });
    } catch (error) {
      return editPage(reply, m, form, serviceErrors(error), 400);
    }
    return reply.redirect(`/advocacy/${id}`, 303);
  });

  recordRoute(
    web,
    'POST',
    '/advocacy/:id/entered-in-error',
    'advocacy:record',
    async (request, reply, id, form) => {
      const parsed = enteredInErrorInput.safeParse({ reason: text(form, 'reason') });
      if (!parsed.success) {
        return meetingPage(request, reply, id, form, formErrors(fieldErrorsOf(parsed.error)), 400);
      }
      try {
        await advocacy.markEnteredInError(request.ctx, id, parsed.data.reason);
      } catch (error) {
        return meetingPage(request, reply, id, form, asFormErrors(error), 400);
      }
      return reply.redirect(`/advocacy/${id}`, 303);
    },
  );
}

// ---- API ------------------------------------------------------------------------------------

const meetingResponse = z.object({
  id: z.uuid(),
  childId: z.uuid(),
  responsibleAuthorityCode: z
    .string()
    .describe('ONS code of the authority responsible for the child when the meeting was recorded'),
  kind: z.enum(meetingKinds),
  meetingOn: z.iso.date(),
  offered: z.boolean(),
  offeredOn: z.iso.date().nullable(),
  offeredBy: z.string().nullable(),
  notOfferedReason: z.string().nullable(),
  response: z.enum(advocacyResponses).nullable(),
  advocateName: z.string().nullable(),
  advocateOrganisation: z.string().nullable(),
  childViews: z.string().nullable().describe('What the child wanted said at the meeting'),
  heard: z.enum(heardAnswers).nullable(),
  heardNote: z.string().nullable(),
  recordedAt: z.date(),
  updatedAt: z.date(),
  enteredInErrorAt: z.date().nullable(),
  enteredInErrorReason: z.string().nullable(),
});

const meetingWithHistory = meetingResponse.extend({
  changes: z.array(
    z.object({
      field: z.string(),
      oldValue: z.string().nullable(),
      newValue: z.string().nullable(),
      reason: z.string().nullable(),
      changedAt: z.date(),
    }),
  ),
});

const toResponse = (m: typeof advocacyMeeting.$inferSelect) => ({
  id: m.id,
  childId: m.childId,
  responsibleAuthorityCode: m.responsibleAuthorityCode,
  kind: m.kind,
  meetingOn: m.meetingOn,
  offered: m.offered,
  offeredOn: m.offeredOn,
  offeredBy: m.offeredBy,
  notOfferedReason: m.notOfferedReason,
  response: m.response,
  advocateName: m.advocateName,
  advocateOrganisation: m.advocateOrganisation,
  childViews: m.childViews,
  heard: m.heard,
  heardNote: m.heardNote,
  recordedAt: m.recordedAt,
  updatedAt: m.updatedAt,
  enteredInErrorAt: m.enteredInErrorAt,
  enteredInErrorReason: m.enteredInErrorReason,
});

const withHistory = (m: MeetingView) => ({
  ...toResponse(m),
  changes: m.changes.map((c) => ({
    field: c.field,
    oldValue: c.oldValue,
    newValue: c.newValue,
    reason: c.reason,
    changedAt: c.changedAt,
  })),
});

const updateBody = z
  .object({
    kind: z.enum(meetingKinds),
    meetingOn: z.iso.date(),
    offered: z.boolean(),
    offeredOn: z.iso.date().nullable(),
    offeredBy: z.string().max(200).nullable(),
    notOfferedReason: z.string().max(2000).nullable(),
    response: z.enum(advocacyResponses).nullable(),
    advocateName: z.string().max(200).nullable(),
    advocateOrganisation: z.string().max(200).nullable(),
    childViews: z.string().max(4000).nullable(),
    heard: z.enum(heardAnswers).nullable(),
    heardNote: z.string().max(2000).nullable(),
    reason: z
      .string()
      .max(1000)
      .describe('Why an answer already recorded is changed; needed then, not otherwise'),
  })
  .partial()
  .strict();

const rateRow = z.object({
  kind: z.enum([...meetingKinds, 'all']),
  meetings: z.number().int().nullable(),
  offered: z.number().int().nullable(),
  accepted: z.number().int().nullable(),
  acceptedWithViews: z.number().int().nullable(),
  heard: z.number().int().nullable(),
  offeredRate: z.number().nullable().describe('Offered ÷ meetings, as a percentage to one decimal place'),
  acceptedRate: z.number().nullable().describe('Accepted ÷ offered'),
  heardRate: z.number().nullable().describe('Heard (yes) ÷ accepted with the child’s views recorded'),
});

const isoDate = z.iso.date();

/** A child's advocacy meetings and an authority's advocacy rates, as the pages show them. */
export function registerAdvocacyApi(api: FastifyInstance, services: Services): void {
  const typed = api.withTypeProvider<ZodTypeProvider>();
  const { advocacy } = services;
  const params = z.object({ id: z.uuid() });
  const tags = ['Independent advocacy'];

  typed.get(
    '/children/:id/advocacy-meetings',
    {
      config: { access: 'child:view' },
      schema: {
        summary:
          'A child’s care reviews and placement planning meetings with their advocacy, the latest first',
        tags,
        params,
        response: { 200: z.object({ meetings: z.array(meetingResponse) }), ...problemResponses },
      },
    },
    async (request) => ({
      meetings: (await advocacy.forChild(request.ctx, request.params.id)).meetings.map(toResponse),
    }),
  );

  typed.post(
    '/children/:id/advocacy-meetings',
    {
      config: { access: 'advocacy:record' },
      schema: {
        summary: 'Record a meeting and whether independent advocacy was offered for it, and what came of it',
        tags,
        params,
        body: advocacyMeetingInput,
        response: { 201: meetingWithHistory, ...problemResponses },
      },
    },
    async (request, reply) => {
      const id = await advocacy.record(request.ctx, request.params.id, request.body);
      reply.code(201);
      return withHistory(await advocacy.get(request.ctx, id));
    },
  );

  typed.get(
    '/advocacy-meetings/:id',
    {
      config: { access: 'child:view' },
      schema: {
        summary: 'One meeting’s advocacy, with every change to it',
        tags,
        params,
        response: { 200: meetingWithHistory, ...problemResponses },
      },
    },
    async (request) => withHistory(await advocacy.get(request.ctx, request.params.id)),
  );

  typed.patch(
    '/advocacy-meetings/:id',
    {
      config: { access: 'advocacy:record' },
      schema: {
        summary:
          'Update a meeting’s advocacy as it goes on (the child’s answer, the advocate, their views, whether heard); send only what changes, null to clear',
        tags,
        params,
        body: updateBody,
        response: { 200: meetingWithHistory, ...problemResponses },
      },
    },
    async (request) => {
      const changes = Object.fromEntries(
        Object.entries(request.body).map(([k, v]) => [k, v === null ? undefined : v]),
      ) as Partial<AdvocacyMeetingInput> & { reason?: string };
      await advocacy.update(request.ctx, request.params.id, changes);
      return withHistory(await advocacy.get(request.ctx, request.params.id));
    },
  );

  typed.post(
    '/advocacy-meetings/:id/entered-in-error',
    {
      config: { access: 'advocacy:record' },
      schema: {
        summary: 'Mark a meeting recorded by mistake: it stays, marked, and counts in no rate',
        tags,
        params,
        body: enteredInErrorInput,
        response: { 200: meetingWithHistory, ...problemResponses },
      },
    },
    async (request) => {
      await advocacy.markEnteredInError(request.ctx, request.params.id, request.body.reason);
      return withHistory(await advocacy.get(request.ctx, request.params.id));
    },
  );

  typed.get(
    '/reports/advocacy',
    {
      config: { access: 'report:download' },
      schema: {
        summary:
          'An authority’s independent advocacy rates for a period, by kind of meeting, beside the other authorities of its police force area; counts under 3 are null outside the owning agency',
        tags: ['Reports'],
        querystring: z.object({
          authority: z.string().optional().describe('ONS code of a local authority; yours by default'),
          from: isoDate.optional().describe('First meeting date, included; a year before `to` by default'),
          to: isoDate.optional().describe('Last meeting date, included; today by default'),
        }),
        response: {
          200: z.object({
            authority: z.object({ code: z.string(), name: z.string() }),
            period: z.object({ from: z.string(), to: z.string() }),
            exact: z.boolean().describe('False when counts under 3 are suppressed (null) for this reader'),
            generatedAt: z.string(),
            rates: z.array(rateRow),
            otherAuthorities: z.array(
              z.object({ code: z.string(), name: z.string(), rates: z.array(rateRow) }),
            ),
          }),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const { authority, from, to } = request.query;
      const period = defaultPeriod(services.clock.now());
      if (to) period.to = to;
      if (from) period.from = from;
      else if (to) period.from = defaultPeriod(new Date(`${to}T12:00:00Z`)).from;
      const code = (authority ?? request.ctx.actor?.localAuthorityCode ?? '').trim().toUpperCase();
      const errors: FieldError[] = [];
      if (!code) errors.push({ field: 'authority', message: 'Give the ONS code of a local authority' });
      if (period.from > period.to)
        errors.push({ field: 'to', message: 'The last date must be on or after the first' });
      if (errors.length) throw new ValidationError(errors);
      return advocacy.rates(request.ctx, code, period);
    },
  );
}
