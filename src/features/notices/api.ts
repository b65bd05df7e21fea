import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findLocalAuthority } from '../../platform/agencies/reference-data';
import { problemResponses } from '../../platform/auth/api.routes';
import type { Context } from '../../platform/context';
import type { Services } from '../../services';
import type { NoticesService } from './notices.service';
import { contribution, prioritise, proposeDecision, raiseNotice } from './schemas';
import { type NoticeCategory, noticeCategories, priorities } from './tables';

type Detail = Awaited<ReturnType<NoticesService['get']>>;
type Decision = Detail['decisions'][number];

// The column is text[] held to the known codes by a CHECK constraint; this narrows the type.
const isCategory = (c: string): c is NoticeCategory => (noticeCategories as readonly string[]).includes(c);

const childSummary = z
  .object({ id: z.uuid(), givenName: z.string(), familyName: z.string() })
  .nullable()
  .describe('The child, if the notice is about one your agency may see');

/** What the MASH queue shows of a notice. */
const queueEntry = z.object({
  id: z.uuid(),
  child: childSummary,
  unidentifiedDescription: z.string().nullable(),
  categories: z.array(z.enum(noticeCategories)),
  raisedByAgency: z.string(),
  raisedAt: z.date(),
  priority: z.enum(priorities).nullable().describe('Not yet set until the MASH prioritises the notice'),
  decisionDueAt: z.date(),
  decidedAt: z.date().nullable(),
  overdue: z.boolean(),
});

const confirmation = z.object({ by: z.string(), at: z.date() }).nullable();

const proposal = z.object({
  outcomeCode: z.string(),
  outcomeLabel: z.string(),
  strategyDiscussion: z.boolean().describe('Whether the outcome means a strategy discussion is held'),
  rationale: z.string(),
  proposedBy: z.string(),
  proposedAt: z.date(),
  policeConfirmation: confirmation,
  socialCareConfirmation: confirmation,
});
const decision = proposal.extend({
  finalAt: z.date().nullable().describe('Set once police and social care have both confirmed'),
});

const noticeResponse = queueEntry.extend({
  whatHappened: z.string(),
  source: z.string(),
  area: z.object({ code: z.string(), name: z.string() }).describe('The area whose MASH assesses the notice'),
  contributions: z.array(
    z.object({
      agencyName: z.string(),
      userName: z.string().nullable(),
      information: z.string(),
      createdAt: z.date(),
    }),
  ),
  decision: decision.nullable().describe('The live decision: proposed, or final'),
  earlierProposals: z.array(proposal).describe('Replaced proposals, newest first'),
  outcomes: z
    .array(z.object({ code: z.string(), label: z.string(), strategyDiscussion: z.boolean() }))
    .describe('The area’s threshold table: the outcomes a decision may record'),
});

function proposalOf(d: Decision) {
  return {
    outcomeCode: d.outcomeCode,
    outcomeLabel: d.outcomeLabel,
    strategyDiscussion: d.strategyDiscussion === 'yes',
    rationale: d.rationale,
    proposedBy: d.proposedBy,
    proposedAt: d.proposedAt,
    policeConfirmation:
      d.policeConfirmedBy !== null && d.policeConfirmedAt
        ? { by: d.policeConfirmedBy, at: d.policeConfirmedAt }
        : null,
    socialCareConfirmation:
      d.socialCareConfirmedBy !== null && d.socialCareConfirmedAt
        ? { by: d.socialCareConfirmedBy, at: d.socialCareConfirmedAt }
        : null,
  };
}

/** Notices and their joint decisions for police and local authority systems: what the MASH pages show. */
export function registerNoticeApi(api: FastifyInstance, services: Services): void {
  const typed = api.withTypeProvider<ZodTypeProvider>();
  const { notices } = services;
  const params = z.object({ id: z.uuid() });
  const tags = ['Child concern notices'];
  const overdue = (n: { decidedAt: Date | null; decisionDueAt: Date }) =>
    !n.decidedAt && n.decisionDueAt < services.clock.now();

  const respond = async (ctx: Context, id: string) => {
    const d = await notices.get(ctx, id);
    const n = d.notice;
    const live = d.decisions.find((x) => x.supersededAt === null);
    return {
      id: n.id,
      child: d.child
        ? { id: d.child.id, givenName: d.child.givenName, familyName: d.child.familyName }
        : null,
      unidentifiedDescription: n.unidentifiedDescription,
      categories: n.categories.filter(isCategory),
      raisedByAgency: d.raisedBy,
      raisedAt: n.raisedAt,
      priority: n.priority,
      decisionDueAt: n.decisionDueAt,
      decidedAt: n.decidedAt,
      overdue: overdue(n),
      whatHappened: n.whatHappened,
      source: n.source,
      area: {
        code: n.areaAuthorityCode,
        name: findLocalAuthority(n.areaAuthorityCode)?.name ?? n.areaAuthorityCode,
      },
      contributions: d.contributions.map((c) => ({
        agencyName: c.agencyName,
        userName: c.userName,
        information: c.information,
        createdAt: c.createdAt,
      })),
      decision: live ? { ...proposalOf(live), finalAt: live.finalAt } : null,
      earlierProposals: d.decisions.filter((x) => x.supersededAt !== null).map(proposalOf),
      outcomes: d.outcomes,
    };
  };

  const writeResponses = { ...problemResponses, 409: problemResponses[400] };

  typed.post(
    '/notices',
    {
      config: { access: 'notice:raise' },
      schema: {
        summary:
          'Raise a child concern notice about a child, or a young person not yet identified; it goes to the MASH of the child’s area, or of the area given',
        tags,
        body: raiseNotice.describe(
          'Give childId for a child known to the hub, or unidentifiedDescription for a young person not yet identified. ' +
            'areaAuthorityCode (a local authority code such as E08000035) chooses the MASH; without it the notice goes to ' +
            'the area where the child is placed, else their responsible authority, else your agency’s own area. ' +
            'Attachments are sent through the web pages only.',
        ),
        response: { 201: noticeResponse, ...problemResponses },
      },
    },
    async (request, reply) => {
      const id = await notices.raise(request.ctx, request.body);
      reply.code(201);
      return respond(request.ctx, id);
    },
  );

  typed.get(
    '/notices',
    {
      config: { access: 'notice:triage' },
      schema: {
        summary:
          'The MASH queue of your areas: notices waiting for a decision, soonest deadline first, or with decided=true the most recently decided',
        tags,
        querystring: z.object({
          decided: z.enum(['true', 'false']).optional(),
          after: z.string().max(200).optional().describe('The `next` cursor of the page before'),
        }),
        response: {
          200: z.object({ notices: z.array(queueEntry), next: z.string().nullable() }),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const queue = await notices.queue(request.ctx, {
        decided: request.query.decided === 'true',
        ...(request.query.after ? { after: request.query.after } : {}),
      });
      return {
        next: queue.next,
        notices: queue.rows.map((q) => ({
          id: q.notice.id,
          child: q.child,
          unidentifiedDescription: q.notice.unidentifiedDescription,
          categories: q.notice.categories.filter(isCategory),
          raisedByAgency: q.raisedBy,
          raisedAt: q.notice.raisedAt,
          priority: q.notice.priority,
          decisionDueAt: q.notice.decisionDueAt,
          decidedAt: q.notice.decidedAt,
          overdue: overdue(q.notice),
        })),
      };
    },
  );

  typed.get(
    '/notices/:id',
    {
      config: { access: 'child:view' },
      schema: {
        summary: 'One notice with what each agency knows, the joint decision and the area’s outcomes',
        tags,
        params,
        response: { 200: noticeResponse, ...problemResponses },
      },
    },
    async (request) => respond(request.ctx, request.params.id),
  );

  typed.post(
    '/notices/:id/priority',
    {
      config: { access: 'notice:triage' },
      schema: {
        summary: 'Set the priority, which sets the deadline for the decision (MASH)',
        tags,
        params,
        body: prioritise,
        response: { 200: noticeResponse, ...writeResponses },
      },
    },
    async (request) => {
      await notices.prioritise(request.ctx, request.params.id, request.body);
      return respond(request.ctx, request.params.id);
    },
  );

  typed.post(
    '/notices/:id/information',
    {
      config: { access: 'notice:triage' },
      schema: {
        summary: 'Add what your agency knows (MASH)',
        tags,
        params,
        body: contribution,
        response: { 201: noticeResponse, ...problemResponses },
      },
    },
    async (request, reply) => {
      await notices.contribute(request.ctx, request.params.id, request.body);
      reply.code(201);
      return respond(request.ctx, request.params.id);
    },
  );

  typed.post(
    '/notices/:id/decisions',
    {
      config: { access: 'notice:triage' },
      schema: {
        summary:
          'Propose the joint decision from the area’s outcomes; it counts as confirmed by your side and replaces a proposal not yet final (MASH)',
        tags,
        params,
        body: proposeDecision,
        response: { 201: noticeResponse, ...writeResponses },
      },
    },
    async (request, reply) => {
      await notices.propose(request.ctx, request.params.id, request.body);
      reply.code(201);
      return respond(request.ctx, request.params.id);
    },
  );

  typed.post(
    '/notices/:id/decisions/confirm',
    {
      config: { access: 'notice:triage' },
      schema: {
        summary:
          'Confirm the proposed decision for your side; once police and social care have both confirmed it is final (MASH)',
        tags,
        params,
        response: { 200: noticeResponse, ...writeResponses },
      },
    },
    async (request) => {
      await notices.confirm(request.ctx, request.params.id);
      return respond(request.ctx, request.params.id);
    },
  );
}
