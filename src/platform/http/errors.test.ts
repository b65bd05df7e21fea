import { describe, expect, it } from 'vitest';
import { Browser, buildTestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';

describe('unexpected errors', () => {
  it('show the problem page with a reference and no stack trace; the API answers problem+json', async () => {
    const t = await buildTestApp(
      {},
      {
        extraWebRoutes: (web) => {
          web.get('/explode', { config: { access: 'signed-in' } }, async () => {
            throw new Error('database exploded at /work/secret/path.ts:12');
          });
        },
        extraApiRoutes: (api) => {
          api.get('/explode', { config: { access: 'signed-in' } }, async () => {
            throw new Error('database exploded at /work/secret/path.ts:12');
          });
        },
      },
    );
    try {
      const browser = new Browser(t.app);
      await browser.signIn('analyst@lantern.invalid');
      const page = await browser.get('/explode');
      expect(page.statusCode).toBe(500);
      expect(page.body).toContain('Sorry, there is a problem with the service');
      expect(page.body).toContain(page.headers['x-request-id'] ?? 'no request id header');
      expect(page.body).not.toContain('exploded');
      expect(page.body).not.toContain('path.ts');

      const { token } = await t.services.apiTokens.create(
        await contextFor(t, 'analyst@lantern.invalid'),
        'probe',
      );
      const api = await t.app.inject({
        url: '/api/v1/explode',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(api.statusCode).toBe(500);
      expect(api.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(api.body).not.toContain('exploded');
    } finally {
      await t.close();
    }
  });
});
