import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Permission } from '../access/catalogue';
import { resolveSession } from '../auth/sessions';
import { contextOf } from '../auth/sign-in.service';
import type { Context } from '../context';
import { withoutTransaction } from '../db/transaction';
import type { PlatformServices as Services } from '../services';

export const SESSION_COOKIE = 'lantern_session';
export const CSRF_COOKIE = 'lantern_csrf';

declare module 'fastify' {
  interface FastifyReply {
    render(template: string, data?: Record<string, unknown>): Promise<FastifyReply>;
  }
}

export function anonymousContext(services: Services, requestId: string): Context {
  return { actor: null, permissions: new Set(), requestId, clock: services.clock };
}

/** Finds the browser's session from its cookie. API routes never call this: they ignore cookies. */
export function loadWebSession(services: Services) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    request.session = null;
    request.ctx = anonymousContext(services, request.id);
    const token = request.cookies[SESSION_COOKIE];
    if (!token) return;
    // One statement: no transaction of its own.
    const session = await withoutTransaction(services.database, (tx) =>
      resolveSession(tx, token, services.clock, services.config.session),
    );
    if (!session) {
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return;
    }
    request.session = session;
    if (session.pendingStep === null) request.ctx = contextOf(session, request.id, services.clock);
  };
}

interface NavItem {
  href: string;
  text: string;
  permission?: Permission;
}

const navItems: NavItem[] = [
  { href: '/', text: 'Home' },
  { href: '/work', text: 'My work', permission: 'work:view' },
  { href: '/alerts', text: 'Alerts', permission: 'child:view' },
  { href: '/children', text: 'Children', permission: 'child:view' },
  { href: '/mash', text: 'MASH', permission: 'notice:triage' },
  { href: '/children/repeat-missing', text: 'Repeat missing', permission: 'episode:report' },
  { href: '/episodes/reviews-overdue', text: 'Reviews overdue', permission: 'episode:grade' },
  { href: '/return-interviews', text: 'Return interviews', permission: 'return-interview:record' },
  { href: '/justice-cases', text: 'Justice cases', permission: 'justice:view' },
  { href: '/intelligence', text: 'Intelligence', permission: 'intelligence:view' },
  { href: '/intelligence/hotspots', text: 'Hotspots', permission: 'child:view' },
  { href: '/reports', text: 'Reports', permission: 'report:view' },
  { href: '/homes', text: 'Homes', permission: 'childrens-home:view' },
  { href: '/subgroups', text: 'Subgroup', permission: 'subgroup:manage' },
  { href: '/sighting-codes', text: 'Access codes', permission: 'sighting-code:manage' },
  { href: '/training', text: 'Training', permission: 'training:view' },
  { href: '/admin/users', text: 'Users', permission: 'user:manage' },
  { href: '/admin/thresholds', text: 'Thresholds', permission: 'threshold:manage' },
  { href: '/admin/agencies', text: 'Agencies', permission: 'agency:manage-own' },
  { href: '/break-glass/review', text: 'Break-glass', permission: 'break-glass:review' },
  { href: '/admin/retention', text: 'Retention', permission: 'retention:review' },
  { href: '/admin/training/courses', text: 'Courses', permission: 'training:manage-courses' },
  { href: '/audit', text: 'Audit log', permission: 'audit:view' },
];

export function navigationFor(ctx: Context, path: string) {
  if (!ctx.actor) return [];
  return navItems
    .filter((i) => !i.permission || ctx.permissions.has(i.permission))
    .map((i) => ({
      href: i.href,
      text: i.text,
      active: i.href === '/' ? path === '/' : path === i.href || path.startsWith(`${i.href}/`),
    }));
}

/** Page locals every template gets: the nonce, a CSRF token, who is signed in, the navigation. */
export async function renderPage(
  request: FastifyRequest,
  reply: FastifyReply,
  template: string,
  data: Record<string, unknown> = {},
  idleSeconds = 1800,
): Promise<FastifyReply> {
  const ctx = request.ctx;
  const nonce = (reply as FastifyReply & { cspNonce?: { script: string } }).cspNonce?.script ?? '';
  const locals = {
    cspNonce: nonce,
    csrfToken: reply.generateCsrf(),
    currentUser: ctx?.actor ? { name: ctx.actor.name, agencyName: ctx.actor.agencyName } : null,
    navigation: ctx ? navigationFor(ctx, request.url.split('?')[0] ?? '/') : [],
    requestId: request.id,
    sessionTimeout: ctx?.actor ? { idleSeconds, warnSeconds: 120 } : null,
    ...data,
  };
  reply.header('cache-control', 'no-store');
  return reply
    .type('text/html; charset=utf-8')
    .viewAsync(template, locals)
    .then((html) => reply.send(html));
}
