import type { FastifyInstance } from 'fastify';
import { isRole, roles as roleCatalogue } from '../access/catalogue';
import type { PlatformServices as Services } from '../services';

export function registerPageRoutes(web: FastifyInstance, _services: Services): void {
  web.get('/', { config: { access: 'signed-in' } }, async (request, reply) => {
    const ctx = request.ctx;
    if (!ctx.actor) throw new Error('signed-in route without an actor');
    const roleNames = ctx.actor.roles.filter(isRole).map((r) => roleCatalogue[r].name);
    const tasks = [
      ctx.permissions.has('user:manage') && { href: '/admin/users', text: 'Manage user accounts' },
      ctx.permissions.has('agency:manage-own') && { href: '/admin/agencies', text: 'Agencies' },
      ctx.permissions.has('audit:view') && { href: '/audit', text: 'Read the audit log' },
      ctx.permissions.has('api-token:own') && {
        href: '/account/api-tokens',
        text: 'API tokens for your systems',
      },
      { href: '/account', text: 'Your account and second factor' },
    ].filter(Boolean);
    return reply.render('pages/home.njk', {
      pageTitle: 'Home',
      roleNames,
      tasks,
      agencyType: ctx.actor.agencyType,
    });
  });

  for (const [url, template] of [
    ['/accessibility', 'pages/accessibility.njk'],
    ['/privacy', 'pages/privacy.njk'],
    ['/cookies', 'pages/cookies.njk'],
  ] as const) {
    web.get(url, { config: { access: 'public' } }, async (_request, reply) => reply.render(template));
  }

  web.get('/api/docs', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) => {
    const spec = web.swagger() as { paths?: Record<string, Record<string, { summary?: string }>> };
    const operations = Object.entries(spec.paths ?? {}).flatMap(([p, methods]) =>
      Object.entries(methods).map(([method, op]) => ({
        method: method.toUpperCase(),
        path: p,
        summary: op.summary ?? '',
      })),
    );
    return reply.render('pages/api-docs.njk', { pageTitle: 'API reference', operations });
  });
}
