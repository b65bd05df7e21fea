import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemResponses } from '../../platform/auth/api.routes';
import type { Services } from '../../services';
import { newScreening } from './screening.service';
import type { cseScreening } from './tables';
import { currentTool, levels } from './tool';

const sections = ['vulnerability', 'moderate', 'significant'] as const;
const answers = ['no', 'past', 'current'] as const;

const toolResponse = z.object({
  version: z.string(),
  indicators: z.array(z.object({ code: z.string(), section: z.enum(sections), text: z.string() })),
  bands: z
    .object({ mild: z.number().int(), moderate: z.number().int(), significant: z.number().int() })
    .describe(
      'The lowest score of each level above not at risk. A vulnerability or moderate indicator scores 1; a significant indicator 5 if current, 1 if past',
    ),
});

const screeningResponse = z.object({
  id: z.uuid(),
  childId: z.uuid(),
  toolVersion: z.string(),
  score: z.number().int(),
  level: z.enum(levels),
  items: z
    .array(
      z.object({
        code: z.string(),
        text: z.string(),
        section: z.enum(sections),
        answer: z.enum(['past', 'current']),
        points: z.number().int(),
      }),
    )
    .describe('Every indicator that scored, with its points'),
  reviewOn: z.iso.date(),
  notes: z.string().nullable(),
  screenedAt: z.date(),
});

const screeningBody = newScreening.extend({
  answers: newScreening.shape.answers.describe(
    `Indicator code to ${answers.join(', ')}, codes from GET /screening-tool; an indicator left out counts as no`,
  ),
  reviewOn: newScreening.shape.reviewOn.describe('The date of the next review, after today (YYYY-MM-DD)'),
});

const toResponse = (s: typeof cseScreening.$inferSelect) => ({
  id: s.id,
  childId: s.childId,
  toolVersion: s.toolVersion,
  score: s.score,
  level: s.level,
  items: s.items,
  reviewOn: s.reviewOn,
  notes: s.notes,
  screenedAt: s.screenedAt,
});

/** The CSE screening tool and a child's screenings, as the screening pages show them. */
export function registerScreeningApi(api: FastifyInstance, services: Services): void {
  const typed = api.withTypeProvider<ZodTypeProvider>();
  const { screening } = services;
  const params = z.object({ id: z.uuid() });
  const tags = ['CSE screening'];

  typed.get(
    '/screening-tool',
    {
      config: { access: 'child:view' },
      schema: {
        summary: 'The current CSE screening tool: its indicators and the bands of its four levels',
        tags,
        response: { 200: toolResponse, ...problemResponses },
      },
    },
    async () => ({
      version: currentTool.version,
      indicators: currentTool.indicators.map((i) => ({ code: i.code, section: i.section, text: i.text })),
      bands: currentTool.bands,
    }),
  );

  typed.post(
    '/children/:id/screenings',
    {
      config: { access: 'screening:record' },
      schema: {
        summary: 'Record a CSE screening of a child with the current tool; it is scored at once',
        tags,
        params,
        body: screeningBody,
        response: { 201: screeningResponse, ...problemResponses },
      },
    },
    async (request, reply) => {
      const id = await screening.record(request.ctx, request.params.id, request.body);
      reply.code(201);
      return toResponse((await screening.get(request.ctx, id)).screening);
    },
  );

  typed.get(
    '/children/:id/screenings',
    {
      config: { access: 'child:view' },
      schema: {
        summary: 'A child’s CSE screenings, newest first, and why a new one is due',
        tags,
        params,
        response: {
          200: z.object({
            screenings: z.array(screeningResponse),
            prompts: z
              .array(z.string())
              .describe('Why a new screening is due: a review date passed, or a concern since the last'),
          }),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const { history, prompts } = await screening.summary(request.ctx, request.params.id);
      return { screenings: history.map(toResponse), prompts };
    },
  );

  typed.get(
    '/screenings/:id',
    {
      config: { access: 'child:view' },
      schema: {
        summary: 'One CSE screening as it was recorded, scored with the tool version it used',
        tags,
        params,
        response: { 200: screeningResponse, ...problemResponses },
      },
    },
    async (request) => toResponse((await screening.get(request.ctx, request.params.id)).screening),
  );
}
