import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemResponses } from '../../platform/auth/api.routes';
import type { Services } from '../../services';
import { recordInput, staffInput } from './schemas';
import { trainingSectors } from './tables';

const share = z.object({
  staff: z.number().int().describe('Current staff: started (or start not known) and not yet left'),
  trained: z.number().int().describe('Current staff holding a course that is valid today'),
  percent: z.number().int().nullable().describe('Whole per cent trained; null with no current staff'),
});

const course = z.object({
  id: z.uuid(),
  title: z.string(),
  covers: z.string(),
  validityMonths: z.number().int(),
  active: z.boolean(),
});

const record = z.object({
  id: z.uuid(),
  courseId: z.uuid(),
  course: z.string(),
  completedOn: z.iso.date(),
  validUntil: z.iso.date(),
  provider: z.string().nullable(),
  enteredInError: z.boolean(),
});

const staffMember = z.object({
  id: z.uuid(),
  givenName: z.string(),
  familyName: z.string(),
  sector: z.enum(trainingSectors),
  homeId: z.uuid().nullable(),
  startedOn: z.iso.date().nullable(),
  leftOn: z.iso.date().nullable(),
  current: z.boolean(),
  trained: z.boolean().describe('Holds a course that is valid today'),
  records: z.array(record),
});

const areaShare = share.extend({ id: z.string(), name: z.string() });

type RecordRow = {
  id: string;
  courseId: string;
  course: string;
  completedOn: string;
  validUntil: string;
  provider: string | null;
  enteredInErrorAt: Date | null;
};
const toRecord = (r: RecordRow) => ({
  id: r.id,
  courseId: r.courseId,
  course: r.course,
  completedOn: r.completedOn,
  validUntil: r.validUntil,
  provider: r.provider,
  enteredInError: r.enteredInErrorAt !== null,
});

/** Training on the warning signs, as its pages show it: seen by the organisation, its authority and the hub. */
export function registerTrainingApi(api: FastifyInstance, services: Services): void {
  const typed = api.withTypeProvider<ZodTypeProvider>();
  const { training } = services;
  const tags = ['Training'];
  const params = z.object({ id: z.uuid() });
  const writeResponses = { ...problemResponses, 409: problemResponses[400] };

  const staffResponse = async (ctx: Parameters<typeof training.staffMember>[0], id: string) => {
    const s = await training.staffMember(ctx, id);
    return {
      id: s.staff.id,
      givenName: s.staff.givenName,
      familyName: s.staff.familyName,
      sector: s.staff.sector,
      homeId: s.staff.homeId,
      startedOn: s.staff.startedOn,
      leftOn: s.staff.leftOn,
      current: s.current,
      trained: s.records.some((r) => r.current),
      records: s.records.map(toRecord),
    };
  };

  typed.get(
    '/training/courses',
    {
      config: { access: 'training:view' },
      schema: {
        summary: 'The training courses on offer, with how long each stays valid',
        tags,
        response: { 200: z.object({ courses: z.array(course) }), ...problemResponses },
      },
    },
    async (request) => ({
      courses: (await training.courses(request.ctx)).map((c) => ({
        id: c.id,
        title: c.title,
        covers: c.covers,
        validityMonths: c.validityMonths,
        active: c.active,
      })),
    }),
  );

  typed.get(
    '/training/staff',
    {
      config: { access: 'training:view' },
      schema: {
        summary:
          'An organisation’s staff with their training and its share of current staff trained: your own, or one of your authority’s area',
        tags,
        querystring: z.object({
          organisationId: z.uuid().optional().describe('The organisation (agency); yours when left out'),
        }),
        response: {
          200: z.object({
            organisation: z.object({ id: z.uuid(), name: z.string() }),
            share,
            staff: z.array(staffMember),
          }),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const o = await training.organisation(request.ctx, request.query.organisationId, { withRecords: true });
      return {
        organisation: { id: o.organisation.id, name: o.organisation.name },
        share: o.share,
        staff: o.staff.map((s) => ({
          id: s.id,
          givenName: s.givenName,
          familyName: s.familyName,
          sector: s.sector,
          homeId: s.homeId,
          startedOn: s.startedOn,
          leftOn: s.leftOn,
          current: s.current,
          trained: s.trained,
          records: o.records.filter((r) => r.staffId === s.id).map(toRecord),
        })),
      };
    },
  );

  typed.get(
    '/training/staff/:id',
    {
      config: { access: 'training:view' },
      schema: {
        summary: 'One staff member with every training record, those entered in error included',
        tags,
        params,
        response: { 200: staffMember, ...problemResponses },
      },
    },
    async (request) => staffResponse(request.ctx, request.params.id),
  );

  typed.post(
    '/training/staff',
    {
      config: { access: 'training:record' },
      schema: {
        summary: 'Add a member of your organisation’s staff (they need not be a Lantern user)',
        tags,
        body: staffInput,
        response: { 201: staffMember, ...writeResponses },
      },
    },
    async (request, reply) => {
      const id = await training.addStaff(request.ctx, request.body);
      return reply.code(201).send(await staffResponse(request.ctx, id));
    },
  );

  typed.post(
    '/training/staff/:id/records',
    {
      config: { access: 'training:record' },
      schema: {
        summary:
          'Record that a member of your staff completed a course; valid until follows the course’s validity',
        tags,
        params,
        body: recordInput,
        response: { 201: staffMember, ...writeResponses },
      },
    },
    async (request, reply) => {
      await training.recordTraining(request.ctx, request.params.id, request.body);
      return reply.code(201).send(await staffResponse(request.ctx, request.params.id));
    },
  );

  typed.get(
    '/training/report',
    {
      config: { access: 'training:view' },
      schema: {
        summary:
          'Current staff trained in an area: each organisation, home and sector (your authority’s area)',
        tags,
        querystring: z.object({
          area: z
            .string()
            .regex(/^[EW]\d{8}$/)
            .optional()
            .describe('ONS code of the local authority; yours when left out'),
        }),
        response: {
          200: z.object({
            area: z.object({ code: z.string(), name: z.string() }),
            on: z.iso.date(),
            total: share,
            organisations: z.array(areaShare),
            homes: z.array(areaShare),
            sectors: z.array(share.extend({ sector: z.enum(trainingSectors) })),
          }),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const r = await training.areaReport(request.ctx, request.query.area);
      const strip = <T extends { staff: number; trained: number; percent: number | null }>(x: T) => ({
        staff: x.staff,
        trained: x.trained,
        percent: x.percent,
      });
      return {
        area: { code: r.areaCode, name: r.areaName },
        on: r.today,
        total: r.total,
        organisations: r.organisations.map((o) => ({ id: o.id, name: o.name, ...strip(o) })),
        homes: r.homes.map((h) => ({ id: h.id, name: h.name, ...strip(h) })),
        sectors: r.sectors.map((s) => ({ sector: s.sector, ...strip(s) })),
      };
    },
  );
}
