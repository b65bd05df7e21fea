import { randomUUID } from 'node:crypto';
import { count } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Permission, permissionsOf } from '../../src/platform/access/catalogue';
import { auditEvent } from '../../src/platform/audit/tables';
import { type PendingStep, setPendingStep } from '../../src/platform/auth/sessions';
import { hashToken } from '../../src/platform/auth/tokens';
import type { RegisteredRoute } from '../../src/platform/http/declarations';
import { SESSION_COOKIE } from '../../src/platform/http/web';
import { demoUsers } from '../../src/synth/demo';
import { Browser, buildTestApp, type TestApp } from '../support/app';

// Every state-changing page route, probed three ways by a user who may otherwise use it: no CSRF
// token, a wrong token, and the right token sent from another site. None may be accepted, and none
// may write anything (the audit log records every write, so its row count must not move).

let t: TestApp;
const browsers = new Map<string, Browser>();

beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const EVIL = 'https://evil.example';

function stateChangingWebRoutes(routes: RegisteredRoute[]): RegisteredRoute[] {
  return routes.filter((r) => STATE_CHANGING.has(r.method) && !r.url.startsWith('/api/'));
}

/** A demo user allowed through the route's declaration, so a refusal is the CSRF check's doing. */
function userFor(route: RegisteredRoute): string | null {
  const access = route.access;
  if (access === 'public' || access === 'signed-in') return 'hub.admin@lantern.invalid';
  if (typeof access !== 'string') return null;
  const user = demoUsers.find((u) => permissionsOf(u.roles).has(access as Permission));
  return user?.email ?? null;
}

async function browserFor(email: string, pendingStep: PendingStep | null = null): Promise<Browser> {
  const key = `${email} ${pendingStep ?? ''}`;
  const existing = browsers.get(key);
  if (existing) return existing;
  const browser = new Browser(t.app);
  const res = await browser.signIn(email);
  expect(res.statusCode, `sign-in as ${email}`).toBe(303);
  expect(res.headers.location, `sign-in as ${email} completes`).not.toMatch(/sign-in|second-factor|password/);
  if (pendingStep) {
    // A session part-way through sign-in, as a second factor or a new password would leave it.
    const token = browser.cookie(SESSION_COOKIE) ?? '';
    await t.services.withTransaction((tx) => setPendingStep(tx, hashToken(token), pendingStep));
  }
  // A page of the site, for a CSRF token bound to this browser's secret.
  await browser.get(pendingStep ? '/sign-in' : '/');
  expect(browser.csrfToken, `a CSRF token for ${key}`).not.toBe('');
  browsers.set(key, browser);
  return browser;
}

async function auditRows(): Promise<number> {
  const [row] = await t.services.withTransaction((tx) => tx.select({ n: count() }).from(auditEvent));
  return row?.n ?? 0;
}

/** Fills the route's parameters with ids that exist nowhere; the CSRF check runs before any lookup. */
function concreteUrl(url: string): string {
  return url.replace(/:[A-Za-z]+/g, () => randomUUID()).replace(/\*/g, 'x');
}

function send(
  browser: Browser,
  method: string,
  url: string,
  csrf: string | null,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  const body = new URLSearchParams({ reason: 'Example', name: 'Example' });
  if (csrf !== null) body.append('_csrf', csrf);
  return browser.request({
    method: method as 'POST',
    url,
    payload: body.toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  });
}

/** Accepted: a success, or a redirect anywhere but back to sign-in. */
function accepted(res: LightMyRequestResponse): boolean {
  if (res.statusCode >= 200 && res.statusCode < 300) return true;
  if (res.statusCode >= 300 && res.statusCode < 400) {
    return !/^\/sign-in(\?|$)/.test(String(res.headers.location ?? ''));
  }
  return false;
}

describe('CSRF on every state-changing page route', () => {
  it('refuses a missing token, a wrong token and a cross-site Origin, and writes nothing', async () => {
    const routes = stateChangingWebRoutes(t.routes);
    expect(routes.length).toBeGreaterThan(30);
    const attacks: {
      name: string;
      csrf: (b: Browser) => string | null;
      headers: Record<string, string>;
    }[] = [
      { name: 'no token', csrf: () => null, headers: {} },
      { name: 'wrong token', csrf: () => `wrong-${randomUUID()}`, headers: {} },
      {
        name: 'cross-site Origin',
        csrf: (b) => b.csrfToken,
        headers: { origin: EVIL, 'sec-fetch-site': 'cross-site' },
      },
    ];
    const acceptedProbes: string[] = [];
    const written: string[] = [];
    let probes = 0;
    let refusedAsForgery = 0;
    const notProvenByCsrf: string[] = [];
    for (const route of routes) {
      const pending = typeof route.access === 'object' ? route.access.pendingStep : null;
      const email = pending ? 'analyst@lantern.invalid' : userFor(route);
      expect(email, `a demo user who may use ${route.method} ${route.url}`).not.toBeNull();
      const browser = await browserFor(email ?? '', pending);
      for (const attack of attacks) {
        const url = concreteUrl(route.url);
        const before = await auditRows();
        const res = await send(browser, route.method, url, attack.csrf(browser), attack.headers);
        const after = await auditRows();
        probes += 1;
        const label = `${route.method} ${route.url} (${attack.name}) → ${res.statusCode}`;
        if (accepted(res)) acceptedProbes.push(label);
        if (after !== before) written.push(`${label}: ${after - before} audit rows`);
        if (res.statusCode === 403 && res.body.includes('Your form has expired')) refusedAsForgery += 1;
        else notProvenByCsrf.push(label);
      }
    }
    console.log(
      `CSRF: ${routes.length} state-changing routes × ${attacks.length} attacks = ${probes} probes: ${acceptedProbes.length} accepted`,
    );
    console.log(
      `CSRF: ${refusedAsForgery} of ${probes} probes refused by the forgery check itself, sent by a user the route otherwise admits; the rest: ${notProvenByCsrf.join('; ') || 'none'}`,
    );
    expect(acceptedProbes).toEqual([]);
    expect(written).toEqual([]);
    // Every probe must reach the forgery check: otherwise the test proves permissions, not CSRF.
    expect(refusedAsForgery).toBe(probes);
  });

  it('a probe with the right token from the same site does get through the forgery check', async () => {
    const browser = await browserFor('hub.admin@lantern.invalid');
    const res = await send(browser, 'POST', '/sign-out', browser.csrfToken, {
      origin: 'http://localhost:80',
      'sec-fetch-site': 'same-origin',
    });
    expect(res.statusCode).toBe(303);
    browsers.delete('hub.admin@lantern.invalid ');
  });
});

describe('the API ignores session cookies', () => {
  it('refuses a write that carries a session cookie and a CSRF token but no bearer token', async () => {
    const browser = await browserFor('social.mash@lantern.invalid');
    const before = await auditRows();
    const res = await browser.request({
      method: 'POST',
      url: '/api/v1/children',
      payload: { givenName: 'Example', familyName: 'Child' },
      headers: { 'x-csrf-token': browser.csrfToken },
    });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(await auditRows()).toBe(before);
  });
});
