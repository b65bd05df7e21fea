import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { asFormErrors, fieldErrorsOf, formErrors } from '../http/forms';
import { recordId } from '../http/params';
import { CSRF_COOKIE, SESSION_COOKIE } from '../http/web';
import type { PlatformServices as Services } from '../services';
import { changePasswordSchema, secondFactorSchema, signInSchema } from './schemas';
import type { PendingStep } from './sessions';
import { isTotpSecret, totpUri } from './totp';

const stepPaths: Record<PendingStep, string> = {
  'second-factor': '/sign-in/second-factor',
  'enrol-second-factor': '/sign-in/set-up-second-factor',
  'change-password': '/sign-in/change-password',
};

/** Per client address, on top of the per-email lock-out: slows a run through many addresses. */
export const signInAttemptsPerAddress = { max: 60, timeWindow: 60_000 };

const lockedMessage = (until: Date) =>
  `Too many attempts. For your security, sign-in is paused until ${new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    hour: 'numeric',
    minute: '2-digit',
    hour12: true,
  })
    .format(until)
    .replace(' ', '')}. Try again then, or ask your agency administrator.`;

export function registerAuthRoutes(web: FastifyInstance, services: Services): void {
  const { config } = services;
  const cookieOptions = {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: config.env === 'production',
  };
  const afterStep = (reply: FastifyReply, step: PendingStep | null) =>
    reply.redirect(step ? stepPaths[step] : '/', 303);

  web.get('/sign-in', { config: { access: 'public' } }, async (request, reply) => {
    if (request.ctx.actor) return reply.redirect('/', 303);
    return reply.render('auth/sign-in.njk', { pageTitle: 'Sign in', values: {}, demo: config.demo });
  });

  // Counted in the handler rather than on the route, so that past the limit the answer is the same
  // as for a wrong password.
  const signInAddressLimit = web.createRateLimit({
    ...signInAttemptsPerAddress,
    keyGenerator: (request) => `sign-in:${request.ip}`,
  });

  web.post('/sign-in', { config: { access: 'public' } }, async (request, reply) => {
    const parsed = signInSchema.safeParse(request.body);
    const values = { email: (request.body as { email?: string } | undefined)?.email ?? '' };
    const page = (errors: ReturnType<typeof formErrors>, status = 400) =>
      reply
        .code(status)
        .render('auth/sign-in.njk', { pageTitle: 'Sign in', values, demo: config.demo, ...errors });
    // An unknown email, a wrong password, a locked email and a busy address all get this one
    // answer, so nothing tells a guesser which accounts exist or when throttling has begun.
    const refused = () =>
      page(formErrors([{ field: 'email', message: 'Enter a correct email address and password' }]), 401);
    if (!parsed.success) return page(formErrors(fieldErrorsOf(parsed.error)));
    const counted = await signInAddressLimit(request);
    if (!counted.isAllowed && counted.isExceeded) return refused();
    const result = await services.signIn.signIn(parsed.data.email, parsed.data.password, request.id);
    if (result.kind === 'invalid' || result.kind === 'locked') return refused();
    // A fresh session id and a fresh CSRF secret at sign-in, so nothing set before it carries over;
    // a session the browser already held ends rather than lingering behind the new one.
    if (request.session) await services.signIn.signOut(request.session, request.id);
    reply.setCookie(SESSION_COOKIE, result.token, cookieOptions);
    reply.clearCookie(CSRF_COOKIE, { path: '/' });
    return afterStep(reply, result.pendingStep);
  });

  web.get(
    '/sign-in/second-factor',
    { config: { access: { pendingStep: 'second-factor' } } },
    async (_request, reply) =>
      reply.render('auth/second-factor.njk', { pageTitle: 'Enter the code from your authenticator app' }),
  );

  web.post(
    '/sign-in/second-factor',
    { config: { access: { pendingStep: 'second-factor' }, rateLimit: signInAttemptsPerAddress } },
    async (request, reply) => {
      const page = (errors: ReturnType<typeof formErrors>, status = 400) =>
        reply.code(status).render('auth/second-factor.njk', {
          pageTitle: 'Enter the code from your authenticator app',
          ...errors,
        });
      const parsed = secondFactorSchema.safeParse(request.body);
      if (!parsed.success) return page(formErrors(fieldErrorsOf(parsed.error)));
      const session = request.session;
      if (!session) return reply.redirect('/sign-in', 303);
      const result = await services.signIn.completeSecondFactor(session, parsed.data.code, request.id);
      if (result.kind === 'invalid')
        return page(
          formErrors([
            { field: 'code', message: 'The code is not correct. Enter the code your app shows now' },
          ]),
          401,
        );
      if (result.kind === 'locked') {
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return page(formErrors([{ field: 'code', message: lockedMessage(result.until) }]), 429);
      }
      reply.setCookie(SESSION_COOKIE, result.token, cookieOptions);
      reply.clearCookie(CSRF_COOKIE, { path: '/' });
      return afterStep(reply, result.pendingStep);
    },
  );

  const enrolPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    errors = {},
    status = 200,
    shown: string | null = null,
  ) => {
    const session = request.session;
    if (!session) return reply.redirect('/sign-in', 303);
    // After a wrong code the same secret is shown again: the app may already hold it.
    const secret = shown ?? (await services.signIn.beginEnrolment(session, request.id));
    return reply.code(status).render('auth/set-up-second-factor.njk', {
      pageTitle: 'Set up your second factor',
      secret,
      secretShown: secret.replace(/(.{4})/g, '$1 ').trim(),
      uri: totpUri(secret, session.user.email),
      formAction: request.url.split('?')[0],
      ...errors,
    });
  };
  const enrolSubmit = async (request: FastifyRequest, reply: FastifyReply) => {
    const session = request.session;
    if (!session) return reply.redirect('/sign-in', 303);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const posted = typeof body.secret === 'string' && isTotpSecret(body.secret) ? body.secret : null;
    const parsed = secondFactorSchema.safeParse(request.body);
    if (!parsed.success || !posted) {
      const errors = parsed.success
        ? [
            {
              field: 'code',
              message: 'The key has changed. Add the key shown now to your app and enter its code',
            },
          ]
        : fieldErrorsOf(parsed.error);
      return enrolPage(request, reply, formErrors(errors), 400, posted);
    }
    const ok = await services.signIn.confirmEnrolment(session, posted, parsed.data.code, request.id);
    if (!ok) {
      return enrolPage(
        request,
        reply,
        formErrors([
          { field: 'code', message: 'The code is not correct. Enter the code your app shows now' },
        ]),
        400,
        posted,
      );
    }
    if (session.pendingStep === 'enrol-second-factor')
      return afterStep(reply, session.user.mustChangePassword ? 'change-password' : null);
    return reply.redirect('/account?done=second-factor', 303);
  };
  web.get(
    '/sign-in/set-up-second-factor',
    { config: { access: { pendingStep: 'enrol-second-factor' } } },
    (request, reply) => enrolPage(request, reply),
  );
  web.post(
    '/sign-in/set-up-second-factor',
    { config: { access: { pendingStep: 'enrol-second-factor' } } },
    enrolSubmit,
  );
  web.get('/account/second-factor', { config: { access: 'signed-in' } }, (request, reply) =>
    enrolPage(request, reply),
  );
  web.post('/account/second-factor', { config: { access: 'signed-in' } }, enrolSubmit);

  const passwordPage = (
    reply: FastifyReply,
    formAction: string,
    askCurrent: boolean,
    errors = {},
    status = 200,
  ) =>
    reply.code(status).render('auth/change-password.njk', {
      pageTitle: 'Choose a new password',
      formAction,
      askCurrent,
      ...errors,
    });
  const passwordSubmit = async (request: FastifyRequest, reply: FastifyReply) => {
    const session = request.session;
    if (!session) return reply.redirect('/sign-in', 303);
    const formAction = request.url.split('?')[0] ?? '/';
    // Right after a reset the temporary password was just given; otherwise the current one is asked.
    const askCurrent = session.pendingStep !== 'change-password';
    const parsed = changePasswordSchema.safeParse(request.body);
    const errors = parsed.success ? [] : fieldErrorsOf(parsed.error);
    if (askCurrent) {
      const current = (request.body as Record<string, unknown> | undefined)?.currentPassword;
      if (typeof current !== 'string' || current === '') {
        errors.unshift({ field: 'currentPassword', message: 'Enter your current password' });
      } else if (!(await services.signIn.currentPasswordIs(session, current))) {
        errors.unshift({ field: 'currentPassword', message: 'Your current password is not correct' });
      }
    }
    if (!parsed.success || errors.length > 0) {
      return passwordPage(reply, formAction, askCurrent, formErrors(errors), 400);
    }
    try {
      await services.signIn.changePassword(session, parsed.data.password, request.id);
    } catch (error) {
      return passwordPage(reply, formAction, askCurrent, asFormErrors(error), 400);
    }
    return reply.redirect(session.pendingStep === 'change-password' ? '/' : '/account?done=password', 303);
  };
  web.get(
    '/sign-in/change-password',
    { config: { access: { pendingStep: 'change-password' } } },
    (request, reply) => passwordPage(reply, request.url, false),
  );
  web.post(
    '/sign-in/change-password',
    { config: { access: { pendingStep: 'change-password' } } },
    passwordSubmit,
  );
  web.get('/account/password', { config: { access: 'signed-in' } }, (request, reply) =>
    passwordPage(reply, request.url, true),
  );
  web.post('/account/password', { config: { access: 'signed-in' } }, passwordSubmit);

  web.post('/sign-out', { config: { access: 'public' } }, async (request, reply) => {
    if (request.session) await services.signIn.signOut(request.session, request.id);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/signed-out', 303);
  });
  web.get('/signed-out', { config: { access: 'public' } }, async (request, reply) => {
    const timedOut = (request.query as { timeout?: string }).timeout === '1';
    return reply.render('auth/signed-out.njk', {
      pageTitle: timedOut ? 'You have been signed out' : 'You have signed out',
      timedOut,
    });
  });

  // The timeout warning's "Stay signed in": loading the session has already marked it active.
  web.get('/session/keep-alive', { config: { access: 'signed-in' } }, async (_request, reply) =>
    reply.code(204).send(),
  );

  web.get('/account', { config: { access: 'signed-in' } }, async (request, reply) => {
    const session = request.session;
    const done = (request.query as { done?: string }).done;
    return reply.render('auth/account.njk', {
      pageTitle: 'Your account',
      email: session?.user.email,
      totpEnabled: session?.user.totpEnabled,
      mayHaveTokens: request.ctx.permissions.has('api-token:own'),
      done:
        done === 'password'
          ? 'Your password has been changed'
          : done === 'second-factor'
            ? 'Your second factor is set up'
            : null,
    });
  });

  web.get('/account/api-tokens', { config: { access: 'api-token:own' } }, async (request, reply) => {
    const tokens = await services.apiTokens.listOwn(request.ctx);
    return reply.render('auth/api-tokens.njk', { pageTitle: 'API tokens', tokens, values: {} });
  });

  const tokenName = z.object({
    name: z
      .string()
      .trim()
      .min(1, 'Enter a name for the token')
      .max(100, 'Name must be 100 characters or fewer'),
  });
  web.post('/account/api-tokens', { config: { access: 'api-token:own' } }, async (request, reply) => {
    const parsed = tokenName.safeParse(request.body);
    if (!parsed.success) {
      const tokens = await services.apiTokens.listOwn(request.ctx);
      return reply.code(400).render('auth/api-tokens.njk', {
        pageTitle: 'API tokens',
        tokens,
        values: request.body ?? {},
        ...formErrors(fieldErrorsOf(parsed.error)),
      });
    }
    const created = await services.apiTokens.create(request.ctx, parsed.data.name);
    const tokens = await services.apiTokens.listOwn(request.ctx);
    return reply.render('auth/api-tokens.njk', {
      pageTitle: 'API tokens',
      tokens,
      values: {},
      newToken: created.token,
    });
  });

  web.post<{ Params: { id: string } }>(
    '/account/api-tokens/:id/revoke',
    { config: { access: 'api-token:own' } },
    async (request, reply) => {
      if (!recordId(request)) return reply.callNotFound();
      await services.apiTokens.revoke(request.ctx, request.params.id);
      return reply.redirect('/account/api-tokens', 303);
    },
  );
}
