import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';
import { permissions } from '../access/catalogue';
import { collectRoutes, undeclaredRoutes } from './declarations';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('route declarations', () => {
  it('every registered route declares who may use it', () => {
    expect(t.routes.length).toBeGreaterThan(20);
    expect(undeclaredRoutes(t.routes)).toEqual([]);
  });

  it('every declared permission is in the catalogue', () => {
    const known = new Set(['public', 'signed-in', ...Object.keys(permissions)]);
    for (const r of t.routes) {
      if (typeof r.access === 'string') expect(known, `${r.method} ${r.url}`).toContain(r.access);
    }
  });

  it('catches a route registered without a declaration, and that route refuses every request', async () => {
    const { default: Fastify } = await import('fastify');
    const app = Fastify();
    const routes = collectRoutes(app);
    app.get('/declared', { config: { access: 'public' } }, async () => 'ok');
    app.get('/forgotten', async () => 'should never be served');
    await app.ready();
    expect(undeclaredRoutes(routes)).toEqual(['GET /forgotten']);
    await app.close();
  });

  it('in the real app, a route added without a declaration is refused rather than served', async () => {
    let served = 0;
    const extra = await buildTestApp(
      {},
      {
        extraWebRoutes: (web) => {
          web.get('/forgotten-page', async () => {
            served += 1;
            return 'secret';
          });
        },
        extraApiRoutes: (api) => {
          api.get('/forgotten', async () => {
            served += 1;
            return { secret: true };
          });
        },
      },
    );
    try {
      expect(undeclaredRoutes(extra.routes)).toEqual(['GET /forgotten-page', 'GET /api/v1/forgotten']);
      const browser = new Browser(extra.app);
      await browser.signIn('hub.admin@lantern.invalid');
      const page = await browser.get('/forgotten-page');
      expect(page.statusCode).toBe(500);
      const token = await extra.services.apiTokens.create(
        await contextFor(extra, 'police.mash@lantern.invalid'),
        'probe',
      );
      const api = await extra.app.inject({
        url: '/api/v1/forgotten',
        headers: { authorization: `Bearer ${token.token}` },
      });
      expect(api.statusCode).toBe(500);
      expect(served).toBe(0);
    } finally {
      await extra.close();
    }
  });
});
