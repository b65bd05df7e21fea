import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyHelmet from '@fastify/helmet';
import fastifyMultipart from '@fastify/multipart';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifyView from '@fastify/view';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import nunjucks from 'nunjucks';
import { registerAdvocacyApi, registerAdvocacyRoutes } from './features/advocacy/routes';
import { registerAlertRoutes, registerConcernRoutes } from './features/alerts/routes';
import { registerAllocationRoutes } from './features/allocation/routes';
import { registerAtEighteenRoutes } from './features/children/at-18.routes';
import { registerChildCorrectionRoutes } from './features/children/correct.routes';
import { registerChildApi, registerChildRoutes } from './features/children/routes';
import { registerChronologyRoutes } from './features/chronology/routes';
import { registerEpisodeApi, registerEpisodeRoutes } from './features/episodes/routes';
import { registerHomeRoutes } from './features/homes/routes';
import { registerEvidenceRoutes } from './features/intelligence/evidence.routes';
import { registerHotspotRoutes } from './features/intelligence/hotspots.routes';
import { registerNetworkRoutes } from './features/intelligence/networks.routes';
import { registerResolutionRoutes } from './features/intelligence/resolution.routes';
import { registerIntelligenceRoutes } from './features/intelligence/routes';
import { registerWarningNoticeRoutes } from './features/intelligence/warning-notices.routes';
import { registerJusticeApi } from './features/justice/api';
import { registerJusticeRoutes } from './features/justice/routes';
import { registerNoticeApi } from './features/notices/api';
import { registerNoticeRoutes } from './features/notices/routes';
import { registerThresholdRoutes } from './features/notices/thresholds.routes';
import { registerPlacementRoutes } from './features/placements/routes';
import { registerProfileRoutes } from './features/profiles/routes';
import { registerAnnualReportApi, registerAnnualReportRoutes } from './features/reports/annual.routes';
import { registerCareEpisodeRoutes } from './features/reports/care-episodes.routes';
import { registerDashboardRoutes } from './features/reports/dashboard.routes';
import { registerImportRoutes } from './features/reports/import.routes';
import { registerRowsRoutes } from './features/reports/rows.routes';
import { registerReportExportApi, registerReportExportRoutes } from './features/reports/ssda903.routes';
import { registerRetentionApi, registerRetentionRoutes } from './features/retention/routes';
import {
  registerReturnInterviewApi,
  registerReturnInterviewRoutes,
} from './features/return-interviews/routes';
import { registerScreeningApi } from './features/screening/api';
import { registerScreeningRoutes } from './features/screening/routes';
import { registerSharingRoutes } from './features/sharing/routes';
import { registerSightingApi } from './features/sightings/api';
import { registerSightingRoutes } from './features/sightings/routes';
import { registerSubgroupRoutes } from './features/subgroup/routes';
import { registerSubjectAccessRoutes } from './features/subject-access/routes';
import { registerTrainingApi } from './features/training/api';
import { registerTrainingRoutes } from './features/training/routes';
import { registerAgencyRoutes } from './platform/agencies/routes';
import { registerAuditRoutes } from './platform/audit/routes';
import { registerAdminUserRoutes } from './platform/auth/admin.routes';
import { registerApiTokenApi } from './platform/auth/api.routes';
import { registerAuthRoutes } from './platform/auth/routes';
import { type DatabaseTiming, runWithDatabaseTiming } from './platform/db/timing';
import { answerBadUrl } from './platform/http/bad-url';
import { refuseCrossSite } from './platform/http/cross-site';
import { authorise, authoriseApi, collectRoutes, type RegisteredRoute } from './platform/http/declarations';
import { ConflictError, NotFoundError, UnauthenticatedError, ValidationError } from './platform/http/errors';
import { registerIdempotency } from './platform/http/idempotency';
import { registerPageRoutes } from './platform/http/pages.routes';
import { sendProblem } from './platform/http/problem';
import { postgresRateLimitStore } from './platform/http/rate-limit';
import { auditRefusal } from './platform/http/refusals';
import { refuseUnstorableText } from './platform/http/text-input';
import { CSRF_COOKIE, loadWebSession, renderPage } from './platform/http/web';
import { formatDate, formatDateTime } from './platform/views/filters';
import { trim } from './platform/views/trim';
import type { Services } from './services';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface LanternApp {
  app: FastifyInstance;
  routes: RegisteredRoute[];
}

const pendingStepPaths = {
  'second-factor': '/sign-in/second-factor',
  'enrol-second-factor': '/sign-in/set-up-second-factor',
  'change-password': '/sign-in/change-password',
} as const;

/** Builds the whole application around the given services. Plugins register in a fixed order. */
export interface AppOptions {
  /** Extra routes inside the page and API scopes: for tests of the scopes' own guards. */
  extraWebRoutes?: (web: FastifyInstance) => void;
  extraApiRoutes?: (api: FastifyInstance) => void;
}

export async function createApp(services: Services, options: AppOptions = {}): Promise<LanternApp> {
  const { config } = services;
  const production = config.env === 'production';
  const app = Fastify({
    logger:
      config.logLevel === 'silent'
        ? false
        : {
            level: config.logLevel,
            // Logs carry ids, never names or narratives: the URL and status, no bodies or cookies.
            serializers: {
              req: (req) => ({ method: req.method, url: req.url?.split('?')[0], id: req.id }),
            },
          },
    genReqId: () => randomUUID(),
    trustProxy: config.trustProxy,
    frameworkErrors: answerBadUrl,
    bodyLimit: 1024 * 1024,
  });
  const routes = collectRoutes(app);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // Every response names its request, so a person reporting a problem can quote it.
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // Server-Timing: the database's share of each request (its transactions' wall time), for
  // browsers' developer tools and the benchmark. Durations only: nothing about the data.
  const timings = new WeakMap<FastifyRequest, { timing: DatabaseTiming; started: number }>();
  app.addHook('onRequest', (request, _reply, done) => {
    const timing = { ms: 0, transactions: 0 };
    timings.set(request, { timing, started: performance.now() });
    runWithDatabaseTiming(timing, done);
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const t = timings.get(request);
    if (t) {
      reply.header(
        'server-timing',
        `db;dur=${t.timing.ms.toFixed(1)};desc="${t.timing.transactions} transactions", app;dur=${(performance.now() - t.started).toFixed(1)}`,
      );
    }
    return payload;
  });
  app.decorateRequest('session', null);
  app.decorateRequest('ctx', null as unknown as FastifyRequest['ctx']);

  await app.register(fastifyHelmet, {
    enableCSPNonces: true,
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        upgradeInsecureRequests: production ? [] : null,
      },
    },
    strictTransportSecurity: production ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'no-referrer' },
  });
  await app.register(fastifyCookie, { secret: config.sessionSecret });
  await app.register(fastifyFormbody);
  // File uploads (registers, photos): fields and the file land in the body, so CSRF reads its token as usual.
  await app.register(fastifyMultipart, {
    attachFieldsToBody: 'keyValues',
    limits: { fileSize: 5 * 1024 * 1024, files: 1, fields: 30, fieldSize: 100_000 },
    // The file arrives as a Buffer carrying the name the browser gave it, for forms that keep it.
    onFile: async (part) => {
      const bytes = await part.toBuffer();
      (part as unknown as { value: Buffer }).value = Object.assign(bytes, { filename: part.filename });
    },
  });
  // Per-address request limits, counted in the database so every process shares them. Routes opt in.
  await app.register(fastifyRateLimit, {
    global: false,
    store: postgresRateLimitStore(services.withTransaction),
    skipOnError: false,
  });
  await app.register(fastifyCsrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: CSRF_COOKIE,
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'lax', secure: production, signed: true },
    getToken: (req) =>
      (req.body as { _csrf?: string } | undefined)?._csrf ?? (req.headers['x-csrf-token'] as string),
  });
  await app.register(fastifyView, {
    engine: { nunjucks },
    templates: [
      path.join(root, 'src/platform/views'),
      path.join(root, 'src/features'),
      path.join(root, 'node_modules/govuk-frontend/dist'),
      path.join(root, 'node_modules/@ministryofjustice/frontend'),
    ],
    // Templates are read once, except in development, where edits show on reload.
    production: config.env !== 'development',
    options: {
      onConfigure: (env: nunjucks.Environment) => {
        env.addFilter('dateTime', formatDateTime);
        env.addFilter('date', formatDate);
        env.addFilter('trim', trim);
      },
    },
  });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Lantern API',
        version: '1',
        description:
          'The multi-agency safeguarding hub for children who go missing and children at risk of exploitation. ' +
          'Every call needs a bearer token; errors are RFC 9457 problem details.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
    hideUntagged: false,
  });

  // Front-end assets: everything registered in this scope is public.
  await app.register(async (assets) => {
    assets.addHook('onRoute', (route) => {
      route.config = { ...(route.config ?? {}), access: 'public' };
    });
    await assets.register(fastifyStatic, {
      root: path.join(root, 'public'),
      prefix: '/assets/',
      maxAge: production ? '1d' : 0,
    });
  });

  // Pages: cookie sessions, CSRF on every state-changing request, GOV.UK error pages.
  await app.register(async (web) => {
    web.decorateReply(
      'render',
      function (this: FastifyReply, template: string, data?: Record<string, unknown>) {
        return renderPage(this.request, this, template, data, config.session.idleMinutes * 60);
      },
    );
    web.addHook('onRequest', loadWebSession(services));
    web.addHook('onRequest', authorise);
    web.addHook('preHandler', (request, reply, done) => {
      if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS')
        return done();
      web.csrfProtection(request, reply, done);
    });
    web.addHook('preHandler', refuseCrossSite(config.baseUrl));
    web.addHook('preValidation', refuseUnstorableText);
    web.setErrorHandler(async (error: FastifyError, request, reply) => {
      if (error instanceof UnauthenticatedError) {
        const step = request.session?.pendingStep;
        return reply.redirect(step ? pendingStepPaths[step] : '/sign-in', 303);
      }
      if (error instanceof NotFoundError) {
        await auditRefusal(services.withTransaction, request);
        return reply.code(404).render('pages/not-found.njk');
      }
      if (error.code === 'FST_CSRF_INVALID_TOKEN' || error.code === 'FST_CSRF_MISSING_SECRET') {
        return reply.code(403).render('pages/forbidden.njk');
      }
      if (error.statusCode === 429) return reply.code(429).render('pages/too-many-requests.njk');
      if (error.code === 'FST_REQ_FILE_TOO_LARGE') {
        const fileTooLarge = request.routeOptions.config.fileTooLarge;
        if (fileTooLarge) return fileTooLarge(request, reply);
        return reply.code(413).render('pages/file-too-large.njk');
      }
      // Any other client error (a body too large, too many fields, a media type no form sends) is bad input.
      const clientError = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500;
      if (error instanceof ValidationError || error instanceof ConflictError || clientError) {
        const status = error instanceof ConflictError ? 400 : (error.statusCode ?? 400);
        return reply.code(status).render('pages/not-found.njk', { pageTitle: 'Bad request' });
      }
      request.log.error({ err: error, requestId: request.id }, 'unhandled error');
      return reply.code(500).render('pages/error.njk');
    });
    web.setNotFoundHandler({ preHandler: [loadWebSession(services)] }, async (_request, reply) =>
      reply.code(404).render('pages/not-found.njk'),
    );
    registerPageRoutes(web, services);
    registerAuthRoutes(web, services);
    registerAdminUserRoutes(web, services);
    registerAgencyRoutes(web, services);
    registerAuditRoutes(web, services);
    registerChildRoutes(web, services);
    registerAtEighteenRoutes(web, services);
    registerChildCorrectionRoutes(web, services);
    registerChronologyRoutes(web, services);
    registerEpisodeRoutes(web, services);
    registerReturnInterviewRoutes(web, services);
    registerAlertRoutes(web, services);
    registerConcernRoutes(web, services);
    registerHomeRoutes(web, services);
    registerIntelligenceRoutes(web, services);
    registerHotspotRoutes(web, services);
    registerAnnualReportRoutes(web, services);
    registerDashboardRoutes(web, services);
    registerNetworkRoutes(web, services);
    registerPlacementRoutes(web, services);
    registerProfileRoutes(web, services);
    registerNoticeRoutes(web, services);
    registerThresholdRoutes(web, services);
    registerScreeningRoutes(web, services);
    registerSharingRoutes(web, services);
    registerAllocationRoutes(web, services);
    registerSightingRoutes(web, services);
    registerSubjectAccessRoutes(web, services);
    registerSubgroupRoutes(web, services);
    registerWarningNoticeRoutes(web, services);
    registerAdvocacyRoutes(web, services);
    registerJusticeRoutes(web, services);
    registerEvidenceRoutes(web, services);
    registerResolutionRoutes(web, services);
    registerCareEpisodeRoutes(web, services);
    registerImportRoutes(web, services);
    registerRowsRoutes(web, services);
    registerReportExportRoutes(web, services);
    registerRetentionRoutes(web, services);
    registerTrainingRoutes(web, services);
    options.extraWebRoutes?.(web);
  });

  // JSON API: bearer tokens only, cookies ignored, problem+json errors.
  await app.register(
    async (api) => {
      // Every API call is rate-limited per client address, before its token is looked up, unless
      // the limit is set to 0 because a gateway in front does it.
      if (config.apiRateLimitPerMinute > 0) {
        api.addHook('onRequest', api.rateLimit({ max: config.apiRateLimitPerMinute, timeWindow: 60_000 }));
      }
      api.addHook('onRequest', async (request) => {
        request.session = null;
        request.ctx = { actor: null, permissions: new Set(), requestId: request.id, clock: services.clock };
        const header = request.headers.authorization ?? '';
        const match = /^Bearer\s+(\S+)$/i.exec(header);
        if (!match?.[1]) throw new UnauthenticatedError();
        const ctx = await services.apiTokens.authenticate(match[1], request.id);
        if (!ctx) throw new UnauthenticatedError();
        request.ctx = ctx;
      });
      api.addHook('onRequest', authoriseApi);
      api.addHook('preValidation', refuseUnstorableText);
      registerIdempotency(api, services.withTransaction, services.clock);
      api.setErrorHandler(async (error: FastifyError, request, reply) => {
        if (error instanceof UnauthenticatedError) {
          reply.header('www-authenticate', 'Bearer');
          return sendProblem(reply, 401, { detail: 'A valid bearer token is required' });
        }
        if (error instanceof NotFoundError) {
          await auditRefusal(services.withTransaction, request);
          return sendProblem(reply, 404);
        }
        if (error instanceof ValidationError) {
          return sendProblem(reply, 400, { detail: error.message, errors: error.fieldErrors });
        }
        if (error instanceof ConflictError) {
          return sendProblem(reply, 409, {
            detail: error.message,
            ...(error.field ? { errors: [{ field: error.field, message: error.message }] } : {}),
          });
        }
        if (error.validation) {
          const errors = error.validation.map((v) => ({
            field: String(v.instancePath || (v.params as { missingProperty?: string })?.missingProperty || '')
              .replace(/^\//, '')
              .replaceAll('/', '.'),
            message: v.message ?? 'Invalid value',
          }));
          return sendProblem(reply, 400, { detail: 'The request body or parameters are invalid', errors });
        }
        if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
          return sendProblem(reply, error.statusCode, { detail: error.message });
        }
        request.log.error({ err: error, requestId: request.id }, 'unhandled error');
        return sendProblem(reply, 500, { detail: `Reference ${request.id}` });
      });
      api.setNotFoundHandler(async (_request, reply) => sendProblem(reply, 404));
      registerApiTokenApi(api, services);
      registerChildApi(api, services);
      registerNoticeApi(api, services);
      registerScreeningApi(api, services);
      registerSightingApi(api, services);
      registerEpisodeApi(api, services);
      registerReturnInterviewApi(api, services);
      registerReportExportApi(api, services);
      registerAnnualReportApi(api, services);
      registerRetentionApi(api, services);
      registerTrainingApi(api, services);
      registerAdvocacyApi(api, services);
      registerJusticeApi(api, services);
      options.extraApiRoutes?.(api);
    },
    { prefix: '/api/v1' },
  );

  // For load balancers: answers 200 only while the database answers. Carries no data.
  app.get('/health', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) => {
    try {
      await services.database.raw.query('select 1');
      return { status: 'ok' };
    } catch {
      return reply.code(503).send({ status: 'unavailable' });
    }
  });

  // The API description: public, like any published specification.
  app.get('/api/docs/json', { config: { access: 'public' }, schema: { hide: true } }, async () =>
    app.swagger(),
  );

  return { app, routes };
}
