import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiToken, appUser, session } from '../../src/platform/auth/tables';
import { hashToken } from '../../src/platform/auth/tokens';
import { currentTotp, newTotpSecret } from '../../src/platform/auth/totp';
import { SESSION_COOKIE } from '../../src/platform/http/web';
import { Browser, buildTestApp, DEMO_PASSWORD, type TestApp } from '../support/app';
import { contextFor } from '../support/contexts';

// Every way a session ends, on the test clock: each case signs in, reaches the session's end, and
// then tries the old cookie (and, where one applies, the API token). A session that still opens a
// page after its end has outlived it. Where a limit is a time, the moment just inside it must still
// work, so the case cannot pass by ending sessions too early.

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

const ADMIN = 'hub.admin@lantern.invalid';
const SECOND = 1_000;

type Kind =
  | 'fixation'
  | 'sign-out'
  | 'idle'
  | 'absolute'
  | 'disabled'
  | 'password change'
  | 'second-factor change';

interface Outcome {
  /** Credentials that must no longer work, with whether each still does. */
  ended: { what: string; works: boolean }[];
  /** Credentials that must still work (the session making a change, or one just inside a limit). */
  kept: { what: string; works: boolean }[];
}

interface Case {
  kind: Kind;
  name: string;
  run(): Promise<Outcome>;
}

/** Whether a session cookie still opens a signed-in page. */
async function sessionWorks(token: string): Promise<boolean> {
  const res = await t.app.inject({ method: 'GET', url: '/account', cookies: { [SESSION_COOKIE]: token } });
  if (res.statusCode === 200) return true;
  expect(res.statusCode).toBe(303);
  expect(res.headers.location).toBe('/sign-in');
  return false;
}

async function browserWorks(browser: Browser): Promise<boolean> {
  const res = await browser.get('/account');
  if (res.statusCode === 200) return true;
  expect(res.headers.location).toBe('/sign-in');
  return false;
}

async function tokenWorks(token: string): Promise<boolean> {
  const res = await t.app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
  if (res.statusCode === 200) return true;
  expect(res.statusCode).toBe(401);
  return false;
}

async function signedIn(email: string): Promise<Browser> {
  const browser = new Browser(t.app);
  const res = await browser.signIn(email);
  expect(res.statusCode, `sign-in as ${email}`).toBe(303);
  expect(res.headers.location, `sign-in as ${email} completes`).toBe('/');
  return browser;
}

async function userId(email: string): Promise<string> {
  const [row] = await t.services.withTransaction((tx) =>
    tx.select({ id: appUser.id }).from(appUser).where(eq(appUser.email, email)),
  );
  if (!row) throw new Error(`no demo user ${email}`);
  return row.id;
}

async function apiTokenFor(email: string): Promise<string> {
  const token = `lnt_sessions_${Math.random().toString(36).slice(2)}`;
  const id = await userId(email);
  await t.services.withTransaction((tx) =>
    tx
      .insert(apiToken)
      .values({ userId: id, name: 'sessions probe', tokenHash: hashToken(token), createdAt: t.clock.now() }),
  );
  return token;
}

const idleMs = () => t.config.session.idleMinutes * 60_000;
const absoluteMs = () => t.config.session.absoluteHours * 3_600_000;

const cases: Case[] = [
  {
    kind: 'fixation',
    name: 'a session id planted before sign-in is replaced, and the planted one is not signed in',
    async run() {
      const browser = new Browser(t.app);
      await browser.get('/sign-in');
      const planted = 'planted-by-someone-else';
      browser.setCookie(SESSION_COOKIE, planted);
      await browser.post('/sign-in', { email: 'health@lantern.invalid', password: DEMO_PASSWORD });
      const issued = browser.cookie(SESSION_COOKIE) ?? '';
      expect(issued).not.toBe('');
      expect(issued).not.toBe(planted);
      return {
        ended: [{ what: 'planted id', works: await sessionWorks(planted) }],
        kept: [{ what: 'issued id', works: await sessionWorks(issued) }],
      };
    },
  },
  {
    kind: 'fixation',
    name: 'signing in over a session left in the browser issues a new id and ends the one left',
    async run() {
      // Someone else's live session left on a shared computer: the next sign-in replaces and ends it.
      const browser = await signedIn('auditor@lantern.invalid');
      const earlier = browser.cookie(SESSION_COOKIE) ?? '';
      await browser.get('/account');
      const res = await browser.post('/sign-in', {
        email: 'health@lantern.invalid',
        password: DEMO_PASSWORD,
      });
      expect(res.statusCode).toBe(303);
      const issued = browser.cookie(SESSION_COOKIE) ?? '';
      expect(issued).not.toBe(earlier);
      const page = await browser.get('/account');
      expect(page.body).toContain('health@lantern.invalid');
      return {
        ended: [{ what: 'the session left in the browser', works: await sessionWorks(earlier) }],
        kept: [{ what: 'issued id', works: await sessionWorks(issued) }],
      };
    },
  },
  {
    kind: 'fixation',
    name: 'a session part-way through sign-in, planted before the second factor, is replaced when the code is given',
    async run() {
      // Someone who knows the password but not the second factor plants their half-signed-in id.
      const email = 'neighbour.police@lantern.invalid';
      const secret = newTotpSecret();
      await t.services.withTransaction((tx) =>
        tx
          .update(appUser)
          .set({ totpSecret: secret, totpEnabledAt: t.clock.now() })
          .where(eq(appUser.email, email)),
      );
      const attacker = new Browser(t.app);
      const half = await attacker.signIn(email);
      expect(half.headers.location).toBe('/sign-in/second-factor');
      const planted = attacker.cookie(SESSION_COOKIE) ?? '';
      const victim = new Browser(t.app);
      victim.setCookie(SESSION_COOKIE, planted);
      expect((await victim.get('/sign-in/second-factor')).statusCode).toBe(200);
      const done = await victim.post('/sign-in/second-factor', { code: await currentTotp(secret, t.clock) });
      expect(done.headers.location).toBe('/');
      const issued = victim.cookie(SESSION_COOKIE) ?? '';
      expect(issued).not.toBe(planted);
      return {
        ended: [
          { what: 'planted id', works: await sessionWorks(planted) },
          { what: 'planted id in the browser that planted it', works: await browserWorks(attacker) },
        ],
        kept: [{ what: 'issued id', works: await sessionWorks(issued) }],
      };
    },
  },
  {
    kind: 'sign-out',
    name: 'signing out ends the session on the server, so a copy of the cookie no longer works',
    async run() {
      const browser = await signedIn('chair@lantern.invalid');
      const token = browser.cookie(SESSION_COOKIE) ?? '';
      const other = await signedIn('chair@lantern.invalid');
      await browser.get('/account');
      const out = await browser.post('/sign-out', {});
      expect(out.headers.location).toBe('/signed-out');
      const [row] = await t.services.withTransaction((tx) =>
        tx
          .select()
          .from(session)
          .where(eq(session.tokenHash, hashToken(token))),
      );
      expect(row?.endedAt).not.toBeNull();
      return {
        ended: [{ what: 'signed-out cookie', works: await sessionWorks(token) }],
        kept: [{ what: 'another sign-in of the same person', works: await browserWorks(other) }],
      };
    },
  },
  {
    kind: 'idle',
    name: `a session idle just under the limit works; one idle just over it has ended`,
    async run() {
      const inside = await signedIn('coordinator@lantern.invalid');
      const past = await signedIn('coordinator@lantern.invalid');
      t.clock.advance(idleMs() - SECOND);
      const insideWorks = await browserWorks(inside);
      // The other session has been idle as long; one more second takes it past.
      t.clock.advance(2 * SECOND);
      return {
        ended: [{ what: 'idle past the limit', works: await browserWorks(past) }],
        kept: [{ what: 'idle just under the limit', works: insideWorks }],
      };
    },
  },
  {
    kind: 'absolute',
    name: 'a session kept busy works until just under the absolute limit, and ends just past it',
    async run() {
      const busy = await signedIn('duty.manager@lantern.invalid');
      const step = idleMs() - 60 * SECOND;
      let elapsed = 0;
      let stayedOpen = true;
      while (elapsed + step < absoluteMs() - SECOND) {
        t.clock.advance(step);
        elapsed += step;
        stayedOpen = (await browserWorks(busy)) && stayedOpen;
      }
      t.clock.advance(absoluteMs() - SECOND - elapsed);
      const justInside = await browserWorks(busy);
      t.clock.advance(2 * SECOND);
      return {
        ended: [{ what: 'past the absolute limit', works: await browserWorks(busy) }],
        kept: [{ what: 'kept busy until just under the absolute limit', works: stayedOpen && justInside }],
      };
    },
  },
  {
    kind: 'disabled',
    name: 'disabling an account ends its sessions and API tokens at once',
    async run() {
      const email = 'social.mash@lantern.invalid';
      const browser = await signedIn(email);
      const token = await apiTokenFor(email);
      const before = (await browserWorks(browser)) && (await tokenWorks(token));
      await t.services.users.disable(await contextFor(t, ADMIN), await userId(email));
      const signInAgain = await new Browser(t.app).signIn(email);
      return {
        ended: [
          { what: 'session', works: await browserWorks(browser) },
          { what: 'API token', works: await tokenWorks(token) },
          { what: 'a new sign-in', works: signInAgain.statusCode === 303 },
        ],
        kept: [{ what: 'session and token before', works: before }],
      };
    },
  },
  {
    kind: 'password change',
    name: 'changing one’s own password ends one’s other sessions and keeps the one that changed it',
    async run() {
      const email = 'missing.lead@lantern.invalid';
      const changer = await signedIn(email);
      const elsewhere = await signedIn(email);
      const elsewhereToo = await signedIn(email);
      await changer.get('/account/password');
      const res = await changer.post('/account/password', {
        currentPassword: DEMO_PASSWORD,
        password: 'a-new-long-passphrase-1',
        confirmPassword: 'a-new-long-passphrase-1',
      });
      expect(res.statusCode).toBe(303);
      return {
        ended: [
          { what: 'another session', works: await browserWorks(elsewhere) },
          { what: 'a third session', works: await browserWorks(elsewhereToo) },
        ],
        kept: [{ what: 'the session that changed it', works: await browserWorks(changer) }],
      };
    },
  },
  {
    kind: 'password change',
    name: 'an administrator resetting a password ends every session of the person',
    async run() {
      const email = 'return.worker@lantern.invalid';
      const browser = await signedIn(email);
      await t.services.users.resetPassword(await contextFor(t, ADMIN), await userId(email));
      return { ended: [{ what: 'session', works: await browserWorks(browser) }], kept: [] };
    },
  },
  {
    kind: 'second-factor change',
    name: 'setting up a second factor ends one’s other sessions and keeps the one that set it up',
    async run() {
      const email = 'home.staff@lantern.invalid';
      const enroller = await signedIn(email);
      const elsewhere = await signedIn(email);
      const setUp = await enroller.get('/account/second-factor');
      expect(setUp.statusCode).toBe(200);
      const secret = /name="secret" value="([A-Z2-7]+)"/.exec(setUp.body)?.[1] ?? '';
      const res = await enroller.post('/account/second-factor', {
        secret,
        code: await currentTotp(secret, t.clock),
      });
      expect(res.statusCode).toBe(303);
      return {
        ended: [{ what: 'another session', works: await browserWorks(elsewhere) }],
        kept: [{ what: 'the session that set it up', works: await browserWorks(enroller) }],
      };
    },
  },
  {
    kind: 'second-factor change',
    name: 'an administrator resetting a second factor ends every session of the person',
    async run() {
      const email = 'analyst@lantern.invalid';
      const browser = await signedIn(email);
      await t.services.users.resetSecondFactor(await contextFor(t, ADMIN), await userId(email));
      return { ended: [{ what: 'session', works: await browserWorks(browser) }], kept: [] };
    },
  },
];

describe('sessions end when they should', () => {
  const outlived: string[] = [];
  const cutShort: string[] = [];

  for (const c of cases) {
    it(`${c.kind}: ${c.name}`, async () => {
      const outcome = await c.run();
      for (const e of outcome.ended) if (e.works) outlived.push(`${c.kind}: ${e.what}`);
      for (const k of outcome.kept) if (!k.works) cutShort.push(`${c.kind}: ${k.what}`);
      expect(outcome.ended.filter((e) => e.works).map((e) => e.what)).toEqual([]);
      expect(outcome.kept.filter((k) => !k.works).map((k) => k.what)).toEqual([]);
    });
  }

  it('prints the figure', () => {
    const kinds = [...new Set(cases.map((c) => c.kind))];
    const line = `Sessions: ${cases.length} cases (${kinds.join(', ')}): ${outlived.length} sessions outlived their end`;
    console.log(line);
    expect(kinds).toHaveLength(7);
    expect(outlived).toEqual([]);
    expect(cutShort).toEqual([]);
    expect(line).toMatch(/: 0 sessions outlived their end$/);
  });
});
