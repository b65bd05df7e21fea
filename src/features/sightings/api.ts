import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemResponses } from '../../platform/auth/api.routes';
import type { Context } from '../../platform/context';
import type { Services } from '../../services';
import { type sighting, sightingStatuses } from './tables';

const sightingResponse = z.object({
  id: z.uuid(),
  reference: z.string().describe('The reference the reporter was given'),
  seenAt: z.date(),
  place: z.string(),
  whatSeen: z.string(),
  youngPeople: z.string().nullable(),
  adults: z.string().nullable(),
  vehicles: z.string().nullable(),
  roomNumbers: z.string().nullable(),
  reporterName: z.string().nullable(),
  reporterContact: z.string().nullable(),
  organisation: z.string().describe('The organisation whose access code was used'),
  receivedAt: z.date(),
  status: z
    .enum(sightingStatuses)
    .describe('new until the MASH links it to a child or keeps it as intelligence'),
  child: z
    .object({ id: z.uuid(), givenName: z.string(), familyName: z.string() })
    .nullable()
    .describe('The child it is linked to, if your agency may see them'),
});

const linkBody = z.object({
  childId: z.uuid({ error: 'Give the id of a child your agency may see' }),
});

type Linked = { id: string; givenName: string; familyName: string } | null;

const toResponse = (s: typeof sighting.$inferSelect, organisation: string, child: Linked) => ({
  id: s.id,
  reference: s.reference,
  seenAt: s.seenAt,
  place: s.place,
  whatSeen: s.whatSeen,
  youngPeople: s.youngPeople,
  adults: s.adults,
  vehicles: s.vehicles,
  roomNumbers: s.roomNumbers,
  reporterName: s.reporterName,
  reporterContact: s.reporterContact,
  organisation,
  receivedAt: s.createdAt,
  status: s.status,
  child: child ? { id: child.id, givenName: child.givenName, familyName: child.familyName } : null,
});

/** Sightings reported by hotel and venue staff, for the MASH of the area to triage, as its pages do. */
export function registerSightingApi(api: FastifyInstance, services: Services): void {
  const typed = api.withTypeProvider<ZodTypeProvider>();
  const { sightings } = services;
  const params = z.object({ id: z.uuid() });
  const tags = ['Sightings'];

  const respond = async (ctx: Context, id: string) => {
    const s = await sightings.get(ctx, id);
    return toResponse(s.sighting, s.organisation, s.child);
  };

  const writeResponses = { ...problemResponses, 409: problemResponses[400] };

  typed.get(
    '/sightings',
    {
      config: { access: 'notice:triage' },
      schema: {
        summary: 'The sightings in the MASH queue of your areas not yet dealt with, oldest first',
        tags,
        querystring: z.object({
          after: z.string().max(200).optional().describe('The `next` cursor of the page before'),
        }),
        response: {
          200: z.object({ sightings: z.array(sightingResponse), next: z.string().nullable() }),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const queue = await sightings.queue(
        request.ctx,
        request.query.after ? { after: request.query.after } : {},
      );
      return {
        sightings: queue.rows.map((q) => toResponse(q.sighting, q.organisation, null)),
        next: queue.next,
      };
    },
  );

  typed.get(
    '/sightings/:id',
    {
      config: { access: 'notice:triage' },
      schema: {
        summary: 'One sighting of your areas, with the child it is linked to (MASH)',
        tags,
        params,
        response: { 200: sightingResponse, ...problemResponses },
      },
    },
    async (request) => respond(request.ctx, request.params.id),
  );

  typed.post(
    '/sightings/:id/link',
    {
      config: { access: 'notice:triage' },
      schema: {
        summary:
          'Link a sighting not yet dealt with to a child your agency may see; it joins the child’s chronology (MASH)',
        tags,
        params,
        body: linkBody,
        response: { 200: sightingResponse, ...writeResponses },
      },
    },
    async (request) => {
      await sightings.link(request.ctx, request.params.id, request.body.childId);
      return respond(request.ctx, request.params.id);
    },
  );

  typed.post(
    '/sightings/:id/keep',
    {
      config: { access: 'notice:triage' },
      schema: {
        summary: 'Keep a sighting not yet dealt with as intelligence, matched to no known child (MASH)',
        tags,
        params,
        response: { 200: sightingResponse, ...writeResponses },
      },
    },
    async (request) => {
      await sightings.keepAsIntelligence(request.ctx, request.params.id);
      return respond(request.ctx, request.params.id);
    },
  );
}
