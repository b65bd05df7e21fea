import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/support/app';
import { contextFor } from '../../../test/support/contexts';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('API', () => {
  it('serves valid OpenAPI at /api/docs/json listing every /api/v1 route', async () => {
    const res = await t.app.inject({ url: '/api/docs/json' });
    expect(res.statusCode).toBe(200);
    const spec = res.json();
    await expect(SwaggerParser.validate(structuredClone(spec))).resolves.toBeTruthy();
    const apiRoutes = t.routes.filter((r) => r.url.startsWith('/api/v1/'));
    expect(apiRoutes.length).toBeGreaterThan(0);
    for (const r of apiRoutes) {
      const openApiPath = r.url.replace(/:(\w+)/g, '{$1}');
      expect(spec.paths[openApiPath]?.[r.method.toLowerCase()], `${r.method} ${r.url}`).toBeDefined();
    }
  });

  it('shows the operations on /api/docs', async () => {
    const res = await t.app.inject({ url: '/api/docs' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('/api/v1/me');
  });

  it('answers a call without a token with 401 problem+json', async () => {
    const res = await t.app.inject({ url: '/api/v1/me' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.json()).toMatchObject({ status: 401, title: 'Unauthorised' });
  });

  it('ignores a browser session cookie: the API takes bearer tokens only', async () => {
    const browser = new Browser(t.app);
    await browser.signIn('police.mash@lantern.invalid');
    const res = await browser.get('/api/v1/me');
    expect(res.statusCode).toBe(401);
  });

  it('accepts a personal token with its owner’s permissions, audits its use, and refuses it once revoked', async () => {
    const ctx = await contextFor(t, 'police.mash@lantern.invalid');
    const { id, token } = await t.services.apiTokens.create(ctx, 'Force system');
    const ok = await t.app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({
      name: 'Sam Okafor',
      agency: { name: 'West Yorkshire Police', type: 'police_force' },
      roles: ['police_mash_officer'],
      credentialId: id,
    });
    expect(ok.json().permissions).toContain('child:view');

    await t.services.apiTokens.revoke(ctx, id);
    const revoked = await t.app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
    expect(revoked.statusCode).toBe(401);
    expect(revoked.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('refuses an unknown token and a token of a disabled user', async () => {
    const unknown = await t.app.inject({
      url: '/api/v1/me',
      headers: { authorization: 'Bearer lnt_not-a-token' },
    });
    expect(unknown.statusCode).toBe(401);
    const ctx = await contextFor(t, 'coordinator@lantern.invalid');
    const { token } = await t.services.apiTokens.create(ctx, 'Soon disabled');
    const admin = await contextFor(t, 'agency.admin@lantern.invalid');
    await t.services.users.disable(admin, ctx.actor?.userId ?? '');
    const res = await t.app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(401);
  });

  it('answers an unknown API path with 404 problem+json', async () => {
    const ctx = await contextFor(t, 'social.mash@lantern.invalid');
    const { token } = await t.services.apiTokens.create(ctx, 'probe');
    const res = await t.app.inject({
      url: '/api/v1/nothing-here',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ type: 'about:blank', title: 'Not found', status: 404 });
  });
});

describe('health', () => {
  it('answers 200 while the database answers', async () => {
    const res = await t.app.inject({ url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });
});
