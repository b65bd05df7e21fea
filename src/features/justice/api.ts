import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemResponses } from '../../platform/auth/api.routes';
import type { Context } from '../../platform/context';
import type { Services } from '../../services';
import {
  contactInput,
  measureDecisionInput,
  measureRequestInput,
  newCaseInput,
  reviewInput,
  statementInput,
  statusInput,
} from './schemas';
import {
  contactMethods,
  contactStages,
  contactWith,
  justiceStatuses,
  measureDecisions,
  reviewOutcomes,
  specialMeasures,
  statementKinds,
  statementStates,
} from './tables';

const noContact = z
  .object({
    flagged: z.boolean(),
    since: z.date().describe('The last contact, or when the case was recorded if there has been none'),
    days: z.number().int(),
    rule: z.number().int().describe('Days without contact after which an open case is flagged'),
  })
  .describe('Whether the open case has gone too long without contact with the child or family');

const caseSummary = z.object({
  id: z.uuid(),
  crimeReference: z.string(),
  status: z.enum(justiceStatuses),
  statusOn: z.iso.date(),
  recordedBy: z.string(),
  supporterName: z.string().nullable(),
  lastContactAt: z.date().nullable(),
  enteredInError: z.boolean(),
  noContact,
  openReviews: z.number().int(),
});

const caseResponse = z.object({
  id: z.uuid(),
  childId: z.uuid(),
  crimeReference: z.string(),
  status: z.enum(justiceStatuses),
  statusOn: z.iso.date(),
  supporter: z.object({
    name: z.string().nullable(),
    role: z.string().nullable(),
    agency: z.string().nullable(),
  }),
  recordedBy: z.object({ agency: z.string(), name: z.string().nullable() }),
  createdAt: z.date(),
  enteredInErrorAt: z.date().nullable(),
  history: z.array(
    z.object({
      status: z.enum(justiceStatuses),
      statusOn: z.iso.date(),
      outcome: z.string().nullable(),
      note: z.string().nullable(),
      recordedAt: z.date(),
    }),
  ),
  statements: z.array(
    z.object({
      id: z.uuid(),
      kind: z.enum(statementKinds),
      state: z.enum(statementStates),
      occurredOn: z.iso.date(),
      note: z.string().nullable(),
    }),
  ),
  specialMeasures: z.array(
    z.object({
      id: z.uuid(),
      measure: z.enum(specialMeasures),
      requestedOn: z.iso.date(),
      decision: z.enum(measureDecisions),
      decidedOn: z.iso.date().nullable(),
    }),
  ),
  contacts: z.array(
    z.object({
      id: z.uuid(),
      contactAt: z.date(),
      contactWith: z.enum(contactWith),
      stage: z.enum(contactStages),
      method: z.enum(contactMethods),
      note: z.string().nullable(),
    }),
  ),
  supportReviews: z.array(
    z.object({
      id: z.uuid(),
      dueAt: z.date(),
      completedAt: z.date().nullable(),
      outcome: z.enum(reviewOutcomes).nullable(),
      outcomeNote: z.string().nullable(),
    }),
  ),
  persons: z
    .array(z.object({ id: z.uuid(), label: z.string() }))
    .nullable()
    .describe('Persons of concern named in the case; null without the intelligence permission'),
  noContact,
});

type CaseView = Awaited<ReturnType<Services['justice']['get']>>;
const toResponse = (c: CaseView): z.infer<typeof caseResponse> => ({
  id: c.id,
  childId: c.childId,
  crimeReference: c.crimeReference,
  status: c.status,
  statusOn: c.statusOn,
  supporter: { name: c.supporterName, role: c.supporterRole, agency: c.supporterAgency },
  recordedBy: c.recordedBy,
  createdAt: c.createdAt,
  enteredInErrorAt: c.enteredInErrorAt,
  history: c.history.map((h) => ({
    status: h.status,
    statusOn: h.statusOn,
    outcome: h.outcome,
    note: h.note,
    recordedAt: h.recordedAt,
  })),
  statements: c.statements.map((s) => ({
    id: s.id,
    kind: s.kind,
    state: s.state,
    occurredOn: s.occurredOn,
    note: s.note,
  })),
  specialMeasures: c.measures.map((m) => ({
    id: m.id,
    measure: m.measure,
    requestedOn: m.requestedOn,
    decision: m.decision,
    decidedOn: m.decidedOn,
  })),
  contacts: c.contacts.map((k) => ({
    id: k.id,
    contactAt: k.contactAt,
    contactWith: k.contactWith,
    stage: k.stage,
    method: k.method,
    note: k.note,
  })),
  supportReviews: c.reviews.map((r) => ({
    id: r.id,
    dueAt: r.dueAt,
    completedAt: r.completedAt,
    outcome: r.outcome,
    outcomeNote: r.outcomeNote,
  })),
  persons: c.persons,
  noContact: c.noContact,
});

/** Justice cases over the API, with the same rules as the pages. */
export function registerJusticeApi(api: FastifyInstance, services: Services): void {
  const typed = api.withTypeProvider<ZodTypeProvider>();
  const { justice } = services;
  const params = z.object({ id: z.uuid() });
  const tags = ['Justice cases'];
  const one = { 200: caseResponse, ...problemResponses };
  const created = { 201: caseResponse, ...problemResponses };

  typed.get(
    '/children/:id/justice-cases',
    {
      config: { access: 'justice:view' },
      schema: {
        summary: 'A child’s justice cases, newest first, each with its no-contact flag',
        tags,
        params,
        response: { 200: z.object({ cases: z.array(caseSummary) }), ...problemResponses },
      },
    },
    async (request) => ({ cases: await justice.forChild(request.ctx, request.params.id) }),
  );

  typed.post(
    '/children/:id/justice-cases',
    {
      config: { access: 'justice:record' },
      schema: {
        summary:
          'Record a justice case about a child; a case recorded as ended starts a support review for the child’s worker',
        tags,
        params,
        body: newCaseInput,
        response: created,
      },
    },
    async (request, reply) => {
      const id = await justice.create(request.ctx, request.params.id, request.body);
      reply.code(201);
      return toResponse(await justice.get(request.ctx, id));
    },
  );

  typed.get(
    '/justice-cases/:id',
    {
      config: { access: 'justice:view' },
      schema: {
        summary:
          'One justice case with its status history, statements, special measures, contacts and reviews',
        tags,
        params,
        response: one,
      },
    },
    async (request) => toResponse(await justice.get(request.ctx, request.params.id)),
  );

  /** A write to a case that adds to it (a status, a contact, a statement, a request): 201 with the case. */
  function addToCase<B extends z.ZodType>(
    path: string,
    summary: string,
    body: B,
    write: (ctx: Context, caseId: string, input: z.output<B>) => Promise<unknown>,
  ) {
    typed.post(
      path,
      { config: { access: 'justice:record' }, schema: { summary, tags, params, body, response: created } },
      async (request, reply) => {
        await write(request.ctx, request.params.id, request.body as z.output<B>);
        reply.code(201);
        return toResponse(await justice.get(request.ctx, request.params.id));
      },
    );
  }
  addToCase(
    '/justice-cases/:id/statuses',
    'Move a case on; no further action, discontinued and an outcome end it and start a support review',
    statusInput,
    (ctx, id, input) => justice.changeStatus(ctx, id, input),
  );
  addToCase(
    '/justice-cases/:id/contacts',
    'Record a contact with the child or family before, during or after court',
    contactInput.extend({ contactAt: z.coerce.date().describe('When the contact was (ISO 8601)') }),
    (ctx, id, input) => justice.recordContact(ctx, id, input),
  );
  addToCase(
    '/justice-cases/:id/statements',
    'Record the child’s written statement or ABE interview as offered, refused or held',
    statementInput,
    (ctx, id, input) => justice.recordStatement(ctx, id, input),
  );
  addToCase(
    '/justice-cases/:id/special-measures',
    'Record that a special measure was asked of the court',
    measureRequestInput,
    (ctx, id, input) => justice.requestMeasure(ctx, id, input),
  );

  typed.post(
    '/justice-cases/:id/special-measure-decisions',
    {
      config: { access: 'justice:record' },
      schema: {
        summary: 'Record the court’s decision on a special measure waiting for it',
        tags,
        params,
        body: measureDecisionInput,
        response: one,
      },
    },
    async (request) => {
      await justice.decideMeasure(request.ctx, request.params.id, request.body);
      return toResponse(await justice.get(request.ctx, request.params.id));
    },
  );

  typed.post(
    '/support-reviews/:id/completion',
    {
      config: { access: 'justice:record' },
      schema: {
        summary: 'Complete a support review: support continues, or it has ended and why',
        tags,
        params,
        body: reviewInput,
        response: one,
      },
    },
    async (request) => {
      const caseId = await justice.completeReview(request.ctx, request.params.id, request.body);
      return toResponse(await justice.get(request.ctx, caseId));
    },
  );
}
