import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Permission } from '../access/catalogue';
import type { PendingStep, ResolvedSession } from '../auth/sessions';
import type { Context } from '../context';
import { NotFoundError, UnauthenticatedError } from './errors';

/**
 * What a route needs before its handler runs. Every route declares one; a route without a
 * declaration refuses every request, and a test fails for it.
 * - `public`: anyone, signed in or not;
 * - `signed-in`: any fully signed-in user;
 * - a permission from the catalogue: a signed-in user holding it (others get the 404 page);
 * - `{ pendingStep }`: a session part-way through sign-in at that step.
 */
export type RouteAccess = 'public' | 'signed-in' | Permission | { pendingStep: PendingStep };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
    /** Renders the route's form with an error when an uploaded file is over the size limit. */
    fileTooLarge?: (request: FastifyRequest, reply: FastifyReply) => unknown;
  }
  interface FastifyRequest {
    session: ResolvedSession | null;
    ctx: Context;
  }
}

export interface RegisteredRoute {
  method: string;
  url: string;
  readonly access: RouteAccess | undefined;
}

/**
 * Collects every route as it is registered, for the declaration test and the access probes. The
 * declaration is read when asked for, because a scope's own onRoute hook (the public assets) may
 * add it after this root hook has seen the route.
 */
export function collectRoutes(app: FastifyInstance): RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD') continue;
      routes.push({
        method,
        url: route.url,
        get access() {
          return (route.config as { access?: RouteAccess } | undefined)?.access;
        },
      });
    }
  });
  return routes;
}

export function undeclaredRoutes(routes: RegisteredRoute[]): string[] {
  return routes.filter((r) => r.access === undefined).map((r) => `${r.method} ${r.url}`);
}

/** Enforces the route's declaration. Runs after authentication, before the body is read. */
export async function authorise(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  // The not-found handler has no declaration of its own; it reveals nothing.
  if (request.is404 || request.routeOptions.url === undefined) return;
  const access = request.routeOptions.config.access;
  if (access === undefined) {
    throw new Error(`Route ${request.method} ${request.routeOptions.url} has no access declaration`);
  }
  if (access === 'public') return;
  const session = request.session;
  if (typeof access === 'object') {
    if (!session || session.pendingStep !== access.pendingStep) throw new UnauthenticatedError();
    return;
  }
  if (!session || session.pendingStep !== null) throw new UnauthenticatedError();
  if (access === 'signed-in') return;
  if (!request.ctx.permissions.has(access)) throw new NotFoundError();
}

/** The API's form of `authorise`: the bearer token has already been checked; sign-in steps do not apply. */
export async function authoriseApi(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  if (request.is404 || request.routeOptions.url === undefined) return;
  const access = request.routeOptions.config.access;
  if (access === undefined) {
    throw new Error(`Route ${request.method} ${request.routeOptions.url} has no access declaration`);
  }
  if (access === 'public' || access === 'signed-in') return;
  if (typeof access === 'object' || !request.ctx.permissions.has(access)) throw new NotFoundError();
}
